//! The token endpoint (RFC 6749 3.2): the [`Exchange`] machine and its
//! three grants, one file each: `authorization_code` (RFC 6749 4.1.3,
//! RFC 7636 4.6), `client_credentials` (RFC 6749 4.4) and `refresh_token`
//! (RFC 6749 6, rotation and reuse detection per RFC 9700 4.14).

pub(crate) mod authorization_code;
pub(crate) mod client_credentials;
pub(crate) mod exchange;
pub(crate) mod grant;
pub(crate) mod refresh_token;

pub use exchange::Exchange;
