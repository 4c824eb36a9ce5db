//! The schema, as numbered migrations recorded in `grant_engine_schema`.
//! They run in one transaction that first takes a fixed advisory lock, so
//! processes starting at once migrate the database once: the others wait
//! for the lock, then find nothing left to do (`CREATE TABLE IF NOT
//! EXISTS` alone is not safe under concurrency in PostgreSQL).
//!
//! The columns are the SQLite store's (`crate::store::rows`): codes and
//! refresh tokens only as SHA-256 digests, client secrets only as keyed
//! verifiers, lists space-separated.

use deadpool_postgres::Client;

use crate::store::error::StoreError;

/// The advisory lock key migrations run under (`'grant-eng'` as bytes).
const MIGRATION_LOCK: i64 = 0x6772_616e_742d_656e;

/// Version 1: the tables, and the indexes the lookups and the purge use.
const V1: &str = "
CREATE TABLE clients (
    client_id      TEXT PRIMARY KEY,
    secret_hash    TEXT,               -- base64url SHA-256 of the secret (V3: secret_verifier); NULL: public
    grant_types    TEXT NOT NULL,
    scope          TEXT NOT NULL,
    redirect_uris  TEXT NOT NULL,
    introspect_any BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE codes (
    code_hash        TEXT PRIMARY KEY, -- base64url SHA-256 of the code
    client_id        TEXT NOT NULL,
    redirect_uri     TEXT,
    scope            TEXT NOT NULL,
    subject          TEXT NOT NULL,
    code_challenge   TEXT,
    challenge_method TEXT,
    issued_at        BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    redeemed         BOOLEAN NOT NULL DEFAULT false,
    access_token_ids TEXT NOT NULL DEFAULT ''
);
CREATE INDEX codes_by_expiry ON codes (expires_at);
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,       -- base64url SHA-256 of the token
    client_id  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    scope      TEXT NOT NULL,
    family     TEXT NOT NULL,
    issued_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('active', 'rotated', 'revoked')),
    rotated_at BIGINT,
    successor  TEXT,                   -- base64url SHA-256 of the successor
    nonce      TEXT                    -- the successor's (non-secret) derivation input
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family);
CREATE TABLE revoked_families (
    family     TEXT PRIMARY KEY,
    revoked_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint
);
CREATE INDEX revoked_families_by_age ON revoked_families (revoked_at);
CREATE TABLE revoked_access_tokens (
    jti        TEXT PRIMARY KEY,
    revoked_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint
);
CREATE INDEX revoked_access_tokens_by_age ON revoked_access_tokens (revoked_at);
";

/// Version 2: each refresh token carries its family's absolute end. A
/// family stored before it ends 90 days (the default lifetime) after its
/// earliest stored token.
const V2: &str = "
ALTER TABLE refresh_tokens ADD COLUMN family_expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE refresh_tokens t SET family_expires_at = 7776000 + (
    SELECT min(f.issued_at) FROM refresh_tokens f WHERE f.family = t.family
);
";

/// Version 3: client secrets as keyed verifiers
/// (`grant_engine::client_secret::SecretVerifier`). The column is renamed;
/// the unkeyed digests it held are re-keyed at open
/// (`crate::store::postgres::clients::upgrade_legacy`), which needs the
/// pepper and so is no SQL.
const V3: &str = "
ALTER TABLE clients RENAME COLUMN secret_hash TO secret_verifier;
";

/// The migrations in order: index `i` takes the schema from version `i`
/// to `i + 1`.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// Brings the schema to the newest version. A database newer than this
/// build is refused.
pub async fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS grant_engine_schema (version INTEGER NOT NULL)")
        .await?;
    let version: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM grant_engine_schema",
            &[],
        )
        .await?
        .try_get(0)?;
    let current = usize::try_from(version).map_err(|_| StoreError::Corrupt("schema version"))?;
    let Some(missing) = MIGRATIONS.get(current..) else {
        return Err(StoreError::SchemaTooNew {
            found: version.into(),
            known: MIGRATIONS.len(),
        });
    };
    for migration in missing {
        tx.batch_execute(migration).await?;
    }
    let newest = i32::try_from(MIGRATIONS.len()).map_err(|_| StoreError::Corrupt("migrations"))?;
    if !missing.is_empty() {
        tx.execute("DELETE FROM grant_engine_schema", &[]).await?;
        tx.execute(
            "INSERT INTO grant_engine_schema (version) VALUES ($1)",
            &[&newest],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
