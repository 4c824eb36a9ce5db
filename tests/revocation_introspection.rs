//! RFC-RULES "Revocation", "Revocation must be visible" and "Introspection"
//! (RFC 7009, RFC 7662), row by row, through the public API only.
//!
//! Tokens are obtained the way a client would: authorize, approve, redeem,
//! refresh, all against a [`MemoryStore`] that `drive` applies every
//! effect to.

use std::fmt::Debug;

use grant_engine::errors::{BearerError, ClientAuthFailure, JwtError};
use grant_engine::store::RefreshTokenState;
use grant_engine::values::{FamilyId, Param, TokenId};
use grant_engine::{
    Call, Config, Effect, Endpoint, Introspect, Introspection, MemoryStore, Outcome, Revoke, Scope,
    Store, TokenError, TokenHash,
};
use grant_engine_testkit::checks::{
    Issued, NO_STORE_JSON, active_access_body, assert_inactive, assert_json_error, headers,
    issued_body,
};
use grant_engine_testkit::jwt::{b64, craft, good_claims, good_header};
use grant_engine_testkit::requests::{
    authorize_code, bearer, decide_traced, form_post, introspect, introspect_as_rs, login,
    m2m_token, refresh, revoke, run, token_post,
};
use grant_engine_testkit::wire::{basic, form};
use grant_engine_testkit::world::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The 200 of a revocation: no body, not cacheable, and exactly `effects`.
fn assert_revocation_ok(outcome: &Outcome<Revoke>, effects: &[Effect]) {
    let response = outcome.response();
    assert_eq!(response.status, 200, "body: {}", response.body_str());
    assert!(response.body.is_empty());
    assert_eq!(
        headers(response),
        vec![("cache-control", "no-store"), ("pragma", "no-cache")]
    );
    assert_eq!(outcome.report(), &Ok(()));
    assert_eq!(outcome.effects(), effects);
}

fn assert_invalid_client(result: &Result<impl Debug, TokenError>) {
    assert!(
        matches!(result, Err(TokenError::InvalidClient { .. })),
        "{result:?}"
    );
}

/// The web client revokes `token` (client_secret_post) at [`NOW`]; `drive`
/// applies the effects.
fn web_revoke(store: &mut MemoryStore, token: &str, hint: Option<&str>) -> Outcome<Revoke> {
    revoke(store, &config(), None, &web_revoke_body(token, hint))
}

fn web_revoke_body(token: &str, hint: Option<&str>) -> String {
    let mut body = vec![
        ("token", token),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
    ];
    if let Some(hint) = hint {
        body.push(("token_type_hint", hint));
    }
    form(&body)
}

fn web_introspect(store: &mut MemoryStore, now: u64, token: &str) -> Outcome<Introspect> {
    let auth = basic(WEB, WEB_SECRET);
    introspect(
        store,
        &config(),
        now,
        Some(&auth),
        &form(&[("token", token)]),
    )
}

fn family(issued: &Issued) -> FamilyId {
    issued.claims.fam.clone().expect("a fam claim")
}

fn assert_active_access(outcome: &Outcome<Introspect>, issued: &Issued) {
    let response = outcome.response();
    assert_eq!(
        (response.status, response.body_str()),
        (200, active_access_body(&issued.claims).as_str())
    );
    assert_eq!(headers(response), NO_STORE_JSON.to_vec());
    assert!(outcome.effects().is_empty());
}

/// The web client logged in at `NOW` (tokens issued at `NOW + 1`), and
/// refreshed once at `NOW + 10`: two access tokens and two refresh tokens
/// (the first rotated out) of one family.
struct Family {
    first: Issued,
    second: Issued,
}

fn web_family(store: &mut MemoryStore) -> Family {
    let first = login(store, &config(), WEB, NOW, 1);
    let outcome = refresh(
        store,
        &config(),
        WEB,
        first.refresh_token.as_deref().unwrap(),
        NOW + 10,
        2,
    );
    let second = issued_body(outcome.response(), &config(), NOW + 10);
    assert_eq!(family(&first), family(&second));
    Family { first, second }
}

