//! The blocking driver: runs any endpoint's machine against a [`Store`],
//! applies the effects, and re-runs a request whose effects conflicted.

use crate::config::config::Config;
use crate::machine::call::Call;
use crate::machine::drive_error::DriveError;
use crate::machine::endpoint::Endpoint;
use crate::machine::step::Step;
use crate::store::expectation::{ApplyError, Conflict, Expectation};
use crate::store::store::Store;

/// Runs `request` to its output, answering every question from `store`,
/// then applies the effects as one unit. If the store reports a conflict
/// (another request changed what this one read), the request is run again
/// from fresh lookups with the same `call`, up to
/// [`Config::max_attempts`] times. On `Ok` the effects are durable: send
/// the response.
///
/// ```
/// use grant_engine::{Call, ClientRecord, ClientId, Config, Exchange, GrantType, HmacKey};
/// use grant_engine::{KeyRing, MemoryStore, RequestParts, Scope, drive};
/// use grant_engine::client_secret::{ClientSecrets, Pepper};
/// use grant_engine::values::{ClientSecret, Entropy};
///
/// let secrets = ClientSecrets::new(Pepper::new("p1", &[3u8; 32]).unwrap());
/// let config = Config::new("https://as.example", "https://api.example",
///     KeyRing::new(HmacKey::new("k1", &[7u8; 32]).unwrap()))
///     .with_client_secrets(secrets.clone());
/// let id = ClientId::new("m2m").unwrap();
/// let verifier = secrets.verifier(&id, &ClientSecret::new("s3cret").unwrap()).unwrap();
/// let mut store = MemoryStore::new();
/// store.add_client(
///     ClientRecord::confidential(id, verifier)
///         .with_grant_types(&[GrantType::ClientCredentials])
///         .with_scope(Scope::parse("read write").unwrap()),
/// );
/// let body = b"grant_type=client_credentials&client_id=m2m&client_secret=s3cret&scope=read";
/// let request = Exchange::parse(&RequestParts::form_post(body), &config);
/// let call = Call::new(1_800_000_000, Entropy::from_bytes([1; 32]));
/// let outcome = drive(&mut store, &config, call, request).unwrap();
/// assert_eq!(outcome.response().status, 200);
/// assert!(outcome.response().body_str().contains(r#""scope":"read""#));
/// ```
pub fn drive<S, E>(
    store: &mut S,
    config: &Config,
    call: Call,
    request: E,
) -> Result<E::Output, DriveError<S::Error>>
where
    S: Store + ?Sized,
    E: Endpoint,
{
    let mut last = no_conflict();
    for _ in 0..config.max_attempts() {
        let output = run(store, request.start(config, &call))?;
        match store.apply(E::effects(&output)) {
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
fn run<S, E>(store: &mut S, mut step: Step<'_, E>) -> Result<E::Output, DriveError<S::Error>>
where
    S: Store + ?Sized,
    E: Endpoint,
{
    loop {
        step = match step {
            Step::NeedClient(q) => {
                let record = store.client(q.client_id()).map_err(DriveError::Store)?;
                q.provide(record)
            }
            Step::NeedCode(q) => {
                let record = store.code(q.code_hash()).map_err(DriveError::Store)?;
                q.provide(record)
            }
            Step::NeedRefreshToken(q) => {
                let record = store.refresh_token(q.token_hash());
                q.provide(record.map_err(DriveError::Store)?)
            }
            Step::NeedRevocationStatus(q) => {
                let revoked = store.is_revoked(q.jti(), q.family());
                q.provide(revoked.map_err(DriveError::Store)?)
            }
            Step::Done(output) => return Ok(output),
        }
    }
}

/// The placeholder before any run (`max_attempts` is at least 1, so it is
/// always replaced before it is reported).
pub(crate) const fn no_conflict() -> Conflict {
    Conflict {
        expected: Expectation::Nothing,
    }
}
