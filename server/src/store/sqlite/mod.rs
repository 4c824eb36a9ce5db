//! SQLite: one connection behind a mutex ([`db::SqliteDb`]). Lookups are
//! plain reads; `apply` is one `BEGIN IMMEDIATE` transaction whose
//! statements check every expectation ([`async_store`]). One process only:
//! a second process on one file works, but takes turns for every write.

pub mod apply;
pub mod async_store;
pub mod clients;
pub mod codes;
pub mod db;
pub mod purge;
pub mod refresh_tokens;
pub mod revocations;
pub mod schema;
