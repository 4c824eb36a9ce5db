//! PostgreSQL: a pool of connections per process ([`db::PgDb`]), any
//! number of processes on one database. Lookups are single statements
//! outside any transaction; `apply` is one READ COMMITTED transaction whose
//! statements check every expectation, with a per-family advisory lock
//! where two tables must agree ([`apply`] says why that is enough).

pub mod apply;
pub mod async_store;
pub mod clients;
pub mod codes;
pub mod db;
pub mod purge;
pub mod refresh_tokens;
pub mod revocations;
pub mod schema;
