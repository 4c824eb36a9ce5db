//! The schema: created on start if absent (`IF NOT EXISTS`, so two
//! processes starting at once on one file both succeed).
//!
//! Codes and refresh tokens are stored only as SHA-256 digests, client
//! secrets only as `SecretHash`es. The columns that effects change carry
//! the state their expectations compare against (`redeemed`, `state`).

/// Created on start if absent. Lists (grant types, redirect URIs, token
/// ids) are space-separated: none of their items may contain a space.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS clients (
    client_id      TEXT PRIMARY KEY,
    secret_hash    TEXT,              -- base64url SHA-256 of the secret; NULL: public client
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
