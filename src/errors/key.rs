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
    #[error("not a PKCS#8 private key of a supported kind (P-256, Ed25519 or RSA)")]
    UnsupportedKey,
    /// An RSA modulus outside 2048 to 8192 bits (RFC 7518 3.3 requires at
    /// least 2048).
    #[error("an RSA key must have 2048 to 8192 bits")]
    UnsupportedKeySize,
    /// A private key whose parameters do not make one valid key (an RSA
    /// `d` or CRT parameter that does not fit `n`, a public half that is
    /// not the private key's).
    #[error("the private key's parameters are invalid")]
    InvalidPrivateKey,
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

/// A signature that could not be made. Only RS256 can fail, when the
/// private operation's own check finds a wrong result (a fault: such a
/// signature would reveal the key, so it never leaves); the token request
/// is then answered 500.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the access token could not be signed")]
pub struct SigningFailed;
