//! The pools the grammar draws from: the state's client ids, secrets,
//! scopes, redirect URIs, codes and tokens, the settings it picks from, and
//! the values requests are made of. An index byte picks from a pool modulo
//! its length (`pick`).

pub const BASE_NOW: u64 = 1_800_000_000;
pub const ISSUER: &str = "https://as.example";
pub const AUDIENCE: &str = "https://api.example";
pub const KEY1: [u8; 32] = [7; 32];
pub const KEY2: [u8; 32] = [9; 32];

/// Client ids: the state registers the first three, the fourth if asked;
/// `ghost` never.
pub const CLIENT_IDS: [&str; 5] = ["app", "spa", "m2m", "r s:%", "ghost"];
/// Secrets; the last is never registered.
pub const SECRETS: [&str; 4] = ["s3cret", "hunter2", "p%+ :q", "wrong"];
pub const SCOPES: [&str; 4] = ["read", "write", "admin", "openid"];
pub const REDIRECTS: [&str; 4] = [
    "https://app.example/cb",
    "https://app.example/cb?x=1",
    "com.example.app:/cb",
    "https://other.example/cb",
];
pub const CODES: [&str; 4] = ["code-a", "code-b", "code-c", "code-d"];
pub const REFRESH_TOKENS: [&str; 4] = ["rt-a", "rt-b", "rt-c", "rt-d"];
pub const FAMILIES: [&str; 3] = ["fam-1", "fam-2", "fam-3"];
pub const JTIS: [&str; 2] = ["jti-1", "jti-2"];
/// PKCE verifiers; the last one is malformed.
pub const VERIFIERS: [&str; 4] = [
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG-._~",
    "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
    "short",
];
pub const GRANT_TYPES: [&str; 6] = [
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "password",
    "implicit",
    "AUTHORIZATION_CODE",
];
pub const RESPONSE_TYPES: [&str; 4] = ["code", "token", "code id_token", "CODE"];
pub const METHODS: [&str; 4] = ["S256", "plain", "s256", "none"];
pub const HINTS: [&str; 3] = ["access_token", "refresh_token", "bogus"];
pub const PARAM_NAMES: [&str; 14] = [
    "grant_type",
    "client_id",
    "client_secret",
    "code",
    "redirect_uri",
    "code_verifier",
    "refresh_token",
    "scope",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
    "token",
    "token_type_hint",
];
pub const ENDPOINTS: [&str; 8] = [
    "/oauth/token",
    "/oauth/authorize",
    "/oauth/revoke",
    "/oauth/introspect",
    "/.well-known/oauth-authorization-server",
    "/api/me",
    "/nope",
    "/oauth/token/",
];
pub const HTTP_METHODS: [&str; 6] = ["POST", "GET", "PUT", "post", "HEAD", "DELETE"];
pub const CONTENT_TYPES: [Option<&str>; 7] = [
    Some("application/x-www-form-urlencoded"),
    Some("application/x-www-form-urlencoded; charset=UTF-8"),
    Some("APPLICATION/X-WWW-FORM-URLENCODED"),
    Some("application/json"),
    None,
    Some("text/plain"),
    Some("application/x-www-form-urlencodedx"),
];
/// Seconds before `now` that records were issued or rotated.
pub const AGES: [u64; 8] = [0, 1, 59, 300, 599, 600, 601, 86_400];
pub const CODE_LIFETIMES: [u64; 5] = [600, 0, 1, 300, 3600];
pub const REFRESH_LIFETIMES: [u64; 5] = [30 * 86_400, 0, 1, 3600, 86_400];
/// Seconds the clock moves before a request.
pub const ADVANCES: [u64; 8] = [0, 1, 5, 30, 599, 601, 3600, 86_401];
pub const ACCESS_TTLS: [u64; 4] = [1, 60, 3600, 86_400];
pub const REFRESH_TTLS: [u64; 3] = [1, 3600, 86_400];
pub const CODE_TTLS: [u64; 4] = [1, 60, 600, 3600];
pub const GRACES: [u64; 4] = [1, 5, 30, 60];
/// Statuses the oracle may answer with (503 only when a store refuses a
/// unit of effects, which the session checks the model predicts).
pub const STATUSES: [u16; 9] = [200, 302, 400, 401, 403, 404, 405, 413, 503];
/// The error codes of RFC 6749 4.1.2.1.
pub const REDIRECT_ERRORS: [&str; 7] = [
    "invalid_request",
    "unauthorized_client",
    "access_denied",
    "unsupported_response_type",
    "invalid_scope",
    "server_error",
    "temporarily_unavailable",
];
/// Longest byte string a value or name takes from the input.
pub const MAX_BYTES: usize = 256;

/// The option an index byte picks (modulo the pool's length).
pub(super) fn pick<T: Copy>(options: &[T], i: u8) -> T {
    options[usize::from(i) % options.len()]
}
