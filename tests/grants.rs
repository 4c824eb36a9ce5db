//! The grant engine's contract (RFC-RULES: "Client authentication" at the
//! engine level, "authorization_code grant", "client_credentials grant",
//! "refresh_token grant", and the token-response rows), pinned through the
//! public API only.
//!
//! Every test checks the exact status, the exact body bytes, the exact
//! headers, the exact list of effects, and the store after applying them.
//! Every access token issued is verified twice: by the crate's own
//! [`verify_access_token`] and by the independent `jsonwebtoken` crate.

mod grant_support;

use grant_engine::{
    ClientRecord, CodeChallenge, CodeChallengeMethod, CodeState, Config, Context, Effect, FamilyId,
    GrantType, JwtError, KeyRing, MemoryStore, Outcome, PkceChallenge, PkcePolicy, PkceRequirement,
    RefreshTokenRecord, RefreshTokenState, RequestParts, Step, TokenHash, TokenId, drive,
    token_endpoint, verify_access_token,
};
use grant_support::*;

// ---------------------------------------------------------------------------
// Local helpers
// ---------------------------------------------------------------------------

fn cc_body(client_id: &str, secret: &str, scope: Option<&str>) -> String {
    let mut pairs = vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret),
    ];
    if let Some(scope) = scope {
        pairs.push(("scope", scope));
    }
    form(&pairs)
}

fn redeem_effects(code: &str, jti: &TokenId) -> Effect {
    Effect::RedeemCode {
        code_hash: TokenHash::of(code),
        access_token_ids: vec![jti.clone()],
    }
}

/// The effect of presenting an unused code in a failed exchange: it is
/// burnt all the same, with no access token to remember.
fn burnt(code: &str) -> Effect {
    Effect::RedeemCode {
        code_hash: TokenHash::of(code),
        access_token_ids: Vec::new(),
    }
}

fn family_of(issued: &Issued) -> FamilyId {
    issued.claims.fam.clone().expect("a fam claim")
}

fn refresh_record(
    token: &str,
    client: &str,
    scope_value: &str,
    family: &FamilyId,
    issued_at: u64,
) -> RefreshTokenRecord {
    RefreshTokenRecord {
        token_hash: TokenHash::of(token),
        client_id: id(client),
        subject: subject(SUBJECT),
        scope: scope(scope_value),
        family: family.clone(),
        issued_at,
        expires_at: issued_at + REFRESH_TTL,
        state: RefreshTokenState::Active,
    }
}

fn code_state(store: &MemoryStore, code: &str) -> CodeState {
    store
        .code_record(&TokenHash::of(code))
        .expect("the code is stored")
        .state
        .clone()
}

fn refresh_state(store: &MemoryStore, token: &str) -> RefreshTokenState {
    store
        .refresh_token_record(&TokenHash::of(token))
        .expect("the refresh token is stored")
        .state
        .clone()
}

/// Presents `token` for `web` at `now` and asserts the refusal
/// "invalid, expired, revoked, or another client's" with no effect.
fn assert_refresh_refused(store: &mut MemoryStore, config: &Config, token: &str, now: u64) {
    let outcome = post(
        store,
        config,
        &web_refresh_body(token, None),
        ctx(now, 0xEE),
    );
    assert_error(&outcome, 400, "invalid_grant", REFRESH_INVALID);
    assert_eq!(outcome.effects(), &[]);
}

/// Asserts an outcome refused before any grant was looked at: no effect,
/// and the store is exactly what it was.
fn assert_untouched(outcome: &Outcome, before: &MemoryStore, after: &MemoryStore) {
    assert_eq!(outcome.effects(), &[]);
    assert_eq!(before, after, "the store changed");
}

// ===========================================================================
// Client authentication (engine level)
// ===========================================================================

#[test]
fn unknown_client_is_invalid_client_with_a_basic_challenge() {
    let mut store = store();
    let before = store.clone();
    let outcome = post(
        &mut store,
        &config(),
        &cc_body("nobody", "whatever", None),
        ctx(NOW, 1),
    );
    assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
    assert_untouched(&outcome, &before, &store);

    let outcome = post_with_auth(
        &mut store,
        &config(),
        &basic("nobody", "whatever"),
        "grant_type=client_credentials",
        ctx(NOW, 1),
    );
    assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
    assert_untouched(&outcome, &before, &store);
}

#[test]
fn wrong_secret_is_invalid_client_in_the_body_and_in_basic() {
    let mut store = store();
    let before = store.clone();
    for wrong in ["m2m-secreT", "m2m-secret ", "m2m-secre", "x", WEB_SECRET] {
        let outcome = post(
            &mut store,
            &config(),
            &cc_body(M2M, wrong, None),
            ctx(NOW, 1),
        );
        assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
        assert_untouched(&outcome, &before, &store);

        let outcome = post_with_auth(
            &mut store,
            &config(),
            &basic(M2M, wrong),
            "grant_type=client_credentials",
            ctx(NOW, 1),
        );
        assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
        assert_untouched(&outcome, &before, &store);
    }
}

#[test]
fn confidential_client_without_a_secret_is_invalid_client_and_burns_nothing() {
    let mut store = store();
    store.add_code(code_record("code-1", WEB));
    let before = store.clone();
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("redirect_uri", REDIRECT),
        ("client_id", WEB),
    ]);
    let outcome = post(&mut store, &config(), &body, ctx(NOW + 1, 1));
    assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
    assert_untouched(&outcome, &before, &store);
    assert_eq!(code_state(&store, "code-1"), CodeState::Unused);

    // The code still works once the client authenticates.
    let outcome = post(
        &mut store,
        &config(),
        &web_redeem_body("code-1"),
        ctx(NOW + 2, 1),
    );
    assert_success(&outcome, &config(), NOW + 2);
}

#[test]
fn public_client_sending_a_client_secret_is_invalid_client() {
    let mut store = store();
    store.add_code(with_s256(code_record("code-1", SPA), RFC7636_CHALLENGE));
    let before = store.clone();
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("redirect_uri", REDIRECT),
        ("code_verifier", RFC7636_VERIFIER),
        ("client_id", SPA),
        ("client_secret", "anything"),
    ]);
    let outcome = post(&mut store, &config(), &body, ctx(NOW + 1, 1));
    assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
    assert_untouched(&outcome, &before, &store);

    // The same through Basic.
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("redirect_uri", REDIRECT),
        ("code_verifier", RFC7636_VERIFIER),
    ]);
    let outcome = post_with_auth(
        &mut store,
        &config(),
        &basic(SPA, "anything"),
        &body,
        ctx(NOW + 1, 1),
    );
    assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
    assert_untouched(&outcome, &before, &store);
}

#[test]
fn public_client_identifies_with_client_id_alone() {
    let mut store = store();
    store.add_code(with_s256(code_record("code-1", SPA), RFC7636_CHALLENGE));
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("redirect_uri", REDIRECT),
        ("code_verifier", RFC7636_VERIFIER),
        ("client_id", SPA),
    ]);
    let outcome = post(&mut store, &config(), &body, ctx(NOW + 1, 1));
    let issued = assert_success(&outcome, &config(), NOW + 1);
    assert_eq!(issued.claims.client_id.as_str(), SPA);
    assert_eq!(issued.claims.sub.as_str(), SUBJECT);

    // And refreshes with client_id alone too.
    let body = form(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", issued.refresh_token.as_deref().unwrap()),
        ("client_id", SPA),
    ]);
    let outcome = post(&mut store, &config(), &body, ctx(NOW + 2, 2));
    let refreshed = assert_success(&outcome, &config(), NOW + 2);
    assert_eq!(refreshed.claims.client_id.as_str(), SPA);
}

