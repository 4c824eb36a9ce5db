//! The authorization endpoint (RFC 6749 4.1.1-4.1.2.1, RFC 7636 4.3,
//! RFC 9207): [`Authorize`] ties a request to its client and either refuses
//! it or asks the resource owner; the host shows its own login and consent
//! page, then runs the [`Consent`]'s [`Decide`], which mints the code.

#[allow(clippy::module_inception)] // `authorize::authorize` defines `Authorize`.
pub(crate) mod authorize;
pub(crate) mod consent;

pub use authorize::{Authorization, Authorize, AuthorizeFailure};
pub use consent::{Consent, Decide};
