//! The error models, one per endpoint family: which RFC error code and HTTP
//! status each refusal has. Every variant renders a fixed description, so no
//! error ever echoes what a client sent; the reasons a response does not
//! tell (why client authentication failed, say) are kept for the host's logs.
//! Rendering them as responses is the `render` layer's job.

pub(crate) mod authorize;
pub(crate) mod bearer;
pub(crate) mod client_secret;
pub(crate) mod config;
pub(crate) mod jwt;
pub(crate) mod key;
pub(crate) mod token;

pub use authorize::{AuthorizeError, AuthorizeErrorCode, AuthorizeRefusal};
pub use bearer::BearerError;
pub use client_secret::SecretRefused;
pub use config::ConfigError;
pub use jwt::JwtError;
pub use key::{KeyError, SigningFailed};
pub use token::{ClientAuthFailure, ErrorCode, InvalidGrant, InvalidScope, TokenError};
