//! The token endpoint's grants (RFC-RULES: "Client authentication" at the
//! engine level, "authorization_code grant", "client_credentials grant",
//! "refresh_token grant" and the token-response rows), through the public
//! API only.
//!
//! Single requests are tables: each case prepares the world's store, sends
//! one request and pins the exact status, body, headers and effects; a
//! refusal that changes nothing must leave the store exactly as it was.
//! Flows of several requests (reuse, rotation, the grace period, races, the
//! seed's requests) are tests of their own. Every access token issued is
//! verified twice, by the engine and by the independent `jsonwebtoken`.

use grant_engine::bearer::verify_access_token;
use grant_engine::config::{PkcePolicy, PkceRequirement, RefreshGrace};
use grant_engine::errors::{InvalidGrant, JwtError};
use grant_engine::machine::SecurityEvent;
use grant_engine::mint::RotationKey;
use grant_engine::store::{CodeState, Conflict, Expectation, PkceChallenge, RefreshTokenState};
use grant_engine::values::{CodeChallengeMethod, FamilyId, TokenId};
use grant_engine::{
    CodeRecord, Config, Effect, Endpoint, Exchange, GrantType, KeyRing, MemoryStore, Outcome,
    RefreshTokenRecord, Step, Store, TokenError, TokenHash, drive,
};
use grant_engine_testkit::checks::*;
use grant_engine_testkit::requests::{
    self, authorize, expect_consent, form_post, post, web_redeem_body, web_refresh_body,
};
use grant_engine_testkit::wire::{basic, form};
use grant_engine_testkit::world::*;

// ===========================================================================
// Vocabulary
// ===========================================================================

fn cc_body(client_id: &str, secret: &str, scope: Option<&str>) -> String {
    let mut pairs = vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret),
    ];
    pairs.extend(scope.map(|s| ("scope", s)));
    form(&pairs)
}

/// A code-grant body for `code-1` with `redirect_uri`, a verifier and the
/// client's credentials.
fn code_body(
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
    client: &[(&str, &str)],
) -> String {
    let mut pairs = vec![("grant_type", "authorization_code"), ("code", "code-1")];
    pairs.extend(redirect_uri.map(|uri| ("redirect_uri", uri)));
    pairs.extend(verifier.map(|v| ("code_verifier", v)));
    pairs.extend_from_slice(client);
    form(&pairs)
}

const AS_WEB: &[(&str, &str)] = &[("client_id", WEB), ("client_secret", WEB_SECRET)];
const AS_SPA: &[(&str, &str)] = &[("client_id", SPA)];

/// The effect of presenting an unused code in a failed exchange: it is
/// burnt all the same, with no access token to remember.
fn burnt(code: &str) -> Effect {
    Effect::RedeemCode {
        code_hash: TokenHash::of(code),
        access_token_ids: Vec::new(),
    }
}

fn redeemed(code: &str, jti: &TokenId) -> Effect {
    Effect::RedeemCode {
        code_hash: TokenHash::of(code),
        access_token_ids: vec![jti.clone()],
    }
}

fn family_of(issued: &Issued) -> FamilyId {
    issued.claims.fam.clone().expect("a fam claim")
}

fn record(
    token: &str,
    client: &str,
    scope_value: &str,
    family: &FamilyId,
    at: u64,
) -> RefreshTokenRecord {
    RefreshTokenRecord {
        scope: scope(scope_value),
        ..refresh_record(token, client, family.as_str(), at)
    }
}

fn code_state(store: &MemoryStore, code: &str) -> CodeState {
    store
        .code_record(&TokenHash::of(code))
        .unwrap()
        .state
        .clone()
}

fn refresh_state(store: &MemoryStore, token: &str) -> RefreshTokenState {
    store
        .refresh_token_record(&TokenHash::of(token))
        .unwrap()
        .state
        .clone()
}

/// Stores a fresh code for `web`, redeems it at `NOW + 1` and returns what
/// was issued.
fn web_login(store: &mut MemoryStore, config: &Config, code: &str, seed: u8) -> Issued {
    store.add_code(code_record(code, WEB));
    let outcome = post(store, config, &web_redeem_body(code), call(NOW + 1, seed));
    assert_success(&outcome, config, NOW + 1)
}

/// Presents `token` for `web` at `now` and asserts the refusal
/// "invalid, expired, revoked, or another client's" with no effect.
fn assert_refresh_refused(store: &mut MemoryStore, config: &Config, token: &str, now: u64) {
    let outcome = post(
        store,
        config,
        &web_refresh_body(token, None),
        call(now, 0xEE),
    );
    assert_error(&outcome, 400, "invalid_grant", REFRESH_INVALID);
    assert_eq!(outcome.effects(), &[]);
}

/// The derivation nonce of the rotation in `outcome`, if it has one (only
/// with a grace period): 128 bits from the call's entropy, unpadded
/// base64url.
fn rotation_nonce(outcome: &Outcome<Exchange>) -> Option<String> {
    let nonce = outcome
        .effects()
        .iter()
        .find_map(|e| match e {
            Effect::RotateRefreshToken { nonce, .. } => Some(nonce.clone()),
            _ => None,
        })
        .expect("a rotation");
    if let Some(nonce) = &nonce {
        assert_eq!(nonce.len(), 22);
        assert!(
            nonce
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }
    nonce
}

// ===========================================================================
// Single requests, as tables
// ===========================================================================

/// One request against the world's store after `setup`.
struct Case {
    name: &'static str,
    setup: fn(&mut MemoryStore),
    config: fn() -> Config,
    /// `client_secret_basic` credentials, instead of (or with) the body's.
    basic: Option<(&'static str, &'static str)>,
    body: String,
    now: u64,
}

/// What a refused case changes.
#[derive(Debug)]
enum Changes {
    /// Nothing: no effect, and the store is exactly as it was.
    Nothing,
    /// The unused code `code-1` is burnt, and nothing is issued.
    BurnsCode,
}

fn case(name: &'static str, setup: fn(&mut MemoryStore), body: String) -> Case {
    Case {
        name,
        setup,
        config,
        basic: None,
        body,
        now: NOW + 1,
    }
}

impl Case {
    fn basic(mut self, client: &'static str, secret: &'static str) -> Case {
        self.basic = Some((client, secret));
        self
    }

    fn at(mut self, now: u64) -> Case {
        self.now = now;
        self
    }

    fn with_config(mut self, config: fn() -> Config) -> Case {
        self.config = config;
        self
    }

    /// Runs the case: the outcome, the store before and after.
    fn run(&self) -> (Outcome<Exchange>, MemoryStore, MemoryStore) {
        let mut store = store();
        (self.setup)(&mut store);
        let before = store.clone();
        let config = (self.config)();
        let auth = self.basic.map(|(id, secret)| basic(id, secret));
        let parts = form_post(auth.as_deref(), &self.body);
        let outcome = drive(
            &mut store,
            &config,
            call(self.now, 1),
            Exchange::parse(&parts, &config),
        )
        .unwrap_or_else(|e| panic!("{}: {e:?}", self.name));
        (outcome, before, store)
    }

    fn refused(&self, status: u16, code: &str, description: &str, changes: Changes) {
        let (outcome, before, after) = self.run();
        let name = self.name;
        assert_eq!(
            (outcome.response().status, outcome.response().body_str()),
            (status, error_body(code, description).as_str()),
            "{name}"
        );
        assert_error(&outcome, status, code, description);
        match changes {
            Changes::Nothing => {
                assert_eq!(outcome.effects(), &[], "{name}");
                assert_eq!(before, after, "{name}: the store changed");
            }
            Changes::BurnsCode => {
                assert_eq!(outcome.effects(), &[burnt("code-1")], "{name}");
                assert_eq!(code_state(&after, "code-1"), redeemed_with(&[]), "{name}");
                assert_eq!(
                    after.refresh_token_records().count(),
                    before.refresh_token_records().count()
                );
            }
        }
    }

    fn succeeds(&self) -> (Issued, Outcome<Exchange>, MemoryStore) {
        let (outcome, _, after) = self.run();
        let issued = assert_success(&outcome, &(self.config)(), self.now);
        (issued, outcome, after)
    }
}

fn redeemed_with(ids: &[TokenId]) -> CodeState {
    CodeState::Redeemed {
        access_token_ids: ids.to_vec(),
    }
}

fn nothing(_: &mut MemoryStore) {}

fn web_code(store: &mut MemoryStore) {
    store.add_code(code_record("code-1", WEB));
}

fn web_code_with_s256(store: &mut MemoryStore) {
    store.add_code(with_s256(code_record("code-1", WEB), CHALLENGE));
}

fn spa_code_with_s256(store: &mut MemoryStore) {
    store.add_code(with_s256(code_record("code-1", SPA), CHALLENGE));
}

/// A web refresh token `rt-1` in family `family-1`, issued at `NOW`.
fn web_refresh(store: &mut MemoryStore) {
    store.add_refresh_token(refresh_record("rt-1", WEB, "family-1", NOW));
}

#[test]
fn client_authentication_failures_are_invalid_client_and_change_nothing() {
    let mut cases = vec![
        case(
            "unknown client",
            nothing,
            cc_body("nobody", "whatever", None),
        ),
        case(
            "unknown client, basic",
            nothing,
            "grant_type=client_credentials".into(),
        )
        .basic("nobody", "whatever"),
        case(
            "no credentials at all",
            nothing,
            "grant_type=client_credentials".into(),
        ),
        case(
            "confidential client without a secret",
            web_code,
            form(&[
                ("grant_type", "authorization_code"),
                ("code", "code-1"),
                ("redirect_uri", REDIRECT),
                ("client_id", WEB),
            ]),
        ),
        case(
            "public client sending a secret",
            spa_code_with_s256,
            code_body(
                Some(REDIRECT),
                Some(VERIFIER),
                &[("client_id", SPA), ("client_secret", "x")],
            ),
        ),
        case(
            "public client sending a secret, basic",
            spa_code_with_s256,
            code_body(Some(REDIRECT), Some(VERIFIER), &[]),
        )
        .basic(SPA, "anything"),
        // A wrong secret for a client that may not use the grant: 401, not
        // 400, so an unauthenticated caller learns nothing of its grants.
        case(
            "authentication before the grant check",
            nothing,
            cc_body(WEB, "wrong", None),
        ),
    ];
    for wrong in ["m2m-secreT", "m2m-secret ", "m2m-secre", "x", WEB_SECRET] {
        cases.push(case("wrong secret", nothing, cc_body(M2M, wrong, None)));
        cases.push(
            case(
                "wrong secret, basic",
                nothing,
                "grant_type=client_credentials".into(),
            )
            .basic(M2M, wrong),
        );
    }
    for case in cases {
        case.refused(401, "invalid_client", INVALID_CLIENT, Changes::Nothing);
    }
}

#[test]
fn a_client_not_allowed_the_grant_is_unauthorized_client_and_burns_nothing() {
    fn setup(store: &mut MemoryStore) {
        store.add_code(code_record("code-1", M2M));
        store.add_refresh_token(refresh_record("rt-no-refresh", NO_REFRESH, "family-1", NOW));
        web_refresh(store);
    }
    let refresh = |token, client, secret| {
        form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", client),
            ("client_secret", secret),
        ])
    };
    let cases = [
        case(
            "m2m may only use client_credentials",
            setup,
            code_body(
                Some(REDIRECT),
                None,
                &[("client_id", M2M), ("client_secret", M2M_SECRET)],
            ),
        ),
        case(
            "web may not use client_credentials",
            setup,
            cc_body(WEB, WEB_SECRET, None),
        ),
        case(
            "no-refresh may not refresh",
            setup,
            refresh("rt-no-refresh", NO_REFRESH, NO_REFRESH_SECRET),
        ),
        case(
            "m2m may not refresh web's token",
            setup,
            refresh("rt-1", M2M, M2M_SECRET),
        ),
        case(
            "a public client may not use client_credentials",
            setup,
            form(&[
                ("grant_type", "client_credentials"),
                ("client_id", PUBLIC_M2M),
            ]),
        ),
    ];
    for case in cases {
        case.refused(
            400,
            "unauthorized_client",
            UNAUTHORIZED_CLIENT,
            Changes::Nothing,
        );
    }
}

