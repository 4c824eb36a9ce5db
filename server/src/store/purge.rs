//! Housekeeping: which records a purge may delete, by the guide's rules
//! (`grant_engine::guide`, "What to store, what to skip, when to purge"),
//! so that the tables do not grow without bound.
//!
//! A purge only deletes records no request can still need, with a margin
//! for requests in flight and clock skew between processes, so it is safe
//! while servers run:
//!
//! - a code once it expired: a later presentation is answered as an
//!   unknown code, which is refused just the same;
//! - a refresh-token family once its newest token expired: rotated tokens
//!   stay as long as the family lives, because reuse detection needs them;
//! - a revocation once every access token it could refuse has expired.

use grant_engine::Config;

use crate::store::columns::to_sql_time;

/// Seconds every cutoff keeps beyond the rules: a request that read a
/// record just before it expired may still be applying its effects.
pub const MARGIN: u64 = 300;

/// The cutoffs of one purge, in unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    /// Codes, and refresh-token families, that expired before this go.
    pub expired_before: i64,
    /// Revocations recorded before this go.
    pub revoked_before: i64,
}

impl Cutoffs {
    /// The cutoffs at `now` for a server with `config`'s lifetimes.
    pub fn at(now: u64, config: &Config) -> Cutoffs {
        let expired = now.saturating_sub(MARGIN);
        let revoked = expired.saturating_sub(config.access_token_ttl());
        Cutoffs {
            expired_before: to_sql_time(expired),
            revoked_before: to_sql_time(revoked),
        }
    }
}

/// How many records one purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Expired codes.
    pub codes: u64,
    /// Refresh tokens of expired families.
    pub refresh_tokens: u64,
    /// Revoked-family records.
    pub revoked_families: u64,
    /// Revoked access-token records.
    pub revoked_access_tokens: u64,
}

impl Purged {
    /// Whether the purge deleted anything.
    pub fn is_empty(&self) -> bool {
        *self == Purged::default()
    }
}

/// The statements of a purge, the same for both backends (SQLite reads
/// `$1` as its first parameter too): each deletes one kind of record, in
/// its own transaction, so none holds locks for long.
pub const CODES: &str = "DELETE FROM codes WHERE expires_at < $1";
/// See [`CODES`].
pub const REFRESH_TOKENS: &str = "DELETE FROM refresh_tokens WHERE family IN
    (SELECT family FROM refresh_tokens GROUP BY family HAVING max(expires_at) < $1)";
/// See [`CODES`].
pub const REVOKED_FAMILIES: &str = "DELETE FROM revoked_families WHERE revoked_at < $1";
/// See [`CODES`].
pub const REVOKED_ACCESS_TOKENS: &str = "DELETE FROM revoked_access_tokens WHERE revoked_at < $1";
