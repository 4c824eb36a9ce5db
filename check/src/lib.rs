//! `grant-engine-check`: a black-box conformance checker for any live
//! OAuth 2.0 authorization server.
//!
//! Given a base URL and a [configuration](config) of the server's clients,
//! it runs [scenarios] (flows: a code obtained, exchanged, reused; a refresh
//! token rotated, reused, revoked; requests raced) and judges each answer
//! against what the RFC text allows ([`judge`]): status, `error`, the
//! headers that matter, which members are present, whether a token still
//! works afterwards; never values that legitimately differ (token strings,
//! `jti`, times). Every [check](catalog) has a stable id tied to its spec
//! section and the level of the RFC keyword (MUST, SHOULD, MAY).
//!
//! Every scenario also runs against grant-engine itself ([`reference`](mod@reference)),
//! configured with the same clients: the engine's answer must be one the
//! check allows, so a check that would flag a correct server shows up as
//! the reference failing it (the checker's own tests require that it never
//! does). A server that throttles repeated failures with `429` and
//! `Retry-After` is waited for ([`live`]).
//!
//! ```text
//! grant-engine-check --config check/demo.json [--strict] [--junit FILE] http://127.0.0.1:8080
//! ```
//!
//! It prints one line per check and ends with `N passed, M failed` (and
//! `, K skipped`). Failed MUSTs fail the run, and under `--strict` failed
//! SHOULDs too; the exit status is 0 exactly when none of those failed.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod catalog;
pub mod config;
pub mod discovery;
pub mod http;
pub mod judge;
pub mod live;
pub mod login;
pub mod observe;
pub mod reference;
pub mod report;
pub mod run;
pub mod scenarios;
pub mod side;
