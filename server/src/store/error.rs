//! The store's own failures: the host's errors, answered 500 or 503, never
//! a protocol error.

use std::fmt;

use rusqlite::ErrorCode;

/// A storage failure.
#[derive(Debug)]
pub enum StoreError {
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// A stored value does not parse back into its type.
    Corrupt(&'static str),
    /// The blocking task running the statement panicked or was cancelled.
    TaskFailed,
}

impl StoreError {
    /// Whether the failure is transient (the database is busy or locked):
    /// a 503 rather than a 500.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        )
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "sqlite: {e}"),
            StoreError::Corrupt(what) => write!(f, "a stored {what} does not parse"),
            StoreError::TaskFailed => f.write_str("the storage task failed"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}
