//! The PostgreSQL database: a pool of connections shared by every request
//! of this process, and by nothing else (other processes have their own).

use std::time::Duration;

use deadpool_postgres::{Client, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use crate::store::error::StoreError;
use crate::store::postgres::schema::migrate;

/// How long a request waits for a connection (from the pool, or a new one)
/// before it is answered 503: long enough for a burst, short enough that a
/// database that went away is noticed quickly.
const WAIT: Duration = Duration::from_secs(3);

/// A pool of connections to one PostgreSQL database.
#[derive(Clone)]
pub struct PgDb {
    pool: Pool,
}

impl PgDb {
    /// Connects to the database at `config`, with at most `max_connections`
    /// connections, and creates or migrates the schema. Fails if the
    /// database cannot be reached now.
    pub async fn connect(
        mut config: tokio_postgres::Config,
        max_connections: usize,
    ) -> Result<PgDb, StoreError> {
        config.connect_timeout(WAIT);
        config.application_name("grant-engine");
        // `Fast` recycling checks only that a connection is still open: a
        // connection the server dropped fails its next statement with a
        // 503, and the pool replaces it.
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(WAIT))
            .create_timeout(Some(WAIT))
            .recycle_timeout(Some(WAIT))
            .build()
            .map_err(|e| StoreError::PoolSetup(e.to_string()))?;
        let db = PgDb { pool };
        migrate(&mut db.connection().await?).await?;
        Ok(db)
    }

    /// A connection from the pool (returned to it when dropped).
    pub async fn connection(&self) -> Result<Client, StoreError> {
        Ok(self.pool.get().await?)
    }
}
