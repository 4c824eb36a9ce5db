//! Token revocation (RFC 7009).

use crate::config::ClientConfig;
use crate::judge::{describe, refused, tokens};
use crate::observe::Observations;
use crate::side::{Auth, Side};

const IDS: &[&str] = &[
    "rfc7009-2.1-client-auth",
    "rfc7009-2.2.1-missing-token",
    "rfc7009-2.2-unknown-token",
    "rfc7009-2-refresh-revoked",
    "rfc7009-2.1-refresh-revokes-access",
    "rfc7009-2-access-revoked",
    "rfc7009-2.1-hint-searches-all",
    "rfc7009-2.1-other-clients-token",
];

fn ok_200(reply: &crate::http::Reply) -> Result<(), String> {
    if reply.status == 200 {
        Ok(())
    } else {
        Err(format!("expected 200; got {}", describe(reply)))
    }
}

/// The revocation checks.
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    if side.endpoints.revocation.is_none() {
        out.skip_all(IDS, "the server has no revocation endpoint");
        return out;
    }
    let client = &side.config.clients.confidential;
    let secret = client.secret.as_deref().unwrap_or_default();
    let wrong = format!("{secret}-wrong");
    let unknown = side.unique();
    if let Some(reply) = side
        .revoke(Auth::Basic(&client.id, &wrong), &[("token", &unknown)])
        .await
    {
        out.judge(IDS[0], refused(&reply, &[401], &["invalid_client"]));
    }
    if let Some(reply) = side.revoke(Auth::Client(client), &[]).await {
        out.judge(IDS[1], refused(&reply, &[400], &["invalid_request"]));
    }
    if let Some(reply) = side
        .revoke(Auth::Client(client), &[("token", &unknown)])
        .await
    {
        out.judge(IDS[2], ok_200(&reply));
    }
    match super::code_client(side).filter(|c| c.allows("refresh_token")) {
        Some(client) => {
            refresh_revoked(side, client, "refresh_token", &IDS[3..5], &mut out).await;
            refresh_revoked(side, client, "access_token", &IDS[6..7], &mut out).await;
            access_revoked(side, client, &mut out).await;
            other_clients_token(side, client, &mut out).await;
        }
        None => out.skip_all(&IDS[3..], "no confidential client with refresh tokens"),
    }
    out
}

/// Revokes a refresh token with `hint`: the first id judges that it stops
/// working, the second (when given) that its access token goes inactive.
async fn refresh_revoked(
    side: &Side<'_>,
    client: &ClientConfig,
    hint: &str,
    ids: &[&'static str],
    out: &mut Observations,
) {
    let issued = match side.code_tokens(client, true).await {
        Ok(issued) => issued,
        Err(why) => return out.skip_all(ids, &why),
    };
    let Some(refresh) = issued.refresh.as_deref() else {
        return out.skip_all(ids, "no refresh token was issued");
    };
    let fields = [("token", refresh), ("token_type_hint", hint)];
    let revoked = side.revoke(Auth::Client(client), &fields).await;
    if let Some(reply) = revoked.as_ref().filter(|r| r.status != 200) {
        let why = format!("the revocation: expected 200; got {}", describe(reply));
        return ids.iter().for_each(|id| out.judge(id, Err(why.clone())));
    }
    let after = side.refresh(client, refresh, None).await;
    if let Some(id) = ids.first() {
        out.judge(id, refused(&after, &[400], &["invalid_grant"]));
    }
    if let Some(id) = ids.get(1) {
        match side.active(client, &issued.access).await {
            Some(false) => out.judge(id, Ok(())),
            Some(true) => out.judge(id, Err(String::from("its access token is still active"))),
            None => out.skip(id, "no introspection answer to ask"),
        }
    }
}

async fn access_revoked(side: &Side<'_>, client: &ClientConfig, out: &mut Observations) {
    let id = IDS[5];
    let access = match side.revoked_access(client).await {
        Ok(access) => access,
        Err(why) => return out.skip(id, why),
    };
    match side.active(client, &access).await {
        Some(false) => out.judge(id, Ok(())),
        Some(true) => out.judge(id, Err(String::from("introspection still answers active"))),
        None => out.skip(id, "no introspection answer to ask"),
    }
}

/// Another client's revocation leaves a token working (answered 200, as
/// for an unknown token, or refused: RFC 7009 2.1).
async fn other_clients_token(side: &Side<'_>, client: &ClientConfig, out: &mut Observations) {
    let id = IDS[7];
    let Some(public) = super::public(side).filter(|c| c.allows("refresh_token")) else {
        return out.skip(id, "no public client with refresh_token");
    };
    let refresh = match super::refresh::grant(side, public, None).await {
        Ok(refresh) => refresh,
        Err(why) => return out.skip(id, why),
    };
    let _ = side
        .revoke(Auth::Client(client), &[("token", &refresh)])
        .await;
    let after = tokens(&side.refresh(public, &refresh, None).await);
    out.judge(
        id,
        after
            .map(drop)
            .map_err(|e| format!("the token stopped working: {e}")),
    );
}