#[test]
fn code_refusals_burn_the_code_or_change_nothing() {
    fn expires_in_a_minute(store: &mut MemoryStore) {
        let mut code = code_record("code-1", WEB);
        code.expires_at = NOW + 60;
        store.add_code(code);
    }
    fn claims_an_hour(store: &mut MemoryStore) {
        let mut code = code_record("code-1", WEB);
        code.expires_at = NOW + 3_600;
        store.add_code(code);
    }
    fn claims_two_hours(store: &mut MemoryStore) {
        let mut code = code_record("code-1", WEB);
        code.expires_at = NOW + 7_200;
        store.add_code(code);
    }
    fn other_clients_code(store: &mut MemoryStore) {
        store.add_code(code_record("code-1", OTHER));
    }
    fn no_redirect_at_authorize(store: &mut MemoryStore) {
        let mut code = code_record("code-1", WEB);
        code.redirect_uri = None;
        store.add_code(code);
    }
    let mut cases = Vec::new();
    for code in ["code-2", "code-", "code-1 ", "CODE-1"] {
        cases.push((
            case("unknown code", web_code, web_redeem_body(code)),
            CODE_INVALID,
            Changes::Nothing,
        ));
    }
    for now in [NOW + 60, NOW + 61] {
        cases.push((
            case(
                "expired at expires_at",
                expires_in_a_minute,
                web_redeem_body("code-1"),
            )
            .at(now),
            CODE_INVALID,
            Changes::BurnsCode,
        ));
    }
    for now in [NOW + CODE_TTL, NOW + 3_000] {
        cases.push((
            case(
                "expiry capped at ten minutes",
                claims_an_hour,
                web_redeem_body("code-1"),
            )
            .at(now),
            CODE_INVALID,
            Changes::BurnsCode,
        ));
    }
    cases.push((
        case(
            "a shorter configured lifetime wins",
            web_code,
            web_redeem_body("code-1"),
        )
        .at(NOW + 60)
        .with_config(|| config().with_code_ttl(60)),
        CODE_INVALID,
        Changes::BurnsCode,
    ));
    cases.push((
        case(
            "a longer configured lifetime is capped",
            claims_two_hours,
            web_redeem_body("code-1"),
        )
        .at(NOW + CODE_TTL)
        .with_config(|| config().with_code_ttl(7_200)),
        CODE_INVALID,
        Changes::BurnsCode,
    ));
    cases.push((
        case(
            "another client's code",
            other_clients_code,
            web_redeem_body("code-1"),
        ),
        CODE_INVALID,
        Changes::BurnsCode,
    ));
    cases.push((
        case(
            "redirect_uri missing",
            web_code,
            code_body(None, None, AS_WEB),
        ),
        REDIRECT_MISMATCH,
        Changes::BurnsCode,
    ));
    for sent in [
        "https://app.example.com/cb/",    // trailing slash
        "https://APP.example.com/cb",     // host case
        "https://app.example.com/CB",     // path case
        "HTTPS://app.example.com/cb",     // scheme case
        "http://app.example.com/cb",      // scheme
        "https://app.example.com:443/cb", // explicit default port
        "https://app.example.com/cb?x=1", // extra query
        "https://app.example.com/%63b",   // percent-encoded 'c'
        "https://app.example.com/c",      // prefix
        "https://app.example.com/cbx",    // extension
    ] {
        cases.push((
            case(
                "redirect_uri as an exact string",
                web_code,
                code_body(Some(sent), None, AS_WEB),
            ),
            REDIRECT_MISMATCH,
            Changes::BurnsCode,
        ));
    }
    cases.push((
        case(
            "redirect_uri not at authorize, another one here",
            no_redirect_at_authorize,
            code_body(Some("https://app.example.com/cb/"), None, AS_WEB),
        ),
        REDIRECT_MISMATCH,
        Changes::BurnsCode,
    ));
    for (case, description, changes) in cases {
        case.refused(400, "invalid_grant", description, changes);
    }
}

#[test]
fn pkce_refusals() {
    fn plain_challenge(store: &mut MemoryStore) {
        let mut code = code_record("code-1", WEB);
        code.pkce = Some(PkceChallenge {
            challenge: grant_engine::values::CodeChallenge::new(VERIFIER).unwrap(),
            method: CodeChallengeMethod::Plain,
        });
        store.add_code(code);
    }
    fn other_challenge(store: &mut MemoryStore) {
        store.add_code(with_s256(code_record("code-1", WEB), &"b".repeat(43)));
    }
    fn spa_code(store: &mut MemoryStore) {
        store.add_code(code_record("code-1", SPA));
    }
    let redirect = Some(REDIRECT);
    let mut cases = vec![
        (
            case(
                "challenge without verifier",
                web_code_with_s256,
                code_body(redirect, None, AS_WEB),
            ),
            VERIFIER_MISSING,
        ),
        (
            case(
                "challenge without verifier, public",
                spa_code_with_s256,
                code_body(redirect, None, AS_SPA),
            ),
            VERIFIER_MISSING,
        ),
        (
            case(
                "verifier without challenge (downgrade)",
                web_code,
                code_body(redirect, Some(VERIFIER), AS_WEB),
            ),
            VERIFIER_UNEXPECTED,
        ),
        (
            case(
                "plain refused by default",
                plain_challenge,
                code_body(redirect, Some(VERIFIER), AS_WEB),
            ),
            VERIFIER_MISMATCH,
        ),
        (
            case(
                "public client without PKCE",
                spa_code,
                code_body(redirect, None, AS_SPA),
            ),
            PKCE_REQUIRED,
        ),
        (
            case(
                "every client must, by policy",
                web_code,
                code_body(redirect, None, AS_WEB),
            )
            .with_config(|| {
                config().with_pkce(PkcePolicy {
                    required_for: PkceRequirement::AllClients,
                    allow_plain: false,
                })
            }),
            PKCE_REQUIRED,
        ),
    ];
    // One character off; the challenge itself (a plain answer); another.
    let off_by_one = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj".to_owned();
    for verifier in [off_by_one, CHALLENGE.to_owned(), "x".repeat(64)] {
        cases.push((
            case(
                "S256 mismatch",
                web_code_with_s256,
                code_body(redirect, Some(&verifier), AS_WEB),
            ),
            VERIFIER_MISMATCH,
        ));
    }
    // The parser's boundaries are accepted, then fail to match.
    for verifier in [VERIFIER.to_owned(), "a".repeat(128)] {
        cases.push((
            case(
                "boundary verifier",
                other_challenge,
                code_body(redirect, Some(&verifier), AS_WEB),
            ),
            VERIFIER_MISMATCH,
        ));
    }
    for (case, description) in cases {
        case.refused(400, "invalid_grant", description, Changes::BurnsCode);
    }
    // A malformed verifier is refused by the parser, before any lookup.
    let bad_char = format!("{}+", &VERIFIER[..42]);
    for verifier in [&VERIFIER[..42], &"a".repeat(129), bad_char.as_str()] {
        case(
            "malformed verifier",
            web_code_with_s256,
            code_body(redirect, Some(verifier), AS_WEB),
        )
        .refused(
            400,
            "invalid_request",
            "the code_verifier parameter is malformed",
            Changes::Nothing,
        );
    }
}

