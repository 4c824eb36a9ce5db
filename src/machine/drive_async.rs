//! The async driver: the blocking driver's loop over an [`AsyncStore`],
//! awaiting the store between steps.

use crate::config::config::Config;
use crate::machine::call::Call;
use crate::machine::drive::no_conflict;
use crate::machine::drive_error::DriveError;
use crate::machine::endpoint::Endpoint;
use crate::machine::step::Step;
use crate::store::async_store::AsyncStore;
use crate::store::expectation::ApplyError;

/// [`drive`](crate::drive) for an [`AsyncStore`]: runs `request` to its
/// output, awaiting each lookup, applies the effects as one unit, and
/// re-runs the request after a conflict (up to
/// [`Config::max_attempts`] runs, with the same `call`). No runtime: the
/// future is `Send` when the store is `Sync` and its futures are `Send`, so
/// a tokio or axum host can spawn it.
///
/// ```
/// use std::sync::Mutex;
/// use grant_engine::{Call, ClientRecord, ClientId, Config, Exchange, GrantType, HmacKey};
/// use grant_engine::{KeyRing, MemoryStore, RequestParts, Scope, drive_async};
/// use grant_engine::values::Entropy;
///
/// async fn token(store: &Mutex<MemoryStore>, config: &Config, body: &[u8]) -> u16 {
///     let request = Exchange::parse(&RequestParts::form_post(body), config);
///     let call = Call::new(1_800_000_000, Entropy::from_bytes([1; 32]));
///     match drive_async(store, config, call, request).await {
///         Ok(outcome) => outcome.response().status,
///         Err(error) => error.to_http_response().status,
///     }
/// }
/// # use grant_engine::client_secret::{ClientSecrets, Pepper};
/// # let secrets = ClientSecrets::new(Pepper::new("p1", &[3u8; 32]).unwrap());
/// # let config = Config::new("https://as.example", "https://api.example",
/// #     KeyRing::new(HmacKey::new("k1", &[7u8; 32]).unwrap()))
/// #     .with_client_secrets(secrets.clone());
/// # let id = ClientId::new("m2m").unwrap();
/// # let secret = grant_engine::values::ClientSecret::new("s3cret").unwrap();
/// # let mut store = MemoryStore::new();
/// # store.add_client(ClientRecord::confidential(id.clone(), secrets.verifier(&id, &secret).unwrap())
/// #     .with_grant_types(&[GrantType::ClientCredentials]));
/// # let store = Mutex::new(store);
/// # let body = b"grant_type=client_credentials&client_id=m2m&client_secret=s3cret";
/// # let mut future = std::pin::pin!(token(&store, &config, body));
/// # let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// # let std::task::Poll::Ready(status) = future.as_mut().poll(&mut cx) else { panic!() };
/// # assert_eq!(status, 200);
/// ```
pub async fn drive_async<S, E>(
    store: &S,
    config: &Config,
    call: Call,
    request: E,
) -> Result<E::Output, DriveError<S::Error>>
where
    S: AsyncStore + ?Sized,
    E: Endpoint,
{
    let mut last = no_conflict();
    for _ in 0..config.max_attempts() {
        let output = run(store, request.start(config, &call)).await?;
        match store.apply(E::effects(&output)).await {
            Ok(()) => return Ok(output),
            Err(ApplyError::Conflict(conflict)) => last = conflict,
            Err(ApplyError::Store(error)) => return Err(DriveError::Store(error)),
        }
    }
    Err(DriveError::Conflicted {
        attempts: config.max_attempts(),
        last,
    })
}

/// Answers every question of one run from `store`.
async fn run<S, E>(store: &S, mut step: Step<'_, E>) -> Result<E::Output, DriveError<S::Error>>
where
    S: AsyncStore + ?Sized,
    E: Endpoint,
{
    loop {
        step = match step {
            Step::NeedClient(q) => {
                let record = store.client(q.client_id()).await;
                q.provide(record.map_err(DriveError::Store)?)
            }
            Step::NeedCode(q) => {
                let record = store.code(q.code_hash()).await;
                q.provide(record.map_err(DriveError::Store)?)
            }
            Step::NeedRefreshToken(q) => {
                let record = store.refresh_token(q.token_hash()).await;
                q.provide(record.map_err(DriveError::Store)?)
            }
            Step::NeedRevocationStatus(q) => {
                let revoked = store.is_revoked(q.jti(), q.family()).await;
                q.provide(revoked.map_err(DriveError::Store)?)
            }
            Step::Done(output) => return Ok(output),
        }
    }
}
