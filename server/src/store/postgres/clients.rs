//! The `clients` table.

use deadpool_postgres::GenericClient;
use grant_engine::{ClientId, ClientRecord};

use crate::store::error::StoreError;
use crate::store::rows::ClientRow;

/// The client with this id.
pub async fn get(
    db: &impl GenericClient,
    client_id: &ClientId,
) -> Result<Option<ClientRecord>, StoreError> {
    let statement = db
        .prepare_cached(
            "SELECT secret_hash, grant_types, scope, redirect_uris, introspect_any
             FROM clients WHERE client_id = $1",
        )
        .await?;
    let Some(row) = db.query_opt(&statement, &[&client_id.as_str()]).await? else {
        return Ok(None);
    };
    ClientRow {
        secret_hash: row.try_get(0)?,
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
             (client_id, secret_hash, grant_types, scope, redirect_uris, introspect_any)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (client_id) DO NOTHING",
        )
        .await?;
    let inserted = db
        .execute(
            &statement,
            &[
                &client.client_id.as_str(),
                &row.secret_hash,
                &row.grant_types,
                &row.scope,
                &row.redirect_uris,
                &row.introspect_any,
            ],
        )
        .await?;
    Ok(inserted == 1)
}