/// The `Debug` of `request` and of every step it waits at, the questions
/// answered from `store` (nothing is applied).
fn pending_debugs<E: Endpoint + Debug>(
    store: &mut MemoryStore,
    config: &Config,
    call: &Call,
    request: &E,
) -> Vec<String> {
    let mut debugs = vec![format!("{request:?}")];
    let _ = decide_traced(store, config, call, request, |step| {
        debugs.push(format!("{step:?}"))
    });
    debugs
}

const T: u64 = NOW + 20;

/// Body pairs identifying (or failing to identify) a client.
type Pairs = Vec<(&'static str, &'static str)>;

// ---------------------------------------------------------------------------
// Revocation: the client must authenticate
// ---------------------------------------------------------------------------

#[test]
fn revocation_without_client_credentials_is_401() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let outcome = revoke(
        &mut store,
        &config(),
        None,
        &form(&[("token", &issued.access_token)]),
    );
    assert_json_error(
        outcome.response(),
        401,
        "invalid_client",
        "client authentication failed",
    );
    assert_eq!(
        outcome.report(),
        &Err(TokenError::InvalidClient {
            failure: ClientAuthFailure::NoCredentials,
            authorization_header: false,
        })
    );
    assert!(outcome.effects().is_empty());
}

#[test]
fn revocation_with_failed_client_authentication_is_401() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let token = issued.refresh_token.unwrap();
    let wrong_basic = basic(WEB, "wrong");
    let cases: Vec<(Option<&str>, Pairs, ClientAuthFailure, bool)> = vec![
        (
            None,
            vec![("client_id", WEB), ("client_secret", "wrong")],
            ClientAuthFailure::WrongSecret,
            false,
        ),
        (
            Some(wrong_basic.as_str()),
            vec![],
            ClientAuthFailure::WrongSecret,
            true,
        ),
        (
            None,
            vec![("client_id", "nobody"), ("client_secret", "x")],
            ClientAuthFailure::UnknownClient,
            false,
        ),
        (
            None,
            vec![("client_id", WEB)],
            ClientAuthFailure::MissingSecret,
            false,
        ),
        (
            None,
            vec![("client_id", SPA), ("client_secret", "x")],
            ClientAuthFailure::UnexpectedSecret,
            false,
        ),
        (
            Some("Basic !!!"),
            vec![],
            ClientAuthFailure::MalformedBasic,
            true,
        ),
    ];
    for (authorization, mut body, failure, header) in cases {
        body.push(("token", &token));
        let outcome = revoke(&mut store, &config(), authorization, &form(&body));
        assert_json_error(
            outcome.response(),
            401,
            "invalid_client",
            "client authentication failed",
        );
        assert_eq!(
            outcome.report(),
            &Err(TokenError::InvalidClient {
                failure,
                authorization_header: header,
            })
        );
        assert!(outcome.effects().is_empty());
    }
    // Nothing was revoked.
    assert!(
        refresh(&mut store, &config(), WEB, &token, NOW + 5, 9)
            .response()
            .status
            == 200
    );
}

#[test]
fn revocation_with_basic_authentication_works() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let auth = basic(WEB, WEB_SECRET);
    let outcome = revoke(
        &mut store,
        &config(),
        Some(&auth),
        &form(&[("token", issued.refresh_token.as_deref().unwrap())]),
    );
    assert_revocation_ok(
        &outcome,
        &[Effect::RevokeFamily {
            family: family(&issued),
        }],
    );
}

#[test]
fn public_client_revokes_its_own_tokens_with_its_client_id() {
    let mut store = store();
    let issued = login(&mut store, &config(), SPA, NOW, 1);
    let outcome = revoke(
        &mut store,
        &config(),
        None,
        &form(&[
            ("token", issued.refresh_token.as_deref().unwrap()),
            ("client_id", SPA),
        ]),
    );
    assert_revocation_ok(
        &outcome,
        &[Effect::RevokeFamily {
            family: family(&issued),
        }],
    );
}

