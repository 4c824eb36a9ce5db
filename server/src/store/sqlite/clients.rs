//! The `clients` table.

use grant_engine::client_secret::ClientSecrets;
use grant_engine::{ClientId, ClientRecord};
use rusqlite::{Connection, OptionalExtension};

use crate::store::error::StoreError;
use crate::store::rows::{ClientRow, upgrade};

/// The client with this id.
pub fn get(conn: &Connection, client_id: &ClientId) -> Result<Option<ClientRecord>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT secret_verifier, grant_types, scope, redirect_uris, introspect_any
             FROM clients WHERE client_id = ?1",
        )?
        .query_row([client_id.as_str()], |row| {
            Ok(ClientRow {
                secret_verifier: row.get(0)?,
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
             (client_id, secret_verifier, grant_types, scope, redirect_uris, introspect_any)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(rusqlite::params![
            client.client_id.as_str(),
            row.secret_verifier,
            row.grant_types,
            row.scope,
            row.redirect_uris,
            row.introspect_any,
        ])?;
    Ok(inserted == 1)
}

/// Replaces every unkeyed SHA-256 digest (the format before peppers, which
/// has no `:`) with its keyed verifier under `secrets`; returns how many
/// it changed.
pub fn upgrade_legacy(conn: &Connection, secrets: &ClientSecrets) -> Result<usize, StoreError> {
    let legacy: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT client_id, secret_verifier FROM clients
             WHERE secret_verifier IS NOT NULL AND instr(secret_verifier, ':') = 0",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut upgraded = 0;
    for (client_id, digest) in &legacy {
        let verifier = upgrade(secrets, client_id, digest)?;
        upgraded += conn
            .prepare_cached(
                "UPDATE clients SET secret_verifier = ?1 WHERE client_id = ?2 AND secret_verifier = ?3",
            )?
            .execute(rusqlite::params![verifier.to_string(), client_id, digest])?;
    }
    Ok(upgraded)
}
