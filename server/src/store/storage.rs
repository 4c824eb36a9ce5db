//! The server's database, whichever backend `--db` chose, as one
//! [`AsyncStore`] for the handlers.

use grant_engine::client_secret::ClientSecrets;
use grant_engine::store::ApplyError;
use grant_engine::values::{FamilyId, TokenId};
use grant_engine::{
    AsyncStore, ClientId, ClientRecord, CodeRecord, Effect, RefreshTokenRecord, TokenHash,
};

use crate::store::error::StoreError;
use crate::store::postgres::db::PgDb;
use crate::store::purge::{Cutoffs, Purged};
use crate::store::sqlite::db::SqliteDb;
use crate::store::target::DbTarget;
use crate::store::{postgres, sqlite};

/// SQLite (one process) or PostgreSQL (any number of processes).
#[derive(Clone)]
pub enum Storage {
    /// SQLite, in memory or in a file.
    Sqlite(SqliteDb),
    /// PostgreSQL, through a pool of `max_connections`.
    Postgres(PgDb),
}

impl Storage {
    /// Opens the database `target` names, migrates its schema and registers
    /// `clients` that are not registered yet. `max_connections` bounds the
    /// PostgreSQL pool (SQLite uses one connection).
    pub async fn open(
        target: &DbTarget,
        max_connections: usize,
        clients: &[ClientRecord],
    ) -> Result<Storage, StoreError> {
        let storage = match target {
            DbTarget::Memory => Storage::Sqlite(SqliteDb::open(None)?),
            DbTarget::File(path) => {
                let path = path.clone();
                let db = tokio::task::spawn_blocking(move || SqliteDb::open(Some(&path)))
                    .await
                    .map_err(|_| StoreError::TaskFailed)??;
                Storage::Sqlite(db)
            }
            DbTarget::Postgres(url) => {
                Storage::Postgres(PgDb::connect(url.config()?, max_connections).await?)
            }
        };
        storage.register(clients).await?;
        Ok(storage)
    }

    /// Registers each client unless one with its id exists (safe when
    /// several processes start at once): a client changed in the database
    /// keeps its changes.
    pub async fn register(&self, clients: &[ClientRecord]) -> Result<(), StoreError> {
        match self {
            Storage::Sqlite(db) => {
                let clients = clients.to_vec();
                db.write(move |conn| {
                    for client in &clients {
                        sqlite::clients::insert_if_absent(conn, client)?;
                    }
                    Ok::<_, StoreError>(())
                })
                .await
            }
            Storage::Postgres(db) => {
                let connection = db.connection().await?;
                for client in clients {
                    postgres::clients::insert_if_absent(&connection, client).await?;
                }
                Ok(())
            }
        }
    }

    /// Re-keys the client secrets a database from before peppers stored as
    /// unkeyed SHA-256 digests; returns how many.
    pub async fn upgrade_secrets(&self, secrets: &ClientSecrets) -> Result<usize, StoreError> {
        match self {
            Storage::Sqlite(db) => {
                let secrets = secrets.clone();
                db.write(move |conn| sqlite::clients::upgrade_legacy(conn, &secrets))
                    .await
            }
            Storage::Postgres(db) => {
                let connection = db.connection().await?;
                postgres::clients::upgrade_legacy(&connection, secrets).await
            }
        }
    }

    /// Deletes the records `cutoffs` allow (`crate::store::purge`).
    pub async fn purge(&self, cutoffs: Cutoffs) -> Result<Purged, StoreError> {
        match self {
            Storage::Sqlite(db) => sqlite::purge::purge(db, cutoffs).await,
            Storage::Postgres(db) => postgres::purge::purge(db, cutoffs).await,
        }
    }

    /// The SQLite database, if that is the backend (for tests that look
    /// inside).
    pub fn sqlite(&self) -> Option<&SqliteDb> {
        match self {
            Storage::Sqlite(db) => Some(db),
            Storage::Postgres(_) => None,
        }
    }

    /// The PostgreSQL database, if that is the backend.
    pub fn postgres(&self) -> Option<&PgDb> {
        match self {
            Storage::Postgres(db) => Some(db),
            Storage::Sqlite(_) => None,
        }
    }
}

impl AsyncStore for Storage {
    type Error = StoreError;

    async fn client(&self, client_id: &ClientId) -> Result<Option<ClientRecord>, StoreError> {
        match self {
            Storage::Sqlite(db) => db.client(client_id).await,
            Storage::Postgres(db) => db.client(client_id).await,
        }
    }

    async fn code(&self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, StoreError> {
        match self {
            Storage::Sqlite(db) => db.code(code_hash).await,
            Storage::Postgres(db) => db.code(code_hash).await,
        }
    }

    async fn refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, StoreError> {
        match self {
            Storage::Sqlite(db) => db.refresh_token(token_hash).await,
            Storage::Postgres(db) => db.refresh_token(token_hash).await,
        }
    }

    async fn is_revoked(
        &self,
        jti: &TokenId,
        family: Option<&FamilyId>,
    ) -> Result<bool, StoreError> {
        match self {
            Storage::Sqlite(db) => db.is_revoked(jti, family).await,
            Storage::Postgres(db) => db.is_revoked(jti, family).await,
        }
    }

    async fn apply(&self, effects: &[Effect]) -> Result<(), ApplyError<StoreError>> {
        match self {
            Storage::Sqlite(db) => db.apply(effects).await,
            Storage::Postgres(db) => db.apply(effects).await,
        }
    }
}