// ---------------------------------------------------------------------------
// Revocation: request and token rows
// ---------------------------------------------------------------------------

#[test]
fn revocation_token_missing_is_400() {
    let mut store = store();
    for body in [
        form(&[("client_id", WEB), ("client_secret", WEB_SECRET)]),
        format!("token=&client_id={WEB}&client_secret={WEB_SECRET}"),
        form(&[
            ("token_type_hint", "refresh_token"),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
        ]),
    ] {
        let outcome = revoke(&mut store, &config(), None, &body);
        assert_json_error(
            outcome.response(),
            400,
            "invalid_request",
            "the token parameter is missing",
        );
        assert_eq!(
            outcome.report(),
            &Err(TokenError::MissingParameter(Param::Token))
        );
        assert!(outcome.effects().is_empty());
    }
}

#[test]
fn revocation_of_an_unknown_token_is_200_without_effects() {
    let mut store = store();
    let foreign = craft(&good_header(), &good_claims(), &[9u8; 32]);
    for token in [
        "not-a-token-we-issued",
        "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd28",
        "a.b.c",
        foreign.as_str(),
        "tab\tinside", // not 1*VSCHAR: cannot be ours
    ] {
        assert_revocation_ok(&web_revoke(&mut store, token, None), &[]);
        assert_revocation_ok(&web_revoke(&mut store, token, Some("access_token")), &[]);
        assert_revocation_ok(&web_revoke(&mut store, token, Some("refresh_token")), &[]);
    }
}

#[test]
fn revocation_of_an_already_revoked_refresh_token_is_200_without_effects() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let token = issued.refresh_token.as_deref().unwrap();
    let first = web_revoke(&mut store, token, None);
    assert_revocation_ok(
        &first,
        &[Effect::RevokeFamily {
            family: family(&issued),
        }],
    );
    // `drive` applied the first revocation.
    assert_revocation_ok(&web_revoke(&mut store, token, None), &[]);
}

#[test]
fn revocation_of_an_already_revoked_access_token_is_200_and_idempotent() {
    // The engine recognises its JWTs without a lookup, so it cannot know the
    // jti was revoked before; the effect it repeats changes nothing.
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let effect = Effect::RevokeAccessTokens {
        token_ids: vec![issued.claims.jti.clone()],
    };
    let first = web_revoke(&mut store, &issued.access_token, None);
    assert_revocation_ok(&first, std::slice::from_ref(&effect));
    // `drive` applied the effects of each revocation.
    let after_first = store.clone();
    let second = web_revoke(&mut store, &issued.access_token, None);
    assert_eq!(second.response().status, 200);
    assert_eq!(store, after_first);
}

#[test]
fn revoking_a_refresh_token_revokes_its_family() {
    let mut store = store();
    let Family { first, second } = web_family(&mut store);
    let fam = family(&first);
    let outcome = web_revoke(&mut store, second.refresh_token.as_deref().unwrap(), None);
    assert_revocation_ok(
        &outcome,
        &[Effect::RevokeFamily {
            family: fam.clone(),
        }],
    );

    // The host's answer to the revocation question.
    assert!(store.is_family_revoked(&fam));
    assert!(store.is_revoked(&first.claims.jti, Some(&fam)).unwrap());
    assert!(store.is_revoked(&second.claims.jti, Some(&fam)).unwrap());

    // Every access token of the family: bearer refused, introspection inactive.
    for access in [&first.access_token, &second.access_token] {
        assert_eq!(
            bearer(&mut store, &config(), access, T),
            Err(BearerError::Revoked)
        );
        assert_inactive(&web_introspect(&mut store, T, access));
        assert_inactive(&introspect_as_rs(&mut store, &config(), T, access));
    }
    // Every refresh token of the family: inactive, and refused at the token endpoint.
    for token in [&first.refresh_token, &second.refresh_token] {
        let token = token.as_deref().unwrap();
        assert_inactive(&web_introspect(&mut store, T, token));
        let record = store.refresh_token_record(&TokenHash::of(token)).unwrap();
        assert_eq!(record.state, RefreshTokenState::Revoked);
    }
    let refused = refresh(
        &mut store,
        &config(),
        WEB,
        second.refresh_token.as_deref().unwrap(),
        T,
        3,
    );
    assert_json_error(
        refused.response(),
        400,
        "invalid_grant",
        "the refresh token is invalid, expired, revoked, or was issued to another client",
    );
}

