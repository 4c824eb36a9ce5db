//! The store's own failures: the host's errors, answered 500 or 503, never
//! a protocol error.

use std::error::Error;
use std::fmt;

use deadpool_postgres::PoolError;
use grant_engine::store::ApplyError;
use rusqlite::ErrorCode;
use tokio_postgres::error::SqlState;

/// A storage failure.
#[derive(Debug)]
pub enum StoreError {
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// PostgreSQL failed, or the connection to it did.
    Postgres(tokio_postgres::Error),
    /// No PostgreSQL connection came from the pool in time: the server is
    /// down or every connection is busy.
    Pool(PoolError),
    /// The PostgreSQL pool could not be built.
    PoolSetup(String),
    /// A stored value does not parse back into its type.
    Corrupt(&'static str),
    /// The database's schema is newer than this server knows.
    SchemaTooNew {
        /// The database's schema version.
        found: i64,
        /// The newest version this server knows.
        known: usize,
    },
    /// The blocking task running the statement panicked or was cancelled.
    TaskFailed,
}

impl StoreError {
    /// Whether the failure is transient (the database is busy, locked,
    /// restarting or unreachable): a 503 with `Retry-After` rather than a
    /// 500, because the same request may well succeed a moment later.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
            }
            StoreError::Postgres(e) => postgres_transient(e),
            StoreError::Pool(PoolError::Backend(e)) => postgres_transient(e),
            StoreError::Pool(PoolError::Timeout(_) | PoolError::Closed) => true,
            _ => false,
        }
    }

    /// Whether PostgreSQL refused a statement only because a concurrent
    /// transaction held what it needed (a deadlock or a serialization
    /// failure): the unit changed nothing and may be run again.
    pub fn is_contention(&self) -> bool {
        match self {
            StoreError::Postgres(e) => matches!(
                e.code(),
                Some(&SqlState::T_R_SERIALIZATION_FAILURE | &SqlState::T_R_DEADLOCK_DETECTED)
            ),
            _ => false,
        }
    }
}

/// A lost or refused connection, a server shutting down or starting up,
/// too many connections, contention, or a cancelled statement.
fn postgres_transient(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        Some(code) => {
            code.code().starts_with("08")
                || matches!(
                    code,
                    &SqlState::ADMIN_SHUTDOWN
                        | &SqlState::CRASH_SHUTDOWN
                        | &SqlState::CANNOT_CONNECT_NOW
                        | &SqlState::TOO_MANY_CONNECTIONS
                        | &SqlState::T_R_SERIALIZATION_FAILURE
                        | &SqlState::T_R_DEADLOCK_DETECTED
                        | &SqlState::LOCK_NOT_AVAILABLE
                        | &SqlState::QUERY_CANCELED
                )
        }
        // No server error code: the socket failed (refused, reset, timed out).
        None => e
            .source()
            .is_some_and(|source| source.is::<std::io::Error>()),
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "sqlite: {e}"),
            StoreError::Postgres(e) => write!(f, "postgres: {e}"),
            StoreError::Pool(e) => write!(f, "postgres pool: {e}"),
            StoreError::PoolSetup(e) => write!(f, "postgres pool setup: {e}"),
            StoreError::Corrupt(what) => write!(f, "a stored {what} does not parse"),
            StoreError::SchemaTooNew { found, known } => write!(
                f,
                "the database's schema is version {found}; this server knows up to {known}"
            ),
            StoreError::TaskFailed => f.write_str("the storage task failed"),
        }
    }
}

impl Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        StoreError::Postgres(e)
    }
}

impl From<PoolError> for StoreError {
    fn from(e: PoolError) -> Self {
        StoreError::Pool(e)
    }
}

impl From<StoreError> for ApplyError<StoreError> {
    fn from(error: StoreError) -> Self {
        ApplyError::Store(error)
    }
}