#[test]
fn scope_and_refresh_refusals_change_nothing() {
    fn expired(store: &mut MemoryStore) {
        let mut record = refresh_record("rt-1", WEB, "family-1", NOW);
        record.expires_at = NOW + 10;
        store.add_refresh_token(record);
    }
    fn revoked(store: &mut MemoryStore) {
        let mut record = refresh_record("rt-1", WEB, "family-1", NOW);
        record.state = RefreshTokenState::Revoked;
        store.add_refresh_token(record);
    }
    fn read_only(store: &mut MemoryStore) {
        store.add_refresh_token(record(
            "rt-1",
            WEB,
            "read",
            &FamilyId::new("family-1").unwrap(),
            NOW,
        ));
    }
    for asked in ["admin", "read admin", "read write admin", "Read"] {
        case(
            "client_credentials wider than allowed",
            nothing,
            cc_body(M2M, M2M_SECRET, Some(asked)),
        )
        .refused(400, "invalid_scope", SCOPE_NOT_ALLOWED, Changes::Nothing);
    }
    // "write" is within the client's scope but not the original grant's.
    for asked in ["write", "read write", "admin", "read admin"] {
        case(
            "refresh wider than the grant",
            read_only,
            web_refresh_body("rt-1", Some(asked)),
        )
        .refused(400, "invalid_scope", SCOPE_NOT_ALLOWED, Changes::Nothing);
    }
    let other = form(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", "rt-1"),
        ("client_id", OTHER),
        ("client_secret", OTHER_SECRET),
    ]);
    let mut cases = vec![
        case("revoked", revoked, web_refresh_body("rt-1", None)),
        case("another client's", web_refresh, other),
        case(
            "the planted expiry holds",
            expired,
            web_refresh_body("rt-1", None),
        )
        .at(NOW + 10),
    ];
    for token in ["unknown", "rt-1x", "rt-"] {
        cases.push(case(
            "unknown refresh token",
            web_refresh,
            web_refresh_body(token, None),
        ));
    }
    let expires_at = NOW + REFRESH_TTL;
    for now in [expires_at, expires_at + 1, expires_at + 86_400] {
        cases.push(case("expired", web_refresh, web_refresh_body("rt-1", None)).at(now));
    }
    for case in cases {
        case.refused(400, "invalid_grant", REFRESH_INVALID, Changes::Nothing);
    }
}

#[test]
fn code_successes_issue_tokens_and_report_every_effect() {
    fn spa_code_plain(store: &mut MemoryStore) {
        let mut code = code_record("code-1", WEB);
        code.pkce = Some(PkceChallenge {
            challenge: grant_engine::values::CodeChallenge::new(VERIFIER).unwrap(),
            method: CodeChallengeMethod::Plain,
        });
        store.add_code(code);
    }
    fn no_redirect_at_authorize(store: &mut MemoryStore) {
        let mut code = code_record("code-1", WEB);
        code.redirect_uri = None;
        store.add_code(code);
    }
    fn expires_in_a_minute(store: &mut MemoryStore) {
        let mut code = code_record("code-1", WEB);
        code.expires_at = NOW + 60;
        store.add_code(code);
    }
    let redirect = Some(REDIRECT);
    let cases = [
        case("client_secret_post", web_code, web_redeem_body("code-1")).at(NOW + 5),
        case(
            "client_secret_basic",
            web_code,
            code_body(redirect, None, &[]),
        )
        .basic(WEB, WEB_SECRET),
        case(
            "one second before expiry",
            expires_in_a_minute,
            web_redeem_body("code-1"),
        )
        .at(NOW + 59),
        case(
            "the ten-minute cap's last second",
            web_code,
            web_redeem_body("code-1"),
        )
        .at(NOW + CODE_TTL - 1),
        case(
            "PKCE, RFC 7636 Appendix B",
            web_code_with_s256,
            code_body(redirect, Some(VERIFIER), AS_WEB),
        ),
        case(
            "PKCE, public client",
            spa_code_with_s256,
            code_body(redirect, Some(VERIFIER), AS_SPA),
        ),
        case(
            "PKCE optional for confidential clients",
            web_code,
            code_body(redirect, None, AS_WEB),
        ),
        case(
            "plain once enabled",
            spa_code_plain,
            code_body(redirect, Some(VERIFIER), AS_WEB),
        )
        .with_config(|| {
            config().with_pkce(PkcePolicy {
                required_for: PkceRequirement::PublicClients,
                allow_plain: true,
            })
        }),
        // Form decoding comes before the comparison.
        case(
            "redirect_uri sent unencoded",
            web_code,
            format!(
                "grant_type=authorization_code&code=code-1&redirect_uri={REDIRECT}&client_id={WEB}&client_secret={WEB_SECRET}"
            ),
        ),
        case(
            "redirect_uri omitted at both ends",
            no_redirect_at_authorize,
            code_body(None, None, AS_WEB),
        ),
        // Sent here, not at authorize: the client's only registered URI.
        case(
            "redirect_uri implicit at authorize",
            no_redirect_at_authorize,
            code_body(redirect, None, AS_WEB),
        ),
    ];
    for case in cases {
        let (issued, outcome, store) = case.succeeds();
        let owner = issued.claims.client_id.as_str().to_owned();
        let family = family_of(&issued);
        let rt = issued.refresh_token.clone().expect("a refresh token");
        let expected = record(&rt, &owner, SCOPE, &family, case.now);
        assert_eq!(
            outcome.effects(),
            &[
                redeemed("code-1", &issued.claims.jti),
                Effect::StoreRefreshToken(expected.clone())
            ],
            "{}",
            case.name
        );
        // RFC 9068 2.2 claims, and the store after the effects.
        assert_eq!(
            (issued.claims.iss.as_str(), issued.claims.aud.as_str()),
            (ISSUER, AUDIENCE)
        );
        assert_eq!(issued.claims.sub.as_str(), SUBJECT);
        assert_eq!(
            (issued.scope.as_str(), issued.expires_in),
            (SCOPE, ACCESS_TTL)
        );
        assert_eq!(
            code_state(&store, "code-1"),
            redeemed_with(std::slice::from_ref(&issued.claims.jti))
        );
        assert_eq!(
            store.refresh_token_record(&TokenHash::of(&rt)),
            Some(&expected)
        );
        assert!(!store.is_family_revoked(&family));
    }
}

#[test]
fn a_code_of_a_client_that_may_not_refresh_issues_no_refresh_token() {
    fn setup(store: &mut MemoryStore) {
        store.add_code(code_record("code-1", NO_REFRESH));
    }
    let body = code_body(
        Some(REDIRECT),
        None,
        &[
            ("client_id", NO_REFRESH),
            ("client_secret", NO_REFRESH_SECRET),
        ],
    );
    let (issued, outcome, store) = case("no refresh grant", setup, body).succeeds();
    assert_eq!(issued.refresh_token, None);
    assert!(!outcome.response().body_str().contains("refresh_token"));
    assert_eq!(outcome.effects(), &[redeemed("code-1", &issued.claims.jti)]);
    assert_eq!(store.refresh_token_records().count(), 0);
}

#[test]
fn client_credentials_successes_issue_an_access_token_only() {
    let cases = [
        (
            case(
                "scope omitted: the client's allowed scope",
                nothing,
                cc_body(M2M, M2M_SECRET, None),
            ),
            SCOPE,
        ),
        (
            case("narrower", nothing, cc_body(M2M, M2M_SECRET, Some("read"))),
            "read",
        ),
        (
            case("narrower", nothing, cc_body(M2M, M2M_SECRET, Some("write"))),
            "write",
        ),
        (
            case(
                "order does not matter",
                nothing,
                cc_body(M2M, M2M_SECRET, Some("write read")),
            ),
            "read write",
        ),
        (
            case(
                "repeats do not matter",
                nothing,
                cc_body(M2M, M2M_SECRET, Some("read read")),
            ),
            "read",
        ),
        (
            case(
                "client_secret_basic",
                nothing,
                "grant_type=client_credentials&scope=read".into(),
            )
            .basic(M2M, M2M_SECRET),
            "read",
        ),
    ];
    for (case, granted) in cases {
        let (outcome, before, after) = case.run();
        let issued = assert_success(&outcome, &config(), case.now);
        assert_eq!(issued.scope, granted, "{}", case.name);
        assert_eq!(issued.claims.scope.to_string(), granted);
        assert_eq!(issued.refresh_token, None);
        assert_eq!(outcome.effects(), &[]);
        assert_eq!(before, after);
        // The client acts on its own behalf: it is the subject; no family.
        assert_eq!(
            (issued.claims.sub.as_str(), issued.claims.client_id.as_str()),
            (M2M, M2M)
        );
        assert_eq!(issued.claims.fam, None);
    }
}

