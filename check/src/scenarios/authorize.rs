//! The authorization endpoint (RFC 6749 4.1.1, 4.1.2, 4.1.2.1; RFC 9207;
//! RFC 9700 2.1).

use crate::config::ClientConfig;
use crate::observe::Observations;
use crate::side::{Authorized, Side, s256};

/// Somewhere no client registered.
pub const FOREIGN_REDIRECT: &str = "https://attacker.invalid/callback";

const IDS: &[&str] = &[
    "rfc6749-4.1.2-code-issued",
    "rfc9207-2-iss",
    "rfc6749-4.1.2.1-unknown-client",
    "rfc6749-4.1.2.1-unregistered-redirect",
    "rfc6749-3.1.1-missing-response-type",
    "rfc6749-3.1.1-unsupported-response-type",
    "rfc9700-2.1.2-no-implicit",
    "rfc9207-2-iss-on-errors",
];

type Params = Vec<(String, String)>;

fn set(params: &mut Params, name: &str, value: &str) {
    params.retain(|(n, _)| n != name);
    params.push((name.to_owned(), value.to_owned()));
}

async fn send(side: &Side<'_>, params: &Params, redirect_uri: &str) -> Authorized {
    let borrowed: Vec<(&str, &str)> = params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    side.authorize(&borrowed, redirect_uri).await
}

fn never_redirected(answer: &Authorized, to: &str) -> Result<(), String> {
    match answer {
        Authorized::Redirect {
            to_client: true, ..
        } => Err(format!("redirected to {to}")),
        _ => Ok(()),
    }
}

/// An error redirect to the client with one of `errors` and the state.
fn error_redirect(answer: &Authorized, errors: &[&str], state: &str) -> Result<(), String> {
    match answer {
        Authorized::Redirect {
            to_client: true,
            query,
            ..
        } => {
            let error = query.get("error").map(String::as_str);
            if !error.is_some_and(|e| errors.contains(&e)) {
                return Err(format!(
                    "expected error {}; got {error:?}",
                    errors.join(" or ")
                ));
            }
            match query.get("state") {
                Some(echoed) if echoed == state => Ok(()),
                _ => Err(String::from("the error redirect did not echo the state")),
            }
        }
        Authorized::Redirect { .. } => Err(String::from("redirected, but not to the client")),
        Authorized::Stayed(_, what) => Err(format!("expected an error redirect; got {what}")),
    }
}

/// The authorization endpoint checks.
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    let Some(client) = super::code_client(side) else {
        out.skip_all(
            IDS,
            "no authorization endpoint or no client with authorization_code",
        );
        public_without_pkce(side, &mut out).await;
        return out;
    };
    let redirect_uri = client.redirect_uri.clone().unwrap_or_default();
    issued(side, client, &redirect_uri, &mut out).await;
    let state = side.unique();
    let valid = with_pkce(side, client, &state);
    let mut unknown = valid.clone();
    set(
        &mut unknown,
        "client_id",
        &format!("grant-engine-check-unknown-{}", side.unique()),
    );
    let answer = send(side, &unknown, &redirect_uri).await;
    out.judge(IDS[2], never_redirected(&answer, &redirect_uri));
    let mut foreign = valid.clone();
    set(&mut foreign, "redirect_uri", FOREIGN_REDIRECT);
    let answer = send(side, &foreign, FOREIGN_REDIRECT).await;
    out.judge(IDS[3], never_redirected(&answer, FOREIGN_REDIRECT));
    let mut missing = valid.clone();
    missing.retain(|(n, _)| n != "response_type");
    let answer = send(side, &missing, &redirect_uri).await;
    out.judge(
        IDS[4],
        error_redirect(&answer, &["invalid_request"], &state),
    );
    unsupported_type(side, &valid, &redirect_uri, &state, &mut out).await;
    out.judge(IDS[6], implicit(side, valid, &redirect_uri).await);
    public_without_pkce(side, &mut out).await;
    out
}

