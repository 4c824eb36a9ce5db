//! The `codes` table.

use deadpool_postgres::GenericClient;
use grant_engine::values::TokenId;
use grant_engine::{CodeRecord, TokenHash};

use crate::store::columns::join;
use crate::store::error::StoreError;
use crate::store::rows::CodeRow;

/// Stores a new code (the `StoreCode` effect). Returns `false`, and
/// stores nothing, if a code with its digest is already stored (or being
/// stored by a transaction that then commits): the effect expects it
/// absent, and nothing is overwritten.
pub async fn insert(db: &impl GenericClient, code: &CodeRecord) -> Result<bool, StoreError> {
    let row = CodeRow::of(code);
    let statement = db
        .prepare_cached(
            "INSERT INTO codes
             (code_hash, client_id, redirect_uri, scope, subject, code_challenge,
              challenge_method, issued_at, expires_at, redeemed, access_token_ids)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (code_hash) DO NOTHING",
        )
        .await?;
    let inserted = db
        .execute(
            &statement,
            &[
                &code.code_hash.to_string(),
                &row.client_id,
                &row.redirect_uri,
                &row.scope,
                &row.subject,
                &row.code_challenge,
                &row.challenge_method,
                &row.issued_at,
                &row.expires_at,
                &row.redeemed,
                &row.access_token_ids,
            ],
        )
        .await?;
    Ok(inserted == 1)
}

/// The code with this digest, as stored.
pub async fn get(
    db: &impl GenericClient,
    code_hash: &TokenHash,
) -> Result<Option<CodeRecord>, StoreError> {
    let statement = db
        .prepare_cached(
            "SELECT client_id, redirect_uri, scope, subject, code_challenge,
                    challenge_method, issued_at, expires_at, redeemed, access_token_ids
             FROM codes WHERE code_hash = $1",
        )
        .await?;
    let Some(row) = db.query_opt(&statement, &[&code_hash.to_string()]).await? else {
        return Ok(None);
    };
    CodeRow {
        client_id: row.try_get(0)?,
        redirect_uri: row.try_get(1)?,
        scope: row.try_get(2)?,
        subject: row.try_get(3)?,
        code_challenge: row.try_get(4)?,
        challenge_method: row.try_get(5)?,
        issued_at: row.try_get(6)?,
        expires_at: row.try_get(7)?,
        redeemed: row.try_get(8)?,
        access_token_ids: row.try_get(9)?,
    }
    .into_record(code_hash)
    .map(Some)
}

/// Marks an unused code redeemed with the access tokens it issued (the
/// `RedeemCode` effect). Returns `false`, and changes nothing, if the code
/// is not stored or was already redeemed. A concurrent redemption holds
/// the row until it ends; this one then re-reads it, finds it redeemed and
/// changes nothing (READ COMMITTED re-checks the `WHERE` on the newest
/// row), so of concurrent redemptions exactly one applies.
pub async fn redeem(
    db: &impl GenericClient,
    code_hash: &TokenHash,
    access_token_ids: &[TokenId],
) -> Result<bool, StoreError> {
    let ids = join(access_token_ids.iter().map(TokenId::as_str));
    let statement = db
        .prepare_cached(
            "UPDATE codes SET redeemed = true, access_token_ids = $2
             WHERE code_hash = $1 AND NOT redeemed",
        )
        .await?;
    let changed = db
        .execute(&statement, &[&code_hash.to_string(), &ids])
        .await?;
    Ok(changed == 1)
}