#[test]
fn refresh_successes_rotate_and_report_every_effect() {
    let cases = [
        (
            case(
                "scope omitted: the original scope",
                web_refresh,
                web_refresh_body("rt-1", None),
            )
            .at(NOW + 100),
            SCOPE,
        ),
        (
            case(
                "narrower scope",
                web_refresh,
                web_refresh_body("rt-1", Some("read")),
            )
            .at(NOW + 100),
            "read",
        ),
        (
            case(
                "the original scope, reordered",
                web_refresh,
                web_refresh_body("rt-1", Some("write read")),
            )
            .at(NOW + 100),
            SCOPE,
        ),
        (
            case(
                "one second before expiry",
                web_refresh,
                web_refresh_body("rt-1", None),
            )
            .at(NOW + REFRESH_TTL - 1),
            SCOPE,
        ),
    ];
    let family = FamilyId::new("family-1").unwrap();
    for (case, granted) in cases {
        let (issued, outcome, store) = case.succeeds();
        assert_eq!(issued.scope, granted, "{}", case.name);
        let rt2 = issued.refresh_token.clone().unwrap();
        assert_ne!(rt2, "rt-1");
        assert_eq!(issued.claims.fam.as_ref(), Some(&family));
        // The new refresh token keeps the original grant's scope (RFC 6749 6).
        let mut successor = record(&rt2, WEB, SCOPE, &family, case.now);
        // It inherits the family's end from rt-1, issued at NOW.
        successor.family_expires_at = NOW + FAMILY_LIFETIME;
        // Without a grace period nothing that re-derives the successor is
        // kept (hardening).
        let nonce = rotation_nonce(&outcome);
        assert_eq!(nonce, None, "{}", case.name);
        assert_eq!(
            outcome.effects(),
            &[
                Effect::RotateRefreshToken {
                    token_hash: TokenHash::of("rt-1"),
                    at: case.now,
                    successor: TokenHash::of(&rt2),
                    nonce: nonce.clone(),
                },
                Effect::StoreRefreshToken(successor.clone()),
            ]
        );
        assert_eq!(
            refresh_state(&store, "rt-1"),
            RefreshTokenState::Rotated {
                at: case.now,
                successor: TokenHash::of(&rt2),
                nonce
            }
        );
        assert_eq!(
            store.refresh_token_record(&TokenHash::of(&rt2)),
            Some(&successor)
        );
    }
}

// ===========================================================================
// Flows
// ===========================================================================

#[test]
fn a_public_client_identifies_with_client_id_alone_and_refreshes_so() {
    let (issued, _, mut store) = case(
        "public",
        spa_code_with_s256,
        code_body(Some(REDIRECT), Some(VERIFIER), AS_SPA),
    )
    .succeeds();
    assert_eq!(issued.claims.client_id.as_str(), SPA);
    let body = form(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", issued.refresh_token.as_deref().unwrap()),
        ("client_id", SPA),
    ]);
    let outcome = post(&mut store, &config(), &body, call(NOW + 2, 2));
    assert_eq!(
        assert_success(&outcome, &config(), NOW + 2)
            .claims
            .client_id
            .as_str(),
        SPA
    );
}

#[test]
fn a_code_presented_twice_revokes_what_the_first_redemption_issued() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let rt = first.refresh_token.clone().unwrap();
    let family = family_of(&first);
    let revoked = [
        Effect::RevokeFamily {
            family: family.clone(),
        },
        Effect::RevokeAccessTokens {
            token_ids: vec![first.claims.jti.clone()],
        },
    ];
    for (now, seed) in [(NOW + 2, 2), (NOW + 4, 3)] {
        let outcome = post(
            &mut store,
            &config,
            &web_redeem_body("code-1"),
            call(now, seed),
        );
        assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
        assert_eq!(outcome.effects(), &revoked);
        assert!(store.is_family_revoked(&family));
        assert!(store.is_access_token_revoked(&first.claims.jti));
        assert_eq!(refresh_state(&store, &rt), RefreshTokenState::Revoked);
        assert_refresh_refused(&mut store, &config, &rt, now + 1);
    }
}

#[test]
fn a_code_presented_twice_revokes_the_newest_refresh_token_of_its_family() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let family = family_of(&first);
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(first.refresh_token.as_deref().unwrap(), None),
        call(NOW + 10, 2),
    );
    let second = assert_success(&outcome, &config, NOW + 10);
    let rt2 = second.refresh_token.unwrap();
    assert_eq!(second.claims.fam.as_ref(), Some(&family));
    let unrelated = web_login(&mut store, &config, "code-2", 3);

    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("code-1"),
        call(NOW + 20, 4),
    );
    assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
    assert_eq!(
        outcome.effects(),
        &[
            Effect::RevokeFamily {
                family: family.clone()
            },
            Effect::RevokeAccessTokens {
                token_ids: vec![first.claims.jti]
            },
        ]
    );
    assert_refresh_refused(&mut store, &config, &rt2, NOW + 21);
    assert_eq!(refresh_state(&store, &rt2), RefreshTokenState::Revoked);
    // The refresh's access token carries the family: the host refuses it.
    assert!(store.is_family_revoked(second.claims.fam.as_ref().unwrap()));

    // The other grant is untouched.
    assert!(!store.is_family_revoked(&family_of(&unrelated)));
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(unrelated.refresh_token.as_deref().unwrap(), None),
        call(NOW + 22, 5),
    );
    assert_success(&outcome, &config, NOW + 22);
}

#[test]
fn a_code_presented_again_after_a_failed_attempt_is_reuse_even_by_its_owner() {
    let config = config();
    let mut store = store();
    // Burnt by a failed first attempt (a wrong redirect URI, and another
    // client): either way nothing was issued and the family is revoked.
    for first in [
        code_body(Some(REDIRECT_2), None, AS_WEB),
        code_body(
            Some(REDIRECT),
            None,
            &[("client_id", OTHER), ("client_secret", OTHER_SECRET)],
        ),
    ] {
        store.add_code(code_record("code-1", WEB));
        let outcome = post(&mut store, &config, &first, call(NOW + 1, 1));
        assert_eq!(outcome.effects(), &[burnt("code-1")]);
        let outcome = post(
            &mut store,
            &config,
            &web_redeem_body("code-1"),
            call(NOW + 2, 2),
        );
        assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
        match outcome.effects() {
            [Effect::RevokeFamily { family }] => assert!(store.is_family_revoked(family)),
            other => panic!("unexpected effects {other:?}"),
        }
    }
}

#[test]
fn refresh_rotation_the_old_token_stops_working() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let rt1 = first.refresh_token.unwrap();
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, None),
        call(NOW + 10, 2),
    );
    assert_success(&outcome, &config, NOW + 10);
    // Even a second later (no grace period by default).
    for now in [NOW + 10, NOW + 11] {
        let mut replay = store.clone();
        let outcome = post(
            &mut replay,
            &config,
            &web_refresh_body(&rt1, None),
            call(now, 3),
        );
        assert_error(&outcome, 400, "invalid_grant", REFRESH_REUSED);
        assert!(stored_refresh_tokens(outcome.effects()).is_empty());
    }
}

#[test]
fn refresh_reuse_revokes_the_whole_family_including_the_newest() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let family = family_of(&first);
    let mut chain = vec![first.refresh_token.unwrap()];
    for (i, now) in [NOW + 10, NOW + 20, NOW + 30].into_iter().enumerate() {
        let outcome = post(
            &mut store,
            &config,
            &web_refresh_body(chain.last().unwrap(), None),
            call(now, 10 + i as u8),
        );
        chain.push(
            assert_success(&outcome, &config, now)
                .refresh_token
                .unwrap(),
        );
    }
    let unrelated = web_login(&mut store, &config, "code-2", 2);

    // rt2 (rotated out) presented again.
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&chain[1], None),
        call(NOW + 40, 20),
    );
    assert_error(&outcome, 400, "invalid_grant", REFRESH_REUSED);
    assert_eq!(
        outcome.effects(),
        &[Effect::RevokeFamily {
            family: family.clone()
        }]
    );
    assert!(store.is_family_revoked(&family));
    for token in &chain {
        assert_eq!(refresh_state(&store, token), RefreshTokenState::Revoked);
        // Presenting any of them again changes nothing more.
        assert_refresh_refused(&mut store, &config, token, NOW + 41);
    }
    assert!(!store.is_family_revoked(&family_of(&unrelated)));
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(unrelated.refresh_token.as_deref().unwrap(), None),
        call(NOW + 43, 21),
    );
    assert_success(&outcome, &config, NOW + 43);
}

