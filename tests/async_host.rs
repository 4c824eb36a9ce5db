//! An async host on the engine's async driver: an [`AsyncStore`] whose
//! futures really suspend (each call yields once and wakes itself), the
//! testkit's runtime-free `block_on` (a thread-park waker), the whole code, refresh, refresh flow, every other endpoint,
//! storage failures, and the static guarantee that the driver's future is
//! `Send`. One test steps by hand on purpose, across two threads.

use std::convert::Infallible;
use std::sync::Mutex;
use std::thread;

use grant_engine::authorize::Decide;
use grant_engine::bearer::Access;
use grant_engine::store::ApplyError;
use grant_engine::values::{FamilyId, TokenId};
use grant_engine::{
    AsyncStore, Authorization, Authorize, BearerPolicy, Call, ClientId, ClientRecord, CodeRecord,
    Config, DriveError, Effect, Endpoint, Exchange, Introspect, MemoryStore, Outcome,
    RefreshTokenRecord, RequestParts, Revoke, Step, Store, TokenHash, VerifyBearer, drive,
    drive_async,
};
use grant_engine_testkit::checks::*;
use grant_engine_testkit::executor::{block_on_counting, yield_now};
use grant_engine_testkit::requests::{
    form_post, pkce_query, post, web_redeem_body, web_refresh_body,
};
use grant_engine_testkit::wire::form;
use grant_engine_testkit::world::*;

// ---------------------------------------------------------------------------
// An async store
// ---------------------------------------------------------------------------

/// The host's own storage error: never a `TokenError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DbError {
    Unavailable,
}

/// A store reached through futures that each suspend once, shared by
/// reference as a pooled database is.
#[derive(Default)]
struct AsyncDb {
    inner: Mutex<MemoryStore>,
    /// Every call, in order, for the test to inspect.
    calls: Mutex<Vec<&'static str>>,
    /// Refresh-token lookups fail (a database outage).
    refresh_lookups_fail: Mutex<bool>,
}

fn infallible<T>(result: Result<T, Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

impl AsyncDb {
    fn new(store: MemoryStore) -> AsyncDb {
        AsyncDb {
            inner: Mutex::new(store),
            ..AsyncDb::default()
        }
    }

    /// Suspends once, then records the call.
    async fn round_trip(&self, call: &'static str) {
        yield_now().await;
        self.calls.lock().unwrap().push(call);
    }

    fn calls(&self) -> Vec<&'static str> {
        std::mem::take(&mut self.calls.lock().unwrap())
    }

    fn snapshot(&self) -> MemoryStore {
        self.inner.lock().unwrap().clone()
    }
}

impl AsyncStore for AsyncDb {
    type Error = DbError;

    async fn client(&self, client_id: &ClientId) -> Result<Option<ClientRecord>, DbError> {
        self.round_trip("client").await;
        Ok(infallible(self.inner.lock().unwrap().client(client_id)))
    }

    async fn code(&self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, DbError> {
        self.round_trip("code").await;
        Ok(infallible(self.inner.lock().unwrap().code(code_hash)))
    }

    async fn refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, DbError> {
        self.round_trip("refresh_token").await;
        if *self.refresh_lookups_fail.lock().unwrap() {
            return Err(DbError::Unavailable);
        }
        Ok(infallible(
            self.inner.lock().unwrap().refresh_token(token_hash),
        ))
    }

    async fn is_revoked(&self, jti: &TokenId, family: Option<&FamilyId>) -> Result<bool, DbError> {
        self.round_trip("is_revoked").await;
        Ok(infallible(
            self.inner.lock().unwrap().is_revoked(jti, family),
        ))
    }

    async fn apply(&self, effects: &[Effect]) -> Result<(), ApplyError<DbError>> {
        self.round_trip("apply").await;
        self.inner
            .lock()
            .unwrap()
            .apply(effects)
            .map_err(ApplyError::Conflict)
    }
}

/// The async host's token endpoint: one call of the async driver.
async fn serve(
    db: &AsyncDb,
    config: &Config,
    body: &str,
    call: Call,
) -> Result<Outcome<Exchange>, DriveError<DbError>> {
    let request = Exchange::parse(&RequestParts::form_post(body.as_bytes()), config);
    drive_async(db, config, call, request).await
}

// ---------------------------------------------------------------------------
// Send
// ---------------------------------------------------------------------------

fn assert_send<T: Send>() {}

fn assert_send_value<T: Send>(_: &T) {}

#[test]
fn steps_questions_outcomes_and_the_drivers_future_are_send() {
    fn for_any_lifetime<'c, E: Endpoint>(_: &'c Config)
    where
        E::Output: Send,
    {
        assert_send::<Step<'c, E>>();
        assert_send::<grant_engine::machine::ClientQuestion<'c, E>>();
        assert_send::<grant_engine::machine::CodeQuestion<'c, E>>();
        assert_send::<grant_engine::machine::RefreshTokenQuestion<'c, E>>();
        assert_send::<grant_engine::machine::RevocationQuestion<'c, E>>();
    }
    let config = config();
    for_any_lifetime::<Exchange>(&config);
    for_any_lifetime::<Authorize>(&config);
    for_any_lifetime::<Decide>(&config);
    for_any_lifetime::<Revoke>(&config);
    for_any_lifetime::<Introspect>(&config);
    for_any_lifetime::<VerifyBearer>(&config);
    assert_send::<Outcome<Exchange>>();
    assert_send::<Config>();
    assert_send::<Mutex<MemoryStore>>();
    // So a tokio or axum host can spawn the driver's future.
    let db = AsyncDb::new(store());
    let future = serve(&db, &config, "grant_type=client_credentials", call(NOW, 1));
    assert_send_value(&future);
    let shared = Mutex::new(store());
    let request = Revoke::parse(&RequestParts::form_post(b"token=x"), &config);
    assert_send_value(&drive_async(&shared, &config, call(NOW, 1), request));
}

