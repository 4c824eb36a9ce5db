//! The `clients` table.

use grant_engine::values::SecretHash;
use grant_engine::{ClientId, ClientRecord, GrantType, RedirectUri};
use rusqlite::{Connection, OptionalExtension};

use crate::store::columns::{join, parse_scope};
use crate::store::error::StoreError;

/// The client with this id.
pub fn get(conn: &Connection, client_id: &ClientId) -> Result<Option<ClientRecord>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT secret_hash, grant_types, scope, redirect_uris, introspect_any
             FROM clients WHERE client_id = ?1",
        )?
        .query_row([client_id.as_str()], |row| {
            Ok((
                row.get::<_, Option<String>>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, bool>(4)?,
            ))
        })
        .optional()?;
    let Some((secret_hash, grant_types, scope, redirect_uris, introspect_any)) = row else {
        return Ok(None);
    };
    let secret_hash = secret_hash
        .map(|h| SecretHash::from_base64url(&h))
        .transpose()
        .map_err(|_| StoreError::Corrupt("secret hash"))?;
    let grant_types = grant_types
        .split_whitespace()
        .map(|name| GrantType::from_name(name).ok_or(StoreError::Corrupt("grant type")))
        .collect::<Result<Vec<_>, _>>()?;
    let redirect_uris = redirect_uris
        .split_whitespace()
        .map(|uri| RedirectUri::new(uri).map_err(|_| StoreError::Corrupt("redirect_uri")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(ClientRecord {
        secret_hash,
        grant_types,
        scope: parse_scope(&scope)?,
        redirect_uris,
        introspect_any,
        ..ClientRecord::public(client_id.clone())
    }))
}

/// Registers `client` unless a client with its id exists; returns
/// whether it was inserted.
pub fn insert_if_absent(conn: &Connection, client: &ClientRecord) -> Result<bool, StoreError> {
    let grant_types = join(client.grant_types.iter().map(|g| g.as_str()));
    let redirect_uris = join(client.redirect_uris.iter().map(RedirectUri::as_str));
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO clients
             (client_id, secret_hash, grant_types, scope, redirect_uris, introspect_any)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(rusqlite::params![
            client.client_id.as_str(),
            client.secret_hash.map(|h| h.to_string()),
            grant_types,
            client.scope.to_string(),
            redirect_uris,
            client.introspect_any,
        ])?;
    Ok(inserted == 1)
}