#[test]
fn refresh_reuse_is_not_tripped_by_another_client() {
    // Another client presenting a rotated-out token is refused as "not
    // yours", and does not get to revoke the owner's family.
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let rt1 = first.refresh_token.unwrap();
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, None),
        call(NOW + 10, 2),
    );
    let rt2 = assert_success(&outcome, &config, NOW + 10)
        .refresh_token
        .unwrap();
    let body = form(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", &rt1),
        ("client_id", OTHER),
        ("client_secret", OTHER_SECRET),
    ]);
    let outcome = post(&mut store, &config, &body, call(NOW + 11, 3));
    assert_error(&outcome, 400, "invalid_grant", REFRESH_INVALID);
    assert_eq!(outcome.effects(), &[]);
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt2, None),
        call(NOW + 12, 4),
    );
    assert_success(&outcome, &config, NOW + 12);
}

const GRACE: u64 = 30;

/// Logs in, rotates once at `NOW + 10`, and returns rt1, rt2 and the family.
fn rotated_once(store: &mut MemoryStore, config: &Config) -> (String, String, FamilyId) {
    let first = web_login(store, config, "code-1", 1);
    let rt1 = first.refresh_token.clone().unwrap();
    let outcome = post(
        store,
        config,
        &web_refresh_body(&rt1, None),
        call(NOW + 10, 2),
    );
    let rt2 = assert_success(&outcome, config, NOW + 10)
        .refresh_token
        .unwrap();
    (rt1, rt2, family_of(&first))
}

/// The successor of one rotation (rt-1, at `NOW + 10`, entropy 2) under
/// `config`, and the rotated record's nonce.
fn successor_under(config: &Config) -> (String, Option<String>) {
    let mut store = store();
    store.add_refresh_token(refresh_record("rt-1", WEB, "family-1", NOW));
    let outcome = post(
        &mut store,
        config,
        &web_refresh_body("rt-1", None),
        call(NOW + 10, 2),
    );
    // Not `assert_success`: its independent check knows only the test key.
    let tokens = outcome.report().as_ref().expect("a refresh");
    let successor = tokens.refresh_token.as_ref().expect("a successor");
    (
        successor.expose_secret().to_owned(),
        rotation_nonce(&outcome),
    )
}

/// Hardening: the signing key (which every HS256 resource server holds)
/// and a database row no longer compute a live refresh token. Without a
/// grace period the successor comes from the call's entropy and no nonce
/// is kept; with one it is derived under the rotation key, which is
/// independent of the signing keys. Before, the successor was an HMAC of
/// the row's nonce under a subkey of the signing key.
#[test]
fn successors_do_not_depend_on_the_signing_key() {
    let other_keys = KeyRing::new(key(KID, NEXT_SECRET));
    let (plain, nonce) = successor_under(&config());
    assert_eq!(nonce, None);
    let (plain_other_key, _) = successor_under(&config().with_keys(other_keys.clone()));
    assert_eq!(plain, plain_other_key);

    let graced = config_with_grace(GRACE);
    let (derived, nonce) = successor_under(&graced);
    assert!(nonce.is_some());
    assert_ne!(derived, plain);
    let (derived_other_key, _) = successor_under(&graced.clone().with_keys(other_keys));
    assert_eq!(derived, derived_other_key, "the signing key does not enter");
    let other_rotation = RefreshGrace::new(GRACE, RotationKey::new(&[3u8; 32]).unwrap()).unwrap();
    let (other_derived, _) = successor_under(&config().with_refresh_grace(other_rotation));
    assert_ne!(derived, other_derived, "the rotation key does");
}

#[test]
fn within_the_grace_period_a_replay_returns_the_same_successor() {
    let config = config_with_grace(GRACE);
    for replay_at in [NOW + 10, NOW + 11, NOW + 10 + GRACE] {
        let mut store = store();
        let (rt1, rt2, family) = rotated_once(&mut store, &config);
        let before = store.clone();
        let outcome = post(
            &mut store,
            &config,
            &web_refresh_body(&rt1, None),
            call(replay_at, 3),
        );
        let replayed = assert_success(&outcome, &config, replay_at);
        assert_eq!(replayed.refresh_token.as_deref(), Some(rt2.as_str()));
        assert_eq!(replayed.claims.fam.as_ref(), Some(&family));
        // No new state: the successor is re-derived, not stored again;
        // the store only confirms that it is still unused.
        assert_eq!(
            outcome.effects(),
            &[Effect::Regrant {
                predecessor: TokenHash::of(&rt1),
                successor: TokenHash::of(&rt2),
            }]
        );
        assert_eq!(
            outcome.events(),
            &[SecurityEvent::RefreshTokenRegranted {
                client_id: id(WEB),
                family: family.clone(),
            }]
        );
        assert_eq!(before, store);
        // The successor still works afterwards.
        let outcome = post(
            &mut store,
            &config,
            &web_refresh_body(&rt2, None),
            call(replay_at + 1, 4),
        );
        assert_success(&outcome, &config, replay_at + 1);
    }
    // It may narrow the scope, not widen it.
    let mut store = store();
    let (rt1, rt2, _) = rotated_once(&mut store, &config);
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, Some("read")),
        call(NOW + 12, 3),
    );
    let replayed = assert_success(&outcome, &config, NOW + 12);
    assert_eq!(
        (replayed.scope.as_str(), replayed.refresh_token.as_deref()),
        ("read", Some(rt2.as_str()))
    );
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, Some("admin")),
        call(NOW + 12, 3),
    );
    assert_error(&outcome, 400, "invalid_scope", SCOPE_NOT_ALLOWED);
}

#[test]
fn a_replay_is_reuse_once_the_successor_was_used_or_the_window_is_over() {
    let config = config_with_grace(GRACE);
    // rt2 used at NOW + 15; rt1 replayed at NOW + 20, inside its window:
    // reuse, and it never leads to the live rt3.
    let mut store = store();
    let (rt1, rt2, family) = rotated_once(&mut store, &config);
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt2, None),
        call(NOW + 15, 3),
    );
    assert_success(&outcome, &config, NOW + 15);
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, None),
        call(NOW + 20, 4),
    );
    assert_error(&outcome, 400, "invalid_grant", REFRESH_REUSED);
    assert_eq!(outcome.effects(), &[Effect::RevokeFamily { family }]);

    // After the window.
    let mut store = grant_engine_testkit::world::store();
    let (rt1, rt2, family) = rotated_once(&mut store, &config);
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, None),
        call(NOW + 10 + GRACE + 1, 3),
    );
    assert_error(&outcome, 400, "invalid_grant", REFRESH_REUSED);
    assert_eq!(
        outcome.effects(),
        &[Effect::RevokeFamily {
            family: family.clone()
        }]
    );
    assert!(store.is_family_revoked(&family));
    assert_refresh_refused(&mut store, &config, &rt2, NOW + 10 + GRACE + 2);
}

#[test]
fn the_grace_period_revives_no_revoked_family_and_survives_a_key_rotation() {
    let config = config_with_grace(GRACE);
    let mut store = store();
    let (rt1, _, _) = rotated_once(&mut store, &config);
    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("code-1"),
        call(NOW + 11, 3),
    );
    assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
    assert_refresh_refused(&mut store, &config, &rt1, NOW + 12);

    // A new signing key, the old one verify-only: the replay still works.
    let mut store = grant_engine_testkit::world::store();
    let (rt1, rt2, _) = rotated_once(&mut store, &config);
    let rotated = config.clone().with_keys(
        KeyRing::new(key(NEXT_KID, NEXT_SECRET))
            .with_verify_key(key(KID, SIGNING_SECRET))
            .unwrap(),
    );
    let outcome = post(
        &mut store,
        &rotated,
        &web_refresh_body(&rt1, None),
        call(NOW + 12, 3),
    );
    let replayed = assert_success(&outcome, &rotated, NOW + 12);
    assert_eq!(replayed.refresh_token.as_deref(), Some(rt2.as_str()));
    assert_eq!(
        jsonwebtoken::decode_header(&replayed.access_token)
            .unwrap()
            .kid
            .as_deref(),
        Some(NEXT_KID)
    );
}

// ===========================================================================
// Steps and the store contract
// ===========================================================================

/// Starts `body` and answers the client question from the world's clients.
fn after_client<'c>(request: &'c Exchange, config: &'c Config) -> Step<'c, Exchange> {
    let Step::NeedClient(question) = request.start(config, &call(NOW + 1, 1)) else {
        panic!("expected NeedClient");
    };
    let record = store().client_record(question.client_id()).cloned();
    question.provide(record)
}