#[test]
fn client_not_allowed_the_grant_type_is_unauthorized_client_and_burns_nothing() {
    let mut store = store();
    store.add_code(code_record("code-m2m", M2M));
    let issued = web_login(&mut store, &config(), "code-web", 1);
    let rt = issued.refresh_token.clone().unwrap();
    // A refresh token of the client that may not refresh (planted by hand).
    store.add_refresh_token(refresh_record(
        "rt-no-refresh",
        NO_REFRESH,
        SCOPE,
        &family_of(&issued),
        NOW,
    ));
    let before = store.clone();

    let cases = [
        // m2m may only use client_credentials.
        form(&[
            ("grant_type", "authorization_code"),
            ("code", "code-m2m"),
            ("redirect_uri", REDIRECT),
            ("client_id", M2M),
            ("client_secret", M2M_SECRET),
        ]),
        // web may not use client_credentials.
        cc_body(WEB, WEB_SECRET, None),
        // no-refresh may not use refresh_token.
        form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "rt-no-refresh"),
            ("client_id", NO_REFRESH),
            ("client_secret", NO_REFRESH_SECRET),
        ]),
        // m2m may not use refresh_token either, even with web's token.
        form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &rt),
            ("client_id", M2M),
            ("client_secret", M2M_SECRET),
        ]),
    ];
    for body in &cases {
        let outcome = post(&mut store, &config(), body, ctx(NOW + 5, 3));
        assert_error(&outcome, 400, "unauthorized_client", UNAUTHORIZED_CLIENT);
        assert_untouched(&outcome, &before, &store);
    }
}

#[test]
fn authentication_comes_before_the_grant_type_check() {
    // A wrong secret for a client that may not use the grant: 401, not 400,
    // so an unauthenticated caller learns nothing about the client's grants.
    let mut store = store();
    let outcome = post(
        &mut store,
        &config(),
        &cc_body(WEB, "wrong", None),
        ctx(NOW, 1),
    );
    assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
}

#[test]
fn a_host_answering_with_another_clients_record_gets_invalid_client() {
    // A host bug: the record returned is not the one asked for.
    let config = config();
    let body = cc_body(M2M, OTHER_SECRET, None);
    let step = token_endpoint(
        &RequestParts::form_post(body.as_bytes()),
        &config,
        ctx(NOW, 1),
    );
    let Step::NeedClient(question) = step else {
        panic!("expected NeedClient, got {step:?}");
    };
    assert_eq!(question.client_id().as_str(), M2M);
    let other = clients()
        .into_iter()
        .find(|c| c.client_id.as_str() == OTHER)
        .unwrap();
    let Step::Done(outcome) = question.provide(Some(other)) else {
        panic!("expected Done");
    };
    assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
    assert_eq!(outcome.effects(), &[]);
}

// ===========================================================================
// authorization_code grant
// ===========================================================================

#[test]
fn code_success_issues_tokens_and_reports_every_effect() {
    let config = config();
    let mut store = store();
    store.add_code(code_record("code-1", WEB));
    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("code-1"),
        ctx(NOW + 5, 1),
    );
    let issued = assert_success(&outcome, &config, NOW + 5);
    assert_eq!(issued.scope, SCOPE);
    assert_eq!(issued.expires_in, ACCESS_TTL);
    let rt = issued.refresh_token.clone().expect("a refresh token");
    let family = family_of(&issued);

    let expected_record = refresh_record(&rt, WEB, SCOPE, &family, NOW + 5);
    assert_eq!(
        outcome.effects(),
        &[
            redeem_effects("code-1", &issued.claims.jti),
            Effect::StoreRefreshToken(expected_record.clone()),
        ]
    );

    // The claims (RFC 9068 2.2).
    let claims = &issued.claims;
    assert_eq!(claims.iss, ISSUER);
    assert_eq!(claims.aud, AUDIENCE);
    assert_eq!(claims.sub.as_str(), SUBJECT);
    assert_eq!(claims.client_id.as_str(), WEB);
    assert_eq!(claims.iat, NOW + 5);
    assert_eq!(claims.exp, NOW + 5 + ACCESS_TTL);

    // The store after the effects.
    assert_eq!(
        code_state(&store, "code-1"),
        CodeState::Redeemed {
            access_token_ids: vec![claims.jti.clone()]
        }
    );
    assert_eq!(
        store.refresh_token_record(&TokenHash::of(&rt)),
        Some(&expected_record)
    );
    assert!(!store.is_family_revoked(&family));
}

#[test]
fn code_success_without_refresh_token_when_the_client_may_not_refresh() {
    let config = config();
    let mut store = store();
    store.add_code(code_record("code-1", NO_REFRESH));
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("redirect_uri", REDIRECT),
        ("client_id", NO_REFRESH),
        ("client_secret", NO_REFRESH_SECRET),
    ]);
    let outcome = post(&mut store, &config, &body, ctx(NOW + 1, 1));
    let issued = assert_success(&outcome, &config, NOW + 1);
    assert_eq!(issued.refresh_token, None);
    assert!(!outcome.response().body_str().contains("refresh_token"));
    assert_eq!(
        outcome.effects(),
        &[redeem_effects("code-1", &issued.claims.jti)]
    );
    assert_eq!(store.refresh_token_records().count(), 0);
}

#[test]
fn code_success_through_basic_authentication() {
    let config = config();
    let mut store = store();
    store.add_code(code_record("code-1", WEB));
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("redirect_uri", REDIRECT),
    ]);
    let outcome = post_with_auth(
        &mut store,
        &config,
        &basic(WEB, WEB_SECRET),
        &body,
        ctx(NOW + 1, 1),
    );
    let issued = assert_success(&outcome, &config, NOW + 1);
    assert_eq!(issued.claims.client_id.as_str(), WEB);
}

#[test]
fn code_unknown_is_invalid_grant_with_no_effect() {
    let mut store = store();
    store.add_code(code_record("code-1", WEB));
    let before = store.clone();
    for code in ["code-2", "code-", "code-1 ", "CODE-1"] {
        let outcome = post(
            &mut store,
            &config(),
            &web_redeem_body(code),
            ctx(NOW + 1, 1),
        );
        assert_error(&outcome, 400, "invalid_grant", CODE_INVALID);
        assert_untouched(&outcome, &before, &store);
    }
}

#[test]
fn code_expired_at_its_expires_at() {
    let config = config();
    for (now, ok) in [(NOW + 59, true), (NOW + 60, false), (NOW + 61, false)] {
        let mut store = store();
        let mut code = code_record("code-1", WEB);
        code.expires_at = NOW + 60;
        store.add_code(code);
        let outcome = post(&mut store, &config, &web_redeem_body("code-1"), ctx(now, 1));
        if ok {
            assert_success(&outcome, &config, now);
        } else {
            assert_error(&outcome, 400, "invalid_grant", CODE_INVALID);
            assert_eq!(outcome.effects(), &[burnt("code-1")]);
            assert_eq!(store.refresh_token_records().count(), 0);
        }
    }
}

#[test]
fn code_expiry_is_capped_at_ten_minutes_whatever_the_record_says() {
    let config = config();
    for (now, ok) in [
        (NOW + CODE_TTL - 1, true),
        (NOW + CODE_TTL, false),
        (NOW + 3_000, false),
    ] {
        let mut store = store();
        let mut code = code_record("code-1", WEB);
        code.expires_at = NOW + 3_600; // the record claims an hour
        store.add_code(code);
        let outcome = post(&mut store, &config, &web_redeem_body("code-1"), ctx(now, 1));
        if ok {
            assert_success(&outcome, &config, now);
        } else {
            assert_error(&outcome, 400, "invalid_grant", CODE_INVALID);
            assert_eq!(outcome.effects(), &[burnt("code-1")]);
        }
    }
}

#[test]
fn configured_code_ttl_is_enforced_and_itself_capped() {
    // A shorter configured lifetime wins over the record.
    let short = config().with_code_ttl(60);
    let mut store = store();
    store.add_code(code_record("code-1", WEB)); // expires_at NOW + 600
    let outcome = post(
        &mut store,
        &short,
        &web_redeem_body("code-1"),
        ctx(NOW + 60, 1),
    );
    assert_error(&outcome, 400, "invalid_grant", CODE_INVALID);

    // A longer configured lifetime is capped at ten minutes.
    let long = config().with_code_ttl(7_200);
    let mut store = grant_support::store();
    let mut code = code_record("code-1", WEB);
    code.expires_at = NOW + 7_200;
    store.add_code(code);
    let outcome = post(
        &mut store,
        &long,
        &web_redeem_body("code-1"),
        ctx(NOW + CODE_TTL, 1),
    );
    assert_error(&outcome, 400, "invalid_grant", CODE_INVALID);
}

