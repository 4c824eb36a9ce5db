//! The purge (`crate::store::purge`) on SQLite: each statement its own
//! write transaction, so requests wait at most for one of them.

use crate::store::error::StoreError;
use crate::store::purge::{self, Cutoffs, Purged};
use crate::store::sqlite::db::SqliteDb;

/// Deletes what `cutoffs` allow.
pub async fn purge(db: &SqliteDb, cutoffs: Cutoffs) -> Result<Purged, StoreError> {
    let delete = |sql: &'static str, before: i64| {
        db.write(move |conn| Ok::<_, StoreError>(conn.prepare_cached(sql)?.execute([before])?))
    };
    let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    Ok(Purged {
        codes: count(delete(purge::CODES, cutoffs.expired_before).await?),
        refresh_tokens: count(delete(purge::REFRESH_TOKENS, cutoffs.expired_before).await?),
        revoked_families: count(delete(purge::REVOKED_FAMILIES, cutoffs.revoked_before).await?),
        revoked_access_tokens: count(
            delete(purge::REVOKED_ACCESS_TOKENS, cutoffs.revoked_before).await?,
        ),
    })
}
