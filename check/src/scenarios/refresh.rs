//! The refresh_token grant (RFC 6749 6) and rotation (RFC 9700 4.14.2).

use crate::config::ClientConfig;
use crate::judge::{Tokens, granted_within, refused, scope_set, tokens};
use crate::observe::Observations;
use crate::side::Side;

const ROTATION: &[&str] = &[
    "rfc9700-4.14.2-public-rotation",
    "rfc9700-4.14.2-rotated-out",
    "rfc9700-4.14.2-reuse-revokes-family",
];

/// The refresh checks.
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    let confidential = super::code_client(side).filter(|c| c.allows("refresh_token"));
    match confidential {
        Some(client) => {
            let reply = match grant(side, client, None).await {
                Ok(refresh) => tokens(&side.refresh(client, &refresh, None).await).map(drop),
                Err(why) => Err(why),
            };
            out.judge("rfc6749-6-refresh", reply);
            scopes(side, client, &mut out).await;
            let unknown = side.unique();
            let reply = side.refresh(client, &unknown, None).await;
            out.judge(
                "rfc6749-6-unknown-token",
                refused(&reply, &[400], &["invalid_grant"]),
            );
        }
        None => out.skip_all(
            &[
                "rfc6749-6-refresh",
                "rfc6749-6-wider-scope",
                "rfc6749-6-narrower-scope",
                "rfc6749-6-refresh-scope-kept",
                "rfc6749-6-unknown-token",
            ],
            "no confidential client with authorization_code and refresh_token",
        ),
    }
    let public = super::public(side).filter(|c| c.allows("refresh_token"));
    match public {
        Some(public) => {
            rotation(side, public, &mut out).await;
            other_client(side, public, confidential, &mut out).await;
        }
        None => {
            out.skip_all(ROTATION, "no public client with refresh_token");
            out.skip(
                "rfc6749-6-other-client",
                "no public client with refresh_token",
            );
        }
    }
    out
}

/// A refresh token from a fresh code of `client`, for `scope`.
pub async fn grant(
    side: &Side<'_>,
    client: &ClientConfig,
    scope: Option<&str>,
) -> Result<String, String> {
    let pkce = true;
    let code = side
        .code(client, pkce, scope)
        .await
        .map_err(|e| format!("no code: {e}"))?;
    let issued =
        tokens(&side.exchange(client, &code).await).map_err(|e| format!("no tokens: {e}"))?;
    issued
        .refresh
        .ok_or_else(|| String::from("the code exchange issued no refresh token"))
}

async fn scopes(side: &Side<'_>, client: &ClientConfig, out: &mut Observations) {
    let all = client.scopes();
    let (Some(first), true) = (all.first().copied(), all.len() >= 2) else {
        let why = "the confidential client has fewer than two scopes";
        out.skip_all(
            &[
                "rfc6749-6-wider-scope",
                "rfc6749-6-narrower-scope",
                "rfc6749-6-refresh-scope-kept",
            ],
            why,
        );
        return;
    };
    let wider = wider(side, client, first).await;
    out.judge("rfc6749-6-wider-scope", wider);
    let refresh = match grant(side, client, None).await {
        Ok(refresh) => refresh,
        Err(why) => {
            out.judge("rfc6749-6-narrower-scope", Err(why));
            return out.skip("rfc6749-6-refresh-scope-kept", "no grant to narrow");
        }
    };
    let narrowed = tokens(&side.refresh(client, &refresh, Some(first)).await);
    let next = match narrowed {
        Ok(issued) => {
            out.judge(
                "rfc6749-6-narrower-scope",
                granted_within(&issued, first, &client.scope),
            );
            issued.refresh.unwrap_or(refresh)
        }
        Err(why) => {
            out.judge("rfc6749-6-narrower-scope", Err(why));
            return out.skip(
                "rfc6749-6-refresh-scope-kept",
                "the narrowed refresh failed",
            );
        }
    };
    let kept = tokens(&side.refresh(client, &next, Some(&client.scope)).await)
        .and_then(|issued| same_scope(&issued, &client.scope))
        .map_err(|e| format!("the original scope, asked again: {e}"));
    out.judge("rfc6749-6-refresh-scope-kept", kept);
}

/// "The refresh token scope MUST be identical" (RFC 6749 6): asked for
/// the whole original scope again, the refresh gets all of it.
fn same_scope(issued: &Tokens, original: &str) -> Result<(), String> {
    let granted = issued.scope.as_deref().unwrap_or(original);
    crate::judge::holds(scope_set(granted) == scope_set(original), || {
        format!("granted {granted:?}, not the original {original:?}")
    })
}

/// A grant for `first` alone, refreshed asking every scope.
async fn wider(side: &Side<'_>, client: &ClientConfig, first: &str) -> Result<(), String> {
    let refresh = grant(side, client, Some(first)).await?;
    let reply = side.refresh(client, &refresh, Some(&client.scope)).await;
    match tokens(&reply) {
        Ok(issued) => granted_within(&issued, &client.scope, first),
        Err(_) => refused(&reply, &[400], &["invalid_scope"]),
    }
}

/// Rotation, reuse of a rotated-out token, and the family's revocation.
/// With a grace period the successor is used first, so that the old
/// token's second use is reuse and not a regrant.
async fn rotation(side: &Side<'_>, public: &ClientConfig, out: &mut Observations) {
    let old = match grant(side, public, None).await {
        Ok(old) => old,
        Err(why) => return out.skip_all(ROTATION, &why),
    };
    let rotated: Result<Tokens, String> = tokens(&side.refresh(public, &old, None).await);
    let successor = match rotated.map(|t| t.refresh) {
        Ok(Some(new)) if new != old => new,
        Ok(Some(_)) => return fail_rotation(out, "the same refresh token came back"),
        Ok(None) => return fail_rotation(out, "no new refresh token was issued"),
        Err(why) => return fail_rotation(out, &why),
    };
    out.judge(ROTATION[0], Ok(()));
    let mut newest = successor.clone();
    if side.config.refresh_grace_seconds > 0 {
        match tokens(&side.refresh(public, &successor, None).await).map(|t| t.refresh) {
            Ok(Some(next)) => newest = next,
            _ => return out.skip_all(&ROTATION[1..], "the successor could not be used"),
        }
    }
    let reuse = side.refresh(public, &old, None).await;
    out.judge(ROTATION[1], refused(&reuse, &[400], &["invalid_grant"]));
    let family = side.refresh(public, &newest, None).await;
    out.judge(ROTATION[2], refused(&family, &[400], &["invalid_grant"]));
}

fn fail_rotation(out: &mut Observations, why: &str) {
    out.judge(ROTATION[0], Err(why.to_owned()));
    out.skip_all(&ROTATION[1..], "no rotation");
}

async fn other_client(
    side: &Side<'_>,
    public: &ClientConfig,
    confidential: Option<&ClientConfig>,
    out: &mut Observations,
) {
    let id = "rfc6749-6-other-client";
    let Some(confidential) = confidential else {
        return out.skip(id, "no confidential client with refresh_token");
    };
    match grant(side, public, None).await {
        Ok(refresh) => {
            let reply = side.refresh(confidential, &refresh, None).await;
            out.judge(id, refused(&reply, &[400], &["invalid_grant"]));
        }
        Err(why) => out.skip(id, why),
    }
}
