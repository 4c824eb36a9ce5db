//! The full authorization-code flow through the public API with a
//! [`MemoryStore`]: authorize → approve → the redirect parsed → token →
//! bearer verify → refresh → revoke → introspect inactive → bearer refused.
//! Once for the public client (PKCE S256, `client_id` only), once for the
//! confidential client (HTTP Basic everywhere).

use grant_engine::bearer::Access;
use grant_engine::errors::{AuthorizeError, BearerError};
use grant_engine::store::{CodeState, RefreshTokenState};
use grant_engine::{BearerPolicy, Effect, Exchange, MemoryStore, Outcome, TokenHash};
use grant_engine_testkit::checks::*;
use grant_engine_testkit::requests::*;
use grant_engine_testkit::wire::{basic, form};
use grant_engine_testkit::world::*;

const STATE: &str = "af0ifjsldkj & = + % # \"x\"";

/// Who runs the flow and how it authenticates.
struct Client {
    id: &'static str,
    /// `Some(secret)`: HTTP Basic; `None`: a public client naming itself.
    secret: Option<&'static str>,
}

impl Client {
    /// The Authorization header and the body pairs that identify the client.
    fn auth(&self) -> (Option<String>, Vec<(&'static str, &'static str)>) {
        match self.secret {
            Some(secret) => (Some(basic(self.id, secret)), vec![]),
            None => (None, vec![("client_id", self.id)]),
        }
    }

    fn post(
        &self,
        store: &mut MemoryStore,
        pairs: &[(&str, &str)],
        now: u64,
        seed: u8,
    ) -> Outcome<Exchange> {
        let (header, mut body) = self.auth();
        body.extend_from_slice(pairs);
        token_post(
            store,
            &config(),
            header.as_deref(),
            &form(&body),
            call(now, seed),
        )
    }
}