#[test]
fn code_of_another_client_is_invalid_grant_and_is_burnt() {
    let config = config();
    let mut store = store();
    store.add_code(code_record("code-1", OTHER));
    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("code-1"),
        ctx(NOW + 1, 1),
    );
    assert_error(&outcome, 400, "invalid_grant", CODE_INVALID);
    assert_eq!(outcome.effects(), &[burnt("code-1")]);
    assert_eq!(
        code_state(&store, "code-1"),
        CodeState::Redeemed {
            access_token_ids: vec![]
        }
    );
    assert_eq!(store.refresh_token_records().count(), 0);

    // Once presented, the code never works again, not even for its owner.
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("redirect_uri", REDIRECT),
        ("client_id", OTHER),
        ("client_secret", OTHER_SECRET),
    ]);
    let outcome = post(&mut store, &config, &body, ctx(NOW + 2, 2));
    assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
}

#[test]
fn code_presented_twice_revokes_what_the_first_redemption_issued() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let rt = first.refresh_token.clone().unwrap();
    let family = family_of(&first);

    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("code-1"),
        ctx(NOW + 2, 2),
    );
    assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
    assert_eq!(
        outcome.effects(),
        &[
            Effect::RevokeFamily {
                family: family.clone()
            },
            Effect::RevokeAccessTokens {
                token_ids: vec![first.claims.jti.clone()]
            },
        ]
    );

    // Applied: the family, its refresh token and the access token are revoked.
    assert!(store.is_family_revoked(&family));
    assert!(store.is_access_token_revoked(&first.claims.jti));
    assert_eq!(refresh_state(&store, &rt), RefreshTokenState::Revoked);
    assert_refresh_refused(&mut store, &config, &rt, NOW + 3);

    // A third presentation is still refused, and revokes again.
    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("code-1"),
        ctx(NOW + 4, 3),
    );
    assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
    assert_eq!(
        outcome.effects(),
        &[
            Effect::RevokeFamily { family },
            Effect::RevokeAccessTokens {
                token_ids: vec![first.claims.jti]
            },
        ]
    );
}

#[test]
fn code_presented_twice_revokes_the_newest_refresh_token_of_its_family() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let family = family_of(&first);
    let rt1 = first.refresh_token.unwrap();
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, None),
        ctx(NOW + 10, 2),
    );
    let second = assert_success(&outcome, &config, NOW + 10);
    let rt2 = second.refresh_token.unwrap();
    assert_eq!(second.claims.fam.as_ref(), Some(&family));

    // An unrelated grant of the same client and user.
    let unrelated = web_login(&mut store, &config, "code-2", 3);

    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("code-1"),
        ctx(NOW + 20, 4),
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
    // The access token minted by the refresh carries the family, so the
    // host can refuse it (its `fam` claim names a revoked family).
    assert!(store.is_family_revoked(second.claims.fam.as_ref().unwrap()));

    // The other grant is untouched.
    assert!(!store.is_family_revoked(&family_of(&unrelated)));
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(unrelated.refresh_token.as_deref().unwrap(), None),
        ctx(NOW + 22, 5),
    );
    assert_success(&outcome, &config, NOW + 22);
}

#[test]
fn code_presented_again_after_a_failed_first_attempt_is_reuse() {
    let config = config();
    let mut store = store();
    store.add_code(code_record("code-1", WEB));
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("redirect_uri", "https://app.example.com/other"),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
    ]);
    let outcome = post(&mut store, &config, &body, ctx(NOW + 1, 1));
    assert_error(&outcome, 400, "invalid_grant", REDIRECT_MISMATCH);
    assert_eq!(outcome.effects(), &[burnt("code-1")]);

    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("code-1"),
        ctx(NOW + 2, 2),
    );
    assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
    // Nothing was issued: the family is revoked, no access token to report.
    match outcome.effects() {
        [Effect::RevokeFamily { family }] => assert!(store.is_family_revoked(family)),
        other => panic!("unexpected effects {other:?}"),
    }
}

/// Runs `body` up to its `NeedCode` question.
fn up_to_code_question<'c>(
    config: &'c Config,
    body: &str,
    ctx: Context,
) -> grant_engine::CodeQuestion<'c> {
    let step = token_endpoint(&RequestParts::form_post(body.as_bytes()), config, ctx);
    let Step::NeedClient(question) = step else {
        panic!("expected NeedClient");
    };
    let client = store().client_record(question.client_id()).cloned();
    match question.provide(client) {
        Step::NeedCode(question) => question,
        other => panic!("expected NeedCode, got {other:?}"),
    }
}

#[test]
fn two_racing_redemptions_of_one_code_issue_nothing_that_survives() {
    // Both exchanges take the code before either applies its effects: the
    // atomic take lets exactly one see it unused, and whichever order the
    // effects land in, the winner's refresh token ends up revoked.
    let config = config();
    for winner_applies_first in [true, false] {
        let mut store = store();
        store.add_code(code_record("code-1", WEB));
        let body = web_redeem_body("code-1");
        let a = up_to_code_question(&config, &body, ctx(NOW + 1, 1));
        let b = up_to_code_question(&config, &body, ctx(NOW + 1, 2));
        let record_a = grant_engine::Lookup::take_code(&mut store, a.code_hash()).unwrap();
        let record_b = grant_engine::Lookup::take_code(&mut store, b.code_hash()).unwrap();
        let Step::Done(winner) = a.provide(record_a) else {
            panic!("expected Done");
        };
        let Step::Done(loser) = b.provide(record_b) else {
            panic!("expected Done");
        };
        let issued = assert_success(&winner, &config, NOW + 1);
        let family = family_of(&issued);
        assert_error(&loser, 400, "invalid_grant", CODE_REUSED);
        // The winner's jti is not recorded yet: the family covers it.
        assert_eq!(
            loser.effects(),
            &[Effect::RevokeFamily {
                family: family.clone()
            }]
        );
        if winner_applies_first {
            store.apply(winner.effects());
            store.apply(loser.effects());
        } else {
            store.apply(loser.effects());
            store.apply(winner.effects());
        }
        assert!(store.is_family_revoked(&family));
        let rt = issued.refresh_token.unwrap();
        assert_eq!(refresh_state(&store, &rt), RefreshTokenState::Revoked);
        assert_refresh_refused(&mut store, &config, &rt, NOW + 2);
    }
}

#[test]
fn redirect_uri_missing_at_the_token_endpoint_is_invalid_grant() {
    let mut store = store();
    store.add_code(code_record("code-1", WEB));
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
    ]);
    let outcome = post(&mut store, &config(), &body, ctx(NOW + 1, 1));
    assert_error(&outcome, 400, "invalid_grant", REDIRECT_MISMATCH);
    assert_eq!(outcome.effects(), &[burnt("code-1")]);
    assert_eq!(store.refresh_token_records().count(), 0);
}

#[test]
fn redirect_uri_is_compared_as_an_exact_string() {
    let different = [
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
    ];
    for sent in different {
        let mut store = store();
        store.add_code(code_record("code-1", WEB));
        let body = form(&[
            ("grant_type", "authorization_code"),
            ("code", "code-1"),
            ("redirect_uri", sent),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
        ]);
        let outcome = post(&mut store, &config(), &body, ctx(NOW + 1, 1));
        assert_error(&outcome, 400, "invalid_grant", REDIRECT_MISMATCH);
        assert_eq!(outcome.effects(), &[burnt("code-1")], "{sent}");
    }
}

#[test]
fn redirect_uri_may_be_sent_unencoded_or_encoded() {
    // Form decoding happens before the comparison: both spellings are the
    // same string once decoded.
    for redirect in [
        "https://app.example.com/cb",
        "https%3A%2F%2Fapp.example.com%2Fcb",
    ] {
        let mut store = store();
        store.add_code(code_record("code-1", WEB));
        let body = format!(
            "grant_type=authorization_code&code=code-1&redirect_uri={redirect}\
             &client_id={WEB}&client_secret={WEB_SECRET}"
        );
        let outcome = post(&mut store, &config(), &body, ctx(NOW + 1, 1));
        assert_success(&outcome, &config(), NOW + 1);
    }
}

#[test]
fn redirect_uri_not_given_at_authorize() {
    // Omitted here too: fine.
    let mut store = store();
    let mut code = code_record("code-1", WEB);
    code.redirect_uri = None;
    store.add_code(code.clone());
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
    ]);
    let outcome = post(&mut store, &config(), &body, ctx(NOW + 1, 1));
    assert_success(&outcome, &config(), NOW + 1);

    // Sent here: it must be the client's only registered URI (the one the
    // authorization request used implicitly).
    let mut store = grant_support::store();
    store.add_code(code.clone());
    let outcome = post(
        &mut store,
        &config(),
        &web_redeem_body("code-1"),
        ctx(NOW + 1, 1),
    );
    assert_success(&outcome, &config(), NOW + 1);

    let mut store = grant_support::store();
    store.add_code(code);
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("redirect_uri", "https://app.example.com/cb/"),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
    ]);
    let outcome = post(&mut store, &config(), &body, ctx(NOW + 1, 1));
    assert_error(&outcome, 400, "invalid_grant", REDIRECT_MISMATCH);
}