// ---------------------------------------------------------------------------
// The flows
// ---------------------------------------------------------------------------

#[test]
fn the_async_driver_runs_code_then_refresh_then_refresh() {
    let config = config();
    let mut start = store();
    start.add_code(code_record("code-1", WEB));
    let db = AsyncDb::new(start.clone());
    // The blocking driver, in lockstep, as the reference.
    let mut sync = start;

    let body = web_redeem_body("code-1");
    let (outcome, pending) = block_on_counting(serve(&db, &config, &body, call(NOW + 1, 1)));
    let outcome = outcome.unwrap();
    assert_eq!(pending, 3, "client, code and apply each suspended once");
    assert_eq!(db.calls(), ["client", "code", "apply"]);
    let issued = assert_success(&outcome, &config, NOW + 1);
    assert_eq!(
        outcome,
        post(&mut sync, &config, &body, call(NOW + 1, 1)),
        "both drivers agree"
    );
    assert_eq!(db.snapshot(), sync);

    let mut refresh_token = issued.refresh_token.unwrap();
    for (i, now) in [NOW + 100, NOW + 200].into_iter().enumerate() {
        let body = web_refresh_body(&refresh_token, None);
        let seed = 2 + i as u8;
        let (outcome, pending) = block_on_counting(serve(&db, &config, &body, call(now, seed)));
        let outcome = outcome.unwrap();
        assert_eq!(pending, 3);
        assert_eq!(db.calls(), ["client", "refresh_token", "apply"]);
        let refreshed = assert_success(&outcome, &config, now);
        assert_eq!(refreshed.claims.fam, issued.claims.fam);
        assert!(matches!(
            outcome.effects(),
            [
                Effect::RotateRefreshToken { .. },
                Effect::StoreRefreshToken(_)
            ]
        ));
        assert_eq!(outcome, post(&mut sync, &config, &body, call(now, seed)));
        assert_eq!(db.snapshot(), sync);
        refresh_token = refreshed.refresh_token.unwrap();
    }

    // The code again: reuse, the family (newest token included) revoked.
    let (outcome, _) = block_on_counting(serve(&db, &config, &body, call(NOW + 300, 9)));
    assert_error(&outcome.unwrap(), 400, "invalid_grant", CODE_REUSED);
    let body = web_refresh_body(&refresh_token, None);
    let (outcome, _) = block_on_counting(serve(&db, &config, &body, call(NOW + 301, 10)));
    assert_error(&outcome.unwrap(), 400, "invalid_grant", REFRESH_INVALID);
}

