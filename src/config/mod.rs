//! The engine's policy, built once and shared by every call: who it is
//! (issuer, audience), which keys sign, how long codes and tokens live
//! (RFC 6749 4.1.2, 5.1), the PKCE policy (RFC 7636, RFC 9700 2.1.1), the
//! refresh grace period and the parse limits.

#[allow(clippy::module_inception)] // `config::config` defines `Config`.
pub(crate) mod config;
pub(crate) mod pkce_policy;
pub(crate) mod refresh_grace;

pub use config::{Config, DEFAULT_FAMILY_LIFETIME, MAX_CODE_TTL};
pub use pkce_policy::{PkcePolicy, PkceRequirement};
pub use refresh_grace::{MAX_REFRESH_GRACE, RefreshGrace};
