//! Fixtures shared by the grant-engine exchange tests (`grants`,
//! `grants_props`, `async_host`): one configuration, one store of clients,
//! request builders, and the response and JWT checks every test repeats.
//!
//! Everything here goes through the crate's public API only; the JWT checks
//! use the `jsonwebtoken` crate as an independent implementation.
#![allow(dead_code)] // Each test crate uses its own part of the fixtures.

use base64::Engine as _;
use grant_engine::{
    AccessTokenClaims, ClientId, ClientRecord, CodeChallenge, CodeChallengeMethod, CodeRecord,
    CodeState, Config, Context, Effect, Entropy, GrantType, HmacKey, HttpResponse, KeyRing,
    MemoryStore, Outcome, PkceChallenge, RedirectUri, RequestParts, Scope, Subject, TokenHash,
    verify_access_token,
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

/// 2096-10-02: `jsonwebtoken` checks `exp` against the wall clock, so the
/// tests' "now" lies far enough ahead that the tokens it mints stay
/// unexpired for as long as these tests are run (no time bomb).
pub const NOW: u64 = 4_000_000_000;
pub const ISSUER: &str = "https://auth.example.com";
pub const AUDIENCE: &str = "https://api.example.com";
pub const KID: &str = "2026-01";
pub const SIGNING_SECRET: &[u8; 32] = b"grant-engine-test-signing-key-01";
pub const NEXT_KID: &str = "2026-07";
pub const NEXT_SECRET: &[u8; 32] = b"grant-engine-test-signing-key-02";

/// Default lifetimes of [`Config::new`].
pub const ACCESS_TTL: u64 = 86_400;
pub const REFRESH_TTL: u64 = 30 * 86_400;
pub const CODE_TTL: u64 = 600;

pub fn key(kid: &str, secret: &[u8]) -> HmacKey {
    HmacKey::new(kid, secret).unwrap()
}

pub fn keys() -> KeyRing {
    KeyRing::new(key(KID, SIGNING_SECRET))
}

/// The configuration every test uses unless it says otherwise: defaults
/// (24 h access tokens, 30 d refresh tokens, 10 min codes, no grace period,
/// PKCE S256 required for public clients).
pub fn config() -> Config {
    Config::new(ISSUER, AUDIENCE, keys())
}

pub fn entropy(seed: u8) -> Entropy {
    Entropy::from_bytes([seed; 32])
}

pub fn ctx(now: u64, seed: u8) -> Context {
    Context::new(now, entropy(seed))
}

// ---------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------

pub const REDIRECT: &str = "https://app.example.com/cb";
pub const SUBJECT: &str = "alice";
pub const SCOPE: &str = "read write";

/// Confidential; authorization_code + refresh_token.
pub const WEB: &str = "web";
pub const WEB_SECRET: &str = "web-secret";
/// Confidential; authorization_code only (no refresh tokens).
pub const NO_REFRESH: &str = "no-refresh";
pub const NO_REFRESH_SECRET: &str = "no-refresh-secret";
/// Public; authorization_code + refresh_token.
pub const SPA: &str = "spa";
/// Confidential; client_credentials only.
pub const M2M: &str = "m2m";
pub const M2M_SECRET: &str = "m2m-secret";
/// Public, yet registered for client_credentials (which it may not use).
pub const PUBLIC_M2M: &str = "public-m2m";
/// Confidential; every grant. The "other client" of the cross-client rows.
pub const OTHER: &str = "other";
pub const OTHER_SECRET: &str = "other-secret";

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
    vec![
        ClientRecord::confidential(id(WEB), WEB_SECRET)
            .with_grant_types(&[AuthorizationCode, RefreshToken])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
        ClientRecord::confidential(id(NO_REFRESH), NO_REFRESH_SECRET)
            .with_grant_types(&[AuthorizationCode])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
        ClientRecord::public(id(SPA))
            .with_grant_types(&[AuthorizationCode, RefreshToken])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
        ClientRecord::confidential(id(M2M), M2M_SECRET)
            .with_grant_types(&[ClientCredentials])
            .with_scope(scope(SCOPE)),
        ClientRecord::public(id(PUBLIC_M2M))
            .with_grant_types(&[ClientCredentials])
            .with_scope(scope(SCOPE)),
        ClientRecord::confidential(id(OTHER), OTHER_SECRET)
            .with_grant_types(&GrantType::ALL)
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
    ]
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
// Codes
// ---------------------------------------------------------------------------

/// RFC 7636 Appendix B.
pub const RFC7636_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const RFC7636_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// An unused code for `client`, issued at [`NOW`] for ten minutes, bound to
/// [`REDIRECT`], [`SCOPE`] and [`SUBJECT`], without PKCE.
pub fn code_record(code: &str, client: &str) -> CodeRecord {
    CodeRecord {
        code_hash: TokenHash::of(code),
        client_id: id(client),
        redirect_uri: Some(uri(REDIRECT)),
        scope: scope(SCOPE),
        subject: subject(SUBJECT),
        pkce: None,
        issued_at: NOW,
        expires_at: NOW + CODE_TTL,
        state: CodeState::Unused,
    }
}

/// The same code bound to an S256 challenge.
pub fn with_s256(mut code: CodeRecord, challenge: &str) -> CodeRecord {
    code.pkce = Some(PkceChallenge {
        challenge: CodeChallenge::new(challenge).unwrap(),
        method: CodeChallengeMethod::S256,
    });
    code
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

#[path = "../wire_support.rs"]
mod wire_support;
#[allow(unused_imports)] // Each test crate uses some of them.
pub use wire_support::{basic, enc, form};

/// POSTs `body` to the token endpoint of `store`, which applies the effects.
pub fn post(store: &mut MemoryStore, config: &Config, body: &str, ctx: Context) -> Outcome {
    store.token_endpoint(&RequestParts::form_post(body.as_bytes()), config, ctx)
}

/// The same with an `Authorization` header.
pub fn post_with_auth(
    store: &mut MemoryStore,
    config: &Config,
    authorization: &str,
    body: &str,
    ctx: Context,
) -> Outcome {
    let parts =
        RequestParts::form_post(body.as_bytes()).with_authorization(authorization.as_bytes());
    store.token_endpoint(&parts, config, ctx)
}

// ---------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------

/// The headers of every token-endpoint response (RFC 6749 5.1, 5.2).
pub const NO_STORE_JSON: [(&str, &str); 3] = [
    ("content-type", "application/json"),
    ("cache-control", "no-store"),
    ("pragma", "no-cache"),
];

/// The challenge every 401 carries.
pub const BASIC_CHALLENGE: (&str, &str) = ("www-authenticate", r#"Basic realm="grant-engine""#);

pub fn error_body(code: &str, description: &str) -> String {
    format!(r#"{{"error":"{code}","error_description":"{description}"}}"#)
}

pub const INVALID_CLIENT: &str = "client authentication failed";
pub const UNAUTHORIZED_CLIENT: &str = "the client is not allowed to use this grant type";
pub const CODE_INVALID: &str = "the code is invalid, expired, or was issued to another client";
pub const CODE_REUSED: &str = "the code was already used";
pub const REDIRECT_MISMATCH: &str = "the redirect_uri does not match the authorization request";
pub const VERIFIER_MISSING: &str = "the code_verifier is missing";
pub const VERIFIER_UNEXPECTED: &str = "the code was issued without a code_challenge";
pub const VERIFIER_MISMATCH: &str = "the code_verifier does not match the code_challenge";
pub const PKCE_REQUIRED: &str =
    "the code was issued without the PKCE challenge this client requires";
pub const REFRESH_INVALID: &str =
    "the refresh token is invalid, expired, revoked, or was issued to another client";
pub const REFRESH_REUSED: &str = "the refresh token was already used";
pub const SCOPE_NOT_ALLOWED: &str = "the requested scope exceeds what may be granted";

/// Asserts the exact header list: the three no-store JSON headers, then `extra`.
pub fn assert_headers(response: &HttpResponse, extra: &[(&str, &str)]) {
    let actual: Vec<(&str, &str)> = response
        .headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let mut expected: Vec<(&str, &str)> = NO_STORE_JSON.to_vec();
    expected.extend_from_slice(extra);
    assert_eq!(actual, expected, "headers");
}

/// Asserts an error outcome: status, exact body bytes, exact headers (a
/// Basic challenge on every 401), and the typed result is an error.
pub fn assert_error(outcome: &Outcome, status: u16, code: &str, description: &str) {
    let response = outcome.response();
    assert_eq!(
        (response.status, response.body_str()),
        (status, error_body(code, description).as_str()),
        "status and body"
    );
    if status == 401 {
        assert_headers(response, &[BASIC_CHALLENGE]);
    } else {
        assert_headers(response, &[]);
    }
    let error = outcome.result().as_ref().unwrap_err();
    assert_eq!(error.code().as_str(), code);
    assert_eq!(error.status(), status);
}

/// What a successful response carried.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub scope: String,
    pub expires_in: u64,
    /// The access token's claims, as the crate's verifier read them.
    pub claims: AccessTokenClaims,
}

/// Asserts a 200 with the exact body layout (key order `access_token`,
/// `token_type`, `expires_in`, `refresh_token` if any, `scope`), the
/// no-store headers, and an access token that both `jsonwebtoken` and
/// [`verify_access_token`] accept under `config` at `now`.
pub fn assert_success(outcome: &Outcome, config: &Config, now: u64) -> Issued {
    let response = outcome.response();
    assert_eq!(response.status, 200, "body: {}", response.body_str());
    assert_headers(response, &[]);
    let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    let object = json.as_object().unwrap();
    let access_token = object["access_token"].as_str().unwrap().to_owned();
    let refresh_token = object
        .get("refresh_token")
        .map(|v| v.as_str().unwrap().to_owned());
    let scope = object["scope"].as_str().unwrap().to_owned();
    let expires_in = object["expires_in"].as_u64().unwrap();
    assert_eq!(object["token_type"], "Bearer");
    let expected_body = match &refresh_token {
        Some(rt) => format!(
            r#"{{"access_token":"{access_token}","token_type":"Bearer","expires_in":{expires_in},"refresh_token":"{rt}","scope":"{scope}"}}"#
        ),
        None => format!(
            r#"{{"access_token":"{access_token}","token_type":"Bearer","expires_in":{expires_in},"scope":"{scope}"}}"#
        ),
    };
    assert_eq!(response.body_str(), expected_body, "exact body bytes");
    if let Some(rt) = &refresh_token {
        assert_opaque_token(rt);
    }

    // The typed result says the same as the bytes.
    let tokens = outcome.result().as_ref().unwrap();
    assert_eq!(tokens.access_token.expose_secret(), access_token);
    assert_eq!(
        tokens.refresh_token.as_ref().map(|t| t.expose_secret()),
        refresh_token.as_deref()
    );
    assert_eq!(tokens.scope.to_string(), scope);
    assert_eq!(tokens.expires_in, expires_in);

    let claims = verify_access_token(&access_token, config, now, 0).unwrap();
    let independent = jwt_independent(&access_token, config.keys().signing_key().kid());
    assert_eq!(independent, serde_json::to_value(&claims).unwrap());
    assert_eq!(claims.iat, now);
    assert_eq!(claims.exp, now + expires_in);
    assert_eq!(claims.scope.to_string(), scope);
    Issued {
        access_token,
        refresh_token,
        scope,
        expires_in,
        claims,
    }
}

/// Opaque tokens: at least 128 bits as unpadded base64url.
pub fn assert_opaque_token(token: &str) {
    assert!(token.len() >= 22, "too short: {} chars", token.len());
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "not base64url"
    );
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .unwrap();
    assert!(bytes.len() >= 16);
}

/// The secret of the ring key named `kid` (the tests' two keys).
pub fn secret_of(kid: &str) -> &'static [u8] {
    match kid {
        KID => SIGNING_SECRET,
        NEXT_KID => NEXT_SECRET,
        other => panic!("unknown test kid {other}"),
    }
}

/// Verifies `token` with `jsonwebtoken` (HS256 only, our issuer and
/// audience, `exp` against the wall clock) and returns its claims. Asserts
/// the RFC 9068 header: `alg` HS256, `typ` `at+jwt`, `kid`.
pub fn jwt_independent(token: &str, kid: &str) -> serde_json::Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.alg, Algorithm::HS256);
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    assert_eq!(header.kid.as_deref(), Some(kid));
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 0;
    let data = jsonwebtoken::decode::<serde_json::Value>(
        token,
        &DecodingKey::from_secret(secret_of(kid)),
        &validation,
    )
    .unwrap();
    assert_eq!(data.header, header);
    data.claims
}