#[test]
fn a_host_answering_with_another_record_gets_a_refusal() {
    let config = config();
    // The client question: the record of another client.
    let request = Exchange::parse(&form_post(None, &cc_body(M2M, OTHER_SECRET, None)), &config);
    let Step::NeedClient(question) = request.start(&config, &call(NOW, 1)) else {
        panic!("expected NeedClient");
    };
    assert_eq!(question.client_id().as_str(), M2M);
    let Step::Done(outcome) = question.provide(Some(client(OTHER))) else {
        panic!("expected Done");
    };
    assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
    assert_eq!(outcome.effects(), &[]);

    // The code question: the record of another code.
    let request = Exchange::parse(&form_post(None, &web_redeem_body("code-1")), &config);
    let Step::NeedCode(question) = after_client(&request, &config) else {
        panic!("expected NeedCode");
    };
    assert_eq!(question.code_hash(), &TokenHash::of("code-1"));
    let Step::Done(outcome) = question.provide(Some(code_record("code-2", WEB))) else {
        panic!("expected Done");
    };
    assert_error(&outcome, 400, "invalid_grant", CODE_INVALID);
    assert_eq!(outcome.effects(), &[]);

    // The refresh question: the record of another token.
    let request = Exchange::parse(
        &form_post(None, &web_refresh_body("rt-asked", None)),
        &config,
    );
    let Step::NeedRefreshToken(question) = after_client(&request, &config) else {
        panic!("expected NeedRefreshToken");
    };
    assert_eq!(question.token_hash(), &TokenHash::of("rt-asked"));
    let Step::Done(outcome) = question.provide(Some(refresh_record("rt-other", WEB, "fam", NOW)))
    else {
        panic!("expected Done");
    };
    assert_error(&outcome, 400, "invalid_grant", REFRESH_INVALID);
    assert_eq!(outcome.effects(), &[]);
}

#[test]
fn lookups_only_read_and_stepping_by_hand_equals_the_driver() {
    let config = config();
    let mut store = store();
    store.add_code(code_record("code-1", WEB));
    let mut by_hand = store.clone();
    // A lookup does not redeem the code: only the effect does.
    let before = by_hand.clone();
    assert!(by_hand.code(&TokenHash::of("code-1")).unwrap().is_some());
    assert_eq!(before, by_hand);

    let request = Exchange::parse(&form_post(None, &web_redeem_body("code-1")), &config);
    let driven = drive(&mut store, &config, call(NOW + 1, 9), request.clone()).unwrap();
    let mut step = request.start(&config, &call(NOW + 1, 9));
    let stepped = loop {
        step = match step {
            Step::NeedClient(q) => {
                let record = by_hand.client(q.client_id()).unwrap();
                q.provide(record)
            }
            Step::NeedCode(q) => {
                let record = by_hand.code(q.code_hash()).unwrap();
                q.provide(record)
            }
            Step::NeedRefreshToken(_) | Step::NeedRevocationStatus(_) => panic!("not asked"),
            Step::Done(outcome) => break outcome,
        }
    };
    by_hand.apply(stepped.effects()).unwrap();
    assert_eq!(driven, stepped);
    assert_eq!(store, by_hand);
    assert_eq!(driven.client_id().map(|id| id.as_str()), Some(WEB));
}

/// Runs `request` up to its outcome against `store`, without applying it.
fn decide(
    store: &mut MemoryStore,
    config: &Config,
    request: &Exchange,
    seed: u8,
) -> Outcome<Exchange> {
    requests::decide(store, config, &call(NOW + 1, seed), request)
}

#[test]
fn two_racing_redemptions_one_wins_and_the_other_revokes_what_it_issued() {
    // Both read the code unused before either applies. The first apply
    // wins; the second conflicts (its redemption expects the code unused)
    // and changes nothing, and re-run it sees the code redeemed: reuse,
    // which revokes the winner's tokens, whichever of the two came first.
    let config = config();
    let request = Exchange::parse(&form_post(None, &web_redeem_body("code-1")), &config);
    for first_wins in [true, false] {
        let mut store = store();
        store.add_code(code_record("code-1", WEB));
        let a = decide(&mut store, &config, &request, 1);
        let b = decide(&mut store, &config, &request, 2);
        let (winner, loser, loser_seed) = if first_wins { (a, b, 2) } else { (b, a, 1) };
        store.apply(winner.effects()).unwrap();
        let issued = assert_success(&winner, &config, NOW + 1);
        let before = store.clone();
        assert_eq!(
            store.apply(loser.effects()),
            Err(Conflict {
                expected: Expectation::CodeUnused(TokenHash::of("code-1"))
            })
        );
        assert_eq!(before, store, "a refused unit changes nothing");
        let rerun = drive(
            &mut store,
            &config,
            call(NOW + 1, loser_seed),
            request.clone(),
        )
        .unwrap();
        assert_error(&rerun, 400, "invalid_grant", CODE_REUSED);
        let family = family_of(&issued);
        assert_eq!(
            rerun.effects(),
            &[
                Effect::RevokeFamily {
                    family: family.clone()
                },
                Effect::RevokeAccessTokens {
                    token_ids: vec![issued.claims.jti.clone()]
                },
            ]
        );
        let rt = issued.refresh_token.unwrap();
        assert_eq!(refresh_state(&store, &rt), RefreshTokenState::Revoked);
        assert_refresh_refused(&mut store, &config, &rt, NOW + 2);
        // The loser's own refresh token was never stored.
        let lost = stored_refresh_tokens(loser.effects())[0].token_hash;
        assert!(store.refresh_token_record(&lost).is_none());
    }
}

#[test]
fn two_racing_rotations_never_fork_the_family() {
    // Both read rt1 active. The first rotation applies; the second expects
    // rt1 active and conflicts. Re-run without a grace period it is reuse
    // (the family is revoked, the winner's successor with it); with one it
    // gets the winner's successor again.
    for grace in [0, GRACE] {
        let config = config_with_grace(grace);
        let mut store = store();
        store.add_refresh_token(refresh_record("rt-1", WEB, "family-1", NOW));
        let request = Exchange::parse(&form_post(None, &web_refresh_body("rt-1", None)), &config);
        let a = decide(&mut store, &config, &request, 1);
        let b = decide(&mut store, &config, &request, 2);
        store.apply(a.effects()).unwrap();
        let rt2 = assert_success(&a, &config, NOW + 1).refresh_token.unwrap();
        assert_eq!(
            store.apply(b.effects()),
            Err(Conflict {
                expected: Expectation::RefreshTokenActive(TokenHash::of("rt-1"))
            })
        );
        let rerun = drive(&mut store, &config, call(NOW + 1, 2), request.clone()).unwrap();
        let live: Vec<_> = store
            .refresh_token_records()
            .filter(|r| r.state == RefreshTokenState::Active)
            .map(|r| r.token_hash)
            .collect();
        if grace == 0 {
            assert_error(&rerun, 400, "invalid_grant", REFRESH_REUSED);
            assert!(live.is_empty(), "{live:?}");
        } else {
            let again = assert_success(&rerun, &config, NOW + 1);
            assert_eq!(again.refresh_token.as_deref(), Some(rt2.as_str()));
            assert_eq!(live, vec![TokenHash::of(&rt2)]);
        }
    }
}

#[test]
fn a_unit_that_conflicts_is_refused_whole() {
    // A rotation and its successor: the rotation's expectation fails, so
    // the successor is not stored either.
    let mut store = store();
    let mut spent = refresh_record("rt-1", WEB, "family-1", NOW);
    spent.state = RefreshTokenState::Revoked;
    store.add_refresh_token(spent);
    let before = store.clone();
    let successor = refresh_record("rt-2", WEB, "family-1", NOW + 1);
    let unit = [
        Effect::RotateRefreshToken {
            token_hash: TokenHash::of("rt-1"),
            at: NOW + 1,
            successor: successor.token_hash,
            nonce: None,
        },
        Effect::StoreRefreshToken(successor),
    ];
    assert_eq!(
        store.apply(&unit),
        Err(Conflict {
            expected: Expectation::RefreshTokenActive(TokenHash::of("rt-1"))
        })
    );
    assert_eq!(before, store);
}

/// Hardening: a host that reuses entropy (a copied example, a forked
/// process) still gives two redemptions their own tokens, because every
/// value is bound to the code and subject it is for. Before, both got the
/// same refresh token and `jti`, and one user's refresh answered as the
/// other.
#[test]
fn reused_entropy_still_gives_each_redemption_its_own_tokens() {
    let config = config();
    let mut store = store();
    store.add_code(code_record("code-alice", WEB));
    store.add_code(CodeRecord {
        subject: subject("bob"),
        ..code_record("code-bob", WEB)
    });
    let same = || call(NOW + 1, 7);
    let alice = post(&mut store, &config, &web_redeem_body("code-alice"), same());
    let bob = post(&mut store, &config, &web_redeem_body("code-bob"), same());
    let alice = assert_success(&alice, &config, NOW + 1);
    let bob = assert_success(&bob, &config, NOW + 1);
    assert_ne!(alice.refresh_token, bob.refresh_token);
    assert_ne!(alice.claims.jti, bob.claims.jti);
    assert_eq!(alice.claims.sub.as_str(), SUBJECT);
    assert_eq!(bob.claims.sub.as_str(), "bob");
    for (issued, who) in [(&alice, SUBJECT), (&bob, "bob")] {
        let body = web_refresh_body(issued.refresh_token.as_deref().unwrap(), None);
        let refreshed = post(&mut store, &config, &body, call(NOW + 2, 7));
        let refreshed = assert_success(&refreshed, &config, NOW + 2);
        assert_eq!(refreshed.claims.sub.as_str(), who);
    }
}

