//! The `revoked_families` and `revoked_access_tokens` tables: what the
//! engine's revocation question asks about.

use grant_engine::values::{FamilyId, TokenId};
use rusqlite::Connection;

use crate::store::error::StoreError;

/// Records `family` as revoked (its access tokens carry it as `fam`), at
/// the database's clock (for the purge).
pub fn revoke_family(conn: &Connection, family: &FamilyId) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO revoked_families (family, revoked_at) VALUES (?1, unixepoch())",
    )?
    .execute([family.as_str()])?;
    Ok(())
}

/// Records single access tokens as revoked, by `jti`, at the database's
/// clock (for the purge).
pub fn revoke_access_tokens(conn: &Connection, token_ids: &[TokenId]) -> Result<(), StoreError> {
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO revoked_access_tokens (jti, revoked_at) VALUES (?1, unixepoch())",
    )?;
    for jti in token_ids {
        insert.execute([jti.as_str()])?;
    }
    Ok(())
}

/// Whether `family` was revoked.
pub fn is_family_revoked(conn: &Connection, family: &FamilyId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM revoked_families WHERE family = ?1")?
        .exists([family.as_str()])?)
}

/// Whether the access token `jti` was revoked by itself.
pub fn is_access_token_revoked(conn: &Connection, jti: &TokenId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM revoked_access_tokens WHERE jti = ?1")?
        .exists([jti.as_str()])?)
}

/// The engine's revocation question: whether the access token `jti`, or
/// its family, was revoked.
pub fn is_revoked(
    conn: &Connection,
    jti: &TokenId,
    family: Option<&FamilyId>,
) -> Result<bool, StoreError> {
    if is_access_token_revoked(conn, jti)? {
        return Ok(true);
    }
    match family {
        Some(family) => is_family_revoked(conn, family),
        None => Ok(false),
    }
}
