//! The authorization_code grant (RFC 6749 4.1.2, 4.1.3).

use crate::config::ClientConfig;
use crate::judge::{refused, tokens};
use crate::observe::Observations;
use crate::side::{Auth, Code, Side};

use super::authorize::FOREIGN_REDIRECT;

const IDS: &[&str] = &[
    "rfc6749-4.1.3-code-exchange",
    "rfc6749-4.1.2-code-reuse",
    "rfc6749-4.1.2-code-reuse-revokes",
    "rfc6749-4.1.2-code-reuse-revokes-access",
    "rfc6749-4.1.3-redirect-uri-mismatch",
    "rfc6749-4.1.3-redirect-uri-missing",
    "rfc6749-4.1.3-other-client",
    "rfc6749-4.1.3-unknown-code",
];

/// The code exchange checks, on the confidential client (with PKCE, which
/// every server must accept, RFC 7636 4.2).
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    let Some(client) = super::code_client(side) else {
        out.skip_all(
            IDS,
            "no authorization endpoint or no client with authorization_code",
        );
        return out;
    };
    match side.code(client, true, None).await {
        Ok(code) => exchange_and_reuse(side, client, &code, &mut out).await,
        Err(why) => out.skip_all(&IDS[..4], &format!("no code: {why}")),
    }
    let redirect_uri = client.redirect_uri.as_deref().unwrap_or_default();
    with_code(side, client, IDS[4], &mut out, |code| {
        let mut fields = fields(code);
        fields.retain(|(n, _)| *n != "redirect_uri");
        fields.push(("redirect_uri", FOREIGN_REDIRECT));
        (fields, &["invalid_grant", "invalid_request"][..])
    })
    .await;
    with_code(side, client, IDS[5], &mut out, |code| {
        let mut fields = fields(code);
        fields.retain(|(n, _)| *n != "redirect_uri");
        (fields, &["invalid_grant", "invalid_request"][..])
    })
    .await;
    other_client(side, client, &mut out).await;
    let unknown = side.unique();
    let reply = side
        .token(
            Auth::Client(client),
            &[
                ("grant_type", "authorization_code"),
                ("code", &unknown),
                ("redirect_uri", redirect_uri),
            ],
        )
        .await;
    out.judge(IDS[7], refused(&reply, &[400], &["invalid_grant"]));
    out
}

fn fields(code: &Code) -> Vec<(&str, &str)> {
    code.fields()
}

/// Gets a fresh code, sends the redemption `build` makes of it, and
/// expects a 400 with one of the codes it names.
async fn with_code<F>(
    side: &Side<'_>,
    client: &ClientConfig,
    id: &'static str,
    out: &mut Observations,
    build: F,
) where
    F: for<'c> FnOnce(&'c Code) -> (Vec<(&'c str, &'c str)>, &'static [&'static str]),
{
    let code = match side.code(client, true, None).await {
        Ok(code) => code,
        Err(why) => return out.skip(id, format!("no code: {why}")),
    };
    let (fields, errors) = build(&code);
    let reply = side.token(Auth::Client(client), &fields).await;
    out.judge(id, refused(&reply, &[400], errors));
}

async fn exchange_and_reuse(
    side: &Side<'_>,
    client: &ClientConfig,
    code: &Code,
    out: &mut Observations,
) {
    let first = tokens(&side.exchange(client, code).await);
    let issued = match first {
        Ok(issued) => {
            out.judge(IDS[0], Ok(()));
            issued
        }
        Err(why) => {
            out.judge(IDS[0], Err(why));
            return out.skip_all(&IDS[1..4], "the code was not exchanged");
        }
    };
    let again = side.exchange(client, code).await;
    out.judge(IDS[1], refused(&again, &[400], &["invalid_grant"]));
    // Introspection first: a refresh could retire the access token by
    // itself, and pass for a revocation that never happened.
    match side.active(client, &issued.access).await {
        Some(false) => out.judge(IDS[3], Ok(())),
        Some(true) => out.judge(
            IDS[3],
            Err(String::from("introspection still answers active")),
        ),
        None => out.skip(IDS[3], "no introspection answer to ask"),
    }
    match &issued.refresh {
        Some(refresh) => {
            let reply = side.refresh(client, refresh, None).await;
            out.judge(IDS[2], refused(&reply, &[400], &["invalid_grant"]));
        }
        None => out.skip(IDS[2], "the exchange issued no refresh token"),
    }
}

async fn other_client(side: &Side<'_>, client: &ClientConfig, out: &mut Observations) {
    let Some(public) = super::public(side) else {
        return out.skip(IDS[6], "no public client");
    };
    let code = match side.code(public, true, None).await {
        Ok(code) => code,
        Err(why) => return out.skip(IDS[6], format!("no code for the public client: {why}")),
    };
    let mut code = code;
    code.redirect_uri = public.redirect_uri.clone().unwrap_or_default();
    let reply = side.exchange(client, &code).await;
    out.judge(IDS[6], refused(&reply, &[400], &["invalid_grant"]));
}
