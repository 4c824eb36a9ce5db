//! The response checks the tests repeat: exact headers and bodies, the
//! redirect's parameters, and every access token verified twice (by the
//! engine and by the independent `jsonwebtoken` crate).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grant_engine::bearer::verify_access_token;
use grant_engine::{AccessTokenClaims, Config, Effect, Exchange, HttpResponse, Outcome};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use crate::world::{AUDIENCE, ISSUER, KID, NEXT_KID, NEXT_SECRET, SIGNING_SECRET};

/// The headers of every token-endpoint response (RFC 6749 5.1, 5.2).
pub const NO_STORE_JSON: [(&str, &str); 3] = [
    ("content-type", "application/json"),
    ("cache-control", "no-store"),
    ("pragma", "no-cache"),
];

/// The challenge every 401 carries.
pub const BASIC_CHALLENGE: (&str, &str) = ("www-authenticate", r#"Basic realm="grant-engine""#);

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

/// The response's headers as string pairs.
pub fn headers(response: &HttpResponse) -> Vec<(&str, &str)> {
    response
        .headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect()
}

/// `{"error":...,"error_description":...}` as the engine writes it.
pub fn error_body(code: &str, description: &str) -> String {
    format!(r#"{{"error":"{code}","error_description":"{description}"}}"#)
}

/// Asserts the exact header list: the three no-store JSON headers, then `extra`.
pub fn assert_headers(response: &HttpResponse, extra: &[(&str, &str)]) {
    let mut expected: Vec<(&str, &str)> = NO_STORE_JSON.to_vec();
    expected.extend_from_slice(extra);
    assert_eq!(headers(response), expected, "headers");
}

/// Asserts a JSON error response: status, exact body bytes, exact headers
/// (a Basic challenge on every 401).
pub fn assert_json_error(response: &HttpResponse, status: u16, code: &str, description: &str) {
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
}

/// [`assert_json_error`] on a token-endpoint outcome, whose typed report
/// must say the same.
pub fn assert_error(outcome: &Outcome<Exchange>, status: u16, code: &str, description: &str) {
    assert_json_error(outcome.response(), status, code, description);
    let error = outcome.report().as_ref().unwrap_err();
    assert_eq!(error.code().as_str(), code);
    assert_eq!(error.status(), status);
}

/// What a successful token response carried.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub scope: String,
    pub expires_in: u64,
    /// The access token's claims, as the engine's verifier read them.
    pub claims: AccessTokenClaims,
}

/// Asserts a 200 with the exact body layout (key order `access_token`,
/// `token_type`, `expires_in`, `refresh_token` if any, `scope`), the
/// no-store headers, a typed report that says the same, and an access token
/// that both `jsonwebtoken` and the engine accept under `config` at `now`.
pub fn assert_success(outcome: &Outcome<Exchange>, config: &Config, now: u64) -> Issued {
    let response = outcome.response();
    assert_eq!(response.status, 200, "body: {}", response.body_str());
    assert_headers(response, &[]);
    let issued = issued_body(response, config, now);
    let expected_body = match &issued.refresh_token {
        Some(rt) => format!(
            r#"{{"access_token":"{}","token_type":"Bearer","expires_in":{},"refresh_token":"{rt}","scope":"{}"}}"#,
            issued.access_token, issued.expires_in, issued.scope
        ),
        None => format!(
            r#"{{"access_token":"{}","token_type":"Bearer","expires_in":{},"scope":"{}"}}"#,
            issued.access_token, issued.expires_in, issued.scope
        ),
    };
    assert_eq!(response.body_str(), expected_body, "exact body bytes");
    if let Some(rt) = &issued.refresh_token {
        assert_opaque_token(rt);
    }
    let tokens = outcome.report().as_ref().unwrap();
    assert_eq!(tokens.access_token.expose_secret(), issued.access_token);
    assert_eq!(
        tokens.refresh_token.as_ref().map(|t| t.expose_secret()),
        issued.refresh_token.as_deref()
    );
    assert_eq!(tokens.scope.to_string(), issued.scope);
    assert_eq!(tokens.expires_in, issued.expires_in);
    issued
}

/// The tokens of a 200 token response, the access token verified by the
/// engine and by `jsonwebtoken`.
pub fn issued_body(response: &HttpResponse, config: &Config, now: u64) -> Issued {
    assert_eq!(response.status, 200, "body: {}", response.body_str());
    let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    let object = json.as_object().unwrap();
    assert_eq!(object["token_type"], "Bearer");
    let access_token = object["access_token"].as_str().unwrap().to_owned();
    let expires_in = object["expires_in"].as_u64().unwrap();
    let scope = object["scope"].as_str().unwrap_or_default().to_owned();
    let claims = verify_access_token(&access_token, config, now, 0).unwrap();
    let independent = jwt_independent(&access_token, config.keys().signing_key().kid());
    assert_eq!(independent, serde_json::to_value(&claims).unwrap());
    assert_eq!(claims.iat, now);
    assert_eq!(claims.exp, now + expires_in);
    assert_eq!(claims.scope.to_string(), scope);
    Issued {
        refresh_token: object
            .get("refresh_token")
            .map(|v| v.as_str().unwrap().to_owned()),
        access_token,
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
    assert!(URL_SAFE_NO_PAD.decode(token).unwrap().len() >= 16);
}

/// The secret of the ring key named `kid` (the world's two keys).
pub fn secret_of(kid: &str) -> &'static [u8] {
    match kid {
        KID => SIGNING_SECRET,
        NEXT_KID => NEXT_SECRET,
        other => panic!("unknown test kid {other}"),
    }
}

/// Verifies `token` with `jsonwebtoken` (HS256 only, the world's issuer
/// and audience, `exp` against the wall clock) and returns its claims.
/// Asserts the RFC 9068 header: `alg` HS256, `typ` `at+jwt`, `kid`.
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
    let bytes = URL_SAFE_NO_PAD.decode(payload).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    // `serde_json` keeps insertion order only with `preserve_order`; read
    // the keys from the text instead, which is a flat object of scalars.
    let text = String::from_utf8(bytes).unwrap();
    let mut names: Vec<(usize, String)> = json
        .as_object()
        .unwrap()
        .keys()
        .map(|name| (text.find(&format!("\"{name}\":")).unwrap(), name.clone()))
        .collect();
    names.sort();
    names.into_iter().map(|(_, name)| name).collect()
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

/// Decodes a query or form body strictly (every byte that needs encoding
/// must be encoded).
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

/// Owned name/value pairs, to compare with [`form_decode`]'s.
pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

/// The `Location` of a 302 with no body and exactly `location` and
/// `cache-control: no-store`.
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

/// The parameters a 302 appended to `redirect_uri`'s query.
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

/// The one value of `name` in `list`, if any.
pub fn param<'a>(list: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let mut found = list.iter().filter(|(n, _)| n == name);
    let first = found.next().map(|(_, v)| v.as_str());
    assert!(found.next().is_none(), "{name} appears twice");
    first
}

/// Asserts the exact inactive introspection answer (RFC 7662 2.2).
pub fn assert_inactive(outcome: &Outcome<grant_engine::Introspect>) {
    let response = outcome.response();
    assert_eq!(
        (response.status, response.body_str()),
        (200, r#"{"active":false}"#)
    );
    assert_eq!(headers(response), NO_STORE_JSON.to_vec());
    assert_eq!(
        outcome.report(),
        &Ok(grant_engine::Introspection::inactive())
    );
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
