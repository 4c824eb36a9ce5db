//! Why a signing or verifying key could not be loaded.

use thiserror::Error;

/// A key refused when it is loaded, so that a server never signs or
/// verifies with a key it misread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The `kid` is not `1*VSCHAR` of at most 64 bytes.
    #[error("a kid must be 1 to 64 visible ASCII characters")]
    InvalidKid,
    /// Not a PKCS#8 private key (PEM or DER) of a kind this build knows.
    #[error("not a PKCS#8 private key of a supported kind (P-256 or Ed25519)")]
    UnsupportedKey,
    /// A public key whose parameters are not a valid key (a point off the
    /// curve, a wrong length).
    #[error("the public key's parameters are invalid")]
    InvalidPublicKey,
    /// A JWK or JWK Set that is not valid JSON of the expected shape, or a
    /// key of a supported type without its required members.
    #[error("the JWK is malformed: {0}")]
    MalformedJwk(&'static str),
    /// Two keys with one `kid`.
    #[error("two keys have the same kid")]
    DuplicateKid,
}
