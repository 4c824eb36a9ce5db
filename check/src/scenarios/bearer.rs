//! Bearer tokens at the protected resource (RFC 6750).

use crate::config::ClientConfig;
use crate::judge::{challenged, describe};
use crate::observe::Observations;
use crate::side::Side;

const IDS: &[&str] = &[
    "rfc6750-3-no-credentials",
    "rfc6750-3.1-no-error-without-credentials",
    "rfc6750-2.1-valid-token",
    "rfc6750-3.1-invalid-token",
    "rfc6750-3.1-invalid-token-challenge",
    "rfc6750-3.1-insufficient-scope",
    "rfc6750-3.1-revoked-token",
];

fn challenge_has_error(reply: &crate::http::Reply, error: &str) -> bool {
    reply
        .header_values("www-authenticate")
        .iter()
        .any(|v| v.contains(&format!("error=\"{error}\"")))
}

/// RFC 6750 3: a challenge, and no error code when no token was sent.
fn without_credentials(bare: &crate::http::Reply, out: &mut Observations) {
    out.judge(IDS[0], challenged(bare, "Bearer"));
    let named = bare
        .header_values("www-authenticate")
        .iter()
        .any(|v| v.contains("error="));
    out.judge(
        IDS[1],
        crate::judge::holds(!named, || String::from("the challenge names an error")),
    );
}

/// The bearer checks.
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    let Some(bare) = side.resource(None).await else {
        out.skip_all(IDS, "no protected resource configured");
        return out;
    };
    without_credentials(&bare, &mut out);
    let Some(client) = super::code_client(side) else {
        out.skip_all(&IDS[2..], "no client with authorization_code");
        return out;
    };
    let issued = match side.code_tokens(client, true).await {
        Ok(issued) => issued,
        Err(why) => {
            out.skip_all(&IDS[2..], &why);
            return out;
        }
    };
    let valid = side
        .resource(Some(&format!("Bearer {}", issued.access)))
        .await;
    out.judge(
        IDS[2],
        match valid {
            Some(reply) if (200..300).contains(&reply.status) => Ok(()),
            Some(reply) => Err(format!("expected 2xx; got {}", describe(&reply))),
            None => Err(String::from("no resource")),
        },
    );
    let tampered = tamper(&issued.access);
    if let Some(reply) = side.resource(Some(&format!("Bearer {tampered}"))).await {
        out.judge(IDS[3], crate::judge::refused_4xx(&reply));
        let verdict = challenged(&reply, "Bearer").and_then(|()| {
            if challenge_has_error(&reply, "invalid_token") {
                Ok(())
            } else {
                Err(String::from(
                    "the challenge does not say error=\"invalid_token\"",
                ))
            }
        });
        out.judge(IDS[4], verdict);
    }
    insufficient_scope(side, client, &mut out).await;
    revoked(side, client, &mut out).await;
    out
}

/// The token with one character of its signature changed.
fn tamper(token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let at = chars.len().saturating_sub(2);
    if let Some(c) = chars.get_mut(at) {
        *c = if *c == 'A' { 'B' } else { 'A' };
    }
    chars.into_iter().collect()
}

async fn insufficient_scope(side: &Side<'_>, client: &ClientConfig, out: &mut Observations) {
    let id = IDS[5];
    let required = side
        .config
        .resource
        .as_ref()
        .and_then(|r| r.scope.as_deref());
    let Some(required) = required else {
        return out.skip(id, "the resource requires no scope");
    };
    let Some(other) = client.scopes().into_iter().find(|s| *s != required) else {
        return out.skip(
            id,
            "the confidential client has no scope but the required one",
        );
    };
    let code = match side.code(client, true, Some(other)).await {
        Ok(code) => code,
        Err(why) => return out.skip(id, format!("no code: {why}")),
    };
    let issued = match crate::judge::tokens(&side.exchange(client, &code).await) {
        Ok(issued) => issued,
        Err(why) => return out.skip(id, why),
    };
    if let Some(reply) = side
        .resource(Some(&format!("Bearer {}", issued.access)))
        .await
    {
        let verdict = if reply.status == 403 && challenge_has_error(&reply, "insufficient_scope") {
            Ok(())
        } else {
            Err(format!(
                "expected 403 with error=\"insufficient_scope\"; got {}",
                describe(&reply)
            ))
        };
        out.judge(id, verdict);
    }
}

async fn revoked(side: &Side<'_>, client: &ClientConfig, out: &mut Observations) {
    let id = IDS[6];
    if side.endpoints.revocation.is_none() {
        return out.skip(id, "the server has no revocation endpoint");
    }
    let access = match side.revoked_access(client).await {
        Ok(access) => access,
        Err(why) => return out.skip(id, why),
    };
    if let Some(reply) = side.resource(Some(&format!("Bearer {access}"))).await {
        let verdict = if (400..500).contains(&reply.status) {
            Ok(())
        } else {
            Err(format!("expected a refusal; got {}", describe(&reply)))
        };
        out.judge(id, verdict);
    }
}
