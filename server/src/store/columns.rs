//! Conversions between the engine's values and SQLite columns.

use grant_engine::values::TokenId;
use grant_engine::{ClientId, Scope};

use crate::store::error::StoreError;

/// Items of a list column, space-separated (none of them contains a space).
pub fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(" ")
}

pub fn parse_scope(text: &str) -> Result<Scope, StoreError> {
    if text.is_empty() {
        return Ok(Scope::default());
    }
    Scope::parse(text).map_err(|_| StoreError::Corrupt("scope"))
}

pub fn parse_client_id(text: String) -> Result<ClientId, StoreError> {
    ClientId::new(text).map_err(|_| StoreError::Corrupt("client_id"))
}

pub fn parse_ids(text: &str) -> Result<Vec<TokenId>, StoreError> {
    text.split_whitespace()
        .map(|id| TokenId::new(id).map_err(|_| StoreError::Corrupt("jti")))
        .collect()
}

/// SQLite integers are signed: times past `i64::MAX` (only from absurd
/// lifetimes, which saturate) are stored as `i64::MAX`.
pub fn to_sql_time(seconds: u64) -> i64 {
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

pub fn from_sql_time(seconds: i64) -> Result<u64, StoreError> {
    u64::try_from(seconds).map_err(|_| StoreError::Corrupt("time"))
}