fn pkce_body(client: &[(&'static str, &'static str)], verifier: Option<&str>) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("grant_type", "authorization_code"),
        ("code", "code-1"),
        ("redirect_uri", REDIRECT),
    ];
    if let Some(verifier) = verifier {
        pairs.push(("code_verifier", verifier));
    }
    pairs.extend_from_slice(client);
    form(&pairs)
}

const AS_WEB: &[(&str, &str)] = &[("client_id", WEB), ("client_secret", WEB_SECRET)];
const AS_SPA: &[(&str, &str)] = &[("client_id", SPA)];

#[test]
fn pkce_challenge_without_verifier_is_invalid_grant() {
    for (client, owner) in [(AS_WEB, WEB), (AS_SPA, SPA)] {
        let mut store = store();
        store.add_code(with_s256(code_record("code-1", owner), RFC7636_CHALLENGE));
        let outcome = post(
            &mut store,
            &config(),
            &pkce_body(client, None),
            ctx(NOW + 1, 1),
        );
        assert_error(&outcome, 400, "invalid_grant", VERIFIER_MISSING);
        assert_eq!(outcome.effects(), &[burnt("code-1")]);
    }
}

#[test]
fn pkce_verifier_without_challenge_is_a_downgrade_and_invalid_grant() {
    let mut store = store();
    store.add_code(code_record("code-1", WEB));
    let outcome = post(
        &mut store,
        &config(),
        &pkce_body(AS_WEB, Some(RFC7636_VERIFIER)),
        ctx(NOW + 1, 1),
    );
    assert_error(&outcome, 400, "invalid_grant", VERIFIER_UNEXPECTED);
    assert_eq!(outcome.effects(), &[burnt("code-1")]);
}

#[test]
fn pkce_malformed_verifier_is_invalid_request_before_any_lookup() {
    let too_short = &RFC7636_VERIFIER[..42];
    let too_long = "a".repeat(129);
    let bad_char = format!("{}+", &RFC7636_VERIFIER[..42]);
    for verifier in [too_short, too_long.as_str(), bad_char.as_str()] {
        let mut store = store();
        store.add_code(with_s256(code_record("code-1", WEB), RFC7636_CHALLENGE));
        let before = store.clone();
        let outcome = post(
            &mut store,
            &config(),
            &pkce_body(AS_WEB, Some(verifier)),
            ctx(NOW + 1, 1),
        );
        assert_error(
            &outcome,
            400,
            "invalid_request",
            "the code_verifier parameter is malformed",
        );
        assert_untouched(&outcome, &before, &store);
    }
    // The boundaries are accepted by the parser (and then fail to match).
    for verifier in [RFC7636_VERIFIER.to_owned(), "a".repeat(128)] {
        let mut store = store();
        store.add_code(with_s256(code_record("code-1", WEB), &"b".repeat(43)));
        let outcome = post(
            &mut store,
            &config(),
            &pkce_body(AS_WEB, Some(&verifier)),
            ctx(NOW + 1, 1),
        );
        assert_error(&outcome, 400, "invalid_grant", VERIFIER_MISMATCH);
    }
}

#[test]
fn pkce_s256_mismatch_is_invalid_grant() {
    let wrong_verifiers = [
        // One character off.
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj".to_owned(),
        // The challenge itself (a plain-method answer).
        RFC7636_CHALLENGE.to_owned(),
        "x".repeat(64),
    ];
    for verifier in &wrong_verifiers {
        let mut store = store();
        store.add_code(with_s256(code_record("code-1", WEB), RFC7636_CHALLENGE));
        let outcome = post(
            &mut store,
            &config(),
            &pkce_body(AS_WEB, Some(verifier)),
            ctx(NOW + 1, 1),
        );
        assert_error(&outcome, 400, "invalid_grant", VERIFIER_MISMATCH);
        assert_eq!(outcome.effects(), &[burnt("code-1")]);
    }
}

#[test]
fn pkce_success_with_the_rfc_7636_appendix_b_values() {
    assert_eq!(
        CodeChallenge::s256(&grant_engine::CodeVerifier::new(RFC7636_VERIFIER).unwrap()).as_str(),
        RFC7636_CHALLENGE
    );
    for (client, owner) in [(AS_WEB, WEB), (AS_SPA, SPA)] {
        let config = config();
        let mut store = store();
        store.add_code(with_s256(code_record("code-1", owner), RFC7636_CHALLENGE));
        let outcome = post(
            &mut store,
            &config,
            &pkce_body(client, Some(RFC7636_VERIFIER)),
            ctx(NOW + 1, 1),
        );
        let issued = assert_success(&outcome, &config, NOW + 1);
        let rt = issued.refresh_token.clone().unwrap();
        assert_eq!(
            outcome.effects(),
            &[
                redeem_effects("code-1", &issued.claims.jti),
                Effect::StoreRefreshToken(refresh_record(
                    &rt,
                    owner,
                    SCOPE,
                    &family_of(&issued),
                    NOW + 1
                )),
            ]
        );
    }
}

#[test]
fn pkce_plain_challenge_is_refused_by_default() {
    let mut store = store();
    let mut code = code_record("code-1", WEB);
    code.pkce = Some(PkceChallenge {
        challenge: CodeChallenge::new(RFC7636_VERIFIER).unwrap(),
        method: CodeChallengeMethod::Plain,
    });
    store.add_code(code.clone());
    let outcome = post(
        &mut store,
        &config(),
        &pkce_body(AS_WEB, Some(RFC7636_VERIFIER)),
        ctx(NOW + 1, 1),
    );
    assert_error(&outcome, 400, "invalid_grant", VERIFIER_MISMATCH);

    // Accepted once plain is enabled in the configuration.
    let plain = config().with_pkce(PkcePolicy {
        required_for: PkceRequirement::PublicClients,
        allow_plain: true,
    });
    let mut store = grant_support::store();
    store.add_code(code);
    let outcome = post(
        &mut store,
        &plain,
        &pkce_body(AS_WEB, Some(RFC7636_VERIFIER)),
        ctx(NOW + 1, 1),
    );
    assert_success(&outcome, &plain, NOW + 1);
}

#[test]
fn public_client_must_use_pkce() {
    let mut store = store();
    store.add_code(code_record("code-1", SPA)); // no challenge
    let outcome = post(
        &mut store,
        &config(),
        &pkce_body(AS_SPA, None),
        ctx(NOW + 1, 1),
    );
    assert_error(&outcome, 400, "invalid_grant", PKCE_REQUIRED);
    assert_eq!(outcome.effects(), &[burnt("code-1")]);

    // A confidential client may go without by default...
    let mut store = grant_support::store();
    store.add_code(code_record("code-1", WEB));
    let outcome = post(
        &mut store,
        &config(),
        &pkce_body(AS_WEB, None),
        ctx(NOW + 1, 1),
    );
    assert_success(&outcome, &config(), NOW + 1);

    // ...but not when the policy requires PKCE of every client.
    let strict = config().with_pkce(PkcePolicy {
        required_for: PkceRequirement::AllClients,
        allow_plain: false,
    });
    let mut store = grant_support::store();
    store.add_code(code_record("code-1", WEB));
    let outcome = post(
        &mut store,
        &strict,
        &pkce_body(AS_WEB, None),
        ctx(NOW + 1, 1),
    );
    assert_error(&outcome, 400, "invalid_grant", PKCE_REQUIRED);
}

#[test]
fn code_question_asks_for_the_digest_and_ignores_a_record_of_another_digest() {
    let config = config();
    let body = web_redeem_body("code-1");
    let step = token_endpoint(
        &RequestParts::form_post(body.as_bytes()),
        &config,
        ctx(NOW + 1, 1),
    );
    let Step::NeedClient(question) = step else {
        panic!("expected NeedClient");
    };
    let web = clients().into_iter().next().unwrap();
    let Step::NeedCode(question) = question.provide(Some(web)) else {
        panic!("expected NeedCode");
    };
    assert_eq!(question.code_hash(), &TokenHash::of("code-1"));
    assert_eq!(question.client_id().as_str(), WEB);
    // A host bug: the record of another code.
    let Step::Done(outcome) = question.provide(Some(code_record("code-2", WEB))) else {
        panic!("expected Done");
    };
    assert_error(&outcome, 400, "invalid_grant", CODE_INVALID);
    assert_eq!(outcome.effects(), &[]);
}

