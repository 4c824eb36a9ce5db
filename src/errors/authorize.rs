//! The authorization endpoint's error model (RFC 6749 4.1.2.1): refusals
//! shown to the user, and the errors redirected back to the client.

use core::fmt;

use thiserror::Error;

use crate::values::param::Param;

/// An authorization request that could not be tied to a client and a
/// registered redirect URI: answered to the user (400), never redirected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum AuthorizeRefusal {
    /// The query is too large, has too many parameters, a bad `%` escape,
    /// or is not UTF-8.
    #[error("the authorization request cannot be decoded")]
    MalformedQuery,
    /// No `client_id`.
    #[error("the client_id parameter is missing")]
    MissingClientId,
    /// `client_id` given more than once.
    #[error("the client_id parameter is repeated")]
    RepeatedClientId,
    /// `client_id` is not `1*VSCHAR`.
    #[error("the client_id parameter is malformed")]
    MalformedClientId,
    /// No client has this id.
    #[error("the client is unknown")]
    UnknownClient,
    /// `redirect_uri` given more than once.
    #[error("the redirect_uri parameter is repeated")]
    RepeatedRedirectUri,
    /// `redirect_uri` is not an absolute URI without a fragment.
    #[error("the redirect_uri parameter is malformed")]
    MalformedRedirectUri,
    /// `redirect_uri` omitted, and the client has none or several registered.
    #[error("the redirect_uri parameter is missing")]
    MissingRedirectUri,
    /// `redirect_uri` is not one of the client's, as an exact string.
    #[error("the redirect_uri is not registered for this client")]
    UnregisteredRedirectUri,
}

/// The error codes of RFC 6749 4.1.2.1 that travel in a redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthorizeErrorCode {
    /// `invalid_request`.
    InvalidRequest,
    /// `unauthorized_client`.
    UnauthorizedClient,
    /// `access_denied`.
    AccessDenied,
    /// `unsupported_response_type`.
    UnsupportedResponseType,
    /// `invalid_scope`.
    InvalidScope,
    /// `server_error`.
    ServerError,
    /// `temporarily_unavailable`.
    TemporarilyUnavailable,
}

impl AuthorizeErrorCode {
    /// The code on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthorizeErrorCode::InvalidRequest => "invalid_request",
            AuthorizeErrorCode::UnauthorizedClient => "unauthorized_client",
            AuthorizeErrorCode::AccessDenied => "access_denied",
            AuthorizeErrorCode::UnsupportedResponseType => "unsupported_response_type",
            AuthorizeErrorCode::InvalidScope => "invalid_scope",
            AuthorizeErrorCode::ServerError => "server_error",
            AuthorizeErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
        }
    }
}

impl fmt::Display for AuthorizeErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a request tied to a client was refused with a redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum AuthorizeError {
    /// A parameter other than `client_id`/`redirect_uri` is repeated.
    #[error("a parameter is repeated")]
    RepeatedParameter(Param),
    /// `state` is not `1*VSCHAR` (it is then not echoed).
    #[error("the state parameter is malformed")]
    MalformedState,
    /// No `response_type`.
    #[error("the response_type parameter is missing")]
    MissingResponseType,
    /// `response_type` other than `code` (no implicit grant).
    #[error("only response_type=code is supported")]
    UnsupportedResponseType,
    /// The client may not use the authorization code grant.
    #[error("the client is not allowed to use the authorization code grant")]
    UnauthorizedClient,
    /// `scope` is malformed.
    #[error("the scope parameter is malformed")]
    MalformedScope,
    /// `scope` asks for more than the client may have.
    #[error("the requested scope exceeds what the client may have")]
    ScopeNotAllowed,
    /// The client must use PKCE and sent no `code_challenge`.
    #[error("a code_challenge is required")]
    MissingCodeChallenge,
    /// `code_challenge` is not 43-128 unreserved characters.
    #[error("the code_challenge parameter is malformed")]
    MalformedCodeChallenge,
    /// `code_challenge_method` is unknown, or `plain` (or absent, which
    /// means plain) while only S256 is enabled, or sent without a challenge.
    #[error("the code_challenge_method is not supported")]
    UnsupportedCodeChallengeMethod,
    /// The resource owner denied the request.
    #[error("the resource owner denied the request")]
    AccessDenied,
    /// The host approved a scope the client did not request (a host bug):
    /// nothing is issued.
    #[error("the granted scope exceeds the requested scope")]
    ScopeNotRequested,
    /// The resource owner approved no scope at all: a token response
    /// without `scope` would read as "everything requested" (RFC 6749 5.1),
    /// so nothing is issued.
    #[error("the resource owner granted no scope")]
    NothingGranted,
}

impl AuthorizeError {
    /// The code the redirect carries.
    pub const fn code(&self) -> AuthorizeErrorCode {
        match self {
            AuthorizeError::UnsupportedResponseType => AuthorizeErrorCode::UnsupportedResponseType,
            AuthorizeError::UnauthorizedClient => AuthorizeErrorCode::UnauthorizedClient,
            AuthorizeError::MalformedScope | AuthorizeError::ScopeNotAllowed => {
                AuthorizeErrorCode::InvalidScope
            }
            AuthorizeError::AccessDenied
            | AuthorizeError::ScopeNotRequested
            | AuthorizeError::NothingGranted => AuthorizeErrorCode::AccessDenied,
            AuthorizeError::RepeatedParameter(_)
            | AuthorizeError::MalformedState
            | AuthorizeError::MissingResponseType
            | AuthorizeError::MissingCodeChallenge
            | AuthorizeError::MalformedCodeChallenge
            | AuthorizeError::UnsupportedCodeChallengeMethod => AuthorizeErrorCode::InvalidRequest,
        }
    }
}
