//! The reference oracle: a whole authorization server as a pure function
//! from a described state and a raw HTTP request to the raw response and the
//! effects.
//!
//! Test harnesses in any language describe a state as a JSON [`Fixture`],
//! send a raw HTTP/1.1 request, and compare their own server's answer with
//! the oracle's. Endpoints are routed by path as in the demo server:
//! `POST /oauth/token`, `GET /oauth/authorize`, `POST /oauth/revoke`,
//! `POST /oauth/introspect`, `GET /.well-known/oauth-authorization-server`
//! and `GET /api/me` (a resource protected by bearer verification).
//! Conformance [`Vector`]s pin its answers, one per rule.
//!
//! The oracle is a host of the engine, not part of it: it chooses paths, a
//! demo resource and a fixture format, none of which the protocol core
//! needs. It is its own package so that the core's API stays the protocol,
//! and so that the other hosts that replay vectors or load fixtures (the
//! demo server's tests, the fuzzer, conformance tools) share one copy. Like
//! the core it does no I/O; the `grant-engine-oracle` binary is the thin
//! command-line shell around it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod fixture;
pub mod oracle;
pub mod raw;
pub mod vector;

pub use fixture::{
    Fixture, FixtureConsent, FixtureError, FixtureKey, FixturePepper, FixtureSettings,
};
pub use oracle::{Oracle, OracleAnswer};
pub use raw::{RawRequest, RawRequestError, render_response};
pub use vector::{Vector, VectorRequest, VectorResponse};