/// An unknown `response_type`: an error redirect, with `iss` when the
/// metadata announces it.
async fn unsupported_type(
    side: &Side<'_>,
    valid: &Params,
    redirect_uri: &str,
    state: &str,
    out: &mut Observations,
) {
    let mut params = valid.clone();
    set(&mut params, "response_type", "grant_engine_check_unknown");
    let answer = send(side, &params, redirect_uri).await;
    out.judge(
        IDS[5],
        error_redirect(&answer, &["unsupported_response_type"], state),
    );
    match &answer {
        Authorized::Redirect {
            to_client: true,
            query,
            ..
        } => iss(side, query, IDS[7], out),
        _ => out.skip(IDS[7], "no error redirect to look at"),
    }
}

/// `response_type=token`: whatever the answer, no access token in it.
async fn implicit(side: &Side<'_>, mut params: Params, redirect_uri: &str) -> Result<(), String> {
    set(&mut params, "response_type", "token");
    let leaked = match send(side, &params, redirect_uri).await {
        Authorized::Redirect {
            query, fragment, ..
        } => query.contains_key("access_token") || fragment.contains_key("access_token"),
        Authorized::Stayed(..) => false,
    };
    crate::judge::holds(!leaked, || {
        String::from("an access token was issued in the redirect")
    })
}

fn with_pkce(side: &Side<'_>, client: &ClientConfig, state: &str) -> Params {
    let mut params = side.code_request(client, state);
    set(&mut params, "code_challenge", &s256(&side.unique()));
    set(&mut params, "code_challenge_method", "S256");
    params
}

async fn issued(
    side: &Side<'_>,
    client: &ClientConfig,
    redirect_uri: &str,
    out: &mut Observations,
) {
    let state = side.unique();
    let answer = send(side, &with_pkce(side, client, &state), redirect_uri).await;
    let query = match answer {
        Authorized::Redirect {
            to_client: true,
            query,
            ..
        } => query,
        other => {
            let why = match other {
                Authorized::Stayed(_, what) => {
                    format!("expected a redirect with a code; got {what}")
                }
                _ => String::from("redirected elsewhere than the redirect_uri"),
            };
            out.judge(IDS[0], Err(why));
            return out.skip(IDS[1], "no authorization response");
        }
    };
    let code = match (query.get("code"), query.get("state")) {
        (Some(_), Some(echoed)) if *echoed == state => Ok(()),
        (Some(_), _) => Err(String::from("the state was not echoed")),
        (None, _) => Err(format!("no code (error {:?})", query.get("error"))),
    };
    out.judge(IDS[0], code);
    iss(side, &query, IDS[1], out);
}

/// RFC 9207 2: `iss` in every authorization response, error responses
/// included, when the metadata announces it; `id` says which.
fn iss(
    side: &Side<'_>,
    query: &std::collections::BTreeMap<String, String>,
    id: &'static str,
    out: &mut Observations,
) {
    let advertised = side
        .endpoints
        .metadata
        .as_ref()
        .and_then(|m| m.get("authorization_response_iss_parameter_supported"))
        .and_then(serde_json::Value::as_bool)
        == Some(true);
    if !advertised {
        return out.skip(id, "the metadata does not announce the iss parameter");
    }
    let iss = match query.get("iss") {
        Some(iss) if *iss == side.endpoints.expected_issuer => Ok(()),
        other => Err(format!(
            "expected iss {:?}; got {other:?}",
            side.endpoints.expected_issuer
        )),
    };
    out.judge(id, iss);
}

async fn public_without_pkce(side: &Side<'_>, out: &mut Observations) {
    let id = "rfc9700-2.1.1-public-pkce-required";
    let Some(public) = super::public(side) else {
        out.skip(id, "no public client");
        return;
    };
    let redirect_uri = public.redirect_uri.clone().unwrap_or_default();
    let params = side.code_request(public, &side.unique());
    let answer = send(side, &params, &redirect_uri).await;
    let verdict = match answer {
        Authorized::Redirect {
            to_client: true,
            query,
            ..
        } if query.contains_key("code") => {
            Err(String::from("a code was issued without a code_challenge"))
        }
        _ => Ok(()),
    };
    out.judge(id, verdict);
}
