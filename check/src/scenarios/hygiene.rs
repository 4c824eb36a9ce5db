//! Token endpoint request hygiene (RFC 6749 3.1, 3.2, 5.1, 5.2).

use crate::config::ClientConfig;
use crate::http::{Reply, Request};
use crate::judge::{describe, refused, refused_4xx, tokens};
use crate::observe::Observations;
use crate::side::{Auth, Side, basic};

const CC: (&str, &str) = ("grant_type", "client_credentials");

const NEED_CC: &[&str] = &[
    "rfc6749-3.2-post-only",
    "rfc6749-3.2-form-encoded-only",
    "rfc6749-3.2-repeated-parameter",
    "rfc6749-5.2-missing-grant-type",
    "rfc6749-5.2-unsupported-grant-type",
    "rfc6749-3.2-unknown-parameter-ignored",
    "rfc6749-3.2-empty-parameter-omitted",
    "rfc6749-5.1-cache-control-no-store",
    "rfc6749-5.1-pragma-no-cache",
    "rfc6749-5.1-json",
    "rfc6749-5.2-error-json",
];

/// The hygiene checks, on the `client_credentials` client.
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    let Some(client) = super::machine(side) else {
        out.skip_all(NEED_CC, "no client with client_credentials");
        missing_code(side, &mut out).await;
        return out;
    };
    let auth = Auth::Client(client);
    request_shape(side, client, &mut out).await;
    let twice = side.token(auth, &[CC, CC]).await;
    out.judge(
        "rfc6749-3.2-repeated-parameter",
        refused(&twice, &[400], &["invalid_request"]),
    );
    let none = side.token(auth, &[]).await;
    out.judge(
        "rfc6749-5.2-missing-grant-type",
        refused(
            &none,
            &[400],
            &["invalid_request", "unsupported_grant_type"],
        ),
    );
    let unknown = side
        .token(
            auth,
            &[("grant_type", "urn:example:grant-engine-check:unknown")],
        )
        .await;
    out.judge(
        "rfc6749-5.2-unsupported-grant-type",
        refused(&unknown, &[400], &["unsupported_grant_type"]),
    );
    let extra = side
        .token(auth, &[CC, ("grant_engine_check_extra", "1")])
        .await;
    out.judge(
        "rfc6749-3.2-unknown-parameter-ignored",
        tokens(&extra).map(drop),
    );
    let omitted = side.token(auth, &[CC]).await;
    let empty = side.token(auth, &[CC, ("scope", "")]).await;
    out.judge(
        "rfc6749-3.2-empty-parameter-omitted",
        same_answer(&omitted, &empty),
    );
    response_headers(&omitted, &unknown, &mut out);
    missing_code(side, &mut out).await;
    out
}

/// POST only, form-encoded only (RFC 6749 3.2).
async fn request_shape(side: &Side<'_>, client: &ClientConfig, out: &mut Observations) {
    let token = &side.endpoints.token;
    let secret = client.secret.as_deref().unwrap_or_default();
    let get = Request::get(format!("{token}?grant_type=client_credentials"))
        .header("authorization", basic(&client.id, secret));
    out.judge("rfc6749-3.2-post-only", refused_4xx(&side.send(get).await));
    let mut json = side.post(token, Auth::Client(client), &[]);
    json.body = br#"{"grant_type":"client_credentials"}"#.to_vec();
    let json = json.content_type("application/json");
    out.judge(
        "rfc6749-3.2-form-encoded-only",
        refused_4xx(&side.send(json).await),
    );
}

/// An empty parameter is answered as the omitted one is.
fn same_answer(omitted: &Reply, empty: &Reply) -> Result<(), String> {
    let error = |r: &Reply| r.member("error");
    if omitted.status == empty.status && error(omitted) == error(empty) {
        Ok(())
    } else {
        Err(format!(
            "without scope: {}; with scope=: {}",
            describe(omitted),
            describe(empty)
        ))
    }
}

fn has_directive(reply: &Reply, header: &str, directive: &str) -> bool {
    reply.header_values(header).iter().any(|value| {
        value
            .split(',')
            .any(|d| d.trim().eq_ignore_ascii_case(directive))
    })
}

fn response_headers(success: &Reply, error: &Reply, out: &mut Observations) {
    if success.status != 200 {
        let why = format!("no successful token response ({})", describe(success));
        out.skip("rfc6749-5.1-cache-control-no-store", why.clone());
        out.skip("rfc6749-5.1-pragma-no-cache", why.clone());
        out.skip("rfc6749-5.1-json", why);
    } else {
        let cache = has_directive(success, "cache-control", "no-store");
        out.judge(
            "rfc6749-5.1-cache-control-no-store",
            cache.then_some(()).ok_or_else(|| {
                format!(
                    "Cache-Control is {:?}",
                    success.header_values("cache-control")
                )
            }),
        );
        let pragma = has_directive(success, "pragma", "no-cache");
        out.judge(
            "rfc6749-5.1-pragma-no-cache",
            pragma
                .then_some(())
                .ok_or_else(|| format!("Pragma is {:?}", success.header_values("pragma"))),
        );
        out.judge(
            "rfc6749-5.1-json",
            success.is_json().then_some(()).ok_or_else(|| {
                format!(
                    "Content-Type is {:?}",
                    success.header_values("content-type")
                )
            }),
        );
    }
    let error_json = error.is_json() && error.member("error").is_some();
    out.judge(
        "rfc6749-5.2-error-json",
        error_json.then_some(()).ok_or_else(|| {
            format!(
                "expected an application/json object with error; got {} as {:?}",
                describe(error),
                error.header_values("content-type")
            )
        }),
    );
}

async fn missing_code(side: &Side<'_>, out: &mut Observations) {
    let Some(client) = super::code_client(side) else {
        out.skip(
            "rfc6749-5.2-missing-code",
            "no client with authorization_code",
        );
        return;
    };
    let redirect_uri = client.redirect_uri.as_deref().unwrap_or_default();
    let fields = [
        ("grant_type", "authorization_code"),
        ("redirect_uri", redirect_uri),
    ];
    let reply = side.token(Auth::Client(client), &fields).await;
    out.judge(
        "rfc6749-5.2-missing-code",
        refused(&reply, &[400], &["invalid_request"]),
    );
}