#[test]
fn revoking_a_rotated_out_refresh_token_revokes_its_family() {
    let mut store = store();
    let Family { first, second } = web_family(&mut store);
    let outcome = web_revoke(&mut store, first.refresh_token.as_deref().unwrap(), None);
    assert_revocation_ok(
        &outcome,
        &[Effect::RevokeFamily {
            family: family(&first),
        }],
    );
    assert_eq!(
        bearer(&mut store, &config(), &second.access_token, T),
        Err(BearerError::Revoked)
    );
    assert_inactive(&web_introspect(
        &mut store,
        T,
        second.refresh_token.as_deref().unwrap(),
    ));
}

#[test]
fn revoking_an_access_token_revokes_only_that_token() {
    let mut store = store();
    let Family { first, second } = web_family(&mut store);
    let outcome = web_revoke(&mut store, &first.access_token, None);
    assert_revocation_ok(
        &outcome,
        &[Effect::RevokeAccessTokens {
            token_ids: vec![first.claims.jti.clone()],
        }],
    );

    assert!(store.is_access_token_revoked(&first.claims.jti));
    assert!(!store.is_family_revoked(&family(&first)));
    // That token is refused...
    assert_eq!(
        bearer(&mut store, &config(), &first.access_token, T),
        Err(BearerError::Revoked)
    );
    assert_inactive(&web_introspect(&mut store, T, &first.access_token));
    // ...its sibling and the refresh token are not.
    assert_eq!(
        bearer(&mut store, &config(), &second.access_token, T),
        Ok(second.claims.clone())
    );
    assert_active_access(
        &web_introspect(&mut store, T, &second.access_token),
        &second,
    );
    let refreshed = refresh(
        &mut store,
        &config(),
        WEB,
        second.refresh_token.as_deref().unwrap(),
        T,
        3,
    );
    assert_eq!(refreshed.response().status, 200);
}

#[test]
fn revoking_a_client_credentials_access_token() {
    let mut store = store();
    let issued = m2m_token(&mut store, &config(), NOW, 1);
    assert_eq!(issued.claims.fam, None);
    let outcome = revoke(
        &mut store,
        &config(),
        Some(&basic(M2M, M2M_SECRET)),
        &form(&[("token", &issued.access_token)]),
    );
    assert_revocation_ok(
        &outcome,
        &[Effect::RevokeAccessTokens {
            token_ids: vec![issued.claims.jti.clone()],
        }],
    );
    assert_eq!(
        bearer(&mut store, &config(), &issued.access_token, NOW + 1),
        Err(BearerError::Revoked)
    );
    assert_inactive(&introspect_as_rs(
        &mut store,
        &config(),
        NOW + 1,
        &issued.access_token,
    ));
}

#[test]
fn revoking_an_expired_access_token_is_harmless() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    // Revocation does not look at the time: the answer is 200 either way
    // (the time of a revocation is its `Call`'s).
    let body = web_revoke_body(&issued.access_token, None);
    for now in [NOW, issued.claims.exp, issued.claims.exp + 1_000] {
        let request = Revoke::parse(&form_post(None, &body), &config());
        let outcome = run(&mut store, &config(), call(now, 0), request);
        assert_eq!(outcome.response().status, 200);
    }
}

