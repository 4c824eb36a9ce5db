//! Storage for the demo server: SQLite (in memory or a file, one process)
//! or PostgreSQL (any number of processes on one database), both under the
//! engine's store contract.
//!
//! - [`storage::Storage`]: the backend `--db` chose, as the handlers'
//!   `AsyncStore`;
//! - [`sqlite`] and [`postgres`]: each backend's schema, one module of
//!   functions per table, its `apply` (where its isolation is explained)
//!   and its purge;
//! - [`rows`] and [`columns`]: the columns both backends share, and their
//!   conversion to the engine's records;
//! - [`purge`]: what housekeeping may delete, and when;
//! - [`demo`]: the seeded clients; [`target`]: what `--db` names.

pub mod columns;
pub mod demo;
pub mod error;
pub mod postgres;
pub mod purge;
pub mod rows;
pub mod sqlite;
pub mod storage;
pub mod target;