/// The same for approvals: alice and bob approved with the same entropy
/// get two codes, and each code redeems to its own subject (before, bob's
/// code was alice's, and redeeming it gave `sub = bob`).
#[test]
fn reused_entropy_still_gives_each_approval_its_own_code() {
    let config = config();
    let mut store = store();
    let query = form(&[
        ("response_type", "code"),
        ("client_id", WEB),
        ("redirect_uri", REDIRECT),
    ]);
    let mut codes = Vec::new();
    for who in [SUBJECT, "bob"] {
        let consent = expect_consent(authorize(&mut store, &config, &query));
        let decision = consent.approve(subject(who), scope(SCOPE));
        let approved = drive(&mut store, &config, call(NOW, 9), decision).expect("approved");
        let [Effect::StoreCode(code)] = approved.effects() else {
            panic!("{:?}", approved.effects());
        };
        codes.push(code.code_hash);
        let params = redirect_params(approved.response(), REDIRECT);
        let code = params.iter().find(|(n, _)| n == "code").unwrap().1.clone();
        let redeemed = post(
            &mut store,
            &config,
            &web_redeem_body(&code),
            call(NOW + 1, 9),
        );
        let issued = assert_success(&redeemed, &config, NOW + 1);
        assert_eq!(issued.claims.sub.as_str(), who);
    }
    assert_ne!(codes[0], codes[1]);
}

/// What the binding cannot separate (the same client, subject and second
/// with the same entropy) derives the same value, and then the store's
/// "expects absent" makes the request fail closed: nothing is overwritten.
#[test]
fn an_identical_approval_with_reused_entropy_fails_closed() {
    let config = config();
    let mut store = store();
    let query = form(&[
        ("response_type", "code"),
        ("client_id", WEB),
        ("redirect_uri", REDIRECT),
    ]);
    let approve = |store: &mut MemoryStore| {
        let consent = expect_consent(authorize(store, &config, &query));
        drive(
            store,
            &config,
            call(NOW, 9),
            consent.approve(subject(SUBJECT), scope(SCOPE)),
        )
    };
    let first = approve(&mut store).expect("the first approval");
    assert_eq!(first.report(), &Ok(()));
    let before = store.clone();
    let error = approve(&mut store).unwrap_err();
    let [Effect::StoreCode(code)] = first.effects() else {
        panic!("{:?}", first.effects());
    };
    assert_eq!(
        error,
        grant_engine::DriveError::Conflicted {
            attempts: config.max_attempts(),
            last: Conflict {
                expected: Expectation::CodeAbsent(code.code_hash)
            },
        }
    );
    assert_eq!(before, store, "nothing overwritten");
    assert_eq!(error.to_http_response().status, 503);
}

// ===========================================================================
// The seed's three requests, end to end
// ===========================================================================

const SEED_CLIENT: &str = "your_client_id";
const SEED_REFRESH: &str = "def50200641f3e...";
const SEED_CODE_BODY: &str = "grant_type=authorization_code&code=abc123&client_id=your_client_id\
     &client_secret=your_client_secret&redirect_uri=https%3A%2F%2Fyour-app.com%2Fcallback";
const SEED_CC_BODY: &str = "grant_type=client_credentials&client_id=your_client_id\
     &client_secret=your_client_secret&scope=read%20write";
const SEED_REFRESH_BODY: &str = "grant_type=refresh_token&refresh_token=def50200641f3e...\
     &client_id=your_client_id&client_secret=your_client_secret";

fn seed_store() -> MemoryStore {
    let mut store = MemoryStore::new();
    store.add_client(
        confidential(SEED_CLIENT, "your_client_secret")
            .with_grant_types(&GrantType::ALL)
            .with_scope(scope("read write"))
            .with_redirect_uri(uri("https://your-app.com/callback")),
    );
    store.add_code(CodeRecord {
        redirect_uri: Some(uri("https://your-app.com/callback")),
        subject: subject("user-42"),
        ..code_record("abc123", SEED_CLIENT)
    });
    store.add_refresh_token(RefreshTokenRecord {
        subject: subject("user-42"),
        ..refresh_record(SEED_REFRESH, SEED_CLIENT, "seed-family", NOW)
    });
    store
}

/// The seed's documented response, field by field (the key order is
/// checked by `assert_success`).
fn assert_seed_response(issued: &Issued, with_refresh: bool) {
    assert!(!issued.access_token.is_empty());
    assert_eq!(issued.expires_in, 86_400);
    assert_eq!(issued.refresh_token.is_some(), with_refresh);
    assert_eq!(issued.scope, "read write");
}

#[test]
fn the_seeds_requests_end_to_end() {
    let config = config();
    let mut store = seed_store();
    let outcome = post(&mut store, &config, SEED_CC_BODY, call(NOW, 1));
    let issued = assert_success(&outcome, &config, NOW);
    assert_seed_response(&issued, false);
    assert_eq!(issued.claims.sub.as_str(), SEED_CLIENT);
    assert_eq!(outcome.effects(), &[]);

    let outcome = post(&mut store, &config, SEED_REFRESH_BODY, call(NOW + 5, 2));
    let refreshed = assert_success(&outcome, &config, NOW + 5);
    assert_seed_response(&refreshed, true);
    assert_eq!(
        refreshed.claims.fam.as_ref().unwrap().as_str(),
        "seed-family"
    );
    let outcome = post(&mut store, &config, SEED_REFRESH_BODY, call(NOW + 6, 3));
    assert_error(&outcome, 400, "invalid_grant", REFRESH_REUSED);

    let outcome = post(&mut store, &config, SEED_CODE_BODY, call(NOW + 30, 4));
    let issued = assert_success(&outcome, &config, NOW + 30);
    assert_seed_response(&issued, true);
    assert_eq!(issued.claims.sub.as_str(), "user-42");
    let rt = issued.refresh_token.clone().unwrap();
    let body = format!(
        "grant_type=refresh_token&refresh_token={rt}&client_id=your_client_id&client_secret=your_client_secret"
    );
    let outcome = post(&mut store, &config, &body, call(NOW + 60, 5));
    assert_seed_response(&assert_success(&outcome, &config, NOW + 60), true);
    let outcome = post(&mut store, &config, SEED_CODE_BODY, call(NOW + 90, 6));
    assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
}

// ===========================================================================
// Access tokens (RFC 9068), verified independently
// ===========================================================================

fn one_of_each(config: &Config) -> Vec<(Issued, u64)> {
    let mut store = store();
    let code = web_login(&mut store, config, "code-1", 1);
    let outcome = post(
        &mut store,
        config,
        &web_refresh_body(code.refresh_token.as_deref().unwrap(), None),
        call(NOW + 2, 2),
    );
    let refresh = assert_success(&outcome, config, NOW + 2);
    let outcome = post(
        &mut store,
        config,
        &cc_body(M2M, M2M_SECRET, Some("read")),
        call(NOW + 3, 3),
    );
    let cc = assert_success(&outcome, config, NOW + 3);
    vec![(code, NOW + 1), (refresh, NOW + 2), (cc, NOW + 3)]
}

#[test]
fn access_tokens_have_the_rfc_9068_header_and_claims() {
    let config = config();
    let issued = one_of_each(&config);
    for (i, (token, now)) in issued.iter().enumerate() {
        let claims = jwt_independent(&token.access_token, KID);
        assert_eq!(
            (claims["iss"].as_str(), claims["aud"].as_str()),
            (Some(ISSUER), Some(AUDIENCE))
        );
        assert_eq!(
            (claims["iat"].as_u64(), claims["exp"].as_u64()),
            (Some(*now), Some(*now + ACCESS_TTL))
        );
        assert!(!claims["jti"].as_str().unwrap().is_empty());
        let with_fam = i < 2; // the code and refresh grants
        let (sub, client, scope) = if with_fam {
            (SUBJECT, WEB, SCOPE)
        } else {
            (M2M, M2M, "read")
        };
        assert_eq!(
            (
                claims["sub"].as_str(),
                claims["client_id"].as_str(),
                claims["scope"].as_str()
            ),
            (Some(sub), Some(client), Some(scope))
        );
        let mut names = vec![
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "jti",
            "client_id",
            "scope",
        ];
        if with_fam {
            names.push("fam");
            assert_eq!(
                claims["fam"].as_str(),
                token.claims.fam.as_ref().map(FamilyId::as_str)
            );
        }
        assert_eq!(claim_names(&token.access_token), names);
        assert_eq!(claims.as_object().unwrap().len(), names.len());
    }
    let jtis: std::collections::BTreeSet<_> =
        issued.iter().map(|(t, _)| t.claims.jti.clone()).collect();
    assert_eq!(jtis.len(), 3, "every jti differs");
}

#[test]
fn access_tokens_are_refused_after_expiry_and_before_iat() {
    let config = config();
    for (token, now) in one_of_each(&config) {
        let exp = now + ACCESS_TTL;
        let verify = |at, leeway| verify_access_token(&token.access_token, &config, at, leeway);
        assert!(verify(exp - 1, 0).is_ok());
        assert_eq!(verify(exp, 0), Err(JwtError::Expired));
        assert_eq!(verify(exp + 1_000, 0), Err(JwtError::Expired));
        assert!(verify(exp + 5, 10).is_ok(), "leeway");
        assert_eq!(verify(now - 1, 0), Err(JwtError::NotYetValid));
    }
}

