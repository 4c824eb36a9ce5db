//! Why an access token was refused by verification (RFC 9068 4, RFC 7519 7.2).

use thiserror::Error;

/// Why an access token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum JwtError {
    /// Not three canonical base64url parts of JSON, or too long.
    #[error("the token is malformed")]
    Malformed,
    /// `alg` is not one we sign with (`none` included), or not the
    /// algorithm of the key its `kid` names (algorithm confusion).
    #[error("the token's algorithm is not accepted")]
    UnsupportedAlgorithm,
    /// `typ` is not `at+jwt`, or the header has a `crit` member.
    #[error("the token is not an access token")]
    WrongType,
    /// No key has this `kid` (or the token has none).
    #[error("the token's key is unknown")]
    UnknownKey,
    /// The signature does not verify.
    #[error("the token's signature is invalid")]
    BadSignature,
    /// `exp` has passed.
    #[error("the token has expired")]
    Expired,
    /// `iat` is in the future beyond the leeway.
    #[error("the token is not yet valid")]
    NotYetValid,
    /// `iss` is not this server.
    #[error("the token was issued by another issuer")]
    WrongIssuer,
    /// `aud` is not this configuration's audience.
    #[error("the token is for another audience")]
    WrongAudience,
}