// ===========================================================================
// client_credentials grant
// ===========================================================================

#[test]
fn client_credentials_scope_omitted_is_the_clients_allowed_scope() {
    let config = config();
    let mut store = store();
    let before = store.clone();
    let outcome = post(
        &mut store,
        &config,
        &cc_body(M2M, M2M_SECRET, None),
        ctx(NOW, 1),
    );
    let issued = assert_success(&outcome, &config, NOW);
    assert_eq!(issued.scope, SCOPE);
    assert_eq!(issued.refresh_token, None);
    assert_eq!(outcome.effects(), &[]);
    assert_eq!(before, store);
    // sub is the client itself; no family.
    assert_eq!(issued.claims.sub.as_str(), M2M);
    assert_eq!(issued.claims.client_id.as_str(), M2M);
    assert_eq!(issued.claims.fam, None);
}

#[test]
fn client_credentials_narrower_scope_is_granted_as_asked() {
    let config = config();
    let mut store = store();
    for (asked, granted) in [
        ("read", "read"),
        ("write", "write"),
        ("write read", "read write"),
        ("read read", "read"),
    ] {
        let outcome = post(
            &mut store,
            &config,
            &cc_body(M2M, M2M_SECRET, Some(asked)),
            ctx(NOW, 1),
        );
        let issued = assert_success(&outcome, &config, NOW);
        assert_eq!(issued.scope, granted);
        assert_eq!(issued.claims.scope.to_string(), granted);
        assert_eq!(outcome.effects(), &[]);
    }
}

#[test]
fn client_credentials_wider_scope_is_invalid_scope() {
    let mut store = store();
    for asked in ["admin", "read admin", "read write admin", "Read"] {
        let outcome = post(
            &mut store,
            &config(),
            &cc_body(M2M, M2M_SECRET, Some(asked)),
            ctx(NOW, 1),
        );
        assert_error(&outcome, 400, "invalid_scope", SCOPE_NOT_ALLOWED);
        assert_eq!(outcome.effects(), &[]);
    }
}

#[test]
fn client_credentials_public_client_is_unauthorized_client() {
    let mut store = store();
    let body = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", PUBLIC_M2M),
    ]);
    let outcome = post(&mut store, &config(), &body, ctx(NOW, 1));
    assert_error(&outcome, 400, "unauthorized_client", UNAUTHORIZED_CLIENT);
    assert_eq!(outcome.effects(), &[]);

    // With no credentials at all: 401.
    let outcome = post(
        &mut store,
        &config(),
        "grant_type=client_credentials",
        ctx(NOW, 1),
    );
    assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
}

#[test]
fn client_credentials_through_basic_authentication() {
    let config = config();
    let mut store = store();
    let outcome = post_with_auth(
        &mut store,
        &config,
        &basic(M2M, M2M_SECRET),
        "grant_type=client_credentials&scope=read",
        ctx(NOW, 1),
    );
    let issued = assert_success(&outcome, &config, NOW);
    assert_eq!(issued.scope, "read");
    assert_eq!(issued.refresh_token, None);
}

// ===========================================================================
// refresh_token grant
// ===========================================================================

#[test]
fn refresh_success_rotates_and_reports_every_effect() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let rt1 = first.refresh_token.clone().unwrap();
    let family = family_of(&first);

    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, None),
        ctx(NOW + 100, 2),
    );
    let second = assert_success(&outcome, &config, NOW + 100);
    let rt2 = second.refresh_token.clone().expect("a new refresh token");
    assert_ne!(rt2, rt1);
    assert_eq!(second.scope, SCOPE);
    assert_eq!(second.claims.sub.as_str(), SUBJECT);
    assert_eq!(second.claims.client_id.as_str(), WEB);
    assert_eq!(second.claims.fam.as_ref(), Some(&family));
    assert_ne!(second.claims.jti, first.claims.jti);

    let record = refresh_record(&rt2, WEB, SCOPE, &family, NOW + 100);
    assert_eq!(
        outcome.effects(),
        &[
            Effect::RotateRefreshToken {
                token_hash: TokenHash::of(&rt1),
                at: NOW + 100,
                successor: TokenHash::of(&rt2),
                nonce: rotation_nonce(&outcome),
            },
            Effect::StoreRefreshToken(record.clone()),
        ]
    );
    assert_eq!(
        refresh_state(&store, &rt1),
        RefreshTokenState::Rotated {
            at: NOW + 100,
            successor: TokenHash::of(&rt2),
            nonce: rotation_nonce(&outcome),
        }
    );
    assert_eq!(
        store.refresh_token_record(&TokenHash::of(&rt2)),
        Some(&record)
    );
}

#[test]
fn refresh_scope_omitted_is_the_original_scope() {
    let config = config();
    let mut store = store();
    let mut code = code_record("code-1", WEB);
    code.scope = scope("read");
    store.add_code(code);
    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("code-1"),
        ctx(NOW + 1, 1),
    );
    let first = assert_success(&outcome, &config, NOW + 1);
    assert_eq!(first.scope, "read");
    // Not the client's wider "read write".
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(first.refresh_token.as_deref().unwrap(), None),
        ctx(NOW + 2, 2),
    );
    assert_eq!(assert_success(&outcome, &config, NOW + 2).scope, "read");
}

#[test]
fn refresh_unknown_token_is_invalid_grant() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let rt = first.refresh_token.clone().unwrap();
    let before = store.clone();
    for token in [
        "unknown".to_owned(),
        format!("{rt}x"),
        rt[..rt.len() - 1].to_owned(),
    ] {
        let outcome = post(
            &mut store,
            &config,
            &web_refresh_body(&token, None),
            ctx(NOW + 2, 2),
        );
        assert_error(&outcome, 400, "invalid_grant", REFRESH_INVALID);
        assert_untouched(&outcome, &before, &store);
    }
}

#[test]
fn refresh_expired_token_is_invalid_grant() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let rt = first.refresh_token.clone().unwrap();
    let expires_at = NOW + 1 + REFRESH_TTL;
    let before = store.clone();
    for now in [expires_at, expires_at + 1, expires_at + 86_400] {
        let outcome = post(
            &mut store,
            &config,
            &web_refresh_body(&rt, None),
            ctx(now, 2),
        );
        assert_error(&outcome, 400, "invalid_grant", REFRESH_INVALID);
        assert_untouched(&outcome, &before, &store);
    }
    // One second before, it works.
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt, None),
        ctx(expires_at - 1, 2),
    );
    assert_success(&outcome, &config, expires_at - 1);

    // A record the host planted with its own expiry is held to it.
    let mut store = grant_support::store();
    let mut record = refresh_record("planted", WEB, SCOPE, &family_of(&first), NOW);
    record.expires_at = NOW + 10;
    store.add_refresh_token(record);
    assert_refresh_refused(&mut store, &config, "planted", NOW + 10);
}

#[test]
fn refresh_revoked_token_is_invalid_grant() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let mut record = refresh_record("revoked-rt", WEB, SCOPE, &family_of(&first), NOW);
    record.state = RefreshTokenState::Revoked;
    store.add_refresh_token(record);
    let before = store.clone();
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body("revoked-rt", None),
        ctx(NOW + 2, 2),
    );
    assert_error(&outcome, 400, "invalid_grant", REFRESH_INVALID);
    assert_untouched(&outcome, &before, &store);
    // Revoking one record does not revoke its family's other tokens.
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(first.refresh_token.as_deref().unwrap(), None),
        ctx(NOW + 3, 3),
    );
    assert_success(&outcome, &config, NOW + 3);
}

#[test]
fn refresh_token_of_another_client_is_invalid_grant_and_stays_usable() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let rt = first.refresh_token.clone().unwrap();
    let before = store.clone();
    let body = form(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", &rt),
        ("client_id", OTHER),
        ("client_secret", OTHER_SECRET),
    ]);
    let outcome = post(&mut store, &config, &body, ctx(NOW + 2, 2));
    assert_error(&outcome, 400, "invalid_grant", REFRESH_INVALID);
    assert_untouched(&outcome, &before, &store);

    // The owner still can.
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt, None),
        ctx(NOW + 3, 3),
    );
    assert_success(&outcome, &config, NOW + 3);
}