#[test]
fn every_endpoint_runs_on_the_async_driver() {
    let config = config();
    let db = AsyncDb::new(store());
    // Authorize, then the resource owner's decision.
    let request = Authorize::parse(pkce_query(SPA, "st").as_bytes(), &config);
    let (authorization, _) = block_on_counting(drive_async(&db, &config, call(NOW, 1), request));
    let Ok(Authorization::Consent(consent)) = authorization else {
        panic!("expected consent");
    };
    assert_eq!(db.calls(), ["client", "apply"]);
    let decision = consent.approve(subject(SUBJECT), scope(SCOPE));
    let (approved, pending) = block_on_counting(drive_async(&db, &config, call(NOW, 2), decision));
    let approved = approved.unwrap();
    assert_eq!(
        (pending, db.calls()),
        (1, vec!["apply"]),
        "a decision asks nothing"
    );
    let code = param(&redirect_params(approved.response(), REDIRECT), "code")
        .unwrap()
        .to_owned();
    assert!(db.snapshot().code_record(&TokenHash::of(&code)).is_some());

    // The token endpoint, then introspection, the resource, revocation.
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("client_id", SPA),
        ("code_verifier", VERIFIER),
    ]);
    let (issued, _) = block_on_counting(serve(&db, &config, &body, call(NOW + 1, 3)));
    let issued = assert_success(&issued.unwrap(), &config, NOW + 1);
    assert_eq!(db.calls(), ["client", "code", "apply"]);
    let auth = grant_engine_testkit::wire::basic(RS, RS_SECRET);
    let body = form(&[("token", &issued.access_token)]);
    let request = Introspect::parse(&form_post(Some(&auth), &body), &config);
    let (introspected, _) = block_on_counting(drive_async(&db, &config, call(NOW + 2, 4), request));
    assert!(introspected.unwrap().report().as_ref().unwrap().active);
    assert_eq!(db.calls(), ["client", "is_revoked", "apply"]);

    let header = format!("Bearer {}", issued.access_token);
    let request = VerifyBearer::new(Some(header.as_bytes()), &BearerPolicy::default());
    let (access, _) = block_on_counting(drive_async(&db, &config, call(NOW + 2, 5), request));
    assert!(matches!(access, Ok(Access::Granted(ref claims)) if claims.sub.as_str() == SUBJECT));

    let body = form(&[
        ("token", issued.refresh_token.as_deref().unwrap()),
        ("client_id", SPA),
    ]);
    let request = Revoke::parse(&form_post(None, &body), &config);
    let (revoked, _) = block_on_counting(drive_async(&db, &config, call(NOW + 3, 6), request));
    assert!(matches!(
        revoked.unwrap().effects(),
        [Effect::RevokeFamily { .. }]
    ));
    let request = VerifyBearer::new(Some(header.as_bytes()), &BearerPolicy::default());
    let (access, _) = block_on_counting(drive_async(&db, &config, call(NOW + 4, 7), request));
    let Ok(Access::Refused(outcome)) = access else {
        panic!("the family is revoked");
    };
    assert_eq!(outcome.response().status, 401);
}

#[test]
fn the_async_driver_stops_at_the_first_refusal() {
    // A wrong secret: one lookup, then the outcome; an empty unit to apply.
    let config = config();
    let db = AsyncDb::new(store());
    let before = db.snapshot();
    let body = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", M2M),
        ("client_secret", "wrong"),
    ]);
    let (outcome, pending) = block_on_counting(serve(&db, &config, &body, call(NOW, 1)));
    let outcome = outcome.unwrap();
    assert_eq!(pending, 2);
    assert_eq!(db.calls(), ["client", "apply"]);
    assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
    assert_eq!(
        (outcome.effects(), outcome.client_id().map(ClientId::as_str)),
        (&[][..], Some(M2M))
    );
    assert_eq!(db.snapshot(), before);

    // A request that does not parse asks nothing.
    let (outcome, pending) = block_on_counting(serve(&db, &config, "grant_type=", call(NOW, 1)));
    assert_eq!((pending, db.calls()), (1, vec!["apply"]));
    assert_eq!(outcome.unwrap().response().status, 400);
}

#[test]
fn a_storage_failure_is_the_hosts_error_and_changes_nothing() {
    let config = config();
    let mut start = store();
    start.add_code(code_record("code-1", WEB));
    let issued = {
        let outcome = post(
            &mut start,
            &config,
            &web_redeem_body("code-1"),
            call(NOW + 1, 1),
        );
        assert_success(&outcome, &config, NOW + 1)
    };
    let db = AsyncDb::new(start);
    let before = db.snapshot();
    *db.refresh_lookups_fail.lock().unwrap() = true;
    let body = web_refresh_body(issued.refresh_token.as_deref().unwrap(), None);
    let (result, _) = block_on_counting(serve(&db, &config, &body, call(NOW + 5, 2)));
    // The host answers 500/503 itself; the engine produced no response.
    assert_eq!(result.unwrap_err(), DriveError::Store(DbError::Unavailable));
    assert_eq!(db.calls(), ["client", "refresh_token"]);
    assert_eq!(db.snapshot(), before);

    *db.refresh_lookups_fail.lock().unwrap() = false;
    let (result, _) = block_on_counting(serve(&db, &config, &body, call(NOW + 6, 3)));
    assert_success(&result.unwrap(), &config, NOW + 6);
}

