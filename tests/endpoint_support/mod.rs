//! Fixtures shared by the endpoint tests (`authorize`,
//! `revocation_introspection`, `bearer`, `metadata`, `round_trip`,
//! `endpoint_props`): one configuration, a store of clients, request
//! builders, an independent form decoder for redirect `Location`s, and a
//! hand-rolled JWT signer for crafted tokens.
//!
//! Everything goes through the crate's public API only.
#![allow(dead_code)] // Each test crate uses its own part of the fixtures.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grant_engine::{
    AccessTokenClaims, Approval, AuthorizeDecision, BearerError, BearerPolicy, ClientId,
    ClientRecord, CodeChallenge, CodeVerifier, Config, Context, Entropy, GrantType, HmacKey,
    HttpResponse, Introspection, KeyRing, MemoryStore, Outcome, PendingAuthorization, RedirectUri,
    RequestParts, Scope, Subject, authenticate_bearer, authorize_with, drive_introspection,
    drive_revocation, introspection_endpoint, revocation_endpoint, verify_access_token,
};
use hmac::{KeyInit, Mac};

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

pub const NOW: u64 = 1_800_000_000;
pub const ISSUER: &str = "https://auth.example.com";
pub const ISSUER_ENC: &str = "https%3A%2F%2Fauth.example.com";
pub const AUDIENCE: &str = "https://api.example.com";
pub const KID: &str = "2026-01";
pub const SIGNING_SECRET: &[u8; 32] = b"grant-engine-test-signing-key-01";
pub const NEXT_KID: &str = "2026-07";
pub const NEXT_SECRET: &[u8; 32] = b"grant-engine-test-signing-key-02";

pub const ACCESS_TTL: u64 = 86_400;
pub const REFRESH_TTL: u64 = 30 * 86_400;
pub const CODE_TTL: u64 = 600;

pub fn key(kid: &str, secret: &[u8]) -> HmacKey {
    HmacKey::new(kid, secret).unwrap()
}

pub fn keys() -> KeyRing {
    KeyRing::new(key(KID, SIGNING_SECRET))
}

/// Defaults: PKCE S256 required for public clients, plain disabled.
pub fn config() -> Config {
    Config::new(ISSUER, AUDIENCE, keys())
}

pub fn ctx(now: u64, seed: u8) -> Context {
    Context::new(now, Entropy::from_bytes([seed; 32]))
}

// ---------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------

pub const REDIRECT: &str = "https://app.example.com/cb";
pub const REDIRECT_ENC: &str = "https%3A%2F%2Fapp.example.com%2Fcb";
pub const REDIRECT_2: &str = "https://app.example.com/other";
/// A registered redirect URI that already has a query (RFC 6749 3.1.2).
pub const REDIRECT_QUERY: &str = "https://app.example.com/cb?tenant=a%20b&x=1";
pub const SUBJECT: &str = "alice";
pub const SCOPE: &str = "read write";

/// Confidential; authorization_code + refresh_token; one redirect URI.
pub const WEB: &str = "web";
pub const WEB_SECRET: &str = "web-secret";
/// Public; authorization_code + refresh_token; one redirect URI.
pub const SPA: &str = "spa";
/// Confidential; two redirect URIs.
pub const MULTI: &str = "multi";
pub const MULTI_SECRET: &str = "multi-secret";
/// Confidential; no redirect URI registered.
pub const NO_URI: &str = "no-uri";
/// Confidential; one redirect URI with a query.
pub const QUERY: &str = "query";
/// Confidential; client_credentials only (with a redirect URI, to reach
/// the `unauthorized_client` redirect).
pub const M2M: &str = "m2m";
pub const M2M_SECRET: &str = "m2m-secret";
/// Confidential; every grant. The "other client" of the cross-client rows.
pub const OTHER: &str = "other";
pub const OTHER_SECRET: &str = "other-secret";
/// Confidential resource server: `introspect_any`.
pub const RS: &str = "resource-server";
pub const RS_SECRET: &str = "rs-secret";

pub fn id(value: &str) -> ClientId {
    ClientId::new(value).unwrap()
}

pub fn scope(value: &str) -> Scope {
    Scope::parse(value).unwrap()
}

pub fn uri(value: &str) -> RedirectUri {
    RedirectUri::new(value).unwrap()
}

pub fn subject(value: &str) -> Subject {
    Subject::new(value).unwrap()
}

