//! Token introspection (RFC 7662).

use crate::judge::{describe, refused, refused_4xx};
use crate::observe::Observations;
use crate::side::{Auth, Side};

const IDS: &[&str] = &[
    "rfc7662-2.1-auth-required",
    "rfc7662-2.2-active",
    "rfc7662-2.2-inactive-unknown",
    "rfc7662-2.3-missing-token",
];

fn active(reply: &crate::http::Reply) -> Option<bool> {
    reply.json()?.get("active")?.as_bool()
}

/// A live token: refused without authentication, active with it.
async fn live_token(
    side: &Side<'_>,
    asker: &crate::config::ClientConfig,
    token: &str,
    out: &mut Observations,
) {
    let token = [("token", token)];
    if let Some(reply) = side.introspect(Auth::Nothing, &token).await {
        out.judge(IDS[0], refused_4xx(&reply));
    }
    if let Some(reply) = side.introspect(Auth::Client(asker), &token).await {
        let ok = reply.status == 200 && active(&reply) == Some(true);
        out.judge(
            IDS[1],
            crate::judge::holds(ok, || {
                format!("expected 200 with active true; got {}", describe(&reply))
            }),
        );
    }
}

/// The introspection checks.
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    if side.endpoints.introspection.is_none() {
        out.skip_all(IDS, "the server has no introspection endpoint");
        return out;
    }
    let config = &side.config.clients;
    let owner = &config.confidential;
    let asker = config.introspector.as_ref().unwrap_or(owner);
    let issued = match super::code_client(side) {
        Some(client) => side.code_tokens(client, true).await,
        None => Err(String::from("no client with authorization_code")),
    };
    match &issued {
        Ok(issued) => live_token(side, asker, &issued.access, &mut out).await,
        Err(why) => out.skip_all(&IDS[..2], why),
    }
    let unknown = side.unique();
    if let Some(reply) = side
        .introspect(Auth::Client(asker), &[("token", &unknown)])
        .await
    {
        let active = reply
            .json()
            .and_then(|m| m.get("active").and_then(|a| a.as_bool()));
        out.judge(
            IDS[2],
            match (reply.status, active) {
                (200, Some(false)) => Ok(()),
                _ => Err(format!(
                    "expected 200 with active false; got {}",
                    describe(&reply)
                )),
            },
        );
    }
    if let Some(reply) = side.introspect(Auth::Client(asker), &[]).await {
        out.judge(IDS[3], refused(&reply, &[400], &["invalid_request"]));
    }
    out
}
