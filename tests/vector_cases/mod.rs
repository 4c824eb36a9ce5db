//! The conformance cases: each builds a fixture and one request. The
//! expected response and effects are whatever the engine answers when the
//! vectors are regenerated; review the diff of `tests/vectors/` then.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grant_engine::oracle::{Fixture, FixtureConsent, FixtureKey, FixtureSettings, VectorRequest};
use grant_engine::*;

/// One case: a name (the vector's file name), the rule in words, a state and
/// a request.
pub struct Case {
    pub name: &'static str,
    pub rule: &'static str,
    pub fixture: Fixture,
    pub request: VectorRequest,
}

pub const NOW: u64 = 1_800_000_000;
pub const ISSUER: &str = "https://as.example";
pub const AUDIENCE: &str = "https://api.example";
pub const REDIRECT: &str = "https://your-app.com/callback";

pub fn id(s: &str) -> ClientId {
    ClientId::new(s).unwrap()
}

pub fn scope(s: &str) -> Scope {
    Scope::parse(s).unwrap()
}

/// The demo server's three clients, a code `abc123` for `your_client_id`,
/// and the seed's refresh token `def50200641f3e...`.
pub fn base_fixture() -> Fixture {
    let all = [
        GrantType::AuthorizationCode,
        GrantType::ClientCredentials,
        GrantType::RefreshToken,
    ];
    Fixture {
        issuer: ISSUER.into(),
        audience: AUDIENCE.into(),
        keys: vec![FixtureKey {
            kid: "k1".into(),
            secret: URL_SAFE_NO_PAD.encode([7u8; 32]),
        }],
        settings: FixtureSettings::default(),
        now: NOW,
        entropy: URL_SAFE_NO_PAD.encode([42u8; 32]),
        clients: vec![
            ClientRecord::confidential(id("your_client_id"), "your_client_secret")
                .with_grant_types(&all)
                .with_scope(scope("read write"))
                .with_redirect_uri(RedirectUri::new(REDIRECT).unwrap()),
            ClientRecord::public(id("public_client_id"))
                .with_grant_types(&[GrantType::AuthorizationCode, GrantType::RefreshToken])
                .with_scope(scope("read write"))
                .with_redirect_uri(RedirectUri::new(REDIRECT).unwrap()),
            ClientRecord::confidential(id("m2m_client_id"), "m2m_client_secret")
                .with_grant_types(&[GrantType::ClientCredentials])
                .with_scope(scope("read")),
        ],
        codes: vec![code_record("abc123", "your_client_id")],
        refresh_tokens: vec![refresh_record("def50200641f3e...", "your_client_id")],
        revoked_families: Vec::new(),
        revoked_access_tokens: Vec::new(),
        consent: FixtureConsent {
            approve: true,
            subject: Subject::new("demo-user").unwrap(),
            scope: None,
        },
        scopes_supported: scope("read write"),
    }
}

/// An unused code for `client`, issued a minute ago with the redirect URI
/// sent, scope `read write`, subject `demo-user`, no PKCE.
pub fn code_record(code: &str, client: &str) -> CodeRecord {
    CodeRecord {
        code_hash: TokenHash::of(code),
        client_id: id(client),
        redirect_uri: Some(RedirectUri::new(REDIRECT).unwrap()),
        scope: scope("read write"),
        subject: Subject::new("demo-user").unwrap(),
        pkce: None,
        issued_at: NOW - 60,
        expires_at: NOW + 540,
        state: CodeState::Unused,
    }
}

/// An active refresh token for `client`, issued an hour ago.
pub fn refresh_record(token: &str, client: &str) -> RefreshTokenRecord {
    RefreshTokenRecord {
        token_hash: TokenHash::of(token),
        client_id: id(client),
        subject: Subject::new("demo-user").unwrap(),
        scope: scope("read write"),
        family: FamilyId::new("family-1").unwrap(),
        issued_at: NOW - 3600,
        expires_at: NOW + 86_400,
        state: RefreshTokenState::Active,
    }
}

/// `POST path` with a form body and the given extra headers.
pub fn post(path: &str, body: &str, headers: &[(&str, &str)]) -> VectorRequest {
    let mut all = vec![(
        "Content-Type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    )];
    all.extend(
        headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
    );
    VectorRequest {
        method: "POST".into(),
        target: path.into(),
        headers: all,
        body: body.into(),
        body_base64: None,
    }
}

/// `GET target` with the given headers.
pub fn get(target: &str, headers: &[(&str, &str)]) -> VectorRequest {
    VectorRequest {
        method: "GET".into(),
        target: target.into(),
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: String::new(),
        body_base64: None,
    }
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "seed-authorization-code",
            rule: "seed: the authorization code exchange with credentials in the body",
            fixture: base_fixture(),
            request: post(
                "/oauth/token",
                "grant_type=authorization_code&code=abc123&client_id=your_client_id&client_secret=your_client_secret&redirect_uri=https%3A%2F%2Fyour-app.com%2Fcallback",
                &[],
            ),
        },
        Case {
            name: "seed-client-credentials",
            rule: "seed: the client credentials grant with credentials in the body",
            fixture: base_fixture(),
            request: post(
                "/oauth/token",
                "grant_type=client_credentials&client_id=your_client_id&client_secret=your_client_secret&scope=read%20write",
                &[],
            ),
        },
        Case {
            name: "seed-refresh-token",
            rule: "seed: the refresh token grant with credentials in the body",
            fixture: base_fixture(),
            request: post(
                "/oauth/token",
                "grant_type=refresh_token&refresh_token=def50200641f3e...&client_id=your_client_id&client_secret=your_client_secret",
                &[],
            ),
        },
    ]
}
