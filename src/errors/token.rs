//! The token endpoint's error model (RFC 6749 5.2).
//!
//! Every variant knows its RFC error code and HTTP status, and renders a
//! fixed description: no error ever echoes what the client sent.

use core::fmt;

use thiserror::Error;

use crate::values::param::Param;

/// The `error` codes of RFC 6749 5.2, and `server_error` for a token that
/// could not be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `invalid_request`: malformed, missing or repeated parameters.
    InvalidRequest,
    /// `invalid_client`: client authentication failed.
    InvalidClient,
    /// `invalid_grant`: the code or refresh token is invalid, expired,
    /// revoked, or was issued to another client.
    InvalidGrant,
    /// `unauthorized_client`: the client may not use this grant type.
    UnauthorizedClient,
    /// `unsupported_grant_type`.
    UnsupportedGrantType,
    /// `invalid_scope`: malformed, or beyond what may be granted.
    InvalidScope,
    /// `server_error` (RFC 6749 4.1.2.1, in the IANA OAuth extensions
    /// error registry): the server could not sign the token (500).
    ServerError,
}

impl ErrorCode {
    /// The code as it appears in the `error` field.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::ServerError => "server_error",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why client authentication failed. The response says only "client
/// authentication failed" whatever the reason, so that it does not tell an
/// attacker which client ids exist; the reason is for the host's logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientAuthFailure {
    /// The request identified no client at all.
    NoCredentials,
    /// The `Authorization: Basic` value could not be decoded (RFC 6749 2.3.1).
    MalformedBasic,
    /// The `Authorization` header used a scheme other than Basic.
    UnsupportedScheme,
    /// No client has this id.
    UnknownClient,
    /// The secret does not match.
    WrongSecret,
    /// A confidential client sent no secret.
    MissingSecret,
    /// The client's verifier names a pepper the configuration does not hold
    /// (or none is configured): a host misconfiguration, so nothing was
    /// compared. See [`Config::with_client_secrets`](crate::Config::with_client_secrets).
    UnknownPepper,
    /// The client's verifier is of a kind this build cannot check (PBKDF2
    /// without the `pbkdf2` cargo feature).
    UnsupportedVerifier,
    /// A public client sent a secret.
    UnexpectedSecret,
    /// A public client called an endpoint reserved for confidential clients
    /// (introspection).
    NotConfidential,
}

/// Why a grant (a code or a refresh token) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum InvalidGrant {
    /// No such code.
    #[error("the code is invalid, expired, or was issued to another client")]
    UnknownCode,
    /// The code expired.
    #[error("the code is invalid, expired, or was issued to another client")]
    CodeExpired,
    /// The code was issued to another client.
    #[error("the code is invalid, expired, or was issued to another client")]
    CodeOfAnotherClient,
    /// The code was presented before: every token it issued is revoked.
    #[error("the code was already used")]
    CodeReused,
    /// `redirect_uri` missing or different from the authorization request's.
    #[error("the redirect_uri does not match the authorization request")]
    RedirectUriMismatch,
    /// The code has a PKCE challenge and no `code_verifier` was sent.
    #[error("the code_verifier is missing")]
    MissingCodeVerifier,
    /// A `code_verifier` was sent for a code without a challenge (downgrade).
    #[error("the code was issued without a code_challenge")]
    UnexpectedCodeVerifier,
    /// The verifier does not answer the challenge.
    #[error("the code_verifier does not match the code_challenge")]
    CodeVerifierMismatch,
    /// The client must use PKCE and the code has no challenge.
    #[error("the code was issued without the PKCE challenge this client requires")]
    PkceRequired,
    /// No such refresh token.
    #[error("the refresh token is invalid, expired, revoked, or was issued to another client")]
    UnknownRefreshToken,
    /// The refresh token expired.
    #[error("the refresh token is invalid, expired, revoked, or was issued to another client")]
    RefreshTokenExpired,
    /// The refresh token's family reached its absolute lifetime
    /// (`Config::with_family_lifetime`): the user signs in again.
    #[error("the refresh token is invalid, expired, revoked, or was issued to another client")]
    RefreshFamilyExpired,
    /// The refresh token was issued to another client.
    #[error("the refresh token is invalid, expired, revoked, or was issued to another client")]
    RefreshTokenOfAnotherClient,
    /// The refresh token (or its family) was revoked.
    #[error("the refresh token is invalid, expired, revoked, or was issued to another client")]
    RefreshTokenRevoked,
    /// A rotated-out refresh token was presented again: its family is revoked.
    #[error("the refresh token was already used")]
    RefreshTokenReused,
}

