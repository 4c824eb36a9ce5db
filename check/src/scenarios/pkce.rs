//! PKCE (RFC 7636 4.1, 4.2, 4.6; RFC 9700 2.1.1).

use crate::config::ClientConfig;
use crate::judge::{refused, tokens};
use crate::observe::Observations;
use crate::side::{Code, Side};

const IDS: &[&str] = &[
    "rfc7636-4.2-s256",
    "rfc7636-4.6-wrong-verifier",
    "rfc9700-2.1.1-missing-verifier",
    "rfc7636-4.1-malformed-verifier",
];

/// The PKCE checks: the public client's codes (else the confidential
/// client's), and a downgrade on the confidential client.
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    let client = super::public(side).or_else(|| super::code_client(side));
    let Some(client) = client else {
        out.skip_all(IDS, "no client with authorization_code");
        out.skip(
            "rfc9700-2.1.1-pkce-downgrade",
            "no client with authorization_code",
        );
        return out;
    };
    match side.code(client, true, None).await {
        Ok(code) => out.judge(
            IDS[0],
            tokens(&side.exchange(client, &code).await).map(drop),
        ),
        Err(why) => out.skip(IDS[0], format!("no code: {why}")),
    }
    let wrong = side.unique();
    redeem(
        side,
        client,
        IDS[1],
        &mut out,
        Some(&wrong),
        &["invalid_grant"],
    )
    .await;
    redeem(
        side,
        client,
        IDS[2],
        &mut out,
        None,
        &["invalid_grant", "invalid_request"],
    )
    .await;
    malformed(side, client, &mut out).await;
    downgrade(side, &mut out).await;
    out
}

/// A fresh S256 code redeemed with `verifier` instead of its own.
async fn redeem(
    side: &Side<'_>,
    client: &ClientConfig,
    id: &'static str,
    out: &mut Observations,
    verifier: Option<&str>,
    errors: &[&str],
) {
    match side.code(client, true, None).await {
        Ok(code) => {
            let code = Code {
                verifier: verifier.map(str::to_owned),
                ..code
            };
            out.judge(
                id,
                refused(&side.exchange(client, &code).await, &[400], errors),
            );
        }
        Err(why) => out.skip(id, format!("no code: {why}")),
    }
}

/// A challenge of a verifier outside the RFC 7636 4.1 syntax, redeemed
/// with that verifier: only the syntax is wrong.
async fn malformed(side: &Side<'_>, client: &ClientConfig, out: &mut Observations) {
    let short = String::from("too-short-verifier");
    match side.code_for(client, Some(short), None).await {
        Ok(code) => {
            let reply = side.exchange(client, &code).await;
            let errors = &["invalid_request", "invalid_grant"];
            out.judge(IDS[3], refused(&reply, &[400], errors));
        }
        Err(_) => out.judge(IDS[3], Ok(())),
    }
}

async fn downgrade(side: &Side<'_>, out: &mut Observations) {
    let id = "rfc9700-2.1.1-pkce-downgrade";
    let Some(client) = super::code_client(side) else {
        return out.skip(id, "no confidential client with authorization_code");
    };
    if side.config.pkce_required_for_all {
        return out.skip(id, "the server requires PKCE of every client");
    }
    match side.code(client, false, None).await {
        Ok(code) => {
            let code = Code {
                verifier: Some(side.unique()),
                ..code
            };
            let errors = &["invalid_grant", "invalid_request"];
            out.judge(
                id,
                refused(&side.exchange(client, &code).await, &[400], errors),
            );
        }
        Err(why) => out.skip(id, format!("no code without a challenge: {why}")),
    }
}
