//! # grant-engine
//!
//! The protocol core of an OAuth 2.0 authorization server, with no I/O.
//!
//! A host (an axum or hyper service, a CLI, a test harness) hands the engine
//! the bytes of a request; the engine hands back a validated request or a
//! precise, typed error that renders to an exact HTTP response. Time,
//! randomness, keys and storage are all injected, so the same inputs always
//! give the same bytes.
//!
//! ```
//! use grant_engine::{parse_token_request, Realm, RequestParts, TokenError, Param};
//!
//! // A well-formed client_credentials request parses into its variant...
//! let ok = parse_token_request(&RequestParts::form_post(
//!     b"grant_type=client_credentials&client_id=m2m&client_secret=s",
//! ));
//! assert!(ok.is_ok());
//!
//! // ...and a repeated parameter is refused, naming the parameter.
//! let err = parse_token_request(&RequestParts::form_post(
//!     b"grant_type=client_credentials&scope=a&scope=b&client_id=m2m",
//! ))
//! .unwrap_err();
//! assert_eq!(err, TokenError::DuplicateParameter(Param::Scope));
//! let response = err.to_http_response(&Realm::default());
//! assert_eq!(response.status, 400);
//! assert_eq!(
//!     response.body_str(),
//!     r#"{"error":"invalid_request","error_description":"the scope parameter is repeated"}"#
//! );
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

mod authorize;
mod bearer;
mod client_auth;
mod client_id;
mod config;
mod context;
mod drive;
mod effect;
mod error;
mod exchange;
mod form;
mod grant_type;
mod hashes;
mod http_response;
mod ids;
mod introspection;
mod jwt;
mod keys;
mod memory;
mod metadata;
mod param;
mod pkce;
mod realm;
mod records;
mod redirect_uri;
mod request;
mod revocation;
mod scope;
mod secret;
mod syntax;
mod token_reference;
mod token_request;
mod token_response;

pub use authorize::{
    Approval, ApprovalError, AuthorizationRequest, AuthorizeDecision, AuthorizeError,
    AuthorizeErrorCode, AuthorizeRefusal, PendingAuthorization, authorize_with,
    parse_authorization_request,
};
pub use bearer::{BearerError, BearerPolicy, PendingBearer, authenticate_bearer, verify_bearer};
pub use client_auth::{ClientAuth, parse_basic_credentials};
pub use client_id::ClientId;
pub use config::{Config, MAX_CODE_TTL, PkcePolicy, PkceRequirement};
pub use context::{Context, Entropy};
pub use drive::{Lookup, drive};
pub use effect::Effect;
pub use error::{ClientAuthFailure, ErrorCode, InvalidGrant, InvalidScope, TokenError};
pub use exchange::{
    ClientQuestion, CodeQuestion, Outcome, RefreshTokenQuestion, Step, start_exchange,
    token_endpoint,
};
pub use form::ParseLimits;
pub use grant_type::GrantType;
pub use hashes::{SecretHash, TokenHash};
pub use http_response::HttpResponse;
pub use ids::{FamilyId, Subject, TokenId};
pub use introspection::{
    Introspection, IntrospectionClientQuestion, IntrospectionRefreshQuestion,
    IntrospectionRevocationQuestion, IntrospectionStep, drive_introspection,
    introspection_endpoint,
};
pub use jwt::{AccessTokenClaims, JwtError, verify_access_token};
pub use keys::{HmacKey, KeyRing};
pub use memory::MemoryStore;
pub use metadata::{Endpoints, metadata_document};
pub use param::Param;
pub use pkce::{CodeChallenge, CodeChallengeMethod, CodeVerifier};
pub use realm::Realm;
pub use records::{
    ClientRecord, CodeRecord, CodeState, PkceChallenge, RefreshTokenRecord, RefreshTokenState,
};
pub use redirect_uri::RedirectUri;
pub use request::RequestParts;
pub use revocation::{
    RevocationClientQuestion, RevocationRefreshQuestion, RevocationStep, drive_revocation,
    revocation_endpoint,
};
pub use scope::Scope;
pub use secret::{AccessToken, AuthorizationCode, ClientSecret, PresentedToken, RefreshToken};
pub use syntax::InvalidValue;
pub use token_reference::{TokenReference, TokenTypeHint, parse_token_reference};
pub use token_request::{
    AuthorizationCodeRequest, ClientCredentialsRequest, EncodedTokenRequest, RefreshTokenRequest,
    TokenRequest, parse_token_request, parse_token_request_with,
};
pub use token_response::TokenResponse;
