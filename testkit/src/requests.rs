//! Requests run against a [`MemoryStore`] with the blocking driver: the
//! flows the tests build on (a login, a refresh, a revocation, ...).

use grant_engine::bearer::Access;
use grant_engine::errors::BearerError;
use grant_engine::{
    AccessTokenClaims, Authorization, Authorize, BearerPolicy, Call, Config, Consent, Endpoint,
    Exchange, Introspect, MemoryStore, Outcome, RequestParts, Revoke, Step, Store, VerifyBearer,
    drive,
};

use crate::checks::{Issued, issued_body, param, redirect_params};
use crate::wire::{basic, form};
use crate::world::{
    CHALLENGE, M2M, M2M_SECRET, NOW, REDIRECT, RS, RS_SECRET, SCOPE, SUBJECT, VERIFIER, WEB,
    WEB_SECRET, call, code_record, scope, secret_of_client, subject,
};

/// Runs `request` to its output, answering every question from `store`,
/// without applying anything; `on_step` sees every question before it is
/// answered. (A decided outcome whose effects the test applies itself, or
/// two decided from the same state, are how a race is built by hand.)
pub fn decide_traced<'c, E: Endpoint>(
    store: &mut MemoryStore,
    config: &'c Config,
    call: &Call,
    request: &'c E,
    mut on_step: impl FnMut(&Step<'c, E>),
) -> E::Output {
    let mut step = request.start(config, call);
    loop {
        if !matches!(step, Step::Done(_)) {
            on_step(&step);
        }
        step = match step {
            Step::NeedClient(q) => {
                let record = store.client(q.client_id()).unwrap();
                q.provide(record)
            }
            Step::NeedCode(q) => {
                let record = store.code(q.code_hash()).unwrap();
                q.provide(record)
            }
            Step::NeedRefreshToken(q) => {
                let record = store.refresh_token(q.token_hash()).unwrap();
                q.provide(record)
            }
            Step::NeedRevocationStatus(q) => {
                let revoked = store.is_revoked(q.jti(), q.family()).unwrap();
                q.provide(revoked)
            }
            Step::Done(output) => return output,
        }
    }
}

/// [`decide_traced`] without the trace.
pub fn decide<'c, E: Endpoint>(
    store: &mut MemoryStore,
    config: &'c Config,
    call: &Call,
    request: &'c E,
) -> E::Output {
    decide_traced(store, config, call, request, |_| {})
}

/// Runs `request` against `store` (the memory store never fails; a
/// conflict would be a test's bug).
pub fn run<E: Endpoint>(
    store: &mut MemoryStore,
    config: &Config,
    call: Call,
    request: E,
) -> E::Output {
    drive(store, config, call, request).expect("the request conflicted")
}

/// A form POST with an optional `Authorization` header.
pub fn form_post<'a>(authorization: Option<&'a str>, body: &'a str) -> RequestParts<'a> {
    RequestParts {
        authorization: authorization.map(str::as_bytes),
        ..RequestParts::form_post(body.as_bytes())
    }
}

/// POSTs `body` to the token endpoint of `store`.
pub fn post(store: &mut MemoryStore, config: &Config, body: &str, call: Call) -> Outcome<Exchange> {
    token_post(store, config, None, body, call)
}

/// A client_credentials access token for `m2m` under `config` at `NOW`,
/// from a fresh world store, with the entropy of `seed`.
pub fn m2m_access_token(config: &Config, seed: u8) -> String {
    let body = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", M2M),
        ("client_secret", M2M_SECRET),
    ]);
    let outcome = post(&mut crate::world::store(), config, &body, call(NOW, seed));
    let response = outcome.response();
    assert_eq!(response.status, 200, "{}", response.body_str());
    let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    json["access_token"].as_str().unwrap().to_owned()
}

/// The same with an `Authorization` header.
pub fn post_with_auth(
    store: &mut MemoryStore,
    config: &Config,
    authorization: &str,
    body: &str,
    call: Call,
) -> Outcome<Exchange> {
    token_post(store, config, Some(authorization), body, call)
}

/// The token endpoint with an optional `Authorization` header.
pub fn token_post(
    store: &mut MemoryStore,
    config: &Config,
    authorization: Option<&str>,
    body: &str,
    call: Call,
) -> Outcome<Exchange> {
    let request = Exchange::parse(&form_post(authorization, body), config);
    run(store, config, call, request)
}

/// `GET /oauth/authorize?query`, decided against `store`.
pub fn authorize(store: &mut MemoryStore, config: &Config, query: &str) -> Authorization {
    let request = Authorize::parse(query.as_bytes(), config);
    run(store, config, call(NOW, 0), request)
}

/// The consent of a valid authorization request.
pub fn expect_consent(authorization: Authorization) -> Consent {
    match authorization {
        Authorization::Consent(consent) => consent,
        Authorization::Refused(outcome) => panic!("expected consent, got {outcome:?}"),
    }
}

/// The outcome of a refused authorization request.
pub fn expect_refused(authorization: Authorization) -> Outcome<Authorize> {
    match authorization {
        Authorization::Refused(outcome) => outcome,
        Authorization::Consent(consent) => panic!("expected a refusal, got {consent:?}"),
    }
}

/// An authorization request of `client` with the RFC 7636 challenge.
pub fn pkce_query(client: &str, state: &str) -> String {
    form(&[
        ("response_type", "code"),
        ("client_id", client),
        ("redirect_uri", REDIRECT),
        ("scope", SCOPE),
        ("state", state),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ])
}