/// The claim names of an access token, in the order they are written.
pub fn claim_names(token: &str) -> Vec<String> {
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    let text = String::from_utf8(bytes).unwrap();
    // A flat object of scalar values: split on the keys.
    let mut names = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("\"") {
        let after = &rest[start + 1..];
        let end = after.find('"').unwrap();
        let name = &after[..end];
        let tail = &after[end + 1..];
        assert!(tail.starts_with(':'), "not a key: {name}");
        names.push(name.to_owned());
        // Skip the value up to the next top-level comma.
        let value_end = if tail[1..].starts_with('"') {
            let v = &tail[2..];
            2 + v.find('"').unwrap() + 1
        } else {
            tail.find([',', '}']).unwrap()
        };
        rest = &tail[value_end..];
    }
    names
}

/// The `StoreRefreshToken` records among `effects`.
pub fn stored_refresh_tokens(effects: &[Effect]) -> Vec<&grant_engine::RefreshTokenRecord> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::StoreRefreshToken(record) => Some(record),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Canned requests
// ---------------------------------------------------------------------------

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
    if let Some(scope) = scope {
        pairs.push(("scope", scope));
    }
    form(&pairs)
}

/// Stores a fresh code for `web`, redeems it at `NOW + 1` and returns what
/// was issued.
pub fn web_login(store: &mut MemoryStore, config: &Config, code: &str, seed: u8) -> Issued {
    store.add_code(code_record(code, WEB));
    let outcome = post(store, config, &web_redeem_body(code), ctx(NOW + 1, seed));
    assert_success(&outcome, config, NOW + 1)
}
