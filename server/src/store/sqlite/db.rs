//! The database: one SQLite connection, and the transactions the server
//! runs on it.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::Connection;

use crate::store::error::StoreError;
use crate::store::sqlite::schema::migrate;

/// The database: one connection behind a mutex.
///
/// SQLite runs one writer at a time anyway, so a single connection costs no
/// parallelism that SQLite would give; it also lets the default in-memory
/// database be a plain `:memory:` one. A file database's statements may
/// wait for another process's lock (up to the busy timeout), so they run on
/// tokio's blocking pool; an in-memory database never waits for anything
/// but the mutex, and its statements take microseconds, so they run on the
/// calling task.
#[derive(Clone)]
pub struct SqliteDb {
    conn: Arc<Mutex<Connection>>,
    /// Whether statements run on the blocking pool (a file database).
    blocking: bool,
}

impl SqliteDb {
    /// Opens (or creates) the database at `path`, or an in-memory one, and
    /// creates or migrates its schema.
    pub fn open(path: Option<&Path>) -> Result<SqliteDb, StoreError> {
        let conn = match path {
            Some(path) => {
                let conn = Connection::open(path)?;
                // WAL: readers of other processes do not block the writer.
                let _mode: String =
                    conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        // Another process on the same file waits for the lock, then fails
        // with a 503 rather than at once.
        conn.busy_timeout(Duration::from_secs(5))?;
        // Room for every statement of this file, so none is ever re-parsed.
        conn.set_prepared_statement_cache_capacity(64);
        let db = SqliteDb {
            conn: Arc::new(Mutex::new(conn)),
            blocking: path.is_some(),
        };
        db.write_blocking(migrate)?;
        Ok(db)
    }

    /// Runs `f` in a write transaction (`BEGIN IMMEDIATE`) on the calling
    /// thread, and commits if it returns `Ok`; any error rolls back.
    pub fn write_blocking<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        self.transaction("BEGIN IMMEDIATE", f)
    }

    /// Runs `f` on the connection, outside any explicit transaction (each
    /// statement is its own): a lookup.
    pub async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        self.off_task(move || {
            let conn = db.conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&conn)
        })
        .await
    }

    /// Runs `f` where this database's statements run: on the blocking pool
    /// for a file, on the calling task in memory.
    async fn off_task<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce() -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        if !self.blocking {
            return f();
        }
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|_| E::from(StoreError::TaskFailed))?
    }

    /// [`SqliteDb::write_blocking`] on tokio's blocking pool, so the runtime's
    /// workers never wait for SQLite.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let db = self.clone();
        self.off_task(move || db.write_blocking(f)).await
    }

    /// Runs `f` in a read transaction (`BEGIN DEFERRED`) on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        self.off_task(move || db.transaction("BEGIN DEFERRED", f))
            .await
    }

    /// `begin`, `f`, then `COMMIT`, or `ROLLBACK` if anything failed. The
    /// three statements are prepared once and cached (rusqlite's
    /// `Transaction` would parse them again on every request).
    fn transaction<T, E: From<StoreError>>(
        &self,
        begin: &str,
        f: impl FnOnce(&Connection) -> Result<T, E>,
    ) -> Result<T, E> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        if !conn.is_autocommit() {
            // An earlier transaction panicked half-way (which also poisoned
            // the mutex): undo whatever it did.
            run(&conn, "ROLLBACK")?;
        }
        run(&conn, begin)?;
        let committed = f(&conn).and_then(|value| Ok(run(&conn, "COMMIT").map(|()| value)?));
        match committed {
            Ok(value) => Ok(value),
            Err(error) => {
                if !conn.is_autocommit() {
                    // The error that matters is the first one.
                    let _ = run(&conn, "ROLLBACK");
                }
                Err(error)
            }
        }
    }
}

fn run(conn: &Connection, sql: &str) -> Result<(), StoreError> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}