#[test]
fn refresh_wider_scope_is_invalid_scope_and_the_token_stays_usable() {
    let config = config();
    let mut store = store();
    let mut code = code_record("code-1", WEB);
    code.scope = scope("read");
    store.add_code(code);
    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("code-1"),
        ctx(NOW + 1, 1),
    );
    let rt = assert_success(&outcome, &config, NOW + 1)
        .refresh_token
        .unwrap();
    let before = store.clone();
    // "write" is within the client's scope but not the original grant's.
    for asked in ["write", "read write", "admin", "read admin"] {
        let outcome = post(
            &mut store,
            &config,
            &web_refresh_body(&rt, Some(asked)),
            ctx(NOW + 2, 2),
        );
        assert_error(&outcome, 400, "invalid_scope", SCOPE_NOT_ALLOWED);
        assert_untouched(&outcome, &before, &store);
    }
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt, Some("read")),
        ctx(NOW + 3, 3),
    );
    assert_success(&outcome, &config, NOW + 3);
}

#[test]
fn refresh_narrower_scope_is_allowed_and_the_new_token_keeps_the_original_scope() {
    let config = config();
    let mut store = store();
    let first = web_login(&mut store, &config, "code-1", 1);
    let rt1 = first.refresh_token.clone().unwrap();
    let family = family_of(&first);

    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, Some("read")),
        ctx(NOW + 10, 2),
    );
    let narrowed = assert_success(&outcome, &config, NOW + 10);
    assert_eq!(narrowed.scope, "read");
    assert_eq!(narrowed.claims.scope.to_string(), "read");
    let rt2 = narrowed.refresh_token.clone().unwrap();
    // The new refresh token keeps the original grant's scope (RFC 6749 6).
    assert_eq!(
        outcome.effects(),
        &[
            Effect::RotateRefreshToken {
                token_hash: TokenHash::of(&rt1),
                at: NOW + 10,
                successor: TokenHash::of(&rt2),
                nonce: rotation_nonce(&outcome),
            },
            Effect::StoreRefreshToken(refresh_record(&rt2, WEB, SCOPE, &family, NOW + 10)),
        ]
    );

    // So the next refresh may ask for the original scope again...
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt2, None),
        ctx(NOW + 20, 3),
    );
    let restored = assert_success(&outcome, &config, NOW + 20);
    assert_eq!(restored.scope, SCOPE);
    // ...or explicitly.
    let rt3 = restored.refresh_token.unwrap();
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt3, Some("write read")),
        ctx(NOW + 30, 4),
    );
    assert_eq!(assert_success(&outcome, &config, NOW + 30).scope, SCOPE);
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
        ctx(NOW + 10, 2),
    );
    assert_success(&outcome, &config, NOW + 10);

    // Even a second later (no grace period by default).
    for now in [NOW + 10, NOW + 11] {
        let mut replay_store = store.clone();
        let outcome = post(
            &mut replay_store,
            &config,
            &web_refresh_body(&rt1, None),
            ctx(now, 3),
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
    let rt1 = first.refresh_token.unwrap();
    let mut chain = vec![rt1.clone()];
    for (i, now) in [NOW + 10, NOW + 20, NOW + 30].into_iter().enumerate() {
        let outcome = post(
            &mut store,
            &config,
            &web_refresh_body(chain.last().unwrap(), None),
            ctx(now, 10 + i as u8),
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
        ctx(NOW + 40, 20),
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
    }
    // The newest no longer works, and presenting it changes nothing more.
    let newest = chain.last().unwrap();
    assert_refresh_refused(&mut store, &config, newest, NOW + 41);
    // Neither does the first one (revoked now, no further effect).
    assert_refresh_refused(&mut store, &config, &rt1, NOW + 42);

    // The other family is untouched.
    assert!(!store.is_family_revoked(&family_of(&unrelated)));
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(unrelated.refresh_token.as_deref().unwrap(), None),
        ctx(NOW + 43, 21),
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
        ctx(NOW + 10, 2),
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
    let outcome = post(&mut store, &config, &body, ctx(NOW + 11, 3));
    assert_error(&outcome, 400, "invalid_grant", REFRESH_INVALID);
    assert_eq!(outcome.effects(), &[]);
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt2, None),
        ctx(NOW + 12, 4),
    );
    assert_success(&outcome, &config, NOW + 12);
}

const GRACE: u64 = 30;

/// Logs in, rotates once at `NOW + 10`, and returns (rt1, rt2).
fn rotated_once(store: &mut MemoryStore, config: &Config) -> (String, String, FamilyId) {
    let first = web_login(store, config, "code-1", 1);
    let rt1 = first.refresh_token.clone().unwrap();
    let outcome = post(
        store,
        config,
        &web_refresh_body(&rt1, None),
        ctx(NOW + 10, 2),
    );
    let rt2 = assert_success(&outcome, config, NOW + 10)
        .refresh_token
        .unwrap();
    (rt1, rt2, family_of(&first))
}

#[test]
fn refresh_grace_period_replay_within_the_window_returns_the_same_successor() {
    let config = config().with_refresh_grace_period(GRACE);
    for replay_at in [NOW + 10, NOW + 11, NOW + 10 + GRACE] {
        let mut store = store();
        let (rt1, rt2, family) = rotated_once(&mut store, &config);
        let before = store.clone();
        let outcome = post(
            &mut store,
            &config,
            &web_refresh_body(&rt1, None),
            ctx(replay_at, 3),
        );
        let replayed = assert_success(&outcome, &config, replay_at);
        assert_eq!(replayed.refresh_token.as_deref(), Some(rt2.as_str()));
        assert_eq!(replayed.claims.fam.as_ref(), Some(&family));
        // No new state: the successor is re-derived, not stored again.
        assert_eq!(outcome.effects(), &[]);
        assert_eq!(before, store);

        // The successor still works afterwards, and only once.
        let outcome = post(
            &mut store,
            &config,
            &web_refresh_body(&rt2, None),
            ctx(replay_at + 1, 4),
        );
        assert_success(&outcome, &config, replay_at + 1);
    }
}

#[test]
fn refresh_grace_period_replay_of_an_ancestor_is_reuse_once_the_successor_was_used() {
    // rt1 -> rt2 at NOW + 10, rt2 -> rt3 at NOW + 15 (the legitimate client
    // moved on). rt1 replayed at NOW + 20, inside rt1's window: rt1 is no
    // longer the just-rotated token, its successor was already used, so the
    // replay is reuse and must revoke the family; at the least it must not
    // lead to rt3.
    let config = config().with_refresh_grace_period(GRACE);
    let mut store = store();
    let (rt1, rt2, family) = rotated_once(&mut store, &config);
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt2, None),
        ctx(NOW + 15, 3),
    );
    let rt3 = assert_success(&outcome, &config, NOW + 15)
        .refresh_token
        .unwrap();

    let mut attacker = store.clone();
    let outcome = post(
        &mut attacker,
        &config,
        &web_refresh_body(&rt1, None),
        ctx(NOW + 20, 4),
    );
    // Today: 200 with rt2, and rt2 (within its own window) then yields rt3.
    let walked_to_live_token = outcome.response().status == 200 && {
        let outcome = post(
            &mut attacker,
            &config,
            &web_refresh_body(&rt2, None),
            ctx(NOW + 21, 5),
        );
        outcome
            .result()
            .as_ref()
            .ok()
            .and_then(|t| t.refresh_token.as_ref())
            .map(|t| t.expose_secret() == rt3)
            .unwrap_or(false)
    };
    assert!(
        !walked_to_live_token,
        "a replayed ancestor reached the live refresh token"
    );
    assert_error(&outcome, 400, "invalid_grant", REFRESH_REUSED);
    assert_eq!(outcome.effects(), &[Effect::RevokeFamily { family }]);
}

#[test]
fn refresh_grace_period_replay_within_the_window_may_narrow_the_scope() {
    let config = config().with_refresh_grace_period(GRACE);
    let mut store = store();
    let (rt1, rt2, _) = rotated_once(&mut store, &config);
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, Some("read")),
        ctx(NOW + 12, 3),
    );
    let replayed = assert_success(&outcome, &config, NOW + 12);
    assert_eq!(replayed.scope, "read");
    assert_eq!(replayed.refresh_token.as_deref(), Some(rt2.as_str()));
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, Some("admin")),
        ctx(NOW + 12, 3),
    );
    assert_error(&outcome, 400, "invalid_scope", SCOPE_NOT_ALLOWED);
}