#[test]
fn the_async_driver_reruns_a_request_that_conflicted() {
    // A store that lets another request apply between this one's lookups
    // and its apply: the code is redeemed under it, the apply conflicts, and
    // the driver runs the request again, which now sees reuse.
    struct Interleaved {
        db: AsyncDb,
        config: Config,
        interloper: Mutex<bool>,
    }
    impl AsyncStore for Interleaved {
        type Error = DbError;
        async fn client(&self, id: &ClientId) -> Result<Option<ClientRecord>, DbError> {
            self.db.client(id).await
        }
        async fn code(&self, hash: &TokenHash) -> Result<Option<CodeRecord>, DbError> {
            self.db.code(hash).await
        }
        async fn refresh_token(
            &self,
            hash: &TokenHash,
        ) -> Result<Option<RefreshTokenRecord>, DbError> {
            self.db.refresh_token(hash).await
        }
        async fn is_revoked(
            &self,
            jti: &TokenId,
            family: Option<&FamilyId>,
        ) -> Result<bool, DbError> {
            self.db.is_revoked(jti, family).await
        }
        async fn apply(&self, effects: &[Effect]) -> Result<(), ApplyError<DbError>> {
            if std::mem::take(&mut *self.interloper.lock().unwrap()) {
                let mut inner = self.db.inner.lock().unwrap();
                let request = Exchange::parse(
                    &RequestParts::form_post(web_redeem_body("code-1").as_bytes()),
                    &self.config,
                );
                let outcome = drive(&mut *inner, &self.config, call(NOW + 1, 77), request).unwrap();
                assert_eq!(outcome.response().status, 200);
            }
            self.db.apply(effects).await
        }
    }
    let config = config();
    let mut start = store();
    start.add_code(code_record("code-1", WEB));
    let store = Interleaved {
        db: AsyncDb::new(start),
        config: config.clone(),
        interloper: Mutex::new(true),
    };
    let request = Exchange::parse(
        &RequestParts::form_post(web_redeem_body("code-1").as_bytes()),
        &config,
    );
    let (outcome, _) = block_on_counting(drive_async(&store, &config, call(NOW + 1, 1), request));
    let outcome = outcome.unwrap();
    assert_eq!(
        store.db.calls(),
        ["client", "code", "apply", "client", "code", "apply"]
    );
    assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
    assert!(matches!(
        outcome.effects(),
        [
            Effect::RevokeFamily { .. },
            Effect::RevokeAccessTokens { .. }
        ]
    ));
}

#[test]
fn the_drivers_future_runs_on_another_thread() {
    let config = config();
    let mut start = store();
    start.add_code(code_record("code-1", WEB));
    let db = AsyncDb::new(start);
    let body = web_redeem_body("code-1");
    let future = serve(&db, &config, &body, call(NOW + 1, 1));
    let outcome =
        thread::scope(|scope| scope.spawn(|| block_on_counting(future).0).join().unwrap());
    assert_success(&outcome.unwrap(), &config, NOW + 1);
    assert_eq!(db.calls(), ["client", "code", "apply"]);
}

#[test]
fn stepping_by_hand_a_step_waits_across_an_await_between_two_threads() {
    // On purpose without the driver: the question is created on one thread
    // and answered on another, after an await.
    let config = config();
    let mut store = store();
    store.add_code(code_record("code-1", WEB));
    let body = web_redeem_body("code-1");
    let request = Exchange::parse(&RequestParts::form_post(body.as_bytes()), &config);
    let step = request.start(&config, &call(NOW + 1, 1));
    let (outcome, store) = thread::scope(|scope| {
        scope
            .spawn(move || {
                let (outcome, _) = block_on_counting(async {
                    let mut step = step;
                    loop {
                        yield_now().await;
                        step = match step {
                            Step::NeedClient(q) => {
                                let record = infallible(store.client(q.client_id()));
                                q.provide(record)
                            }
                            Step::NeedCode(q) => {
                                let record = infallible(store.code(q.code_hash()));
                                q.provide(record)
                            }
                            Step::NeedRefreshToken(q) => {
                                let record = infallible(store.refresh_token(q.token_hash()));
                                q.provide(record)
                            }
                            Step::NeedRevocationStatus(q) => {
                                let revoked = infallible(store.is_revoked(q.jti(), q.family()));
                                q.provide(revoked)
                            }
                            Step::Done(outcome) => break outcome,
                        };
                    }
                });
                (outcome, store)
            })
            .join()
            .unwrap()
    });
    // Nothing is applied until the host applies the outcome's effects.
    assert_eq!(
        store.code_record(&TokenHash::of("code-1")).unwrap().state,
        grant_engine::store::CodeState::Unused
    );
    assert_success(&outcome, &config, NOW + 1);
}