fn jsonwebtoken_validation(audience: &str) -> jsonwebtoken::Validation {
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[audience]);
    validation
}

fn jsonwebtoken_accepts(token: &str, secret: &[u8], audience: &str) -> bool {
    let key = jsonwebtoken::DecodingKey::from_secret(secret);
    jsonwebtoken::decode::<serde_json::Value>(token, &key, &jsonwebtoken_validation(audience))
        .is_ok()
}

#[test]
fn access_tokens_minted_in_the_past_are_expired_for_both_verifiers() {
    // Minted at a real past time (2017): jsonwebtoken checks `exp` against
    // the wall clock, as the engine does at any `now` past `exp`.
    let config = config();
    let past = 1_500_000_000;
    let outcome = post(
        &mut store(),
        &config,
        &cc_body(M2M, M2M_SECRET, None),
        call(past, 1),
    );
    let token = outcome
        .report()
        .as_ref()
        .unwrap()
        .access_token
        .expose_secret()
        .to_owned();
    let key = jsonwebtoken::DecodingKey::from_secret(SIGNING_SECRET);
    let error =
        jsonwebtoken::decode::<serde_json::Value>(&token, &key, &jsonwebtoken_validation(AUDIENCE))
            .unwrap_err();
    assert_eq!(
        error.kind(),
        &jsonwebtoken::errors::ErrorKind::ExpiredSignature
    );
    assert!(verify_access_token(&token, &config, past, 0).is_ok());
    assert_eq!(
        verify_access_token(&token, &config, past + ACCESS_TTL, 0),
        Err(JwtError::Expired)
    );
}

#[test]
fn access_tokens_verify_with_a_verify_only_key_after_rotation() {
    let issued = one_of_each(&config());
    let rotated = config().with_keys(
        KeyRing::new(key(NEXT_KID, NEXT_SECRET))
            .with_verify_key(key(KID, SIGNING_SECRET))
            .unwrap(),
    );
    let dropped = config().with_keys(KeyRing::new(key(NEXT_KID, NEXT_SECRET)));
    for (token, now) in &issued {
        assert_eq!(
            verify_access_token(&token.access_token, &rotated, *now, 0).as_ref(),
            Ok(&token.claims)
        );
        assert_eq!(
            verify_access_token(&token.access_token, &dropped, *now, 0),
            Err(JwtError::UnknownKey)
        );
    }
    for (token, _) in one_of_each(&rotated) {
        jwt_independent(&token.access_token, NEXT_KID);
        assert!(
            !jsonwebtoken_accepts(&token.access_token, SIGNING_SECRET, AUDIENCE),
            "the old secret"
        );
    }
}

#[test]
fn access_tokens_are_refused_for_another_issuer_or_audience_or_when_tampered() {
    let config = config();
    let (token, now) = one_of_each(&config).remove(0);
    let other_issuer = Config::new("https://evil.example", AUDIENCE, keys());
    assert_eq!(
        verify_access_token(&token.access_token, &other_issuer, now, 0),
        Err(JwtError::WrongIssuer)
    );
    let other_audience = Config::new(ISSUER, "https://other-api.example", keys());
    assert_eq!(
        verify_access_token(&token.access_token, &other_audience, now, 0),
        Err(JwtError::WrongAudience)
    );
    assert!(!jsonwebtoken_accepts(
        &token.access_token,
        SIGNING_SECRET,
        "https://other-api.example"
    ));

    // Flip one payload character: the signature no longer matches.
    let mut parts: Vec<String> = token.access_token.split('.').map(str::to_owned).collect();
    let payload = parts[1].clone();
    let flipped = if payload.ends_with('A') { 'B' } else { 'A' };
    parts[1] = format!("{}{}", &payload[..payload.len() - 1], flipped);
    let tampered = parts.join(".");
    assert!(matches!(
        verify_access_token(&tampered, &config, now, 0),
        Err(JwtError::BadSignature | JwtError::Malformed)
    ));
    assert!(!jsonwebtoken_accepts(&tampered, SIGNING_SECRET, AUDIENCE));
}

#[test]
fn tokens_minted_by_jsonwebtoken_verify_only_with_the_right_header() {
    // The other direction: a token the independent implementation signs
    // with our key, header and claims is accepted; another `typ`, `alg` or
    // `kid` is not.
    let config = config();
    let claims = serde_json::json!({
        "iss": ISSUER, "sub": SUBJECT, "aud": AUDIENCE, "exp": NOW + 60, "iat": NOW,
        "jti": "jti-from-elsewhere", "client_id": WEB, "scope": "read",
    });
    let sign = |alg, typ: &str, kid: &str| {
        let mut header = jsonwebtoken::Header::new(alg);
        header.typ = Some(typ.to_owned());
        header.kid = Some(kid.to_owned());
        jsonwebtoken::encode(
            &header,
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(SIGNING_SECRET),
        )
        .unwrap()
    };
    use jsonwebtoken::Algorithm::{HS256, HS384};
    let good = verify_access_token(&sign(HS256, "at+jwt", KID), &config, NOW, 0).unwrap();
    assert_eq!(
        (good.jti.as_str(), good.scope.to_string().as_str(), good.fam),
        ("jti-from-elsewhere", "read", None)
    );
    assert_eq!(
        verify_access_token(&sign(HS256, "JWT", KID), &config, NOW, 0),
        Err(JwtError::WrongType)
    );
    assert_eq!(
        verify_access_token(&sign(HS384, "at+jwt", KID), &config, NOW, 0),
        Err(JwtError::UnsupportedAlgorithm)
    );
    assert_eq!(
        verify_access_token(&sign(HS256, "at+jwt", "unknown-kid"), &config, NOW, 0),
        Err(JwtError::UnknownKey)
    );
}

#[test]
fn a_call_is_only_time_and_entropy() {
    let a = call(NOW, 1);
    assert_eq!(a, grant_engine::Call::new(NOW, entropy(1)));
    assert_eq!(a.now(), NOW);
    assert_eq!(format!("{:?}", a.entropy()), "Entropy(<redacted>)");
    assert_ne!(a, call(NOW, 2));
}

// ===========================================================================
// The absolute family lifetime
// ===========================================================================

/// Hardening: a family ends at its absolute lifetime, counted from its
/// first token, however often it rotates (before, each rotation slid the
/// end forward, so a family in use lived for ever). The successors carry
/// the end unchanged, and none outlives it.
#[test]
fn a_family_ends_at_its_absolute_lifetime_however_often_it_rotates() {
    let config = config().with_family_lifetime(3 * 86_400);
    let mut store = store();
    let issued = requests::login(&mut store, &config, WEB, NOW, 1);
    let family_end = NOW + 1 + 3 * 86_400;
    let mut token = issued.refresh_token.expect("a refresh token");
    for day in 1..3u8 {
        let at = NOW + u64::from(day) * 86_400;
        let outcome = requests::refresh(&mut store, &config, WEB, &token, at, day + 1);
        token = assert_success(&outcome, &config, at)
            .refresh_token
            .expect("a successor");
        let record = store
            .refresh_token_record(&TokenHash::of(&token))
            .expect("stored");
        assert_eq!(record.family_expires_at, family_end);
        assert_eq!(record.expires_at, family_end, "clamped to the family's end");
    }
    let outcome = requests::refresh(&mut store, &config, WEB, &token, family_end, 9);
    assert_error(&outcome, 400, "invalid_grant", REFRESH_INVALID);
    assert_eq!(
        outcome.report().as_ref().unwrap_err(),
        &TokenError::InvalidGrant(InvalidGrant::RefreshFamilyExpired)
    );
    assert_eq!(outcome.effects(), &[]);
    // A second earlier, it still worked.
    let outcome = requests::refresh(&mut store, &config, WEB, &token, family_end - 1, 9);
    assert_success(&outcome, &config, family_end - 1);
}

/// After the family's end a rotated-out token is refused as expired, not
/// treated as reuse: there is nothing left to revoke.
#[test]
fn after_the_family_ends_a_replay_is_expired_not_reuse() {
    let config = config().with_family_lifetime(86_400);
    let mut store = store();
    let issued = requests::login(&mut store, &config, WEB, NOW, 1);
    let rt1 = issued.refresh_token.expect("a refresh token");
    let rotated = requests::refresh(&mut store, &config, WEB, &rt1, NOW + 10, 2);
    assert_success(&rotated, &config, NOW + 10);
    let replay = requests::refresh(&mut store, &config, WEB, &rt1, NOW + 1 + 86_400, 3);
    assert_error(&replay, 400, "invalid_grant", REFRESH_INVALID);
    assert_eq!(replay.effects(), &[]);
    assert_eq!(replay.events(), &[]);
}

#[test]
fn the_default_family_lifetime_is_90_days() {
    assert_eq!(config().family_lifetime(), 90 * 86_400);
    assert_eq!(
        grant_engine::config::DEFAULT_FAMILY_LIFETIME,
        FAMILY_LIFETIME
    );
    assert_eq!(config().with_family_lifetime(0).family_lifetime(), 1);
}
