//! The conformance cases: each builds a fixture and one request. The
//! expected response and effects are whatever the engine answers when the
//! vectors are regenerated; review the diff of `tests/vectors/` then.
//!
//! One submodule per section of `RFC-RULES.md`; every case is named after
//! the rule it pins, prefixed by its section. This file holds the shared
//! vocabulary: the base fixture, records, request builders, and sessions
//! (run the oracle on setup requests and take the state it leaves as the
//! case's fixture, so that a case can use a token the engine really issued).

mod asymmetric;
mod authorize;
mod bearer;
mod client_auth;
mod client_credentials;
mod code;
mod hygiene;
mod introspection;
mod metadata;
mod never;
mod refresh;
mod response;
mod revocation;
mod scopes;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
pub use grant_engine::client_secret::{ClientSecrets, Pepper};
pub use grant_engine::store::{CodeState, PkceChallenge, RefreshTokenState};
pub use grant_engine::values::{
    ClientSecret, CodeChallenge, CodeChallengeMethod, FamilyId, TokenId,
};
pub use grant_engine::{
    ClientId, ClientRecord, CodeRecord, Effect, GrantType, RedirectUri, RefreshTokenRecord, Scope,
    Subject, TokenHash,
};
pub use grant_engine_oracle::{
    Fixture, FixtureConsent, FixtureKey, FixturePepper, FixtureSettings, Oracle, OracleAnswer,
    VectorRequest,
};
pub use grant_engine_testkit::wire::{basic, form_encode};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// One case: a name (the vector's file name), the rule in words, a state and
/// a request.
pub struct Case {
    pub name: &'static str,
    pub rule: &'static str,
    pub fixture: Fixture,
    pub request: VectorRequest,
}

/// A case, for the tables below.
pub fn case(
    name: &'static str,
    rule: &'static str,
    fixture: Fixture,
    request: VectorRequest,
) -> Case {
    Case {
        name,
        rule,
        fixture,
        request,
    }
}

pub const NOW: u64 = 1_800_000_000;
pub const ISSUER: &str = "https://as.example";
pub const AUDIENCE: &str = "https://api.example";
pub const REDIRECT: &str = "https://your-app.com/callback";
/// `REDIRECT`, form-urlencoded.
pub const REDIRECT_ENC: &str = "https%3A%2F%2Fyour-app.com%2Fcallback";
/// The signing key of the base fixture (`kid` `k1`).
pub const KEY: [u8; 32] = [7; 32];
/// The client-secret pepper every client's verifier is keyed with
/// (independent of [`KEY`] and [`ROTATION_KEY`]).
pub const PEPPER: [u8; 32] = [13; 32];
pub const PEPPER_ID: &str = "p1";
/// The rotation key of the grace-period cases (independent of [`KEY`]).
pub const ROTATION_KEY: [u8; 32] = [11; 32];
/// RFC 7636 Appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
/// The seed's refresh token (family `family-1`, client `your_client_id`).
pub const SEED_REFRESH: &str = "def50200641f3e...";
/// `client_secret_post` credentials of the confidential client.
pub const CONFIDENTIAL: &str = "client_id=your_client_id&client_secret=your_client_secret";
/// `client_secret_post` credentials of the client_credentials-only client.
pub const M2M: &str = "client_id=m2m_client_id&client_secret=m2m_client_secret";

pub fn id(s: &str) -> ClientId {
    ClientId::new(s).unwrap()
}

pub fn scope(s: &str) -> Scope {
    Scope::parse(s).unwrap()
}

/// A confidential client `client_id` with the secret `secret`, its
/// verifier keyed by [`PEPPER`].
pub fn confidential_client(client_id: &str, secret: &str) -> ClientRecord {
    let pepper = Pepper::new(PEPPER_ID, &PEPPER).unwrap();
    let verifier = ClientSecrets::new(pepper)
        .verifier(&id(client_id), &ClientSecret::new(secret).unwrap())
        .unwrap();
    ClientRecord::confidential(id(client_id), verifier)
}

pub fn redirect_uri(s: &str) -> RedirectUri {
    RedirectUri::new(s).unwrap()
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
        keys: vec![fixture_key("k1", KEY)],
        peppers: vec![FixturePepper {
            id: PEPPER_ID.into(),
            secret: URL_SAFE_NO_PAD.encode(PEPPER),
        }],
        settings: FixtureSettings::default(),
        now: NOW,
        entropy: URL_SAFE_NO_PAD.encode([42u8; 32]),
        clients: vec![
            confidential_client("your_client_id", "your_client_secret")
                .with_grant_types(&all)
                .with_scope(scope("read write"))
                .with_redirect_uri(RedirectUri::new(REDIRECT).unwrap()),
            ClientRecord::public(id("public_client_id"))
                .with_grant_types(&[GrantType::AuthorizationCode, GrantType::RefreshToken])
                .with_scope(scope("read write"))
                .with_redirect_uri(RedirectUri::new(REDIRECT).unwrap()),
            confidential_client("m2m_client_id", "m2m_client_secret")
                .with_grant_types(&[GrantType::ClientCredentials])
                .with_scope(scope("read")),
        ],
        codes: vec![code_record("abc123", "your_client_id")],
        refresh_tokens: vec![refresh_record(SEED_REFRESH, "your_client_id")],
        revoked_families: Vec::new(),
        revoked_access_tokens: Vec::new(),
        consent: FixtureConsent {
            approve: true,
            subject: "demo-user".into(),
            scope: None,
        },
        scopes_supported: scope("read write"),
        api_scope: Scope::default(),
    }
}

