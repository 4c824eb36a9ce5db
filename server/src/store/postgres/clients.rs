//! The `clients` table.

use deadpool_postgres::GenericClient;
use grant_engine::client_secret::ClientSecrets;
use grant_engine::{ClientId, ClientRecord};

use crate::store::error::StoreError;
use crate::store::rows::{ClientRow, upgrade};

/// The client with this id.
pub async fn get(
    db: &impl GenericClient,
    client_id: &ClientId,
) -> Result<Option<ClientRecord>, StoreError> {
    let statement = db
        .prepare_cached(
            "SELECT secret_verifier, grant_types, scope, redirect_uris, introspect_any
             FROM clients WHERE client_id = $1",
        )
        .await?;
    let Some(row) = db.query_opt(&statement, &[&client_id.as_str()]).await? else {
        return Ok(None);
    };
    ClientRow {
        secret_verifier: row.try_get(0)?,
        grant_types: row.try_get(1)?,
        scope: row.try_get(2)?,
        redirect_uris: row.try_get(3)?,
        introspect_any: row.try_get(4)?,
    }
    .into_record(client_id)
    .map(Some)
}

/// Registers `client` unless a client with its id exists; returns
/// whether it was inserted.
pub async fn insert_if_absent(
    db: &impl GenericClient,
    client: &ClientRecord,
) -> Result<bool, StoreError> {
    let row = ClientRow::of(client);
    let statement = db
        .prepare_cached(
            "INSERT INTO clients
             (client_id, secret_verifier, grant_types, scope, redirect_uris, introspect_any)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (client_id) DO NOTHING",
        )
        .await?;
    let inserted = db
        .execute(
            &statement,
            &[
                &client.client_id.as_str(),
                &row.secret_verifier,
                &row.grant_types,
                &row.scope,
                &row.redirect_uris,
                &row.introspect_any,
            ],
        )
        .await?;
    Ok(inserted == 1)
}

/// Replaces every unkeyed SHA-256 digest (the format before peppers, which
/// has no `:`) with its keyed verifier under `secrets`; returns how many
/// it changed.
/// Each row changes only if it still holds the digest read, so processes
/// starting at once upgrade it once.
pub async fn upgrade_legacy(
    db: &impl GenericClient,
    secrets: &ClientSecrets,
) -> Result<usize, StoreError> {
    let rows = db
        .query(
            "SELECT client_id, secret_verifier FROM clients
             WHERE secret_verifier IS NOT NULL AND strpos(secret_verifier, ':') = 0",
            &[],
        )
        .await?;
    let mut upgraded = 0;
    for row in &rows {
        let client_id: String = row.try_get(0)?;
        let digest: String = row.try_get(1)?;
        let verifier = upgrade(secrets, &client_id, &digest)?;
        upgraded += db
            .execute(
                "UPDATE clients SET secret_verifier = $1 WHERE client_id = $2 AND secret_verifier = $3",
                &[&verifier.to_string(), &client_id, &digest],
            )
            .await?;
    }
    usize::try_from(upgraded).map_err(|_| StoreError::Corrupt("row count"))
}
