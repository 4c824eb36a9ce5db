//! The test world the core's tests share: one configuration, one set of
//! clients, record builders and the RFC test values.

use grant_engine::client_secret::{ClientSecrets, Pepper, SecretVerifier};
use grant_engine::store::{CodeState, PkceChallenge, RefreshTokenState};
use grant_engine::values::{
    ClientSecret, CodeChallenge, CodeChallengeMethod, CodeVerifier, FamilyId,
};
use grant_engine::{
    Call, ClientId, ClientRecord, CodeRecord, Config, Entropy, GrantType, HmacKey, KeyRing,
    MemoryStore, RedirectUri, RefreshTokenRecord, Scope, Subject, TokenHash,
};

/// 2096-10-02: `jsonwebtoken` checks `exp` against the wall clock, so the
/// tests' "now" lies far enough ahead that the tokens it mints stay
/// unexpired for as long as these tests are run (no time bomb).
pub const NOW: u64 = 4_000_000_000;
pub const ISSUER: &str = "https://auth.example.com";
/// [`ISSUER`], form-urlencoded.
pub const ISSUER_ENC: &str = "https%3A%2F%2Fauth.example.com";
pub const AUDIENCE: &str = "https://api.example.com";
pub const KID: &str = "2026-01";
pub const SIGNING_SECRET: &[u8; 32] = b"grant-engine-test-signing-key-01";
pub const NEXT_KID: &str = "2026-07";
pub const NEXT_SECRET: &[u8; 32] = b"grant-engine-test-signing-key-02";

/// Default lifetimes of [`Config::new`].
pub const ACCESS_TTL: u64 = 86_400;
pub const REFRESH_TTL: u64 = 30 * 86_400;
pub const CODE_TTL: u64 = 600;
/// A refresh family's absolute lifetime: the default, 90 days.
pub const FAMILY_LIFETIME: u64 = 90 * 86_400;

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
    Config::new(ISSUER, AUDIENCE, keys()).with_client_secrets(client_secrets())
}

/// The id and secret of the pepper the world's client verifiers are keyed
/// with (independent of the signing and rotation keys).
pub const PEPPER_ID: &str = "pepper-1";
pub const PEPPER_SECRET: &[u8; 32] = b"grant-engine-test-client-pepper1";

/// The pepper ring of [`config`].
pub fn client_secrets() -> ClientSecrets {
    ClientSecrets::new(Pepper::new(PEPPER_ID, PEPPER_SECRET).unwrap())
}

/// The verifier of `client`'s secret `secret` under [`client_secrets`].
pub fn verifier(client: &str, secret: &str) -> SecretVerifier {
    client_secrets()
        .verifier(&id(client), &ClientSecret::new(secret).unwrap())
        .unwrap()
}

/// A confidential client `client` with the secret `secret`.
pub fn confidential(client: &str, secret: &str) -> ClientRecord {
    ClientRecord::confidential(id(client), verifier(client, secret))
}

/// The rotation key of every grace-period test (independent of the
/// signing keys, as the rules require).
pub const ROTATION_SECRET: &[u8; 32] = b"grant-engine-test-rotation-key-1";

/// [`config`] with a grace period of `seconds` (1 to 60), or without one
/// for 0.
pub fn config_with_grace(seconds: u64) -> Config {
    if seconds == 0 {
        return config();
    }
    let key = grant_engine::mint::RotationKey::new(ROTATION_SECRET).unwrap();
    config().with_refresh_grace(grant_engine::config::RefreshGrace::new(seconds, key).unwrap())
}

pub fn entropy(seed: u8) -> Entropy {
    Entropy::from_bytes([seed; 32])
}

/// A call at `now` with entropy `[seed; 32]`.
pub fn call(now: u64, seed: u8) -> Call {
    Call::new(now, entropy(seed))
}

