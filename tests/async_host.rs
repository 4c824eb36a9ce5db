//! An async host drives the same step machine as the blocking `drive`:
//! `async fn` lookups that really suspend (a hand-written future that is
//! `Pending` once and wakes itself), a trivial `block_on` written here (a
//! thread-park waker, no runtime), the whole code → refresh → refresh flow,
//! and the static guarantee that steps and outcomes are `Send`, so a task
//! can hold one across an `.await`.

mod grant_support;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::thread::{self, Thread};

use grant_engine::{
    ClientId, ClientQuestion, ClientRecord, CodeQuestion, CodeRecord, Config, Context, Effect,
    HttpResponse, Lookup, MemoryStore, Outcome, RefreshTokenQuestion, RefreshTokenRecord,
    RequestParts, Step, TokenHash, token_endpoint,
};
use grant_support::*;

// ---------------------------------------------------------------------------
// A minimal executor
// ---------------------------------------------------------------------------

/// Wakes the thread blocked in [`block_on`].
struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on this thread; returns its output and how
/// many times it was `Pending`.
fn block_on<F: Future>(future: F) -> (F::Output, usize) {
    let mut future = std::pin::pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = TaskContext::from_waker(&waker);
    let mut pending = 0;
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return (output, pending),
            Poll::Pending => {
                pending += 1;
                // Returns at once if the waker already unparked us.
                thread::park();
            }
        }
    }
}

/// `Pending` on the first poll (after scheduling its own wake-up), `Ready`
/// on the second: a database round trip in miniature.
#[derive(Default)]
struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if self.yielded {
            Poll::Ready(())
        } else {
            self.yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

// ---------------------------------------------------------------------------
// An async store
// ---------------------------------------------------------------------------

/// The host's own storage error: never a `TokenError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DbError {
    Unavailable,
}

/// A store reached through `async fn`s, each of which suspends once.
#[derive(Default)]
struct AsyncDb {
    inner: MemoryStore,
    /// Every call, in order, for the test to inspect.
    calls: Vec<&'static str>,
    /// Refresh-token lookups fail (a database outage).
    refresh_lookups_fail: bool,
}

