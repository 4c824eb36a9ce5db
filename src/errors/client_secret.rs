//! Why a verifier for a new client secret was not made.

use thiserror::Error;

/// A client secret refused at registration, by
/// [`ClientSecrets::verifier`](crate::client_secret::ClientSecrets::verifier).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SecretRefused {
    /// Shorter than the minimum the host opted into
    /// ([`ClientSecrets::with_minimum_length`](crate::client_secret::ClientSecrets::with_minimum_length)).
    #[error("the client secret is shorter than the minimum of {minimum} characters")]
    TooShort {
        /// Its length.
        length: usize,
        /// The minimum.
        minimum: usize,
    },
    /// The configured verifier kind cannot be computed by this build.
    #[error("this build cannot compute the configured verifier kind")]
    UnsupportedKind,
}
