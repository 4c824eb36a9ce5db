//! The purge (`crate::store::purge`) on PostgreSQL: each statement on its
//! own (autocommit), so it never holds a lock a request waits for long.
//! Two processes purging at once delete each row once; the other finds it
//! gone.

use crate::store::error::StoreError;
use crate::store::postgres::db::PgDb;
use crate::store::purge::{self, Cutoffs, Purged};

/// Deletes what `cutoffs` allow.
pub async fn purge(db: &PgDb, cutoffs: Cutoffs) -> Result<Purged, StoreError> {
    let connection = db.connection().await?;
    let delete = async |sql: &str, before: i64| -> Result<u64, StoreError> {
        Ok(connection.execute(sql, &[&before]).await?)
    };
    Ok(Purged {
        codes: delete(purge::CODES, cutoffs.expired_before).await?,
        refresh_tokens: delete(purge::REFRESH_TOKENS, cutoffs.expired_before).await?,
        revoked_families: delete(purge::REVOKED_FAMILIES, cutoffs.revoked_before).await?,
        revoked_access_tokens: delete(purge::REVOKED_ACCESS_TOKENS, cutoffs.revoked_before).await?,
    })
}
