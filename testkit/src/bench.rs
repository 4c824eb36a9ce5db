//! The state the benches start from: one client, one unused code with an
//! S256 challenge, one active refresh token, and the seed's three request
//! bodies, so that every bench (and every floor beside it) measures the
//! same requests.

use grant_engine::client_secret::{ClientSecrets, Pepper};
use grant_engine::store::{CodeState, PkceChallenge, RefreshTokenState};
use grant_engine::values::{
    ClientSecret, CodeChallenge, CodeChallengeMethod, CodeVerifier, FamilyId,
};
use grant_engine::{
    ClientId, ClientRecord, CodeRecord, Config, GrantType, HmacKey, KeyRing, MemoryStore,
    RedirectUri, RefreshTokenRecord, Scope, Subject, TokenHash,
};

pub const NOW: u64 = 1_800_000_000;
pub const ISSUER: &str = "https://as.example";
pub const AUDIENCE: &str = "https://api.example";
pub const KID: &str = "k1";
pub const KEY: [u8; 32] = [7; 32];
/// The client-secret pepper (its verifier is stored keyed by it).
pub const PEPPER_ID: &str = "p1";
pub const PEPPER: [u8; 32] = [13; 32];
pub const ENTROPY: [u8; 32] = [1; 32];
pub const CLIENT_ID: &str = "your_client_id";
pub const CLIENT_SECRET: &str = "your_client_secret";
pub const REDIRECT_URI: &str = "https://your-app.com/callback";
pub const SCOPE: &str = "read write";
pub const SUBJECT: &str = "user-1234";
pub const CODE: &str = "abc123";
/// RFC 7636 Appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const REFRESH: &str = "def50200641f3e...";
pub const FAMILY: &str = "fam-2f8d1c0a9b7e6d5c4b3a";
pub const ACCESS_TTL: u64 = 86_400;

pub const CC_BODY: &[u8] = b"grant_type=client_credentials&client_id=your_client_id\
    &client_secret=your_client_secret&scope=read%20write";
pub const AC_BODY: &[u8] = b"grant_type=authorization_code&code=abc123&client_id=your_client_id\
    &client_secret=your_client_secret&redirect_uri=https%3A%2F%2Fyour-app.com%2Fcallback\
    &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const RT_BODY: &[u8] = b"grant_type=refresh_token&refresh_token=def50200641f3e...\
    &client_id=your_client_id&client_secret=your_client_secret";

/// The configuration: defaults, one HS256 key, one pepper.
pub fn config() -> Config {
    let key = HmacKey::new(KID, &KEY).expect("key");
    Config::new(ISSUER, AUDIENCE, KeyRing::new(key)).with_client_secrets(client_secrets())
}

/// The pepper ring of [`config`].
pub fn client_secrets() -> ClientSecrets {
    ClientSecrets::new(Pepper::new(PEPPER_ID, &PEPPER).expect("pepper"))
}

/// The state every grant starts from.
pub fn store() -> MemoryStore {
    let client_id = ClientId::new(CLIENT_ID).expect("client id");
    let redirect_uri = RedirectUri::new(REDIRECT_URI).expect("redirect uri");
    let scope = Scope::parse(SCOPE).expect("scope");
    let secret = ClientSecret::new(CLIENT_SECRET).expect("secret");
    let verifier = client_secrets()
        .verifier(&client_id, &secret)
        .expect("verifier");
    let mut store = MemoryStore::new();
    store.add_client(
        ClientRecord::confidential(client_id.clone(), verifier)
            .with_grant_types(&[
                GrantType::AuthorizationCode,
                GrantType::ClientCredentials,
                GrantType::RefreshToken,
            ])
            .with_scope(scope.clone())
            .with_redirect_uri(redirect_uri.clone()),
    );
    let verifier = CodeVerifier::new(VERIFIER).expect("verifier");
    store.add_code(CodeRecord {
        code_hash: TokenHash::of(CODE),
        client_id: client_id.clone(),
        redirect_uri: Some(redirect_uri),
        scope: scope.clone(),
        subject: Subject::new(SUBJECT).expect("subject"),
        pkce: Some(PkceChallenge {
            challenge: CodeChallenge::s256(&verifier),
            method: CodeChallengeMethod::S256,
        }),
        issued_at: NOW - 10,
        expires_at: NOW + 590,
        state: CodeState::Unused,
    });
    store.add_refresh_token(RefreshTokenRecord {
        token_hash: TokenHash::of(REFRESH),
        client_id,
        subject: Subject::new(SUBJECT).expect("subject"),
        scope,
        family: FamilyId::new(FAMILY).expect("family"),
        issued_at: NOW - 3_600,
        expires_at: NOW + 29 * 86_400,
        family_expires_at: NOW + 89 * 86_400,
        state: RefreshTokenState::Active,
    });
    store
}
