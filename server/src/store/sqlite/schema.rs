//! The schema, as migrations numbered by SQLite's `user_version`: a new
//! database runs them all, an older one the ones it lacks. They run in one
//! `BEGIN IMMEDIATE` transaction, so two processes starting at once on one
//! file migrate it once (the second waits, then finds nothing to do).
//!
//! Codes and refresh tokens are stored only as SHA-256 digests, client
//! secrets only as verifiers keyed by the configuration's pepper. The
//! columns that effects change carry the state their expectations compare
//! against (`redeemed`, `state`).

use rusqlite::Connection;

use crate::store::error::StoreError;

/// Version 1: the tables. `IF NOT EXISTS` because databases created before
/// the migrations were numbered have these tables at version 0. Lists
/// (grant types, redirect URIs, token ids) are space-separated: none of
/// their items may contain a space.
const V1: &str = "
CREATE TABLE IF NOT EXISTS clients (
    client_id      TEXT PRIMARY KEY,
    secret_hash    TEXT,              -- base64url SHA-256 of the secret (V4: secret_verifier); NULL: public
    grant_types    TEXT NOT NULL,
    scope          TEXT NOT NULL,
    redirect_uris  TEXT NOT NULL,
    introspect_any INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE IF NOT EXISTS codes (
    code_hash        TEXT PRIMARY KEY,  -- base64url SHA-256 of the code
    client_id        TEXT NOT NULL,
    redirect_uri     TEXT,
    scope            TEXT NOT NULL,
    subject          TEXT NOT NULL,
    code_challenge   TEXT,
    challenge_method TEXT,
    issued_at        INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    redeemed         INTEGER NOT NULL DEFAULT 0,
    access_token_ids TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TABLE IF NOT EXISTS refresh_tokens (
    token_hash TEXT PRIMARY KEY,        -- base64url SHA-256 of the token
    client_id  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    scope      TEXT NOT NULL,
    family     TEXT NOT NULL,
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('active', 'rotated', 'revoked')),
    rotated_at INTEGER,
    successor  TEXT,                    -- base64url SHA-256 of the successor
    nonce      TEXT                     -- the successor's (non-secret) derivation input
) STRICT;
CREATE INDEX IF NOT EXISTS refresh_tokens_by_family ON refresh_tokens (family);
CREATE TABLE IF NOT EXISTS revoked_families (family TEXT PRIMARY KEY) STRICT;
CREATE TABLE IF NOT EXISTS revoked_access_tokens (jti TEXT PRIMARY KEY) STRICT;
";

/// Version 2: when each revocation was recorded, and the indexes the purge
/// scans by. Revocations recorded before it count from the migration.
const V2: &str = "
ALTER TABLE revoked_families ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;
UPDATE revoked_families SET revoked_at = unixepoch();
ALTER TABLE revoked_access_tokens ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;
UPDATE revoked_access_tokens SET revoked_at = unixepoch();
CREATE INDEX codes_by_expiry ON codes (expires_at);
CREATE INDEX revoked_families_by_age ON revoked_families (revoked_at);
CREATE INDEX revoked_access_tokens_by_age ON revoked_access_tokens (revoked_at);
";

/// Version 3: each refresh token carries its family's absolute end. A
/// family stored before it ends 90 days (the default lifetime) after its
/// earliest stored token.
const V3: &str = "
ALTER TABLE refresh_tokens ADD COLUMN family_expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE refresh_tokens SET family_expires_at = 7776000 + (
    SELECT min(f.issued_at) FROM refresh_tokens f WHERE f.family = refresh_tokens.family
);
";

/// Version 4: client secrets as keyed verifiers
/// (`grant_engine::client_secret::SecretVerifier`). The column is renamed;
/// the unkeyed digests it held are re-keyed at open
/// (`crate::store::sqlite::clients::upgrade_legacy`), which needs the
/// pepper and so is no SQL.
const V4: &str = "
ALTER TABLE clients RENAME COLUMN secret_hash TO secret_verifier;
";

/// The migrations in order: index `i` takes the schema from version `i`
/// to `i + 1`.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4];

/// Brings the schema to the newest version, inside the caller's write
/// transaction. A database newer than this build is refused.
pub fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let current = usize::try_from(version).map_err(|_| StoreError::Corrupt("user_version"))?;
    let Some(missing) = MIGRATIONS.get(current..) else {
        return Err(StoreError::SchemaTooNew {
            found: version,
            known: MIGRATIONS.len(),
        });
    };
    for migration in missing {
        conn.execute_batch(migration)?;
    }
    // `PRAGMA` takes no parameters; the number is ours.
    conn.execute_batch(&format!("PRAGMA user_version = {}", MIGRATIONS.len()))?;
    Ok(())
}