pub const REDIRECT: &str = "https://app.example.com/cb";
/// [`REDIRECT`], form-urlencoded.
pub const REDIRECT_ENC: &str = "https%3A%2F%2Fapp.example.com%2Fcb";
pub const REDIRECT_2: &str = "https://app.example.com/other";
/// A registered redirect URI with a query of its own (RFC 6749 3.1.2).
pub const REDIRECT_QUERY: &str = "https://app.example.com/cb?tenant=a%20b&x=1";
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
/// Confidential; authorization_code with two redirect URIs.
pub const MULTI: &str = "multi";
pub const MULTI_SECRET: &str = "multi-secret";
/// Confidential; authorization_code with no redirect URI registered.
pub const NO_URI: &str = "no-uri";
/// Confidential; authorization_code with [`REDIRECT_QUERY`].
pub const QUERY: &str = "query";
/// Confidential; client_credentials only.
pub const M2M: &str = "m2m";
pub const M2M_SECRET: &str = "m2m-secret";
/// Public, yet registered for client_credentials (which it may not use).
pub const PUBLIC_M2M: &str = "public-m2m";
/// Confidential; every grant. The "other client" of the cross-client rows.
pub const OTHER: &str = "other";
pub const OTHER_SECRET: &str = "other-secret";
/// Confidential; client_credentials, and the right to introspect any token.
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

/// Every client of the world.
pub fn clients() -> Vec<ClientRecord> {
    use GrantType::{AuthorizationCode, ClientCredentials, RefreshToken};
    let code_client = |name: &str, secret: &str| {
        confidential(name, secret)
            .with_grant_types(&[AuthorizationCode])
            .with_scope(scope(SCOPE))
    };
    let mut rs = confidential(RS, RS_SECRET)
        .with_grant_types(&[ClientCredentials])
        .with_scope(scope(SCOPE));
    rs.introspect_any = true;
    vec![
        confidential(WEB, WEB_SECRET)
            .with_grant_types(&[AuthorizationCode, RefreshToken])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
        code_client(NO_REFRESH, NO_REFRESH_SECRET).with_redirect_uri(uri(REDIRECT)),
        ClientRecord::public(id(SPA))
            .with_grant_types(&[AuthorizationCode, RefreshToken])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
        code_client(MULTI, MULTI_SECRET)
            .with_redirect_uri(uri(REDIRECT))
            .with_redirect_uri(uri(REDIRECT_2)),
        code_client(NO_URI, "no-uri-secret"),
        code_client(QUERY, "query-secret").with_redirect_uri(uri(REDIRECT_QUERY)),
        confidential(M2M, M2M_SECRET)
            .with_grant_types(&[ClientCredentials])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
        ClientRecord::public(id(PUBLIC_M2M))
            .with_grant_types(&[ClientCredentials])
            .with_scope(scope(SCOPE)),
        confidential(OTHER, OTHER_SECRET)
            .with_grant_types(&GrantType::ALL)
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri(REDIRECT)),
        rs,
    ]
}

/// The client named `name`.
pub fn client(name: &str) -> ClientRecord {
    clients()
        .into_iter()
        .find(|c| c.client_id.as_str() == name)
        .unwrap_or_else(|| panic!("no client {name}"))
}

/// The secret of a confidential client of the world, or `None`.
pub fn secret_of_client(name: &str) -> Option<&'static str> {
    match name {
        WEB => Some(WEB_SECRET),
        NO_REFRESH => Some(NO_REFRESH_SECRET),
        MULTI => Some(MULTI_SECRET),
        NO_URI => Some("no-uri-secret"),
        QUERY => Some("query-secret"),
        M2M => Some(M2M_SECRET),
        OTHER => Some(OTHER_SECRET),
        RS => Some(RS_SECRET),
        _ => None,
    }
}

/// A store holding [`clients`] and nothing else.
pub fn store() -> MemoryStore {
    let mut store = MemoryStore::new();
    for client in clients() {
        store.add_client(client);
    }
    store
}

/// RFC 7636 Appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The S256 challenge of `verifier`, as a client computes it.
pub fn challenge_of(verifier: &str) -> String {
    CodeChallenge::s256(&CodeVerifier::new(verifier).unwrap())
        .as_str()
        .to_owned()
}

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

/// An active refresh token for `client` in `family`, scope [`SCOPE`],
/// subject [`SUBJECT`], issued at `issued_at` for [`REFRESH_TTL`].
pub fn refresh_record(
    token: &str,
    client: &str,
    family: &str,
    issued_at: u64,
) -> RefreshTokenRecord {
    RefreshTokenRecord {
        token_hash: TokenHash::of(token),
        client_id: id(client),
        subject: subject(SUBJECT),
        scope: scope(SCOPE),
        family: FamilyId::new(family).unwrap(),
        issued_at,
        expires_at: issued_at + REFRESH_TTL,
        family_expires_at: issued_at + FAMILY_LIFETIME,
        state: RefreshTokenState::Active,
    }
}
