//! The `refresh_tokens` table.

use deadpool_postgres::GenericClient;
use grant_engine::values::FamilyId;
use grant_engine::{RefreshTokenRecord, TokenHash};

use crate::store::columns::to_sql_time;
use crate::store::error::StoreError;
use crate::store::rows::RefreshTokenRow;

/// The refresh token with this digest.
pub async fn get(
    db: &impl GenericClient,
    token_hash: &TokenHash,
) -> Result<Option<RefreshTokenRecord>, StoreError> {
    let statement = db
        .prepare_cached(
            "SELECT client_id, subject, scope, family, issued_at, expires_at, state,
                    rotated_at, successor, nonce, family_expires_at
             FROM refresh_tokens WHERE token_hash = $1",
        )
        .await?;
    let Some(row) = db.query_opt(&statement, &[&token_hash.to_string()]).await? else {
        return Ok(None);
    };
    RefreshTokenRow {
        client_id: row.try_get(0)?,
        subject: row.try_get(1)?,
        scope: row.try_get(2)?,
        family: row.try_get(3)?,
        issued_at: row.try_get(4)?,
        expires_at: row.try_get(5)?,
        state: row.try_get(6)?,
        rotated_at: row.try_get(7)?,
        successor: row.try_get(8)?,
        nonce: row.try_get(9)?,
        family_expires_at: row.try_get(10)?,
    }
    .into_record(token_hash)
    .map(Some)
}

/// Stores a new refresh token (the `StoreRefreshToken` effect), revoked if
/// its family is: a revoked family stays revoked. The caller holds the
/// family's lock (`apply::lock_families`), so a revocation of the family
/// either committed before this statement (and is seen here) or starts
/// after this transaction (and revokes this row). Returns `false`, and
/// stores nothing, if a token with its digest is already stored.
pub async fn insert(
    db: &impl GenericClient,
    record: &RefreshTokenRecord,
) -> Result<bool, StoreError> {
    let row = RefreshTokenRow::of(record);
    let statement = db
        .prepare_cached(
            "INSERT INTO refresh_tokens
             (token_hash, client_id, subject, scope, family, issued_at, expires_at, state,
              rotated_at, successor, nonce, family_expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7,
                     CASE WHEN EXISTS (SELECT 1 FROM revoked_families WHERE family = $5)
                          THEN 'revoked' ELSE $8 END,
                     $9, $10, $11, $12)
             ON CONFLICT (token_hash) DO NOTHING",
        )
        .await?;
    let inserted = db
        .execute(
            &statement,
            &[
                &record.token_hash.to_string(),
                &row.client_id,
                &row.subject,
                &row.scope,
                &row.family,
                &row.issued_at,
                &row.expires_at,
                &row.state,
                &row.rotated_at,
                &row.successor,
                &row.nonce,
                &row.family_expires_at,
            ],
        )
        .await?;
    Ok(inserted == 1)
}

/// Marks an active token rotated: replaced at `at` by `successor`, with
/// `nonce` if a grace period derived it (the `RotateRefreshToken` effect).
/// Returns `false`, and
/// changes nothing, if the token is not stored or no longer active. Of
/// concurrent rotations the first holds the row; the others wait, re-check
/// `state = 'active'` on the row it committed, and change nothing: a token
/// is rotated at most once, so a family never forks.
pub async fn rotate(
    db: &impl GenericClient,
    token_hash: &TokenHash,
    at: u64,
    successor: &TokenHash,
    nonce: Option<&str>,
) -> Result<bool, StoreError> {
    let statement = db
        .prepare_cached(
            "UPDATE refresh_tokens SET state = 'rotated', rotated_at = $2, successor = $3,
                                       nonce = $4
             WHERE token_hash = $1 AND state = 'active'",
        )
        .await?;
    let changed = db
        .execute(
            &statement,
            &[
                &token_hash.to_string(),
                &to_sql_time(at),
                &successor.to_string(),
                &nonce,
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Confirms a regrant (the `Regrant` effect): `predecessor` is rotated to
/// exactly `successor`, and `successor` is still active. Changes nothing,
/// but holds a share lock on the successor's row until the transaction
/// ends: a concurrent use or revocation of it either committed first (the
/// lock waits for it, re-checks the row, and finds it no longer active) or
/// waits for this unit to commit.
pub async fn confirm_regrant(
    db: &impl GenericClient,
    predecessor: &TokenHash,
    successor: &TokenHash,
) -> Result<bool, StoreError> {
    let statement = db
        .prepare_cached(
            "SELECT 1 FROM refresh_tokens s
             WHERE s.token_hash = $2 AND s.state = 'active'
               AND EXISTS (SELECT 1 FROM refresh_tokens p
                           WHERE p.token_hash = $1 AND p.state = 'rotated'
                             AND p.successor = $2)
             FOR SHARE OF s",
        )
        .await?;
    let found = db
        .query_opt(
            &statement,
            &[&predecessor.to_string(), &successor.to_string()],
        )
        .await?;
    Ok(found.is_some())
}

/// Revokes every refresh token of `family` (the caller holds its lock).
pub async fn revoke_family(db: &impl GenericClient, family: &FamilyId) -> Result<(), StoreError> {
    let statement = db
        .prepare_cached(
            "UPDATE refresh_tokens SET state = 'revoked'
             WHERE family = $1 AND state <> 'revoked'",
        )
        .await?;
    db.execute(&statement, &[&family.as_str()]).await?;
    Ok(())
}