#[test]
fn revocation_of_another_clients_token_is_200_and_revokes_nothing() {
    let mut store = store();
    let theirs = login(&mut store, &config(), OTHER, NOW, 1);
    let before = store.clone();
    for token in [
        theirs.refresh_token.as_deref().unwrap(),
        theirs.access_token.as_str(),
    ] {
        for hint in [None, Some("access_token"), Some("refresh_token")] {
            assert_revocation_ok(&web_revoke(&mut store, token, hint), &[]);
        }
    }
    assert_eq!(store, before);
    assert_eq!(
        bearer(&mut store, &config(), &theirs.access_token, T),
        Ok(theirs.claims.clone())
    );
    // Even the resource server (introspect_any) may not revoke them.
    let outcome = revoke(
        &mut store,
        &config(),
        Some(&basic(RS, RS_SECRET)),
        &form(&[("token", theirs.refresh_token.as_deref().unwrap())]),
    );
    assert_revocation_ok(&outcome, &[]);
}

#[test]
fn token_type_hint_is_only_a_hint() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let refresh_token = issued.refresh_token.as_deref().unwrap();
    let family_effect = [Effect::RevokeFamily {
        family: family(&issued),
    }];
    let jti_effect = [Effect::RevokeAccessTokens {
        token_ids: vec![issued.claims.jti.clone()],
    }];
    for hint in [
        None,
        Some("refresh_token"),
        Some("access_token"), // the wrong kind: the other kind is searched
        Some("id_token"),     // unknown: ignored
        Some("bogus"),
    ] {
        // Each revocation runs against the store as it was after the login
        // (`drive` applies the effects, which would revoke the family).
        assert_revocation_ok(
            &web_revoke(&mut store.clone(), refresh_token, hint),
            &family_effect,
        );
        assert_revocation_ok(
            &web_revoke(&mut store.clone(), &issued.access_token, hint),
            &jti_effect,
        );
    }
}

// ---------------------------------------------------------------------------
// Revocation must be visible (code reuse and refresh reuse too)
// ---------------------------------------------------------------------------

#[test]
fn code_reuse_revocation_is_visible() {
    let mut store = store();
    let code = authorize_code(&mut store, &config(), WEB, NOW, 1);
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
        ("code_verifier", VERIFIER),
    ]);
    let first = token_post(&mut store, &config(), None, &body, call(NOW + 1, 2));
    let first = issued_body(first.response(), &config(), NOW + 1);
    assert_active_access(&web_introspect(&mut store, T, &first.access_token), &first);

    let reuse = token_post(&mut store, &config(), None, &body, call(NOW + 2, 3));
    assert_eq!(reuse.response().status, 400);
    assert!(store.is_family_revoked(&family(&first)));
    assert_eq!(
        bearer(&mut store, &config(), &first.access_token, T),
        Err(BearerError::Revoked)
    );
    assert_inactive(&web_introspect(&mut store, T, &first.access_token));
    assert_inactive(&web_introspect(
        &mut store,
        T,
        first.refresh_token.as_deref().unwrap(),
    ));
}

#[test]
fn refresh_reuse_revocation_is_visible() {
    let mut store = store();
    let Family { first, second } = web_family(&mut store);
    let reuse = refresh(
        &mut store,
        &config(),
        WEB,
        first.refresh_token.as_deref().unwrap(),
        NOW + 15,
        4,
    );
    assert_eq!(reuse.response().status, 400);
    for access in [&first, &second] {
        assert_eq!(
            bearer(&mut store, &config(), &access.access_token, T),
            Err(BearerError::Revoked)
        );
        assert_inactive(&web_introspect(&mut store, T, &access.access_token));
    }
    assert_inactive(&web_introspect(
        &mut store,
        T,
        second.refresh_token.as_deref().unwrap(),
    ));
}

// ---------------------------------------------------------------------------
// Introspection: the caller
// ---------------------------------------------------------------------------

