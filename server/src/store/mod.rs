//! SQLite storage for the demo server: the schema, one module of
//! functions per table, the engine's effects applied under the store
//! contract ([`apply`]), and [`Db`] as the engine's `AsyncStore`.
//!
//! Every function takes a `&Connection`, so it runs inside whichever
//! transaction the caller opened.

pub mod apply;
pub mod async_store;
pub mod clients;
pub mod codes;
pub mod columns;
pub mod db;
pub mod demo;
pub mod error;
pub mod refresh_tokens;
pub mod revocations;
pub mod schema;

pub use db::Db;
pub use demo::demo_clients;
pub use error::StoreError;
