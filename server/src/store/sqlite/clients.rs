//! The `clients` table.

use grant_engine::{ClientId, ClientRecord};
use rusqlite::{Connection, OptionalExtension};

use crate::store::error::StoreError;
use crate::store::rows::ClientRow;

/// The client with this id.
pub fn get(conn: &Connection, client_id: &ClientId) -> Result<Option<ClientRecord>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT secret_hash, grant_types, scope, redirect_uris, introspect_any
             FROM clients WHERE client_id = ?1",
        )?
        .query_row([client_id.as_str()], |row| {
            Ok(ClientRow {
                secret_hash: row.get(0)?,
                grant_types: row.get(1)?,
                scope: row.get(2)?,
                redirect_uris: row.get(3)?,
                introspect_any: row.get(4)?,
            })
        })
        .optional()?;
    row.map(|row| row.into_record(client_id)).transpose()
}

/// Registers `client` unless a client with its id exists; returns
/// whether it was inserted.
pub fn insert_if_absent(conn: &Connection, client: &ClientRecord) -> Result<bool, StoreError> {
    let row = ClientRow::of(client);
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO clients
             (client_id, secret_hash, grant_types, scope, redirect_uris, introspect_any)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(rusqlite::params![
            client.client_id.as_str(),
            row.secret_hash,
            row.grant_types,
            row.scope,
            row.redirect_uris,
            row.introspect_any,
        ])?;
    Ok(inserted == 1)
}
