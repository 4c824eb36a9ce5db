//! The `refresh_tokens` table.

use grant_engine::values::FamilyId;
use grant_engine::{RefreshTokenRecord, TokenHash};
use rusqlite::{Connection, OptionalExtension};

use crate::store::columns::to_sql_time;
use crate::store::error::StoreError;
use crate::store::rows::RefreshTokenRow;
use crate::store::sqlite::revocations;

/// The refresh token with this digest.
pub fn get(
    conn: &Connection,
    token_hash: &TokenHash,
) -> Result<Option<RefreshTokenRecord>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT client_id, subject, scope, family, issued_at, expires_at, state,
                    rotated_at, successor, nonce, family_expires_at
             FROM refresh_tokens WHERE token_hash = ?1",
        )?
        .query_row([token_hash.to_string()], |row| {
            Ok(RefreshTokenRow {
                client_id: row.get(0)?,
                subject: row.get(1)?,
                scope: row.get(2)?,
                family: row.get(3)?,
                issued_at: row.get(4)?,
                expires_at: row.get(5)?,
                state: row.get(6)?,
                rotated_at: row.get(7)?,
                successor: row.get(8)?,
                nonce: row.get(9)?,
                family_expires_at: row.get(10)?,
            })
        })
        .optional()?;
    row.map(|row| row.into_record(token_hash)).transpose()
}

/// Stores a new refresh token (the `StoreRefreshToken` effect), revoked
/// if its family is: a revoked family stays revoked. Returns `false`, and
/// stores nothing, if a token with its digest is already stored.
pub fn insert(conn: &Connection, record: &RefreshTokenRecord) -> Result<bool, StoreError> {
    let mut row = RefreshTokenRow::of(record);
    if revocations::is_family_revoked(conn, &record.family)? {
        row.state = String::from("revoked");
    }
    let inserted = conn
        .prepare_cached(
            "INSERT INTO refresh_tokens
             (token_hash, client_id, subject, scope, family, issued_at, expires_at, state,
              rotated_at, successor, nonce, family_expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (token_hash) DO NOTHING",
        )?
        .execute(rusqlite::params![
            record.token_hash.to_string(),
            row.client_id,
            row.subject,
            row.scope,
            row.family,
            row.issued_at,
            row.expires_at,
            row.state,
            row.rotated_at,
            row.successor,
            row.nonce,
            row.family_expires_at,
        ])?;
    Ok(inserted == 1)
}

/// Marks an active token rotated: replaced at `at` by `successor`, with
/// `nonce` if a grace period derived it (the `RotateRefreshToken` effect).
/// Returns `false`, and
/// changes nothing, if the token is not stored or no longer active: a
/// token is rotated at most once, so a family never forks.
pub fn rotate(
    conn: &Connection,
    token_hash: &TokenHash,
    at: u64,
    successor: &TokenHash,
    nonce: Option<&str>,
) -> Result<bool, StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE refresh_tokens SET state = 'rotated', rotated_at = ?2, successor = ?3,
                                       nonce = ?4
             WHERE token_hash = ?1 AND state = 'active'",
        )?
        .execute(rusqlite::params![
            token_hash.to_string(),
            to_sql_time(at),
            successor.to_string(),
            nonce
        ])?;
    Ok(changed == 1)
}

/// Confirms a regrant (the `Regrant` effect): `predecessor` is rotated to
/// exactly `successor`, and `successor` is still active. Changes nothing;
/// the caller's write transaction keeps a use of the successor from
/// slipping in between this check and the commit.
pub fn confirm_regrant(
    conn: &Connection,
    predecessor: &TokenHash,
    successor: &TokenHash,
) -> Result<bool, StoreError> {
    let found = conn
        .prepare_cached(
            "SELECT 1 FROM refresh_tokens s
             WHERE s.token_hash = ?2 AND s.state = 'active'
               AND EXISTS (SELECT 1 FROM refresh_tokens p
                           WHERE p.token_hash = ?1 AND p.state = 'rotated'
                             AND p.successor = ?2)",
        )?
        .query_row([predecessor.to_string(), successor.to_string()], |_| Ok(()))
        .optional()?;
    Ok(found.is_some())
}

/// Revokes every refresh token of `family`.
pub fn revoke_family(conn: &Connection, family: &FamilyId) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE refresh_tokens SET state = 'revoked' WHERE family = ?1")?
        .execute([family.as_str()])?;
    Ok(())
}