fn flow(client: &Client) {
    let config = config();
    let mut store = store();
    let verifier = "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag";
    let challenge = challenge_of(verifier);

    // 1. The user agent arrives at the authorization endpoint.
    let query = form(&[
        ("response_type", "code"),
        ("client_id", client.id),
        ("redirect_uri", REDIRECT),
        ("scope", "read write"),
        ("state", STATE),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]);
    let consent = expect_consent(authorize(&mut store, &config, &query));
    assert_eq!(consent.client_id().as_str(), client.id);
    assert_eq!(consent.scope(), &scope("read write"));

    // 2. The user logs in and consents to "read" only.
    let decision = consent.approve(subject(SUBJECT), scope("read"));
    let approval = run(&mut store, &config, call(NOW, 1), decision);
    assert_eq!(approval.report(), &Ok(()));

    // 3. The client parses the redirect.
    let params = redirect_params(approval.response(), REDIRECT);
    assert_eq!(param(&params, "state"), Some(STATE));
    assert_eq!(param(&params, "iss"), Some(ISSUER));
    let code = param(&params, "code").unwrap().to_owned();
    assert!(
        store.code_record(&TokenHash::of(&code)).is_some(),
        "the store holds the code by digest"
    );

    // 4. The client redeems the code.
    let outcome = client.post(
        &mut store,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ],
        NOW + 5,
        2,
    );
    let first = issued_body(outcome.response(), &config, NOW + 5);
    let body: serde_json::Value = serde_json::from_slice(&outcome.response().body).unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "read");
    assert_eq!(first.claims.sub.as_str(), SUBJECT);
    assert_eq!(first.claims.client_id.as_str(), client.id);
    assert_eq!(first.claims.scope, scope("read"));
    assert!(matches!(
        store.code_record(&TokenHash::of(&code)).unwrap().state,
        CodeState::Redeemed { .. }
    ));
    let first_refresh = first.refresh_token.clone().unwrap();

    // 5. A resource server accepts the access token.
    let read = BearerPolicy {
        required_scope: scope("read"),
        leeway: 0,
    };
    assert_eq!(
        bearer_with(&mut store, &config, &first.access_token, NOW + 6, &read),
        Ok(first.claims.clone())
    );
    // ...but not for "write", which the user did not grant.
    let write = BearerPolicy {
        required_scope: scope("write"),
        leeway: 0,
    };
    assert_eq!(
        bearer_with(&mut store, &config, &first.access_token, NOW + 6, &write),
        Err(BearerError::InsufficientScope)
    );

    // 6. The client refreshes.
    let outcome = client.post(
        &mut store,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &first_refresh),
        ],
        NOW + 100,
        3,
    );
    let second = issued_body(outcome.response(), &config, NOW + 100);
    let second_refresh = second.refresh_token.clone().unwrap();
    assert_ne!(second_refresh, first_refresh, "rotation");
    assert_eq!(second.claims.fam, first.claims.fam);
    assert_eq!(
        store
            .refresh_token_record(&TokenHash::of(&first_refresh))
            .map(|r| matches!(r.state, RefreshTokenState::Rotated { .. })),
        Some(true)
    );
    assert_eq!(
        bearer_with(&mut store, &config, &second.access_token, NOW + 101, &read),
        Ok(second.claims.clone())
    );

    // 7. Introspection (by the resource server) says active before revocation.
    let before = introspect_as_rs(&mut store, &config, NOW + 102, &second.access_token);
    assert_eq!(
        before.response().body_str(),
        active_access_body(&second.claims)
    );

    // 8. The client revokes its refresh token.
    let (header, mut body) = client.auth();
    body.push(("token", &second_refresh));
    body.push(("token_type_hint", "refresh_token"));
    let outcome = revoke(&mut store, &config, header.as_deref(), &form(&body));
    assert_eq!(outcome.response().status, 200);
    assert_eq!(
        outcome.effects(),
        &[Effect::RevokeFamily {
            family: second.claims.fam.clone().unwrap(),
        }]
    );

    // 9. Introspection of the access token: inactive.
    assert_inactive(&introspect_as_rs(
        &mut store,
        &config,
        NOW + 103,
        &second.access_token,
    ));
    if let Some(secret) = client.secret {
        // The confidential client may ask about its own tokens too.
        let auth = basic(client.id, secret);
        for token in [&second.access_token, &first.access_token, &second_refresh] {
            assert_inactive(&introspect(
                &mut store,
                &config,
                NOW + 103,
                Some(&auth),
                &form(&[("token", token)]),
            ));
        }
    }

    // 10. The resource server refuses both access tokens of the family.
    for token in [&first.access_token, &second.access_token] {
        let header = format!("Bearer {token}");
        let access = bearer_header(
            &mut store,
            &config,
            Some(header.as_bytes()),
            NOW + 104,
            &read,
        );
        let Access::Refused(outcome) = access else {
            panic!("a revoked family's token was accepted");
        };
        assert_eq!(outcome.report(), &BearerError::Revoked);
        let response = outcome.response();
        assert_eq!(response.status, 401);
        assert_eq!(
            response.header("www-authenticate"),
            Some(
                r#"Bearer realm="grant-engine", error="invalid_token", error_description="the token was revoked""#
            )
        );
    }

    // 11. And the refresh token no longer refreshes.
    let outcome = client.post(
        &mut store,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &second_refresh),
        ],
        NOW + 105,
        4,
    );
    assert_eq!(outcome.response().status, 400);
    assert!(outcome.response().body_str().contains("invalid_grant"));
}

#[test]
fn public_client_with_pkce_s256() {
    flow(&Client {
        id: SPA,
        secret: None,
    });
}

#[test]
fn confidential_client_with_basic_auth() {
    flow(&Client {
        id: WEB,
        secret: Some(WEB_SECRET),
    });
}

#[test]
fn deny_ends_the_flow_without_a_code() {
    let config = config();
    let mut store = store();
    let consent = expect_consent(authorize(&mut store, &config, &pkce_query(SPA, STATE)));
    let before = store.clone();
    let denied = run(&mut store, &config, call(NOW, 1), consent.deny());
    assert_eq!(denied.report(), &Err(AuthorizeError::AccessDenied));
    assert!(denied.effects().is_empty());
    let params = redirect_params(denied.response(), REDIRECT);
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "state"), Some(STATE));
    assert_eq!(param(&params, "code"), None);
    assert_eq!(store, before);
}