#[test]
fn refresh_grace_period_replay_outside_the_window_is_reuse() {
    let config = config().with_refresh_grace_period(GRACE);
    let mut store = store();
    let (rt1, rt2, family) = rotated_once(&mut store, &config);
    let outcome = post(
        &mut store,
        &config,
        &web_refresh_body(&rt1, None),
        ctx(NOW + 10 + GRACE + 1, 3),
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
fn refresh_grace_period_does_not_resurrect_a_revoked_family() {
    let config = config().with_refresh_grace_period(GRACE);
    let mut store = store();
    let (rt1, _rt2, _) = rotated_once(&mut store, &config);
    // The code is replayed: the family is revoked.
    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("code-1"),
        ctx(NOW + 11, 3),
    );
    assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
    // Within the grace window, the rotated-out token gives nothing.
    assert_refresh_refused(&mut store, &config, &rt1, NOW + 12);
}

#[test]
fn refresh_grace_period_survives_a_signing_key_rotation() {
    let config = config().with_refresh_grace_period(GRACE);
    let mut store = store();
    let (rt1, rt2, _) = rotated_once(&mut store, &config);
    // The new key signs; the old one stays as a verify-only key.
    let rotated = config.clone().with_keys(
        KeyRing::new(key(NEXT_KID, NEXT_SECRET))
            .with_verify_key(key(KID, SIGNING_SECRET))
            .unwrap(),
    );
    let outcome = post(
        &mut store,
        &rotated,
        &web_refresh_body(&rt1, None),
        ctx(NOW + 12, 3),
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

#[test]
fn refresh_question_ignores_a_record_of_another_digest() {
    let config = config();
    let body = web_refresh_body("rt-asked", None);
    let step = token_endpoint(
        &RequestParts::form_post(body.as_bytes()),
        &config,
        ctx(NOW, 1),
    );
    let Step::NeedClient(question) = step else {
        panic!("expected NeedClient");
    };
    let web = clients().into_iter().next().unwrap();
    let Step::NeedRefreshToken(question) = question.provide(Some(web)) else {
        panic!("expected NeedRefreshToken");
    };
    assert_eq!(question.token_hash(), &TokenHash::of("rt-asked"));
    assert_eq!(question.client_id().as_str(), WEB);
    let family = FamilyId::new("fam").unwrap();
    let wrong = refresh_record("rt-other", WEB, SCOPE, &family, NOW - 1);
    let Step::Done(outcome) = question.provide(Some(wrong)) else {
        panic!("expected Done");
    };
    assert_error(&outcome, 400, "invalid_grant", REFRESH_INVALID);
    assert_eq!(outcome.effects(), &[]);
}

// ===========================================================================
// The seed's three requests, end to end
// ===========================================================================

const SEED_CLIENT: &str = "your_client_id";
const SEED_SECRET: &str = "your_client_secret";
const SEED_REDIRECT: &str = "https://your-app.com/callback";
const SEED_REFRESH: &str = "def50200641f3e...";
const SEED_CODE_BODY: &str = "grant_type=authorization_code&code=abc123&client_id=your_client_id\
     &client_secret=your_client_secret&redirect_uri=https%3A%2F%2Fyour-app.com%2Fcallback";
const SEED_CC_BODY: &str = "grant_type=client_credentials&client_id=your_client_id\
     &client_secret=your_client_secret&scope=read%20write";

fn seed_refresh_body(token: &str) -> String {
    format!(
        "grant_type=refresh_token&refresh_token={}&client_id=your_client_id\
         &client_secret=your_client_secret",
        enc(token)
    )
}

fn seed_store() -> MemoryStore {
    let mut store = MemoryStore::new();
    store.add_client(
        ClientRecord::confidential(id(SEED_CLIENT), SEED_SECRET)
            .with_grant_types(&GrantType::ALL)
            .with_scope(scope("read write"))
            .with_redirect_uri(uri(SEED_REDIRECT)),
    );
    store.add_code(grant_engine::CodeRecord {
        code_hash: TokenHash::of("abc123"),
        client_id: id(SEED_CLIENT),
        redirect_uri: Some(uri(SEED_REDIRECT)),
        scope: scope("read write"),
        subject: subject("user-42"),
        pkce: None,
        issued_at: NOW,
        expires_at: NOW + CODE_TTL,
        state: CodeState::Unused,
    });
    store.add_refresh_token(RefreshTokenRecord {
        token_hash: TokenHash::of(SEED_REFRESH),
        client_id: id(SEED_CLIENT),
        subject: subject("user-42"),
        scope: scope("read write"),
        family: FamilyId::new("seed-family").unwrap(),
        issued_at: NOW,
        expires_at: NOW + REFRESH_TTL,
        state: RefreshTokenState::Active,
    });
    store
}

/// The seed's documented response, field by field.
fn assert_seed_response(issued: &Issued, with_refresh: bool) {
    assert!(!issued.access_token.is_empty());
    assert_eq!(issued.expires_in, 86_400);
    assert_eq!(issued.refresh_token.is_some(), with_refresh);
    assert_eq!(issued.scope, "read write");
}

#[test]
fn seed_authorization_code_request_end_to_end() {
    let config = config();
    let mut store = seed_store();
    let outcome = post(&mut store, &config, SEED_CODE_BODY, ctx(NOW + 30, 1));
    // assert_success checks the key order: access_token, token_type,
    // expires_in, refresh_token, scope.
    let issued = assert_success(&outcome, &config, NOW + 30);
    assert_seed_response(&issued, true);
    assert_eq!(issued.claims.sub.as_str(), "user-42");
    assert_eq!(issued.claims.client_id.as_str(), SEED_CLIENT);
    let rt = issued.refresh_token.clone().unwrap();
    assert_eq!(
        outcome.effects(),
        &[
            redeem_effects("abc123", &issued.claims.jti),
            Effect::StoreRefreshToken(RefreshTokenRecord {
                token_hash: TokenHash::of(&rt),
                client_id: id(SEED_CLIENT),
                subject: subject("user-42"),
                scope: scope("read write"),
                family: family_of(&issued),
                issued_at: NOW + 30,
                expires_at: NOW + 30 + REFRESH_TTL,
                state: RefreshTokenState::Active,
            }),
        ]
    );

    // The seed's refresh request with the token just obtained.
    let outcome = post(
        &mut store,
        &config,
        &seed_refresh_body(&rt),
        ctx(NOW + 60, 2),
    );
    let refreshed = assert_success(&outcome, &config, NOW + 60);
    assert_seed_response(&refreshed, true);
    assert_ne!(refreshed.refresh_token.as_deref(), Some(rt.as_str()));

    // The seed's code again: reuse.
    let outcome = post(&mut store, &config, SEED_CODE_BODY, ctx(NOW + 90, 3));
    assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
}

#[test]
fn seed_client_credentials_request_end_to_end() {
    let config = config();
    let mut store = seed_store();
    let outcome = post(&mut store, &config, SEED_CC_BODY, ctx(NOW, 1));
    let issued = assert_success(&outcome, &config, NOW);
    assert_seed_response(&issued, false);
    assert_eq!(issued.claims.sub.as_str(), SEED_CLIENT);
    let body = outcome.response().body_str();
    let prefix = format!(
        r#"{{"access_token":"{}","token_type":"Bearer","expires_in":86400,"scope":"read write"}}"#,
        issued.access_token
    );
    assert_eq!(body, prefix);
    assert_eq!(outcome.effects(), &[]);
}

#[test]
fn seed_refresh_token_request_with_the_seed_literal_token() {
    let config = config();
    let mut store = seed_store();
    let outcome = post(
        &mut store,
        &config,
        &seed_refresh_body(SEED_REFRESH),
        ctx(NOW + 5, 1),
    );
    let issued = assert_success(&outcome, &config, NOW + 5);
    assert_seed_response(&issued, true);
    assert_eq!(issued.claims.fam.as_ref().unwrap().as_str(), "seed-family");
    let rt = issued.refresh_token.clone().unwrap();
    assert_eq!(
        outcome.effects(),
        &[
            Effect::RotateRefreshToken {
                token_hash: TokenHash::of(SEED_REFRESH),
                at: NOW + 5,
                successor: TokenHash::of(&rt),
                nonce: rotation_nonce(&outcome),
            },
            Effect::StoreRefreshToken(RefreshTokenRecord {
                token_hash: TokenHash::of(&rt),
                client_id: id(SEED_CLIENT),
                subject: subject("user-42"),
                scope: scope("read write"),
                family: FamilyId::new("seed-family").unwrap(),
                issued_at: NOW + 5,
                expires_at: NOW + 5 + REFRESH_TTL,
                state: RefreshTokenState::Active,
            }),
        ]
    );
    // The seed's literal body, byte for byte, is the same request.
    let literal = "grant_type=refresh_token&refresh_token=def50200641f3e...\
                   &client_id=your_client_id&client_secret=your_client_secret";
    assert_eq!(seed_refresh_body(SEED_REFRESH), literal);
    // Presented again: reuse.
    let outcome = post(&mut store, &config, literal, ctx(NOW + 6, 2));
    assert_error(&outcome, 400, "invalid_grant", REFRESH_REUSED);
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
        ctx(NOW + 2, 2),
    );
    let refresh = assert_success(&outcome, config, NOW + 2);
    let outcome = post(
        &mut store,
        config,
        &cc_body(M2M, M2M_SECRET, Some("read")),
        ctx(NOW + 3, 3),
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
        assert_eq!(claims["iss"], ISSUER);
        assert_eq!(claims["aud"], AUDIENCE);
        assert_eq!(claims["iat"], *now);
        assert_eq!(claims["exp"], *now + ACCESS_TTL);
        assert!(!claims["jti"].as_str().unwrap().is_empty());
        let with_fam = i < 2; // code and refresh grants
        let (sub, client, scope) = if with_fam {
            (SUBJECT, WEB, SCOPE)
        } else {
            (M2M, M2M, "read")
        };
        assert_eq!(claims["sub"], sub);
        assert_eq!(claims["client_id"], client);
        assert_eq!(claims["scope"], scope);
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
        } else {
            assert!(claims.get("fam").is_none());
        }
        assert_eq!(claim_names(&token.access_token), names);
        assert_eq!(claims.as_object().unwrap().len(), names.len());
    }
    // Every jti differs.
    let jtis: std::collections::BTreeSet<_> =
        issued.iter().map(|(t, _)| t.claims.jti.clone()).collect();
    assert_eq!(jtis.len(), 3);
}

#[test]
fn access_tokens_are_refused_after_expiry() {
    let config = config();
    for (token, now) in one_of_each(&config) {
        let exp = now + ACCESS_TTL;
        assert!(verify_access_token(&token.access_token, &config, exp - 1, 0).is_ok());
        assert_eq!(
            verify_access_token(&token.access_token, &config, exp, 0),
            Err(JwtError::Expired)
        );
        assert_eq!(
            verify_access_token(&token.access_token, &config, exp + 1_000, 0),
            Err(JwtError::Expired)
        );
        // With leeway, a little later still passes.
        assert!(verify_access_token(&token.access_token, &config, exp + 5, 10).is_ok());
        // Not valid before iat beyond the leeway.
        assert_eq!(
            verify_access_token(&token.access_token, &config, now - 1, 0),
            Err(JwtError::NotYetValid)
        );
    }
}

#[test]
fn access_tokens_minted_in_the_past_are_expired_for_both_verifiers() {
    // A token minted at a real past time (2017): jsonwebtoken checks `exp`
    // against the wall clock and refuses it, as the crate does at any `now`
    // past `exp`.
    let config = config();
    let past = 1_500_000_000;
    let mut store = store();
    let outcome = post(
        &mut store,
        &config,
        &cc_body(M2M, M2M_SECRET, None),
        ctx(past, 1),
    );
    let token = outcome
        .result()
        .as_ref()
        .unwrap()
        .access_token
        .expose_secret();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    let error = jsonwebtoken::decode::<serde_json::Value>(
        token,
        &jsonwebtoken::DecodingKey::from_secret(SIGNING_SECRET),
        &validation,
    )
    .unwrap_err();
    assert_eq!(
        error.kind(),
        &jsonwebtoken::errors::ErrorKind::ExpiredSignature
    );
    assert!(verify_access_token(token, &config, past, 0).is_ok());
    assert_eq!(
        verify_access_token(token, &config, past + ACCESS_TTL, 0),
        Err(JwtError::Expired)
    );
}

#[test]
fn access_tokens_verify_with_a_verify_only_key_after_rotation() {
    let old = config();
    let issued = one_of_each(&old);
    let rotated = config().with_keys(
        KeyRing::new(key(NEXT_KID, NEXT_SECRET))
            .with_verify_key(key(KID, SIGNING_SECRET))
            .unwrap(),
    );
    let dropped = config().with_keys(KeyRing::new(key(NEXT_KID, NEXT_SECRET)));
    for (token, now) in &issued {
        // Old tokens still verify through the verify-only key...
        let claims = verify_access_token(&token.access_token, &rotated, *now, 0).unwrap();
        assert_eq!(claims, token.claims);
        // ...and no longer once the old key is dropped.
        assert_eq!(
            verify_access_token(&token.access_token, &dropped, *now, 0),
            Err(JwtError::UnknownKey)
        );
    }
    // New tokens are signed with the new key, under its kid.
    for (token, _) in one_of_each(&rotated) {
        jwt_independent(&token.access_token, NEXT_KID);
        // The old secret does not verify them.
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        assert!(
            jsonwebtoken::decode::<serde_json::Value>(
                &token.access_token,
                &jsonwebtoken::DecodingKey::from_secret(SIGNING_SECRET),
                &validation,
            )
            .is_err()
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
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&["https://other-api.example"]);
    assert!(
        jsonwebtoken::decode::<serde_json::Value>(
            &token.access_token,
            &jsonwebtoken::DecodingKey::from_secret(SIGNING_SECRET),
            &validation,
        )
        .is_err()
    );

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
    assert!(
        jsonwebtoken::decode::<serde_json::Value>(
            &tampered,
            &jsonwebtoken::DecodingKey::from_secret(SIGNING_SECRET),
            &jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256),
        )
        .is_err()
    );
}

#[test]
fn tokens_minted_by_jsonwebtoken_verify_only_with_the_right_header() {
    // The other direction of interoperability: a token the independent
    // implementation signs with our key, header and claims is accepted,
    // and one with another `typ`, `alg` or `kid` is not.
    let config = config();
    let claims = serde_json::json!({
        "iss": ISSUER,
        "sub": SUBJECT,
        "aud": AUDIENCE,
        "exp": NOW + 60,
        "iat": NOW,
        "jti": "jti-from-elsewhere",
        "client_id": WEB,
        "scope": "read",
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
    assert_eq!(good.jti.as_str(), "jti-from-elsewhere");
    assert_eq!(good.scope.to_string(), "read");
    assert_eq!(good.fam, None);
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

// ===========================================================================
// The sync driver is the step machine
// ===========================================================================

#[test]
fn drive_gives_the_same_outcome_as_the_memory_store_endpoint() {
    let config = config();
    let mut a = store();
    a.add_code(code_record("code-1", WEB));
    let mut b = a.clone();
    let body = web_redeem_body("code-1");
    let via_endpoint = post(&mut a, &config, &body, ctx(NOW + 1, 9));
    let via_drive = drive(
        token_endpoint(
            &RequestParts::form_post(body.as_bytes()),
            &config,
            ctx(NOW + 1, 9),
        ),
        &mut b,
    )
    .unwrap();
    assert_eq!(via_endpoint, via_drive);
    b.apply(via_drive.effects());
    assert_eq!(a, b);
}

#[test]
fn a_context_is_only_time_and_entropy() {
    // Two contexts built either way are equal (the public fields are the API).
    let a = Context::new(NOW, entropy(1));
    let b = Context {
        now: NOW,
        entropy: entropy(1),
    };
    assert_eq!(a, b);
    assert_eq!(format!("{:?}", a.entropy), "Entropy(<redacted>)");
}

/// The derivation nonce of the rotation in `outcome`: 128 bits from the
/// call's entropy, unpadded base64url.
fn rotation_nonce(outcome: &Outcome) -> String {
    let nonce = outcome
        .effects()
        .iter()
        .find_map(|e| match e {
            Effect::RotateRefreshToken { nonce, .. } => Some(nonce.clone()),
            _ => None,
        })
        .expect("a rotation");
    assert_eq!(nonce.len(), 22);
    assert!(
        nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    nonce
}
