//! Test support shared by grant-engine's packages, so that the core's
//! tests, the oracle's, the demo server's and the fuzzer use one copy:
//!
//! - [`world`]: the configuration, clients and records the tests run in;
//! - [`bench`](mod@bench): the state and requests the benches measure;
//! - [`wire`]: form and Basic encodings, written independently of the engine;
//! - [`checks`]: the exact-response checks every test repeats, and every
//!   access token verified by the independent `jsonwebtoken` crate;
//! - [`requests`]: the flows the tests build on, driven over a `MemoryStore`;
//! - [`jwt`]: hand-made JWTs for the negative rows of RFC 9068;
//! - [`conformance`]: the store conformance suite any store runs, and
//!   stores that each break one guarantee;
//! - [`executor`]: a runtime-free `block_on`, a yield and a join;
//! - [`postgres`]: a throwaway PostgreSQL cluster for a store's tests;
//! - [`fuzz`]: the checks of the fuzz targets, and the independent model
//!   of the engine the `engine` target checks the oracle against.
//!
//! Test code: it panics on purpose when a check fails.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

pub mod bench;
pub mod checks;
pub mod conformance;
pub mod executor;
pub mod fuzz;
pub mod jwt;
pub mod postgres;
pub mod requests;
pub mod wire;
pub mod world;
