//! The fuzz targets' checks: one module per target of `fuzz/`, each with
//! its input format and a `check` that panics when an invariant fails.
//!
//! The targets in `fuzz/fuzz_targets/` are thin calls into these modules,
//! and `testkit/tests/fuzz_corpus.rs` replays `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/` through the same checks, so `cargo test`
//! checks the corpus on stable Rust without libFuzzer. What a check
//! expects is worked out by [`independent`]: helpers written from the RFCs,
//! not from the engine.
//!
//! | module | target input |
//! |---|---|
//! | [`token_request`] | a flags byte, length-prefixed headers, the body |
//! | [`basic_credentials`] | an `Authorization` value |
//! | [`scope`] | a scope string |
//! | [`authorize_request`] | the query of `GET /oauth/authorize` |
//! | [`bearer`] | an `Authorization` value, or a structured mutation of a minted token |
//! | [`engine`] | a conformance vector, or a structured state and request sequence for the oracle |

pub mod authorize_request;
pub mod basic_credentials;
pub mod bearer;
pub mod bearer_keys;
pub mod engine;
pub mod independent;
pub mod scope;
pub mod token_request;
