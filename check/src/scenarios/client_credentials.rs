//! The client_credentials grant (RFC 6749 4.4) and its scope rules (3.3).

use crate::judge::{granted_within, refused, tokens};
use crate::observe::Observations;
use crate::side::{Auth, Side};

const CC: (&str, &str) = ("grant_type", "client_credentials");

/// The client_credentials checks.
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    let Some(client) = super::machine(side) else {
        out.skip_all(
            &[
                "rfc6749-4.4.3-token",
                "rfc6749-4.4.3-no-refresh-token",
                "rfc6749-3.3-default-scope",
                "rfc6749-3.3-forbidden-scope",
                "rfc6749-3.3-malformed-scope",
            ],
            "no client with client_credentials",
        );
        return out;
    };
    let auth = Auth::Client(client);
    let first = client
        .scopes()
        .first()
        .copied()
        .unwrap_or_default()
        .to_owned();
    let reply = side.token(auth, &[CC, ("scope", &first)]).await;
    issued(&reply, &first, &client.scope, &mut out);
    let omitted = side.token(auth, &[CC]).await;
    let default = match tokens(&omitted) {
        Ok(issued) => granted_within(&issued, &client.scope, &client.scope),
        Err(_) => refused(&omitted, &[400], &["invalid_scope"]).map_err(|_| {
            format!(
                "expected a token or invalid_scope; got {}",
                crate::judge::describe(&omitted)
            )
        }),
    };
    out.judge("rfc6749-3.3-default-scope", default);
    forbidden(side, client, &mut out).await;
    let malformed = format!(" {first}");
    let reply = side.token(auth, &[CC, ("scope", &malformed)]).await;
    out.judge(
        "rfc6749-3.3-malformed-scope",
        refused(&reply, &[400], &["invalid_scope"]),
    );
    out
}

/// RFC 3.3 lets a server grant other than asked, within what the client
/// may have, when it says so in `scope`.
fn issued(reply: &crate::http::Reply, first: &str, allowed: &str, out: &mut Observations) {
    match tokens(reply) {
        Ok(issued) => {
            out.judge(
                "rfc6749-4.4.3-token",
                granted_within(&issued, first, allowed),
            );
            out.judge(
                "rfc6749-4.4.3-no-refresh-token",
                match issued.refresh {
                    None => Ok(()),
                    Some(_) => Err(String::from("a refresh_token was issued")),
                },
            );
        }
        Err(why) => {
            out.judge("rfc6749-4.4.3-token", Err(why));
            out.skip("rfc6749-4.4.3-no-refresh-token", "no token was issued");
        }
    }
}

async fn forbidden(side: &Side<'_>, client: &crate::config::ClientConfig, out: &mut Observations) {
    let Some(forbidden) = &client.forbidden_scope else {
        return out.skip(
            "rfc6749-3.3-forbidden-scope",
            "no forbidden_scope configured",
        );
    };
    let reply = side
        .token(Auth::Client(client), &[CC, ("scope", forbidden)])
        .await;
    let verdict = match tokens(&reply) {
        Ok(issued) => granted_within(&issued, forbidden, &client.scope),
        Err(_) => refused(&reply, &[400], &["invalid_scope"]),
    };
    out.judge("rfc6749-3.3-forbidden-scope", verdict);
}
