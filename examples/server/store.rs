//! SQLite storage: the schema, the demo clients, one module of functions per
//! table, and [`apply`], which persists the engine's effects exactly as
//! `grant_engine::MemoryStore` does.
//!
//! Codes and refresh tokens are stored only as SHA-256 digests, client
//! secrets only as [`SecretHash`]es. Every function takes a `&Connection`,
//! so it runs inside whichever transaction the caller opened
//! ([`Db::write`] or [`Db::read`]).

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use grant_engine::{
    ClientId, ClientRecord, CodeChallenge, CodeChallengeMethod, Effect, FamilyId, GrantType,
    InvalidValue, PkceChallenge, RedirectUri, Scope, SecretHash, Subject, TokenHash, TokenId,
};
use rusqlite::{Connection, ErrorCode, OptionalExtension};

/// Created on start if absent. Lists (grant types, redirect URIs, token
/// ids) are space-separated: none of their items may contain a space.
const SCHEMA: &str = "
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

/// A storage failure: the host's error, answered with a 500 or 503, never
/// a `TokenError`.
#[derive(Debug)]
pub enum StoreError {
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// A stored value does not parse back into its type.
    Corrupt(&'static str),
    /// The engine asked for a state change this host does not know how to
    /// persist (a newer library): refuse rather than drop it.
    UnknownEffect,
    /// A record is in a state this host does not know how to store.
    UnknownState(&'static str),
    /// The blocking task running the transaction panicked or was cancelled.
    TaskFailed,
}

impl StoreError {
    /// Whether the failure is transient (the database is busy or locked):
    /// a 503 rather than a 500.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        )
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "sqlite: {e}"),
            StoreError::Corrupt(what) => write!(f, "a stored {what} does not parse"),
            StoreError::UnknownEffect => f.write_str("an effect this host cannot persist"),
            StoreError::UnknownState(what) => write!(f, "a {what} this host cannot store"),
            StoreError::TaskFailed => f.write_str("the storage task failed"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

/// The database: one connection behind a mutex.
///
/// Every token request is a write transaction (`BEGIN IMMEDIATE`), and
/// SQLite runs one writer at a time anyway, so a single connection costs no
/// parallelism that SQLite would give; it also lets the default in-memory
/// database be a plain `:memory:` one. The mutex is only ever taken on a
/// blocking thread ([`Db::write`] and [`Db::read`] use `spawn_blocking`).
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    /// Opens (or creates) the database at `path`, or an in-memory one, and
    /// creates the schema if absent.
    pub fn open(path: Option<&Path>) -> Result<Db, StoreError> {
        let conn = match path {
            Some(path) => {
                let conn = Connection::open(path)?;
                // WAL: readers of other processes do not block the writer.
                let _mode: String =
                    conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        // Another process on the same file waits for the lock, then fails
        // with a 503 rather than at once.
        conn.busy_timeout(Duration::from_secs(5))?;
        // Room for every statement of this file, so none is ever re-parsed.
        conn.set_prepared_statement_cache_capacity(64);
        conn.execute_batch(SCHEMA)?;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` in a write transaction (`BEGIN IMMEDIATE`) on the calling
    /// thread, and commits if it returns `Ok`; any error rolls back.
    pub fn write_blocking<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.transaction("BEGIN IMMEDIATE", f)
    }

    /// [`Db::write_blocking`] on tokio's blocking pool, so the runtime's
    /// workers never wait for SQLite.
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.write_blocking(f))
            .await
            .map_err(|_| StoreError::TaskFailed)?
    }

    /// Runs `f` in a read transaction (`BEGIN DEFERRED`) on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.transaction("BEGIN DEFERRED", f))
            .await
            .map_err(|_| StoreError::TaskFailed)?
    }

    /// `begin`, `f`, then `COMMIT`, or `ROLLBACK` if anything failed. The
    /// three statements are prepared once and cached (rusqlite's
    /// `Transaction` would parse them again on every request).
    fn transaction<T>(
        &self,
        begin: &str,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        if !conn.is_autocommit() {
            // An earlier transaction panicked half-way (which also poisoned
            // the mutex): undo whatever it did.
            run(&conn, "ROLLBACK")?;
        }
        run(&conn, begin)?;
        match f(&conn).and_then(|value| run(&conn, "COMMIT").map(|()| value)) {
            Ok(value) => Ok(value),
            Err(error) => {
                if !conn.is_autocommit() {
                    // The error that matters is the first one.
                    let _ = run(&conn, "ROLLBACK");
                }
                Err(error)
            }
        }
    }
}

fn run(conn: &Connection, sql: &str) -> Result<(), StoreError> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

/// The demo's clients (issue 5), secrets stored as digests. Both
/// confidential clients may introspect any token (the resource-server
/// right); the engine's default is a client's own tokens only.
pub fn demo_clients() -> Result<Vec<ClientRecord>, InvalidValue> {
    let callback = RedirectUri::new("https://your-app.com/callback")?;
    let read_write = Scope::parse("read write")?;
    let mut confidential =
        ClientRecord::confidential(ClientId::new("your_client_id")?, "your_client_secret")
            .with_grant_types(&[
                GrantType::AuthorizationCode,
                GrantType::ClientCredentials,
                GrantType::RefreshToken,
            ])
            .with_scope(read_write.clone())
            .with_redirect_uri(callback.clone());
    confidential.introspect_any = true;
    // Public: PKCE is required by the engine's default policy.
    let public = ClientRecord::public(ClientId::new("public_client_id")?)
        .with_grant_types(&[GrantType::AuthorizationCode, GrantType::RefreshToken])
        .with_scope(read_write)
        .with_redirect_uri(callback);
    let mut m2m = ClientRecord::confidential(ClientId::new("m2m_client_id")?, "m2m_client_secret")
        .with_grant_types(&[GrantType::ClientCredentials])
        .with_scope(Scope::parse("read")?);
    m2m.introspect_any = true;
    Ok(vec![confidential, public, m2m])
}

/// Applies the engine's effects in order, exactly as `MemoryStore::apply`
/// does. An effect this host does not know fails the whole transaction.
pub fn apply(conn: &Connection, effects: &[Effect]) -> Result<(), StoreError> {
    for effect in effects {
        match effect {
            Effect::StoreCode(code) => codes::insert(conn, code)?,
            Effect::RedeemCode {
                code_hash,
                access_token_ids,
            } => codes::redeem(conn, code_hash, access_token_ids)?,
            Effect::StoreRefreshToken(record) => refresh_tokens::insert(conn, record)?,
            Effect::RotateRefreshToken {
                token_hash,
                at,
                successor,
                nonce,
            } => refresh_tokens::rotate(conn, token_hash, *at, successor, nonce)?,
            Effect::RevokeFamily { family } => {
                revocations::revoke_family(conn, family)?;
                refresh_tokens::revoke_family(conn, family)?;
            }
            Effect::RevokeAccessTokens { token_ids } => {
                revocations::revoke_access_tokens(conn, token_ids)?;
            }
            _ => return Err(StoreError::UnknownEffect),
        }
    }
    Ok(())
}

/// The `clients` table.
pub mod clients {
    use super::*;

    /// The client with this id.
    pub fn get(
        conn: &Connection,
        client_id: &ClientId,
    ) -> Result<Option<ClientRecord>, StoreError> {
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
}

/// The `codes` table.
pub mod codes {
    use grant_engine::{CodeRecord, CodeState};

    use super::*;

    /// Stores a code record, replacing one with the same digest (as
    /// `MemoryStore::add_code` does).
    pub fn insert(conn: &Connection, code: &CodeRecord) -> Result<(), StoreError> {
        let (redeemed, ids) = match &code.state {
            CodeState::Unused => (false, String::new()),
            CodeState::Redeemed { access_token_ids } => {
                (true, join(access_token_ids.iter().map(TokenId::as_str)))
            }
            _ => return Err(StoreError::UnknownState("code state")),
        };
        conn.prepare_cached(
            "INSERT OR REPLACE INTO codes
             (code_hash, client_id, redirect_uri, scope, subject, code_challenge,
              challenge_method, issued_at, expires_at, redeemed, access_token_ids)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(rusqlite::params![
            code.code_hash.to_string(),
            code.client_id.as_str(),
            code.redirect_uri.as_ref().map(RedirectUri::as_str),
            code.scope.to_string(),
            code.subject.as_str(),
            code.pkce.as_ref().map(|p| p.challenge.as_str()),
            code.pkce.as_ref().map(|p| p.method.as_str()),
            to_sql_time(code.issued_at),
            to_sql_time(code.expires_at),
            redeemed,
            ids,
        ])?;
        Ok(())
    }

    /// The code with this digest, as stored.
    pub fn get(conn: &Connection, code_hash: &TokenHash) -> Result<Option<CodeRecord>, StoreError> {
        type Row = (
            String,
            Option<String>,
            String,
            String,
            Option<String>,
            Option<String>,
            i64,
            i64,
            bool,
            String,
        );
        let row: Option<Row> = conn
            .prepare_cached(
                "SELECT client_id, redirect_uri, scope, subject, code_challenge,
                        challenge_method, issued_at, expires_at, redeemed, access_token_ids
                 FROM codes WHERE code_hash = ?1",
            )?
            .query_row([code_hash.to_string()], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                    row.get(7)?,
                    row.get(8)?,
                    row.get(9)?,
                ))
            })
            .optional()?;
        let Some((
            client_id,
            redirect_uri,
            scope,
            subject,
            challenge,
            method,
            issued_at,
            expires_at,
            redeemed,
            ids,
        )) = row
        else {
            return Ok(None);
        };
        let pkce = match (challenge, method) {
            (Some(challenge), Some(method)) => Some(PkceChallenge {
                challenge: CodeChallenge::new(challenge)
                    .map_err(|_| StoreError::Corrupt("code_challenge"))?,
                method: CodeChallengeMethod::from_name(&method)
                    .ok_or(StoreError::Corrupt("code_challenge_method"))?,
            }),
            (None, None) => None,
            _ => return Err(StoreError::Corrupt("PKCE challenge")),
        };
        let state = if redeemed {
            CodeState::Redeemed {
                access_token_ids: parse_ids(&ids)?,
            }
        } else {
            CodeState::Unused
        };
        Ok(Some(CodeRecord {
            code_hash: *code_hash,
            client_id: parse_client_id(client_id)?,
            redirect_uri: redirect_uri
                .map(RedirectUri::new)
                .transpose()
                .map_err(|_| StoreError::Corrupt("redirect_uri"))?,
            scope: parse_scope(&scope)?,
            subject: Subject::new(subject).map_err(|_| StoreError::Corrupt("subject"))?,
            pkce,
            issued_at: from_sql_time(issued_at)?,
            expires_at: from_sql_time(expires_at)?,
            state,
        }))
    }

    /// Atomically takes the code (the engine's `CodeQuestion`): returns the
    /// record as it was and marks an unused one redeemed, in the caller's
    /// write transaction, so that of concurrent takes exactly one sees it
    /// unused.
    pub fn take(
        conn: &Connection,
        code_hash: &TokenHash,
    ) -> Result<Option<CodeRecord>, StoreError> {
        let before = get(conn, code_hash)?;
        if let Some(CodeRecord {
            state: CodeState::Unused,
            ..
        }) = &before
        {
            conn.prepare_cached("UPDATE codes SET redeemed = 1 WHERE code_hash = ?1")?
                .execute([code_hash.to_string()])?;
        }
        Ok(before)
    }

    /// Marks the code redeemed and records the access tokens it issued
    /// after those already recorded (the `RedeemCode` effect).
    pub fn redeem(
        conn: &Connection,
        code_hash: &TokenHash,
        access_token_ids: &[TokenId],
    ) -> Result<(), StoreError> {
        let new_ids = join(access_token_ids.iter().map(TokenId::as_str));
        conn.prepare_cached(
            "UPDATE codes SET
                access_token_ids =
                    trim(CASE WHEN redeemed THEN access_token_ids ELSE '' END || ' ' || ?2),
                redeemed = 1
             WHERE code_hash = ?1",
        )?
        .execute(rusqlite::params![code_hash.to_string(), new_ids])?;
        Ok(())
    }
}

/// The `refresh_tokens` table.
pub mod refresh_tokens {
    use grant_engine::{RefreshTokenRecord, RefreshTokenState};

    use super::*;

    /// The refresh token with this digest.
    pub fn get(
        conn: &Connection,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, StoreError> {
        type Row = (
            String,
            String,
            String,
            String,
            i64,
            i64,
            String,
            Option<i64>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = conn
            .prepare_cached(
                "SELECT client_id, subject, scope, family, issued_at, expires_at, state,
                        rotated_at, successor, nonce
                 FROM refresh_tokens WHERE token_hash = ?1",
            )?
            .query_row([token_hash.to_string()], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                    row.get(7)?,
                    row.get(8)?,
                    row.get(9)?,
                ))
            })
            .optional()?;
        let Some((
            client_id,
            subject,
            scope,
            family,
            issued_at,
            expires_at,
            state,
            at,
            successor,
            nonce,
        )) = row
        else {
            return Ok(None);
        };
        let state = match (state.as_str(), at, successor, nonce) {
            ("active", ..) => RefreshTokenState::Active,
            ("revoked", ..) => RefreshTokenState::Revoked,
            ("rotated", Some(at), Some(successor), Some(nonce)) => RefreshTokenState::Rotated {
                at: from_sql_time(at)?,
                successor: TokenHash::from_base64url(&successor)
                    .map_err(|_| StoreError::Corrupt("successor"))?,
                nonce,
            },
            _ => return Err(StoreError::Corrupt("refresh token state")),
        };
        Ok(Some(RefreshTokenRecord {
            token_hash: *token_hash,
            client_id: parse_client_id(client_id)?,
            subject: Subject::new(subject).map_err(|_| StoreError::Corrupt("subject"))?,
            scope: parse_scope(&scope)?,
            family: FamilyId::new(family).map_err(|_| StoreError::Corrupt("family"))?,
            issued_at: from_sql_time(issued_at)?,
            expires_at: from_sql_time(expires_at)?,
            state,
        }))
    }

    /// Stores a refresh token (the `StoreRefreshToken` effect), revoked if
    /// its family is: a revoked family stays revoked.
    pub fn insert(conn: &Connection, record: &RefreshTokenRecord) -> Result<(), StoreError> {
        let (state, at, successor, nonce) = match &record.state {
            RefreshTokenState::Active => ("active", None, None, None),
            RefreshTokenState::Revoked => ("revoked", None, None, None),
            RefreshTokenState::Rotated {
                at,
                successor,
                nonce,
            } => (
                "rotated",
                Some(to_sql_time(*at)),
                Some(successor.to_string()),
                Some(nonce.as_str()),
            ),
            _ => return Err(StoreError::UnknownState("refresh token state")),
        };
        let state = if revocations::is_family_revoked(conn, &record.family)? {
            "revoked"
        } else {
            state
        };
        conn.prepare_cached(
            "INSERT OR REPLACE INTO refresh_tokens
             (token_hash, client_id, subject, scope, family, issued_at, expires_at, state,
              rotated_at, successor, nonce)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(rusqlite::params![
            record.token_hash.to_string(),
            record.client_id.as_str(),
            record.subject.as_str(),
            record.scope.to_string(),
            record.family.as_str(),
            to_sql_time(record.issued_at),
            to_sql_time(record.expires_at),
            state,
            at,
            successor,
            nonce,
        ])?;
        Ok(())
    }

    /// Marks an active token rotated: replaced at `at` by `successor`,
    /// derived with `nonce` (the `RotateRefreshToken` effect). A token no
    /// longer active is left as is.
    pub fn rotate(
        conn: &Connection,
        token_hash: &TokenHash,
        at: u64,
        successor: &TokenHash,
        nonce: &str,
    ) -> Result<(), StoreError> {
        conn.prepare_cached(
            "UPDATE refresh_tokens SET state = 'rotated', rotated_at = ?2, successor = ?3,
                                       nonce = ?4
             WHERE token_hash = ?1 AND state = 'active'",
        )?
        .execute(rusqlite::params![
            token_hash.to_string(),
            to_sql_time(at),
            successor.to_string(),
            nonce
        ])?;
        Ok(())
    }

    /// Revokes every refresh token of `family`.
    pub fn revoke_family(conn: &Connection, family: &FamilyId) -> Result<(), StoreError> {
        conn.prepare_cached("UPDATE refresh_tokens SET state = 'revoked' WHERE family = ?1")?
            .execute([family.as_str()])?;
        Ok(())
    }
}

/// The `revoked_families` and `revoked_access_tokens` tables: what the
/// engine's revocation question asks about.
pub mod revocations {
    use super::*;

    /// Records `family` as revoked (its access tokens carry it as `fam`).
    pub fn revoke_family(conn: &Connection, family: &FamilyId) -> Result<(), StoreError> {
        conn.prepare_cached("INSERT OR IGNORE INTO revoked_families (family) VALUES (?1)")?
            .execute([family.as_str()])?;
        Ok(())
    }

    /// Records single access tokens as revoked, by `jti`.
    pub fn revoke_access_tokens(
        conn: &Connection,
        token_ids: &[TokenId],
    ) -> Result<(), StoreError> {
        let mut insert =
            conn.prepare_cached("INSERT OR IGNORE INTO revoked_access_tokens (jti) VALUES (?1)")?;
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
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(" ")
}

fn parse_scope(text: &str) -> Result<Scope, StoreError> {
    if text.is_empty() {
        return Ok(Scope::default());
    }
    Scope::parse(text).map_err(|_| StoreError::Corrupt("scope"))
}

fn parse_client_id(text: String) -> Result<ClientId, StoreError> {
    ClientId::new(text).map_err(|_| StoreError::Corrupt("client_id"))
}

fn parse_ids(text: &str) -> Result<Vec<TokenId>, StoreError> {
    text.split_whitespace()
        .map(|id| TokenId::new(id).map_err(|_| StoreError::Corrupt("jti")))
        .collect()
}

/// SQLite integers are signed: times past `i64::MAX` (only from absurd
/// lifetimes, which saturate) are stored as `i64::MAX`.
fn to_sql_time(seconds: u64) -> i64 {
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

fn from_sql_time(seconds: i64) -> Result<u64, StoreError> {
    u64::try_from(seconds).map_err(|_| StoreError::Corrupt("time"))
}