pub fn clients() -> Vec<ClientRecord> {
    use GrantType::{AuthorizationCode, ClientCredentials, RefreshToken};
    let mut rs = ClientRecord::confidential(id(RS), RS_SECRET)
        .with_grant_types(&[ClientCredentials])
        .with_scope(scope(SCOPE));
    rs.introspect_any = true;
    vec![
        ClientRecord::confidential(id(WEB), WEB_SECRET)
            .with_grant_types(&[AuthorizationCode, RefreshToken])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
        ClientRecord::public(id(SPA))
            .with_grant_types(&[AuthorizationCode, RefreshToken])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
        ClientRecord::confidential(id(MULTI), MULTI_SECRET)
            .with_grant_types(&[AuthorizationCode])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT))
            .with_redirect_uri(uri(REDIRECT_2)),
        ClientRecord::confidential(id(NO_URI), "no-uri-secret")
            .with_grant_types(&[AuthorizationCode])
            .with_scope(scope(SCOPE)),
        ClientRecord::confidential(id(QUERY), "query-secret")
            .with_grant_types(&[AuthorizationCode])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT_QUERY)),
        ClientRecord::confidential(id(M2M), M2M_SECRET)
            .with_grant_types(&[ClientCredentials])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
        ClientRecord::confidential(id(OTHER), OTHER_SECRET)
            .with_grant_types(&GrantType::ALL)
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
        rs,
    ]
}

pub fn client(name: &str) -> ClientRecord {
    clients()
        .into_iter()
        .find(|c| c.client_id.as_str() == name)
        .unwrap()
}

/// A store holding [`clients`] and nothing else.
pub fn store() -> MemoryStore {
    let mut store = MemoryStore::new();
    for client in clients() {
        store.add_client(client);
    }
    store
}

// ---------------------------------------------------------------------------
// Encoding and decoding
// ---------------------------------------------------------------------------

/// RFC 7636 Appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub fn challenge_of(verifier: &str) -> String {
    CodeChallenge::s256(&CodeVerifier::new(verifier).unwrap())
        .as_str()
        .to_owned()
}

#[path = "../wire_support.rs"]
mod wire_support;
#[allow(unused_imports)] // Each test crate uses some of them.
pub use wire_support::{basic, enc, form};

/// Strict `application/x-www-form-urlencoded` decoding, written
/// independently of the crate: `+` is a space, `%XX` a byte, anything else
/// malformed panics.
pub fn form_decode(text: &str) -> Vec<(String, String)> {
    fn component(raw: &str) -> String {
        let bytes = raw.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 2;
                }
                b => {
                    assert!(
                        b.is_ascii_graphic() && !b"&=#\"".contains(&b),
                        "unencoded byte {b:#x} in {raw:?}"
                    );
                    out.push(b)
                }
            }
            i += 1;
        }
        String::from_utf8(out).unwrap()
    }
    if text.is_empty() {
        return Vec::new();
    }
    text.split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (component(name), component(value))
        })
        .collect()
}

/// Owned pairs from borrowed ones, for comparisons.
pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

// ---------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------

/// The headers of every JSON response that must not be cached.
pub const NO_STORE_JSON: [(&str, &str); 3] = [
    ("content-type", "application/json"),
    ("cache-control", "no-store"),
    ("pragma", "no-cache"),
];

