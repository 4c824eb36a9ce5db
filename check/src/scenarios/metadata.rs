//! Authorization server metadata (RFC 8414), when the server publishes it.

use serde_json::Value;

use crate::judge::{describe, holds};
use crate::observe::Observations;
use crate::side::Side;

const IDS: &[&str] = &[
    "rfc8414-3.2-metadata-json",
    "rfc8414-3.3-issuer-match",
    "rfc8414-2-required-members",
    "rfc9700-2.1.1-pkce-advertised",
    "rfc9700-2.1.2-no-implicit-advertised",
];

fn strings(value: Option<&Value>) -> Vec<&str> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The metadata checks.
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    let endpoints = &side.endpoints;
    let reply = &endpoints.metadata_reply;
    if reply.status != 200 {
        let why = format!("no metadata ({}; RFC 8414 is optional)", describe(reply));
        out.skip_all(IDS, &why);
        return out;
    }
    let Some(metadata) = &endpoints.metadata else {
        out.judge(
            IDS[0],
            Err(format!(
                "expected 200 with a JSON object; got {}",
                describe(reply)
            )),
        );
        out.skip_all(&IDS[1..], "no metadata document");
        return out;
    };
    let json = if reply.is_json() {
        Ok(())
    } else {
        Err(String::from(
            "the metadata is not served as application/json",
        ))
    };
    out.judge(IDS[0], json);
    let issuer = metadata.get("issuer").and_then(Value::as_str);
    out.judge(
        IDS[1],
        match issuer {
            Some(issuer) if issuer == endpoints.expected_issuer => Ok(()),
            other => Err(format!(
                "expected issuer {:?}; got {other:?}",
                endpoints.expected_issuer
            )),
        },
    );
    out.judge(IDS[2], required_members(side, metadata));
    advertised(metadata, &mut out);
    out
}

/// What the metadata offers: S256 (RFC 9700 2.1.1), no implicit (2.1.2).
fn advertised(metadata: &serde_json::Map<String, Value>, out: &mut Observations) {
    let methods = strings(metadata.get("code_challenge_methods_supported"));
    out.judge(
        IDS[3],
        holds(methods.contains(&"S256"), || {
            format!("code_challenge_methods_supported is {methods:?}")
        }),
    );
    let types = strings(metadata.get("response_types_supported"));
    let implicit: Vec<&str> = types
        .iter()
        .copied()
        .filter(|t| t.split(' ').any(|word| word == "token"))
        .collect();
    out.judge(
        IDS[4],
        holds(implicit.is_empty(), || {
            format!("response_types_supported offers {implicit:?}")
        }),
    );
}

fn required_members(
    side: &Side<'_>,
    metadata: &serde_json::Map<String, Value>,
) -> Result<(), String> {
    let mut required = vec!["issuer", "response_types_supported", "token_endpoint"];
    if side
        .config
        .clients
        .confidential
        .allows("authorization_code")
    {
        required.push("authorization_endpoint");
    }
    let missing: Vec<&str> = required
        .into_iter()
        .filter(|member| metadata.get(*member).is_none())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("missing {}", missing.join(", ")))
    }
}
