//! # grant-engine
//!
//! The protocol core of an OAuth 2.0 authorization server, with no I/O.
//!
//! A host (an axum or hyper service, a CLI, a test harness) hands the engine
//! the bytes of a request and the answers to its questions; the engine hands
//! back a plain HTTP response value and the state changes ([`Effect`]s) the
//! host must persist. Time, randomness, keys and storage are all injected,
//! so the same inputs always give the same bytes.
//!
//! The pieces, in the order a request meets them:
//!
//! - **Parse**: [`parse_token_request`] turns untrusted bytes into a
//!   validated [`TokenRequest`] or a typed [`TokenError`] that renders to
//!   the exact RFC 6749 5.2 response.
//! - **Exchange**: [`token_endpoint`] / [`start_exchange`] run a sans-io
//!   step machine. Each [`Step`] is a question (client, code, refresh token)
//!   answered by consuming its handle, or the final [`Outcome`].
//! - **Mint**: RFC 9068 JWT access tokens (HS256, [`KeyRing`] with `kid`s
//!   for rotation) and opaque refresh tokens and codes derived from the
//!   host's [`Entropy`], stored by the host only as [`TokenHash`]es.
//! - **The other endpoints**: [`parse_authorization_request`],
//!   [`revocation_endpoint`], [`introspection_endpoint`],
//!   [`verify_bearer`] for resource servers, [`metadata_document`].
//!
//! ## A blocking host
//!
//! ```
//! use grant_engine::*;
//!
//! let keys = KeyRing::new(HmacKey::new("2026-11", &[7u8; 32]).unwrap());
//! let config = Config::new("https://as.example", "https://api.example", keys);
//! let mut store = MemoryStore::new();
//! store.add_client(
//!     ClientRecord::confidential(ClientId::new("your_client_id").unwrap(), "your_client_secret")
//!         .with_grant_types(&[GrantType::ClientCredentials])
//!         .with_scope(Scope::parse("read write").unwrap()),
//! );
//!
//! let body = b"grant_type=client_credentials&client_id=your_client_id\
//!              &client_secret=your_client_secret&scope=read%20write";
//! let ctx = Context::new(1_800_000_000, Entropy::from_bytes([42; 32]));
//! let outcome = drive(token_endpoint(&RequestParts::form_post(body), &config, ctx), &mut store).unwrap();
//! store.apply(outcome.effects()); // persist first, then answer
//! let response = outcome.response();
//! assert_eq!(response.status, 200);
//! assert_eq!(response.header("cache-control"), Some("no-store"));
//! let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
//! assert_eq!(json["token_type"], "Bearer");
//! assert_eq!(json["expires_in"], 86400);
//! assert_eq!(json["scope"], "read write");
//! ```
//!
//! ## An async host
//!
//! The host awaits its database between steps. Steps are owned and `Send`,
//! so a task can hold one across `.await`; answering consumes the question,
//! so answering twice or with the wrong record does not compile. A storage
//! failure is the host's own error, never a [`TokenError`].
//!
//! ```
//! use grant_engine::*;
//!
//! /// The host's database, whatever it is.
//! trait Db {
//!     async fn client(&self, id: &ClientId) -> Result<Option<ClientRecord>, DbError>;
//!     /// Atomic: returns the record as it was and marks an unused code redeemed.
//!     async fn take_code(&self, hash: &TokenHash) -> Result<Option<CodeRecord>, DbError>;
//!     async fn refresh(&self, hash: &TokenHash) -> Result<Option<RefreshTokenRecord>, DbError>;
//!     /// In the same transaction as the lookups above.
//!     async fn apply(&self, effects: &[Effect]) -> Result<(), DbError>;
//! }
//! struct DbError;
//!
//! async fn token(db: &impl Db, parts: RequestParts<'_>, config: &Config, ctx: Context)
//!     -> Result<HttpResponse, DbError>
//! {
//!     let mut step = token_endpoint(&parts, config, ctx);
//!     let outcome = loop {
//!         step = match step {
//!             Step::NeedClient(q) => { let rec = db.client(q.client_id()).await?; q.provide(rec) }
//!             Step::NeedCode(q) => { let rec = db.take_code(q.code_hash()).await?; q.provide(rec) }
//!             Step::NeedRefreshToken(q) => { let rec = db.refresh(q.token_hash()).await?; q.provide(rec) }
//!             Step::Done(outcome) => break outcome,
//!         }
//!     };
//!     db.apply(outcome.effects()).await?; // store, rotate, revoke...
//!     let (response, _effects) = outcome.into_parts();
//!     Ok(response) // HttpResponse { status, headers, body }
//! }
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
#[cfg(feature = "oracle")]
pub mod oracle;
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
pub use client_auth::{ClientAuth, MAX_BASIC_CREDENTIALS_LEN, parse_basic_credentials};
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

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