#[test]
fn introspection_by_a_public_client_is_401() {
    let mut store = store();
    let issued = login(&mut store, &config(), SPA, NOW, 1);
    let outcome = introspect(
        &mut store,
        &config(),
        T,
        None,
        &form(&[("token", &issued.access_token), ("client_id", SPA)]),
    );
    assert_json_error(
        outcome.response(),
        401,
        "invalid_client",
        "client authentication failed",
    );
    assert_eq!(
        outcome.report(),
        &Err(TokenError::InvalidClient {
            failure: ClientAuthFailure::NotConfidential,
            authorization_header: false,
        })
    );
}

#[test]
fn introspection_without_authentication_is_401() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let wrong = basic(WEB, "wrong");
    let cases: Vec<(Option<&str>, Pairs)> = vec![
        (None, vec![]),
        (Some(wrong.as_str()), vec![]),
        (None, vec![("client_id", WEB)]),
        (None, vec![("client_id", WEB), ("client_secret", "wrong")]),
        (None, vec![("client_id", "nobody"), ("client_secret", "x")]),
    ];
    for (authorization, mut body) in cases {
        body.push(("token", &issued.access_token));
        let outcome = introspect(&mut store, &config(), T, authorization, &form(&body));
        assert_json_error(
            outcome.response(),
            401,
            "invalid_client",
            "client authentication failed",
        );
        assert_invalid_client(outcome.report());
    }
}

#[test]
fn introspection_token_missing_is_400() {
    let mut store = store();
    let auth = basic(WEB, WEB_SECRET);
    for body in ["", "token=", "token_type_hint=access_token"] {
        let outcome = introspect(&mut store, &config(), T, Some(&auth), body);
        assert_json_error(
            outcome.response(),
            400,
            "invalid_request",
            "the token parameter is missing",
        );
        assert_eq!(
            outcome.report(),
            &Err(TokenError::MissingParameter(Param::Token))
        );
    }
}

// ---------------------------------------------------------------------------
// Introspection: inactive
// ---------------------------------------------------------------------------

#[test]
fn introspection_of_unknown_tokens_is_inactive() {
    let mut store = store();
    for token in [
        "not-a-token-we-issued",
        "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd28",
        "a.b.c",
        "x",
    ] {
        assert_inactive(&web_introspect(&mut store, T, token));
        assert_inactive(&introspect_as_rs(&mut store, &config(), T, token));
    }
}

#[test]
fn introspection_of_an_expired_access_token_is_inactive() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let exp = issued.claims.exp;
    assert_eq!(exp, NOW + 1 + ACCESS_TTL);
    assert_active_access(
        &web_introspect(&mut store, exp - 1, &issued.access_token),
        &issued,
    );
    assert_inactive(&web_introspect(&mut store, exp, &issued.access_token));
    assert_inactive(&web_introspect(
        &mut store,
        exp + 1_000,
        &issued.access_token,
    ));
}

#[test]
fn introspection_of_a_tampered_access_token_is_inactive() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let token = &issued.access_token;
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    let (header, payload) = signing_input.split_once('.').unwrap();
    // A claim changed (scope widened) with the old signature.
    let mut claims: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
            .unwrap(),
    )
    .unwrap();
    claims["scope"] = "read write admin".into();
    let widened = format!(
        "{header}.{}.{signature}",
        b64(claims.to_string().as_bytes())
    );
    // A signature with one character changed.
    let mut flipped = token.clone().into_bytes();
    let last = flipped.len() - 5;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    // Signed by a key we do not have, same kid.
    let forged = craft(
        &good_header(),
        &serde_json::to_value(&issued.claims).unwrap(),
        &[9u8; 32],
    );
    for bad in [
        widened,
        flipped,
        forged,
        format!("{token}x"),
        format!("{signing_input}."),
    ] {
        assert_inactive(&web_introspect(&mut store, T, &bad));
    }
}

