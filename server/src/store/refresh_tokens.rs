//! The `refresh_tokens` table.

use grant_engine::store::RefreshTokenState;
use grant_engine::values::FamilyId;
use grant_engine::{RefreshTokenRecord, Subject, TokenHash};
use rusqlite::{Connection, OptionalExtension};

use crate::store::columns::{from_sql_time, parse_client_id, parse_scope, to_sql_time};
use crate::store::error::StoreError;
use crate::store::revocations;

/// The refresh token with this digest.
pub fn get(
    conn: &Connection,
    token_hash: &TokenHash,
) -> Result<Option<RefreshTokenRecord>, StoreError> {
    type Row = (
        String,
        String,
        String,
        String,
        i64,
        i64,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT client_id, subject, scope, family, issued_at, expires_at, state,
                    rotated_at, successor, nonce
             FROM refresh_tokens WHERE token_hash = ?1",
        )?
        .query_row([token_hash.to_string()], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
                row.get(7)?,
                row.get(8)?,
                row.get(9)?,
            ))
        })
        .optional()?;
    let Some((
        client_id,
        subject,
        scope,
        family,
        issued_at,
        expires_at,
        state,
        at,
        successor,
        nonce,
    )) = row
    else {
        return Ok(None);
    };
    let state = match (state.as_str(), at, successor, nonce) {
        ("active", ..) => RefreshTokenState::Active,
        ("revoked", ..) => RefreshTokenState::Revoked,
        ("rotated", Some(at), Some(successor), Some(nonce)) => RefreshTokenState::Rotated {
            at: from_sql_time(at)?,
            successor: TokenHash::from_base64url(&successor)
                .map_err(|_| StoreError::Corrupt("successor"))?,
            nonce,
        },
        _ => return Err(StoreError::Corrupt("refresh token state")),
    };
    Ok(Some(RefreshTokenRecord {
        token_hash: *token_hash,
        client_id: parse_client_id(client_id)?,
        subject: Subject::new(subject).map_err(|_| StoreError::Corrupt("subject"))?,
        scope: parse_scope(&scope)?,
        family: FamilyId::new(family).map_err(|_| StoreError::Corrupt("family"))?,
        issued_at: from_sql_time(issued_at)?,
        expires_at: from_sql_time(expires_at)?,
        state,
    }))
}

/// Stores a new refresh token (the `StoreRefreshToken` effect), revoked
/// if its family is: a revoked family stays revoked. Returns `false`, and
/// stores nothing, if a token with its digest is already stored.
pub fn insert(conn: &Connection, record: &RefreshTokenRecord) -> Result<bool, StoreError> {
    let (state, at, successor, nonce) = match &record.state {
        RefreshTokenState::Active => ("active", None, None, None),
        RefreshTokenState::Revoked => ("revoked", None, None, None),
        RefreshTokenState::Rotated {
            at,
            successor,
            nonce,
        } => (
            "rotated",
            Some(to_sql_time(*at)),
            Some(successor.to_string()),
            Some(nonce.as_str()),
        ),
    };
    let state = if revocations::is_family_revoked(conn, &record.family)? {
        "revoked"
    } else {
        state
    };
    let inserted = conn
        .prepare_cached(
            "INSERT INTO refresh_tokens
             (token_hash, client_id, subject, scope, family, issued_at, expires_at, state,
              rotated_at, successor, nonce)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (token_hash) DO NOTHING",
        )?
        .execute(rusqlite::params![
            record.token_hash.to_string(),
            record.client_id.as_str(),
            record.subject.as_str(),
            record.scope.to_string(),
            record.family.as_str(),
            to_sql_time(record.issued_at),
            to_sql_time(record.expires_at),
            state,
            at,
            successor,
            nonce,
        ])?;
    Ok(inserted == 1)
}

/// Marks an active token rotated: replaced at `at` by `successor`, derived
/// with `nonce` (the `RotateRefreshToken` effect). Returns `false`, and
/// changes nothing, if the token is not stored or no longer active: a
/// token is rotated at most once, so a family never forks.
pub fn rotate(
    conn: &Connection,
    token_hash: &TokenHash,
    at: u64,
    successor: &TokenHash,
    nonce: &str,
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

/// Revokes every refresh token of `family`.
pub fn revoke_family(conn: &Connection, family: &FamilyId) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE refresh_tokens SET state = 'revoked' WHERE family = ?1")?
        .execute([family.as_str()])?;
    Ok(())
}
