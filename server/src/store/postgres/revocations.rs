//! The `revoked_families` and `revoked_access_tokens` tables: what the
//! engine's revocation question asks about. Each row records when it was
//! written (the database's clock), for the purge.

use deadpool_postgres::GenericClient;
use grant_engine::values::{FamilyId, TokenId};

use crate::store::error::StoreError;

/// Records `family` as revoked (its access tokens carry it as `fam`).
pub async fn revoke_family(db: &impl GenericClient, family: &FamilyId) -> Result<(), StoreError> {
    let statement = db
        .prepare_cached(
            "INSERT INTO revoked_families (family) VALUES ($1)
             ON CONFLICT (family) DO NOTHING",
        )
        .await?;
    db.execute(&statement, &[&family.as_str()]).await?;
    Ok(())
}

/// Records single access tokens as revoked, by `jti`. They are inserted in
/// sorted order, so two transactions revoking overlapping sets wait for
/// each other instead of deadlocking.
pub async fn revoke_access_tokens(
    db: &impl GenericClient,
    token_ids: &[TokenId],
) -> Result<(), StoreError> {
    let mut ids: Vec<&str> = token_ids.iter().map(TokenId::as_str).collect();
    ids.sort_unstable();
    ids.dedup();
    let statement = db
        .prepare_cached(
            "INSERT INTO revoked_access_tokens (jti)
             SELECT jti FROM unnest($1::text[]) WITH ORDINALITY AS ids (jti, n) ORDER BY n
             ON CONFLICT (jti) DO NOTHING",
        )
        .await?;
    db.execute(&statement, &[&ids]).await?;
    Ok(())
}

/// The engine's revocation question, in one round trip: whether the access
/// token `jti`, or its family, was revoked.
pub async fn is_revoked(
    db: &impl GenericClient,
    jti: &TokenId,
    family: Option<&FamilyId>,
) -> Result<bool, StoreError> {
    let statement = db
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = $1)
                 OR EXISTS (SELECT 1 FROM revoked_families WHERE family = $2)",
        )
        .await?;
    let family = family.map(FamilyId::as_str);
    let row = db.query_one(&statement, &[&jti.as_str(), &family]).await?;
    Ok(row.try_get(0)?)
}

/// Whether `family` was revoked.
pub async fn is_family_revoked(
    db: &impl GenericClient,
    family: &FamilyId,
) -> Result<bool, StoreError> {
    let statement = db
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM revoked_families WHERE family = $1)")
        .await?;
    let row = db.query_one(&statement, &[&family.as_str()]).await?;
    Ok(row.try_get(0)?)
}