#[test]
fn introspection_of_a_revoked_access_token_is_inactive() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    assert_eq!(
        store.apply(&[Effect::RevokeAccessTokens {
            token_ids: vec![issued.claims.jti.clone()],
        }]),
        Ok(())
    );
    assert_inactive(&web_introspect(&mut store, T, &issued.access_token));

    let mut store = grant_engine_testkit::world::store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    assert_eq!(
        store.apply(&[Effect::RevokeFamily {
            family: family(&issued),
        }]),
        Ok(())
    );
    assert_inactive(&web_introspect(&mut store, T, &issued.access_token));
}

#[test]
fn introspection_under_another_issuer_or_audience_is_inactive() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    for other in [
        grant_engine::Config::new("https://other.example.com", AUDIENCE, keys()),
        grant_engine::Config::new(ISSUER, "https://other-api.example.com", keys()),
    ]
    .map(|other| other.with_client_secrets(client_secrets()))
    {
        let auth = basic(WEB, WEB_SECRET);
        let outcome = introspect(
            &mut store,
            &other,
            T,
            Some(&auth),
            &form(&[("token", &issued.access_token)]),
        );
        assert_inactive(&outcome);
    }
}

// ---------------------------------------------------------------------------
// Introspection: active
// ---------------------------------------------------------------------------

#[test]
fn introspection_of_an_active_access_token_gives_every_claim() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let outcome = web_introspect(&mut store, T, &issued.access_token);
    let expected_body = format!(
        r#"{{"active":true,"scope":"read write","client_id":"web","sub":"alice","exp":{},"iat":{},"token_type":"Bearer","iss":"{ISSUER}","aud":"{AUDIENCE}","jti":"{}"}}"#,
        NOW + 1 + ACCESS_TTL,
        NOW + 1,
        issued.claims.jti
    );
    assert_eq!(outcome.response().body_str(), expected_body);
    assert_active_access(&outcome, &issued);
    assert_eq!(
        outcome.report(),
        &Ok(Introspection {
            active: true,
            scope: Some(Scope::parse(SCOPE).unwrap()),
            client_id: Some(id(WEB)),
            sub: Some(subject(SUBJECT)),
            exp: Some(NOW + 1 + ACCESS_TTL),
            iat: Some(NOW + 1),
            token_type: Some("Bearer"),
            iss: Some(ISSUER.to_owned()),
            aud: Some(AUDIENCE.to_owned()),
            jti: Some(issued.claims.jti.clone()),
        })
    );
    // The hint changes nothing.
    for hint in ["access_token", "refresh_token", "bogus"] {
        let outcome = introspect(
            &mut store,
            &config(),
            T,
            Some(&basic(WEB, WEB_SECRET)),
            &form(&[("token", &issued.access_token), ("token_type_hint", hint)]),
        );
        assert_active_access(&outcome, &issued);
    }
    // client_secret_post works too.
    let outcome = introspect(
        &mut store,
        &config(),
        T,
        None,
        &form(&[
            ("token", &issued.access_token),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
        ]),
    );
    assert_active_access(&outcome, &issued);
}

