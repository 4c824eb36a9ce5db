//! Client authentication (RFC 6749 2.3, 2.3.1, 4.4, 5.2). The failures
//! use the client_credentials client, so that a throttle they trigger
//! (RFC 6749 2.3.1) holds up no other client.

use crate::judge::{both, challenged, refused, tokens};
use crate::observe::Observations;
use crate::side::{Auth, Side};

const CC: (&str, &str) = ("grant_type", "client_credentials");

const IDS: &[&str] = &[
    "rfc6749-2.3.1-basic",
    "rfc6749-2.3.1-post",
    "rfc6749-5.2-wrong-secret-basic",
    "rfc6749-5.2-wrong-secret-post",
    "rfc6749-5.2-unknown-client",
    "rfc6749-2.3-one-method",
];

/// The client authentication checks.
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    public_credentials(side, &mut out).await;
    let Some(client) = super::machine(side) else {
        out.skip_all(IDS, "no client with client_credentials");
        return out;
    };
    let id = client.id.as_str();
    let secret = client.secret.as_deref().unwrap_or_default();
    let wrong = format!("{secret}-wrong");
    if client.auth_method == "client_secret_post" {
        // A server may hold a client to its registered method.
        out.skip(IDS[0], "the client is registered for client_secret_post");
    } else {
        let basic = side.token(Auth::Basic(id, secret), &[CC]).await;
        out.judge(IDS[0], tokens(&basic).map(drop));
    }
    let post = side.token(Auth::Post(id, secret), &[CC]).await;
    out.judge(IDS[1], tokens(&post).map(drop));
    let reply = side.token(Auth::Basic(id, &wrong), &[CC]).await;
    out.judge(
        IDS[2],
        both(
            refused(&reply, &[401], &["invalid_client"]),
            challenged(&reply, "Basic"),
        ),
    );
    let reply = side.token(Auth::Post(id, &wrong), &[CC]).await;
    out.judge(IDS[3], refused(&reply, &[400, 401], &["invalid_client"]));
    let stranger = format!("grant-engine-check-unknown-{}", side.unique());
    let reply = side.token(Auth::Basic(&stranger, secret), &[CC]).await;
    out.judge(
        IDS[4],
        both(
            refused(&reply, &[401], &["invalid_client"]),
            challenged(&reply, "Basic"),
        ),
    );
    let reply = side
        .token(Auth::Basic(id, secret), &[CC, ("client_secret", secret)])
        .await;
    out.judge(
        IDS[5],
        refused(&reply, &[400, 401], &["invalid_request", "invalid_client"]),
    );
    out
}

async fn public_credentials(side: &Side<'_>, out: &mut Observations) {
    let id = "rfc6749-4.4-public-client-credentials";
    let Some(public) = side.config.clients.public.as_ref() else {
        return out.skip(id, "no public client");
    };
    let reply = side.token(Auth::IdOnly(&public.id), &[CC]).await;
    out.judge(
        id,
        refused(
            &reply,
            &[400, 401],
            &["unauthorized_client", "invalid_client"],
        ),
    );
}