pub const BASIC_CHALLENGE: (&str, &str) = ("www-authenticate", r#"Basic realm="grant-engine""#);

pub fn headers(response: &HttpResponse) -> Vec<(&str, &str)> {
    response
        .headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

pub fn error_body(code: &str, description: &str) -> String {
    format!(r#"{{"error":"{code}","error_description":"{description}"}}"#)
}

/// A JSON error with the no-store headers and, on a 401, the Basic challenge.
pub fn assert_json_error(response: &HttpResponse, status: u16, code: &str, description: &str) {
    assert_eq!(
        (response.status, response.body_str()),
        (status, error_body(code, description).as_str())
    );
    let mut expected = NO_STORE_JSON.to_vec();
    if status == 401 {
        expected.push(BASIC_CHALLENGE);
    }
    assert_eq!(headers(response), expected);
}

/// The 302 of the authorization endpoint: exactly `location` and
/// `cache-control: no-store`, no body. Returns the Location.
pub fn location(response: &HttpResponse) -> &str {
    assert_eq!(response.status, 302, "body: {}", response.body_str());
    assert!(response.body.is_empty());
    assert_eq!(response.headers.len(), 2, "{:?}", response.headers);
    assert_eq!(response.headers[0].0, "location");
    assert_eq!(
        response.headers[1],
        ("cache-control", "no-store".to_owned())
    );
    &response.headers[0].1
}

/// The parameters appended to `redirect_uri` in a 302's Location, decoded.
/// Asserts the redirect URI is kept as a prefix, joined with `?` (or `&` if
/// it already has a query).
pub fn redirect_params(response: &HttpResponse, redirect_uri: &str) -> Vec<(String, String)> {
    let location = location(response);
    let separator = if redirect_uri.contains('?') { "&" } else { "?" };
    let prefix = format!("{redirect_uri}{separator}");
    let appended = location
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{location:?} does not start with {prefix:?}"));
    assert!(!appended.contains('#'));
    form_decode(appended)
}

/// The value of `name` among decoded pairs (asserting it appears once).
pub fn param<'a>(list: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let mut found = list.iter().filter(|(n, _)| n == name);
    let first = found.next().map(|(_, v)| v.as_str());
    assert!(found.next().is_none(), "{name} appears twice");
    first
}

// ---------------------------------------------------------------------------
// Authorization
// ---------------------------------------------------------------------------

/// `authorize_with` against `store`.
pub fn authorize(store: &mut MemoryStore, config: &Config, query: &str) -> AuthorizeDecision {
    match authorize_with(store, query.as_bytes(), config) {
        Ok(decision) => decision,
        Err(never) => match never {},
    }
}

pub fn expect_consent(decision: AuthorizeDecision) -> PendingAuthorization {
    match decision {
        AuthorizeDecision::Consent(pending) => pending,
        other => panic!("expected consent, got {other:?}"),
    }
}

/// The query of a valid S256 request by `client`, with `state`.
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

/// Authorizes `client` (S256 with [`VERIFIER`]), approves for
/// [`SUBJECT`] with the full scope at `now` (entropy from `seed`), stores
/// the code, and returns the code from the redirect.
pub fn authorize_code(
    store: &mut MemoryStore,
    config: &Config,
    client: &str,
    now: u64,
    seed: u8,
) -> String {
    let pending = expect_consent(authorize(store, config, &pkce_query(client, "st")));
    let approval: Approval = pending
        .approve(subject(SUBJECT), scope(SCOPE), config, &ctx(now, seed))
        .unwrap();
    store.apply(&approval.effects);
    let params = redirect_params(&approval.response, REDIRECT);
    param(&params, "code").unwrap().to_owned()
}

// ---------------------------------------------------------------------------
// Token endpoint
// ---------------------------------------------------------------------------

/// What a successful token response carried.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub claims: AccessTokenClaims,
}

pub fn issued(outcome: &Outcome, config: &Config, now: u64) -> Issued {
    let response = outcome.response();
    assert_eq!(response.status, 200, "body: {}", response.body_str());
    let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    let access_token = json["access_token"].as_str().unwrap().to_owned();
    let refresh_token = json
        .get("refresh_token")
        .map(|v| v.as_str().unwrap().to_owned());
    let claims = verify_access_token(&access_token, config, now, 0).unwrap();
    Issued {
        access_token,
        refresh_token,
        claims,
    }
}

pub fn token_post(
    store: &mut MemoryStore,
    config: &Config,
    authorization: Option<&str>,
    body: &str,
    ctx: Context,
) -> Outcome {
    let mut parts = RequestParts::form_post(body.as_bytes());
    parts.authorization = authorization.map(str::as_bytes);
    store.token_endpoint(&parts, config, ctx)
}

/// A full login of `client` (which must be `web`, `spa` or `other`):
/// authorize at `now`, redeem at `now + 1` (client_secret_post for
/// confidential clients). Different seeds give different codes, families
/// and token ids. Returns the tokens.
pub fn login(store: &mut MemoryStore, config: &Config, client: &str, now: u64, seed: u8) -> Issued {
    let code = authorize_code(store, config, client, now, seed);
    let mut body = vec![
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("client_id", client),
        ("code_verifier", VERIFIER),
    ];
    match client {
        WEB => body.push(("client_secret", WEB_SECRET)),
        OTHER => body.push(("client_secret", OTHER_SECRET)),
        _ => {}
    }
    let outcome = token_post(store, config, None, &form(&body), ctx(now + 1, seed ^ 0x55));
    issued(&outcome, config, now + 1)
}

/// Refreshes `token` for `client` at `now` (client_secret_post for
/// confidential clients).
pub fn refresh(
    store: &mut MemoryStore,
    config: &Config,
    client: &str,
    token: &str,
    now: u64,
    seed: u8,
) -> Outcome {
    let mut body = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", token),
        ("client_id", client),
    ];
    match client {
        WEB => body.push(("client_secret", WEB_SECRET)),
        OTHER => body.push(("client_secret", OTHER_SECRET)),
        _ => {}
    }
    token_post(store, config, None, &form(&body), ctx(now, seed))
}