#[test]
fn introspection_of_a_client_credentials_token() {
    let mut store = store();
    let issued = m2m_token(&mut store, &config(), NOW, 1);
    let outcome = introspect(
        &mut store,
        &config(),
        NOW + 1,
        Some(&basic(M2M, M2M_SECRET)),
        &form(&[("token", &issued.access_token)]),
    );
    assert_active_access(&outcome, &issued);
    assert!(outcome.response().body_str().contains(r#""sub":"m2m""#));
}

#[test]
fn refresh_tokens_are_introspectable() {
    let mut store = store();
    let Family { first, second } = web_family(&mut store);
    let token = second.refresh_token.as_deref().unwrap();
    let outcome = web_introspect(&mut store, T, token);
    let expected = format!(
        r#"{{"active":true,"scope":"read write","client_id":"web","sub":"alice","exp":{},"iat":{},"token_type":"refresh_token","iss":"{ISSUER}"}}"#,
        NOW + 10 + REFRESH_TTL,
        NOW + 10
    );
    assert_eq!(
        (outcome.response().status, outcome.response().body_str()),
        (200, expected.as_str())
    );
    assert_eq!(headers(outcome.response()), NO_STORE_JSON.to_vec());
    // Hints change nothing.
    for hint in ["access_token", "refresh_token", "bogus"] {
        let outcome = introspect(
            &mut store,
            &config(),
            T,
            Some(&basic(WEB, WEB_SECRET)),
            &form(&[("token", token), ("token_type_hint", hint)]),
        );
        assert_eq!(outcome.response().body_str(), expected);
    }
    // The rotated-out one is inactive.
    assert_inactive(&web_introspect(
        &mut store,
        T,
        first.refresh_token.as_deref().unwrap(),
    ));
    // An expired one is inactive.
    assert_inactive(&web_introspect(&mut store, NOW + 10 + REFRESH_TTL, token));
}

#[test]
fn another_clients_token_is_inactive_unless_the_caller_is_a_resource_server() {
    let mut store = store();
    let theirs = login(&mut store, &config(), OTHER, NOW, 1);
    let refresh_token = theirs.refresh_token.as_deref().unwrap();
    // web may not see other's tokens.
    assert_inactive(&web_introspect(&mut store, T, &theirs.access_token));
    assert_inactive(&web_introspect(&mut store, T, refresh_token));
    // The resource server may see every token.
    assert_active_access(
        &introspect_as_rs(&mut store, &config(), T, &theirs.access_token),
        &theirs,
    );
    let outcome = introspect_as_rs(&mut store, &config(), T, refresh_token);
    assert_eq!(outcome.response().status, 200);
    let json: serde_json::Value = serde_json::from_slice(&outcome.response().body).unwrap();
    assert_eq!(json["active"], true);
    assert_eq!(json["client_id"], OTHER);
    assert_eq!(json["token_type"], "refresh_token");
    // The owner sees its own.
    let auth = basic(OTHER, OTHER_SECRET);
    let outcome = introspect(
        &mut store,
        &config(),
        T,
        Some(&auth),
        &form(&[("token", &theirs.access_token)]),
    );
    assert_active_access(&outcome, &theirs);
}

#[test]
fn introspection_has_no_effects_and_bearer_agrees() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let before = store.clone();
    let outcome = web_introspect(&mut store, T, &issued.access_token);
    assert!(outcome.effects().is_empty());
    assert_eq!(store, before);
    assert_eq!(
        bearer(&mut store, &config(), &issued.access_token, T),
        Ok(issued.claims.clone())
    );
    assert!(
        !store
            .is_revoked(&issued.claims.jti, Some(&family(&issued)))
            .unwrap()
    );
    let _: &TokenId = &issued.claims.jti;
    // A verifier that refuses the token agrees introspection is inactive.
    assert_eq!(
        bearer(
            &mut store,
            &config(),
            &issued.access_token,
            issued.claims.exp
        ),
        Err(BearerError::InvalidToken(JwtError::Expired))
    );
}

#[test]
fn pending_steps_do_not_show_tokens_or_secrets() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let refresh_token = issued.refresh_token.as_deref().unwrap();
    for token in [refresh_token, issued.access_token.as_str()] {
        let body = form(&[
            ("token", token),
            ("client_id", WEB),
            ("client_secret", WEB_SECRET),
        ]);
        let parts = form_post(None, &body);
        let config = config();
        let at = call(T, 0);
        let revocation = pending_debugs(&mut store, &config, &at, &Revoke::parse(&parts, &config));
        let introspection = pending_debugs(
            &mut store,
            &config,
            &at,
            &Introspect::parse(&parts, &config),
        );
        // The request and at least the client question.
        assert!(revocation.len() >= 2 && introspection.len() >= 2);
        for debug in revocation.into_iter().chain(introspection) {
            assert!(!debug.contains(token), "{debug}");
            assert!(!debug.contains(WEB_SECRET), "{debug}");
        }
    }
}