/// Why a scope was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum InvalidScope {
    /// Not `scope-token *( SP scope-token )` (RFC 6749 3.3).
    #[error("the scope parameter is malformed")]
    Malformed,
    /// Wider than the client may have, or than originally granted.
    #[error("the requested scope exceeds what may be granted")]
    NotAllowed,
}

/// A refused token request. `Display` is the fixed `error_description`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The method is not POST (405 with `Allow: POST`).
    #[error("the token endpoint accepts POST only")]
    MethodNotAllowed,
    /// The Content-Type is missing or not `application/x-www-form-urlencoded`.
    #[error("the Content-Type must be application/x-www-form-urlencoded")]
    UnsupportedContentType,
    /// A header that must appear at most once appeared more than once.
    #[error("a request header is repeated")]
    RepeatedHeader,
    /// The body is larger than the configured limit (413).
    #[error("the request body is too large")]
    BodyTooLarge,
    /// The body has more parameters than the configured limit (413).
    #[error("the request has too many parameters")]
    TooManyParameters,
    /// A `%` is not followed by two hex digits.
    #[error("the request body has a malformed percent-encoding")]
    InvalidPercentEncoding,
    /// The body is not UTF-8 once percent-decoded.
    #[error("the request body is not UTF-8")]
    InvalidUtf8,
    /// A parameter was sent more than once (RFC 6749 3.2).
    #[error("the {0} parameter is repeated")]
    DuplicateParameter(Param),
    /// A required parameter is missing.
    #[error("the {0} parameter is missing")]
    MissingParameter(Param),
    /// A parameter's value does not fit its grammar.
    #[error("the {0} parameter is malformed")]
    MalformedParameter(Param),
    /// The `grant_type` is not one this server supports.
    #[error("the grant type is not supported")]
    UnsupportedGrantType,
    /// Both the Authorization header and a body `client_secret` were used.
    #[error("the request uses more than one client authentication method")]
    MultipleClientAuthentication,
    /// The body `client_id` names another client than the Authorization header.
    #[error("the client_id parameter does not match the Authorization header")]
    ClientIdMismatch,
    /// Client authentication failed (401 with a `WWW-Authenticate` challenge).
    #[error("client authentication failed")]
    InvalidClient {
        /// Why, for the host's logs; never sent to the client.
        failure: ClientAuthFailure,
        /// Whether the client tried the Authorization header.
        authorization_header: bool,
    },
    /// The client may not use this grant type.
    #[error("the client is not allowed to use this grant type")]
    UnauthorizedClient,
    /// The scope is malformed or too wide.
    #[error("{0}")]
    InvalidScope(InvalidScope),
    /// The code or refresh token was refused.
    #[error("{0}")]
    InvalidGrant(InvalidGrant),
    /// The access token could not be signed (an RS256 private operation
    /// whose own check failed: a fault). Nothing was issued; a code
    /// presented is spent (as every presentation spends it), a refresh
    /// token is not rotated. Answered 500 `server_error`; worth an alert.
    #[error("the access token could not be signed")]
    SigningFailed,
}

impl TokenError {
    /// The RFC 6749 5.2 `error` code.
    pub const fn code(&self) -> ErrorCode {
        match self {
            TokenError::InvalidClient { .. } => ErrorCode::InvalidClient,
            TokenError::UnauthorizedClient => ErrorCode::UnauthorizedClient,
            TokenError::UnsupportedGrantType => ErrorCode::UnsupportedGrantType,
            TokenError::InvalidScope(_) => ErrorCode::InvalidScope,
            TokenError::InvalidGrant(_) => ErrorCode::InvalidGrant,
            TokenError::SigningFailed => ErrorCode::ServerError,
            TokenError::MethodNotAllowed
            | TokenError::UnsupportedContentType
            | TokenError::RepeatedHeader
            | TokenError::BodyTooLarge
            | TokenError::TooManyParameters
            | TokenError::InvalidPercentEncoding
            | TokenError::InvalidUtf8
            | TokenError::DuplicateParameter(_)
            | TokenError::MissingParameter(_)
            | TokenError::MalformedParameter(_)
            | TokenError::MultipleClientAuthentication
            | TokenError::ClientIdMismatch => ErrorCode::InvalidRequest,
        }
    }

    /// The HTTP status: 401 for `invalid_client`, 405 for a wrong method, 413
    /// for an oversized body, 500 for a failed signature, 400 otherwise.
    pub const fn status(&self) -> u16 {
        match self {
            TokenError::InvalidClient { .. } => 401,
            TokenError::MethodNotAllowed => 405,
            TokenError::BodyTooLarge | TokenError::TooManyParameters => 413,
            TokenError::SigningFailed => 500,
            _ => 400,
        }
    }

    /// The fixed `error_description`.
    pub fn description(&self) -> String {
        self.to_string()
    }
}
