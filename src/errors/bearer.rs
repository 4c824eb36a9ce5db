//! Why a bearer request was refused at a protected resource (RFC 6750 3.1).

use thiserror::Error;

use crate::errors::jwt::JwtError;

/// Why a bearer request was refused. `Display` is the fixed
/// `error_description`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum BearerError {
    /// No bearer credentials (no header, or another scheme): 401 with a bare
    /// challenge and no error code (RFC 6750 3.1).
    #[error("the request has no bearer token")]
    MissingToken,
    /// A Bearer header that is not `Bearer <token68>`: 400 `invalid_request`.
    #[error("the Authorization header is malformed")]
    InvalidRequest,
    /// The token failed verification: 401 `invalid_token`.
    #[error("{0}")]
    InvalidToken(JwtError),
    /// The token or its family was revoked: 401 `invalid_token`.
    #[error("the token was revoked")]
    Revoked,
    /// The token lacks a required scope: 403 `insufficient_scope`.
    #[error("the token lacks a required scope")]
    InsufficientScope,
}

impl BearerError {
    /// The HTTP status.
    pub const fn status(&self) -> u16 {
        match self {
            BearerError::InvalidRequest => 400,
            BearerError::InsufficientScope => 403,
            BearerError::MissingToken | BearerError::InvalidToken(_) | BearerError::Revoked => 401,
        }
    }

    /// The RFC 6750 3.1 error code, if the response carries one.
    pub const fn error_code(&self) -> Option<&'static str> {
        match self {
            BearerError::MissingToken => None,
            BearerError::InvalidRequest => Some("invalid_request"),
            BearerError::InvalidToken(_) | BearerError::Revoked => Some("invalid_token"),
            BearerError::InsufficientScope => Some("insufficient_scope"),
        }
    }
}