/// `client` gets a code (with the RFC 7636 challenge) for [`SUBJECT`] and
/// [`SCOPE`], approved at `now` with entropy `seed`; its record is stored.
pub fn authorize_code(
    store: &mut MemoryStore,
    config: &Config,
    client: &str,
    now: u64,
    seed: u8,
) -> String {
    let consent = expect_consent(authorize(store, config, &pkce_query(client, "st")));
    let decision = consent.approve(subject(SUBJECT), scope(SCOPE));
    let outcome = run(store, config, call(now, seed), decision);
    let params = redirect_params(outcome.response(), REDIRECT);
    param(&params, "code").unwrap().to_owned()
}

/// `web` redeems `code` with `redirect_uri=REDIRECT` (client_secret_post).
pub fn web_redeem_body(code: &str) -> String {
    form(&[
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
    ])
}

/// `web` refreshes `token` (client_secret_post), optionally with a scope.
pub fn web_refresh_body(token: &str, scope: Option<&str>) -> String {
    let mut pairs = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", token),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
    ];
    pairs.extend(scope.map(|s| ("scope", s)));
    form(&pairs)
}

/// The body of a token request of `client` with its secret, if it has one.
fn with_credentials<'a>(mut pairs: Vec<(&'a str, &'a str)>, client: &'a str) -> String {
    pairs.push(("client_id", client));
    if let Some(secret) = secret_of_client(client) {
        pairs.push(("client_secret", secret));
    }
    form(&pairs)
}

/// A whole login of `client`: a code at `now`, redeemed at `now + 1`.
pub fn login(store: &mut MemoryStore, config: &Config, client: &str, now: u64, seed: u8) -> Issued {
    let code = authorize_code(store, config, client, now, seed);
    let body = with_credentials(
        vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
        client,
    );
    let outcome = post(store, config, &body, call(now + 1, seed ^ 0x55));
    issued_body(outcome.response(), config, now + 1)
}

/// Stores a fresh code for `client` (no PKCE) and redeems it at `NOW + 1`.
pub fn redeem_stored_code(
    store: &mut MemoryStore,
    config: &Config,
    client: &str,
    code: &str,
    seed: u8,
) -> Issued {
    store.add_code(code_record(code, client));
    let body = with_credentials(
        vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
        ],
        client,
    );
    let outcome = post(store, config, &body, call(NOW + 1, seed));
    issued_body(outcome.response(), config, NOW + 1)
}

/// `client` refreshes `token` at `now`.
pub fn refresh(
    store: &mut MemoryStore,
    config: &Config,
    client: &str,
    token: &str,
    now: u64,
    seed: u8,
) -> Outcome<Exchange> {
    let body = with_credentials(
        vec![("grant_type", "refresh_token"), ("refresh_token", token)],
        client,
    );
    post(store, config, &body, call(now, seed))
}

/// An access token of the client_credentials client, issued at `now`.
pub fn m2m_token(store: &mut MemoryStore, config: &Config, now: u64, seed: u8) -> Issued {
    let body = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", M2M),
        ("client_secret", M2M_SECRET),
    ]);
    let outcome = post(store, config, &body, call(now, seed));
    issued_body(outcome.response(), config, now)
}

/// `POST /oauth/revoke` at [`NOW`].
pub fn revoke(
    store: &mut MemoryStore,
    config: &Config,
    authorization: Option<&str>,
    body: &str,
) -> Outcome<Revoke> {
    let request = Revoke::parse(&form_post(authorization, body), config);
    run(store, config, call(NOW, 0), request)
}

/// `POST /oauth/introspect` at `now`.
pub fn introspect(
    store: &mut MemoryStore,
    config: &Config,
    now: u64,
    authorization: Option<&str>,
    body: &str,
) -> Outcome<Introspect> {
    let request = Introspect::parse(&form_post(authorization, body), config);
    run(store, config, call(now, 0), request)
}

/// Introspects `token` as the resource server (introspect_any) at `now`.
pub fn introspect_as_rs(
    store: &mut MemoryStore,
    config: &Config,
    now: u64,
    token: &str,
) -> Outcome<Introspect> {
    let auth = basic(RS, RS_SECRET);
    introspect(store, config, now, Some(&auth), &form(&[("token", token)]))
}

/// A protected resource's verdict on `authorization` at `now`.
pub fn bearer_header(
    store: &mut MemoryStore,
    config: &Config,
    authorization: Option<&[u8]>,
    now: u64,
    policy: &BearerPolicy,
) -> Access {
    run(
        store,
        config,
        call(now, 0),
        VerifyBearer::new(authorization, policy),
    )
}

/// `Authorization: Bearer <token>` at `now` under `policy`, as a result.
pub fn bearer_with(
    store: &mut MemoryStore,
    config: &Config,
    token: &str,
    now: u64,
    policy: &BearerPolicy,
) -> Result<AccessTokenClaims, BearerError> {
    let header = format!("Bearer {token}");
    match bearer_header(store, config, Some(header.as_bytes()), now, policy) {
        Access::Granted(claims) => Ok(claims),
        Access::Refused(outcome) => Err(*outcome.report()),
    }
}

/// The same with the default policy (no scope required, no leeway).
pub fn bearer(
    store: &mut MemoryStore,
    config: &Config,
    token: &str,
    now: u64,
) -> Result<AccessTokenClaims, BearerError> {
    bearer_with(store, config, token, now, &BearerPolicy::default())
}