/// A client_credentials token for `m2m` at `now`.
pub fn m2m_token(store: &mut MemoryStore, config: &Config, now: u64, seed: u8) -> Issued {
    let body = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", M2M),
        ("client_secret", M2M_SECRET),
    ]);
    let outcome = token_post(store, config, None, &body, ctx(now, seed));
    issued(&outcome, config, now)
}

// ---------------------------------------------------------------------------
// Revocation and introspection
// ---------------------------------------------------------------------------

/// Drives a revocation request against `store` (without applying effects).
pub fn revoke(
    store: &mut MemoryStore,
    config: &Config,
    authorization: Option<&str>,
    body: &str,
) -> Outcome<()> {
    let mut parts = RequestParts::form_post(body.as_bytes());
    parts.authorization = authorization.map(str::as_bytes);
    match drive_revocation(revocation_endpoint(&parts, config), store) {
        Ok(outcome) => outcome,
        Err(never) => match never {},
    }
}

/// Drives an introspection request against `store` at `now`.
pub fn introspect(
    store: &mut MemoryStore,
    config: &Config,
    now: u64,
    authorization: Option<&str>,
    body: &str,
) -> Outcome<Introspection> {
    let mut parts = RequestParts::form_post(body.as_bytes());
    parts.authorization = authorization.map(str::as_bytes);
    match drive_introspection(introspection_endpoint(&parts, config, now), store) {
        Ok(outcome) => outcome,
        Err(never) => match never {},
    }
}

/// Introspects `token` as the resource server (introspect_any) at `now`.
pub fn introspect_as_rs(
    store: &mut MemoryStore,
    config: &Config,
    now: u64,
    token: &str,
) -> Outcome<Introspection> {
    let auth = basic(RS, RS_SECRET);
    introspect(store, config, now, Some(&auth), &form(&[("token", token)]))
}

/// Asserts the exact inactive answer.
pub fn assert_inactive(outcome: &Outcome<Introspection>) {
    let response = outcome.response();
    assert_eq!(
        (response.status, response.body_str()),
        (200, r#"{"active":false}"#)
    );
    assert_eq!(headers(response), NO_STORE_JSON.to_vec());
    assert_eq!(outcome.result(), &Ok(Introspection::inactive()));
    assert!(outcome.effects().is_empty());
}

/// The exact active answer for an access token with `claims`.
pub fn active_access_body(claims: &AccessTokenClaims) -> String {
    format!(
        r#"{{"active":true,"scope":"{}","client_id":"{}","sub":"{}","exp":{},"iat":{},"token_type":"Bearer","iss":"{}","aud":"{}","jti":"{}"}}"#,
        claims.scope,
        claims.client_id,
        claims.sub,
        claims.exp,
        claims.iat,
        claims.iss,
        claims.aud,
        claims.jti
    )
}

// ---------------------------------------------------------------------------
// Hand-made JWTs
// ---------------------------------------------------------------------------

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hs256(secret: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

pub fn hs384(secret: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha384>::new_from_slice(secret).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// `b64(header).b64(claims)` and the signing input.
pub fn signing_input(header: &serde_json::Value, claims: &serde_json::Value) -> String {
    format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    )
}

/// A JWT signed with HS256 under `secret`, whatever the header says.
pub fn craft(header: &serde_json::Value, claims: &serde_json::Value, secret: &[u8]) -> String {
    let input = signing_input(header, claims);
    let signature = hs256(secret, input.as_bytes());
    format!("{input}.{}", b64(&signature))
}

pub fn good_header() -> serde_json::Value {
    serde_json::json!({ "alg": "HS256", "typ": "at+jwt", "kid": KID })
}

/// The claims of an access token as the engine mints them (RFC 9068).
pub fn good_claims() -> serde_json::Value {
    serde_json::json!({
        "iss": ISSUER,
        "sub": SUBJECT,
        "aud": AUDIENCE,
        "exp": NOW + 3600,
        "iat": NOW,
        "jti": "crafted-jti-1",
        "client_id": WEB,
        "scope": SCOPE,
        "fam": "crafted-family-1",
    })
}

// ---------------------------------------------------------------------------
// Bearer
// ---------------------------------------------------------------------------

/// `authenticate_bearer` against `store` with `Authorization: Bearer <token>`
/// at `now` and `policy`.
pub fn bearer_with(
    store: &mut MemoryStore,
    config: &Config,
    token: &str,
    now: u64,
    policy: &BearerPolicy,
) -> Result<AccessTokenClaims, BearerError> {
    let header = format!("Bearer {token}");
    match authenticate_bearer(store, Some(header.as_bytes()), config, now, policy) {
        Ok(result) => result,
        Err(never) => match never {},
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
