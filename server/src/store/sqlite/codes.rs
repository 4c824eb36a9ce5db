//! The `codes` table.

use grant_engine::values::TokenId;
use grant_engine::{CodeRecord, TokenHash};
use rusqlite::{Connection, OptionalExtension};

use crate::store::columns::join;
use crate::store::error::StoreError;
use crate::store::rows::CodeRow;

/// Stores a new code (the `StoreCode` effect). Returns `false`, and
/// stores nothing, if a code with its digest is already stored: the
/// effect expects it absent, and nothing is overwritten.
pub fn insert(conn: &Connection, code: &CodeRecord) -> Result<bool, StoreError> {
    let row = CodeRow::of(code);
    let inserted = conn
        .prepare_cached(
            "INSERT INTO codes
             (code_hash, client_id, redirect_uri, scope, subject, code_challenge,
              challenge_method, issued_at, expires_at, redeemed, access_token_ids)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (code_hash) DO NOTHING",
        )?
        .execute(rusqlite::params![
            code.code_hash.to_string(),
            row.client_id,
            row.redirect_uri,
            row.scope,
            row.subject,
            row.code_challenge,
            row.challenge_method,
            row.issued_at,
            row.expires_at,
            row.redeemed,
            row.access_token_ids,
        ])?;
    Ok(inserted == 1)
}

/// The code with this digest, as stored.
pub fn get(conn: &Connection, code_hash: &TokenHash) -> Result<Option<CodeRecord>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT client_id, redirect_uri, scope, subject, code_challenge,
                    challenge_method, issued_at, expires_at, redeemed, access_token_ids
             FROM codes WHERE code_hash = ?1",
        )?
        .query_row([code_hash.to_string()], |row| {
            Ok(CodeRow {
                client_id: row.get(0)?,
                redirect_uri: row.get(1)?,
                scope: row.get(2)?,
                subject: row.get(3)?,
                code_challenge: row.get(4)?,
                challenge_method: row.get(5)?,
                issued_at: row.get(6)?,
                expires_at: row.get(7)?,
                redeemed: row.get(8)?,
                access_token_ids: row.get(9)?,
            })
        })
        .optional()?;
    row.map(|row| row.into_record(code_hash)).transpose()
}

/// Marks an unused code redeemed with the access tokens it issued (the
/// `RedeemCode` effect). Returns `false`, and changes nothing, if the code
/// is not stored or was already redeemed: of concurrent redemptions only
/// one finds it unused.
pub fn redeem(
    conn: &Connection,
    code_hash: &TokenHash,
    access_token_ids: &[TokenId],
) -> Result<bool, StoreError> {
    let ids = join(access_token_ids.iter().map(TokenId::as_str));
    let changed = conn
        .prepare_cached(
            "UPDATE codes SET redeemed = 1, access_token_ids = ?2
             WHERE code_hash = ?1 AND redeemed = 0",
        )?
        .execute(rusqlite::params![code_hash.to_string(), ids])?;
    Ok(changed == 1)
}