/// The base fixture, changed by `edit`.
pub fn base_with(edit: impl FnOnce(&mut Fixture)) -> Fixture {
    let mut fixture = base_fixture();
    edit(&mut fixture);
    fixture
}

pub fn fixture_key(kid: &str, secret: [u8; 32]) -> FixtureKey {
    FixtureKey::Hs256 {
        kid: kid.into(),
        secret: URL_SAFE_NO_PAD.encode(secret),
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

/// `code_record` with the RFC 7636 Appendix B challenge (S256).
pub fn pkce_code_record(code: &str, client: &str) -> CodeRecord {
    CodeRecord {
        pkce: Some(PkceChallenge {
            challenge: CodeChallenge::new(CHALLENGE).unwrap(),
            method: CodeChallengeMethod::S256,
        }),
        ..code_record(code, client)
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
        family_expires_at: NOW + 90 * 86_400,
        state: RefreshTokenState::Active,
    }
}

/// `refresh_record` in another family.
pub fn refresh_in_family(token: &str, client: &str, family: &str) -> RefreshTokenRecord {
    RefreshTokenRecord {
        family: FamilyId::new(family).unwrap(),
        ..refresh_record(token, client)
    }
}

/// RFC 6749 4.1.4's example refresh token: opaque and without dots, like
/// the refresh tokens the engine issues (the seed's token has dots).
pub const RFC_REFRESH: &str = "tGzv3JOkF0XG5Qx2TlKWIA";

/// The base fixture with `RFC_REFRESH` stored for `your_client_id` in
/// family `family-2`, its record changed by `edit`.
pub fn with_rfc_refresh(edit: impl FnOnce(&mut RefreshTokenRecord)) -> Fixture {
    let mut record = refresh_in_family(RFC_REFRESH, "your_client_id", "family-2");
    edit(&mut record);
    base_with(|f| f.refresh_tokens.push(record))
}

/// A refresh of `RFC_REFRESH` by `your_client_id` (body credentials).
pub fn rfc_refresh() -> VectorRequest {
    token(&format!(
        "grant_type=refresh_token&refresh_token={RFC_REFRESH}&{CONFIDENTIAL}"
    ))
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

/// `request` with these headers instead of its own.
pub fn with_headers(mut request: VectorRequest, headers: &[(&str, &str)]) -> VectorRequest {
    request.headers = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    request
}

/// `request` with a body that is not (necessarily) UTF-8.
pub fn with_body_bytes(mut request: VectorRequest, body: &[u8]) -> VectorRequest {
    request.body = String::new();
    request.body_base64 = Some(URL_SAFE_NO_PAD.encode(body));
    request
}

/// `POST /oauth/token` with a form body.
pub fn token(body: &str) -> VectorRequest {
    post("/oauth/token", body, &[])
}

/// `POST /oauth/token` with `client_secret_basic` credentials.
pub fn token_basic(body: &str, client_id: &str, secret: &str) -> VectorRequest {
    post(
        "/oauth/token",
        body,
        &[("Authorization", &basic(client_id, secret))],
    )
}

/// `POST /oauth/revoke` with a form body and extra headers.
pub fn revoke(body: &str, headers: &[(&str, &str)]) -> VectorRequest {
    post("/oauth/revoke", body, headers)
}

/// `POST /oauth/introspect` with a form body and extra headers.
pub fn introspect(body: &str, headers: &[(&str, &str)]) -> VectorRequest {
    post("/oauth/introspect", body, headers)
}

/// `GET /oauth/authorize?query`.
pub fn authorize(query: &str) -> VectorRequest {
    get(&format!("/oauth/authorize?{query}"), &[])
}

/// `GET /api/me` with this `Authorization` value.
pub fn api_me(authorization: &str) -> VectorRequest {
    get("/api/me", &[("Authorization", authorization)])
}

/// Runs the oracle on `setup` (one session: request n uses the n-th derived
/// entropy) and returns the fixture as the session left the state: records
/// as the oracle's store holds them, revocations as the effects reported
/// them, and the entropy the session's next request would use. A case built
/// on the result is that next request.
pub fn session(fixture: &Fixture, setup: &[VectorRequest]) -> (Fixture, Vec<OracleAnswer>) {
    let mut oracle = Oracle::from_fixture(fixture).unwrap();
    let answers: Vec<OracleAnswer> = setup
        .iter()
        .map(|request| oracle.handle(&request.to_raw().unwrap()))
        .collect();
    let mut after = fixture.clone();
    let mut code_hashes: Vec<TokenHash> = fixture.codes.iter().map(|c| c.code_hash).collect();
    for effect in answers.iter().flat_map(|a| &a.effects) {
        match effect {
            Effect::StoreCode(code) => code_hashes.push(code.code_hash),
            Effect::RevokeFamily { family, .. } if !after.revoked_families.contains(family) => {
                after.revoked_families.push(family.clone());
            }
            Effect::RevokeAccessTokens { token_ids, .. } => {
                after
                    .revoked_access_tokens
                    .extend(token_ids.iter().cloned());
            }
            _ => {}
        }
    }
    let store = oracle.store();
    after.codes = code_hashes
        .iter()
        .filter_map(|hash| store.code_record(hash).cloned())
        .collect();
    after.refresh_tokens = store.refresh_token_records().cloned().collect();
    let entropy = URL_SAFE_NO_PAD.decode(&fixture.entropy).unwrap();
    let next = Sha256::new()
        .chain_update(entropy)
        .chain_update((setup.len() as u64).to_be_bytes())
        .finalize();
    after.entropy = URL_SAFE_NO_PAD.encode(next);
    (after, answers)
}

/// A string field of a JSON response body.
pub fn field(answer: &OracleAnswer, name: &str) -> String {
    let json: serde_json::Value = serde_json::from_slice(&answer.response.body).unwrap();
    json[name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} in {}", answer.response.body_str()))
        .to_owned()
}

/// The claims of a JWT, decoded without verification.
pub fn jwt_claims(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// A JWS signed with HS256 under `key`, whatever `header` claims.
pub fn hs256_jwt(header: &str, claims: &str, key: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// The header the engine writes for `k1`.
pub const HEADER_K1: &str = r#"{"alg":"HS256","typ":"at+jwt","kid":"k1"}"#;

/// Valid claims for `your_client_id`, `demo-user`, scope `read`, an hour
/// left; `iss`/`aud` as given.
pub fn claims_json(iss: &str, aud: &str) -> String {
    format!(
        r#"{{"iss":"{iss}","sub":"demo-user","aud":"{aud}","exp":{},"iat":{NOW},"jti":"hand-signed-1","client_id":"your_client_id","scope":"read"}}"#,
        NOW + 3600
    )
}

/// The base fixture after `your_client_id` got a client_credentials token
/// (scope `read write`), and that token.
pub fn client_credentials_session() -> (Fixture, String) {
    let setup = token(&format!(
        "grant_type=client_credentials&{CONFIDENTIAL}&scope=read%20write"
    ));
    let (fixture, answers) = session(&base_fixture(), &[setup]);
    let access_token = field(&answers[0], "access_token");
    (fixture, access_token)
}

/// The seed's code exchange (code `abc123`, body credentials).
pub fn seed_code_exchange() -> VectorRequest {
    token(&format!(
        "grant_type=authorization_code&code=abc123&{CONFIDENTIAL}&redirect_uri={REDIRECT_ENC}"
    ))
}

/// The seed's refresh (token `def50200641f3e...`, body credentials).
pub fn seed_refresh() -> VectorRequest {
    token(&format!(
        "grant_type=refresh_token&refresh_token={SEED_REFRESH}&{CONFIDENTIAL}"
    ))
}

/// What one session step issued: the fixture after it, the access token and
/// the refresh token of its (successful) response.
pub struct Issued {
    pub fixture: Fixture,
    pub access_token: String,
    pub refresh_token: String,
}

/// The base fixture after `setup` (the last request must issue tokens).
pub fn issued_by(fixture: &Fixture, setup: &[VectorRequest]) -> Issued {
    let (fixture, answers) = session(fixture, setup);
    let last = answers.last().unwrap();
    Issued {
        fixture,
        access_token: field(last, "access_token"),
        refresh_token: field(last, "refresh_token"),
    }
}

/// The form body `token=…` with this client's `client_secret_post` credentials.
pub fn token_param(token: &str, credentials: &str) -> String {
    format!("token={}&{credentials}", form_encode(token))
}

pub fn cases() -> Vec<Case> {
    let mut cases = seed_cases();
    for section in [
        hygiene::cases,
        client_auth::cases,
        code::cases,
        authorize::cases,
        client_credentials::cases,
        refresh::cases,
        scopes::cases,
        response::cases,
        revocation::cases,
        introspection::cases,
        bearer::cases,
        metadata::cases,
        asymmetric::cases,
        never::cases,
    ] {
        cases.extend(section());
    }
    cases
}

fn seed_cases() -> Vec<Case> {
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