fn infallible<T>(result: Result<T, Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

impl AsyncDb {
    async fn client(&mut self, client_id: &ClientId) -> Result<Option<ClientRecord>, DbError> {
        YieldOnce::default().await;
        self.calls.push("client");
        Ok(infallible(self.inner.client(client_id)))
    }

    async fn take_code(&mut self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, DbError> {
        YieldOnce::default().await;
        self.calls.push("take_code");
        Ok(infallible(self.inner.take_code(code_hash)))
    }

    async fn refresh_token(
        &mut self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, DbError> {
        YieldOnce::default().await;
        self.calls.push("refresh_token");
        if self.refresh_lookups_fail {
            return Err(DbError::Unavailable);
        }
        Ok(infallible(Lookup::refresh_token(
            &mut self.inner,
            token_hash,
        )))
    }

    async fn apply(&mut self, effects: &[Effect]) -> Result<(), DbError> {
        YieldOnce::default().await;
        self.calls.push("apply");
        self.inner.apply(effects);
        Ok(())
    }
}

/// The async host's token endpoint: the step loop of DESIGN.md, with each
/// question held across the `.await` of its lookup.
async fn serve(
    db: &mut AsyncDb,
    config: &Config,
    body: &str,
    ctx: Context,
) -> Result<Outcome, DbError> {
    let mut step = token_endpoint(&RequestParts::form_post(body.as_bytes()), config, ctx);
    let outcome = loop {
        step = match step {
            Step::NeedClient(question) => {
                let record = db.client(question.client_id()).await?;
                question.provide(record)
            }
            Step::NeedCode(question) => {
                let record = db.take_code(question.code_hash()).await?;
                question.provide(record)
            }
            Step::NeedRefreshToken(question) => {
                let record = db.refresh_token(question.token_hash()).await?;
                question.provide(record)
            }
            Step::Done(outcome) => break outcome,
        };
    };
    db.apply(outcome.effects()).await?;
    Ok(outcome)
}

fn async_db() -> AsyncDb {
    AsyncDb {
        inner: store(),
        ..AsyncDb::default()
    }
}

// ---------------------------------------------------------------------------
// Send
// ---------------------------------------------------------------------------

fn assert_send<T: Send>() {}

fn assert_send_value<T: Send>(_: &T) {}

#[test]
fn steps_questions_and_outcomes_are_send() {
    assert_send::<Step<'static>>();
    assert_send::<ClientQuestion<'static>>();
    assert_send::<CodeQuestion<'static>>();
    assert_send::<RefreshTokenQuestion<'static>>();
    assert_send::<Outcome>();
    assert_send::<HttpResponse>();
    assert_send::<Effect>();
    assert_send::<Config>();
    assert_send::<MemoryStore>();

    // For every lifetime, not only 'static.
    fn for_any_lifetime<'c>(_: &'c Config) {
        assert_send::<Step<'c>>();
        assert_send::<ClientQuestion<'c>>();
        assert_send::<CodeQuestion<'c>>();
        assert_send::<RefreshTokenQuestion<'c>>();
    }
    // So the host's future, which holds a question across an await, is Send.
    let config = config();
    for_any_lifetime(&config);
    let mut db = async_db();
    let future = serve(
        &mut db,
        &config,
        "grant_type=client_credentials",
        ctx(NOW, 1),
    );
    assert_send_value(&future);
}

// ---------------------------------------------------------------------------
// The flow
// ---------------------------------------------------------------------------

#[test]
fn async_host_runs_code_then_refresh_then_refresh() {
    let config = config();
    let mut db = async_db();
    db.inner.add_code(code_record("code-1", WEB));
    // The blocking host, in lockstep, as the reference.
    let mut sync = db.inner.clone();

    // authorization_code
    let body = web_redeem_body("code-1");
    let (outcome, pending) = block_on(serve(&mut db, &config, &body, ctx(NOW + 1, 1)));
    let outcome = outcome.unwrap();
    assert_eq!(
        pending, 3,
        "client, take_code and apply each suspended once"
    );
    assert_eq!(db.calls, ["client", "take_code", "apply"]);
    let issued = assert_success(&outcome, &config, NOW + 1);
    assert_eq!(
        outcome,
        post(&mut sync, &config, &body, ctx(NOW + 1, 1)),
        "the async host and the blocking driver agree"
    );
    assert_eq!(db.inner, sync);

    // refresh_token, twice (rotation)
    let mut refresh_token = issued.refresh_token.unwrap();
    for (i, now) in [NOW + 100, NOW + 200].into_iter().enumerate() {
        db.calls.clear();
        let body = web_refresh_body(&refresh_token, None);
        let seed = 2 + i as u8;
        let (outcome, pending) = block_on(serve(&mut db, &config, &body, ctx(now, seed)));
        let outcome = outcome.unwrap();
        assert_eq!(pending, 3);
        assert_eq!(db.calls, ["client", "refresh_token", "apply"]);
        let refreshed = assert_success(&outcome, &config, now);
        assert_eq!(refreshed.claims.fam, issued.claims.fam);
        assert!(matches!(
            outcome.effects(),
            [
                Effect::RotateRefreshToken { .. },
                Effect::StoreRefreshToken(_)
            ]
        ));
        assert_eq!(outcome, post(&mut sync, &config, &body, ctx(now, seed)));
        assert_eq!(db.inner, sync);
        let next = refreshed.refresh_token.unwrap();
        assert_ne!(next, refresh_token);
        refresh_token = next;
    }

    // The code again: reuse, the family (newest token included) revoked.
    db.calls.clear();
    let body = web_redeem_body("code-1");
    let (outcome, _) = block_on(serve(&mut db, &config, &body, ctx(NOW + 300, 9)));
    let outcome = outcome.unwrap();
    assert_error(&outcome, 400, "invalid_grant", CODE_REUSED);
    let body = web_refresh_body(&refresh_token, None);
    let (outcome, _) = block_on(serve(&mut db, &config, &body, ctx(NOW + 301, 10)));
    assert_error(&outcome.unwrap(), 400, "invalid_grant", REFRESH_INVALID);
}

#[test]
fn async_host_stops_at_the_first_refusal() {
    // A wrong secret: one lookup, then the outcome; nothing to apply.
    let config = config();
    let mut db = async_db();
    let body = form(&[
        ("grant_type", "client_credentials"),
        ("client_id", M2M),
        ("client_secret", "wrong"),
    ]);
    let before = db.inner.clone();
    let (outcome, pending) = block_on(serve(&mut db, &config, &body, ctx(NOW, 1)));
    let outcome = outcome.unwrap();
    assert_eq!(pending, 2);
    assert_eq!(db.calls, ["client", "apply"]);
    assert_error(&outcome, 401, "invalid_client", INVALID_CLIENT);
    assert_eq!(outcome.effects(), &[]);
    assert_eq!(db.inner, before);

    // A request that does not parse never reaches the store.
    db.calls.clear();
    let (outcome, pending) = block_on(serve(&mut db, &config, "grant_type=", ctx(NOW, 1)));
    assert_eq!(pending, 1);
    assert_eq!(db.calls, ["apply"]);
    assert_eq!(outcome.unwrap().response().status, 400);
}

#[test]
fn a_storage_failure_is_the_hosts_error_and_changes_nothing() {
    let config = config();
    let mut db = async_db();
    let issued = web_login(&mut db.inner, &config, "code-1", 1);
    let before = db.inner.clone();
    db.refresh_lookups_fail = true;
    let body = web_refresh_body(issued.refresh_token.as_deref().unwrap(), None);
    let (result, _) = block_on(serve(&mut db, &config, &body, ctx(NOW + 5, 2)));
    // The host answers 500/503 itself; the engine produced no response.
    assert_eq!(result.unwrap_err(), DbError::Unavailable);
    assert_eq!(db.calls, ["client", "refresh_token"]);
    assert_eq!(db.inner, before);

    // Once the database is back, the same request works.
    db.refresh_lookups_fail = false;
    let (result, _) = block_on(serve(&mut db, &config, &body, ctx(NOW + 6, 3)));
    assert_success(&result.unwrap(), &config, NOW + 6);
}

#[test]
fn the_host_future_runs_on_another_thread() {
    let config = config();
    let mut db = async_db();
    db.inner.add_code(code_record("code-1", WEB));
    let body = web_redeem_body("code-1");
    let future = serve(&mut db, &config, &body, ctx(NOW + 1, 1));
    let outcome = thread::scope(|scope| scope.spawn(|| block_on(future).0).join().unwrap());
    assert_success(&outcome.unwrap(), &config, NOW + 1);
    assert_eq!(db.calls, ["client", "take_code", "apply"]);
}

#[test]
fn a_step_can_wait_across_an_await_point_between_two_threads() {
    // The question is created on one thread and answered on another.
    let config = config();
    let mut store = store();
    store.add_code(code_record("code-1", WEB));
    let body = web_redeem_body("code-1");
    let step = token_endpoint(
        &RequestParts::form_post(body.as_bytes()),
        &config,
        ctx(NOW + 1, 1),
    );
    let outcome = thread::scope(|scope| {
        scope
            .spawn(move || {
                let (outcome, _) = block_on(async move {
                    let mut step = step;
                    loop {
                        YieldOnce::default().await;
                        step = match step {
                            Step::NeedClient(q) => {
                                let record = infallible(store.client(q.client_id()));
                                q.provide(record)
                            }
                            Step::NeedCode(q) => {
                                let record = infallible(store.take_code(q.code_hash()));
                                q.provide(record)
                            }
                            Step::NeedRefreshToken(q) => {
                                let record =
                                    infallible(Lookup::refresh_token(&mut store, q.token_hash()));
                                q.provide(record)
                            }
                            Step::Done(outcome) => break outcome,
                        };
                    }
                });
                outcome
            })
            .join()
            .unwrap()
    });
    assert_success(&outcome, &config, NOW + 1);
}
