//! The security events an outcome reports beside its answer
//! (`Outcome::events`): what a host logs, counts and throttles on. Each
//! kind is pinned where it happens, and a request that went well reports
//! none.

use grant_engine::errors::ClientAuthFailure;
use grant_engine::machine::SecurityEvent;
use grant_engine::{Effect, TokenHash};
use grant_engine_testkit::checks::assert_success;
use grant_engine_testkit::requests::{
    introspect, login, post, redeem_stored_code, refresh, revoke, web_redeem_body,
};
use grant_engine_testkit::wire::{basic, form};
use grant_engine_testkit::world::*;

fn auth_failed(client: Option<&str>, reason: ClientAuthFailure) -> SecurityEvent {
    SecurityEvent::ClientAuthenticationFailed {
        client_id: client.map(id),
        reason,
    }
}

#[test]
fn a_wrong_secret_is_an_authentication_failure_at_every_endpoint() {
    let config = config();
    let mut store = store();
    let wrong = basic(WEB, "not-the-secret");
    let body = form(&[("grant_type", "client_credentials")]);
    let token = grant_engine_testkit::requests::post_with_auth(
        &mut store,
        &config,
        &wrong,
        &body,
        call(NOW, 1),
    );
    assert_eq!(token.response().status, 401);
    let expected = [auth_failed(Some(WEB), ClientAuthFailure::WrongSecret)];
    assert_eq!(token.events(), &expected);

    let body = form(&[("token", "anything")]);
    let revoked = revoke(&mut store, &config, Some(&wrong), &body);
    assert_eq!(revoked.response().status, 401);
    assert_eq!(revoked.events(), &expected);

    let inspected = introspect(&mut store, &config, NOW, Some(&wrong), &body);
    assert_eq!(inspected.response().status, 401);
    assert_eq!(inspected.events(), &expected);
}

#[test]
fn an_unknown_or_anonymous_client_is_an_authentication_failure() {
    let config = config();
    let mut store = store();
    let body = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", "nobody"),
        ("client_secret", "guess"),
    ]);
    let outcome = post(&mut store, &config, &body, call(NOW, 1));
    assert_eq!(
        outcome.events(),
        &[auth_failed(
            Some("nobody"),
            ClientAuthFailure::UnknownClient
        )]
    );
    let body = form(&[("grant_type", "client_credentials")]);
    let outcome = post(&mut store, &config, &body, call(NOW, 1));
    assert_eq!(
        outcome.events(),
        &[auth_failed(None, ClientAuthFailure::NoCredentials)]
    );
}

#[test]
fn a_request_that_goes_well_or_fails_for_another_reason_reports_nothing() {
    let config = config();
    let mut store = store();
    let issued = login(&mut store, &config, WEB, NOW, 1);
    let rt = issued.refresh_token.expect("a refresh token");
    let outcome = refresh(&mut store, &config, WEB, &rt, NOW + 5, 2);
    assert_success(&outcome, &config, NOW + 5);
    assert_eq!(outcome.events(), &[]);
    // A bad grant from an authenticated client is not an attack on its
    // secret: no event.
    let outcome = post(
        &mut store,
        &config,
        &web_redeem_body("no-such-code"),
        call(NOW + 6, 3),
    );
    assert_eq!(outcome.response().status, 400);
    assert_eq!(outcome.events(), &[]);
}

#[test]
fn a_replayed_code_and_a_reused_refresh_token_are_reported_with_their_family() {
    let config = config();
    let mut store = store();
    let issued = redeem_stored_code(&mut store, &config, WEB, "events-code", 1);
    let family = issued.claims.fam.clone().expect("a family");
    let again = post(
        &mut store,
        &config,
        &web_redeem_body("events-code"),
        call(NOW + 2, 2),
    );
    assert_eq!(again.response().status, 400);
    assert_eq!(
        again.events(),
        &[SecurityEvent::CodeReused {
            client_id: id(WEB),
            family: family.clone(),
        }]
    );

    let issued = login(&mut store, &config, WEB, NOW, 3);
    let (rt1, family) = (issued.refresh_token.expect("rt"), issued.claims.fam);
    let rotated = refresh(&mut store, &config, WEB, &rt1, NOW + 5, 4);
    assert_success(&rotated, &config, NOW + 5);
    let reused = refresh(&mut store, &config, WEB, &rt1, NOW + 6, 5);
    assert_eq!(reused.response().status, 400);
    assert_eq!(
        reused.events(),
        &[SecurityEvent::RefreshTokenReused {
            client_id: id(WEB),
            family: family.expect("a family"),
        }]
    );
}

#[test]
fn a_regrant_is_reported_and_asks_the_store_to_confirm_the_successor() {
    let config = config_with_grace(30);
    let mut store = store();
    let issued = login(&mut store, &config, WEB, NOW, 1);
    let family = issued.claims.fam.clone().expect("a family");
    let rt1 = issued.refresh_token.expect("rt");
    let rotated = refresh(&mut store, &config, WEB, &rt1, NOW + 5, 2);
    let rt2 = assert_success(&rotated, &config, NOW + 5)
        .refresh_token
        .expect("a successor");
    let replayed = refresh(&mut store, &config, WEB, &rt1, NOW + 6, 3);
    assert_success(&replayed, &config, NOW + 6);
    assert_eq!(
        replayed.events(),
        &[SecurityEvent::RefreshTokenRegranted {
            client_id: id(WEB),
            family,
        }]
    );
    assert_eq!(
        replayed.effects(),
        &[Effect::Regrant {
            predecessor: TokenHash::of(&rt1),
            successor: TokenHash::of(&rt2),
        }]
    );
}
