//! # grant-engine
//!
//! The protocol core of an OAuth 2.0 authorization server, with no I/O.
//!
//! A host (an axum, actix or hyper service, a CLI, a test harness) hands
//! the engine the bytes of a request and the answers to its questions; the
//! engine hands back a plain HTTP response value and the state changes
//! ([`Effect`]s) the host must persist. Time, randomness, keys and storage
//! are all injected, so the same inputs always give the same bytes.
//!
//! ## One machine for every endpoint
//!
//! Every endpoint is a request value that implements [`Endpoint`]:
//! [`Exchange`] (the token endpoint), [`Authorize`] and its [`Consent`]'s
//! [`Decide`](authorize::Decide) (the authorization endpoint), [`Revoke`],
//! [`Introspect`] and [`VerifyBearer`] (a protected resource). Each runs as
//! the same kind of step machine: it starts at a [`Call`] (the time and
//! fresh entropy), asks its questions as [`Step`]s (a client, a code, a
//! refresh token, whether a token was revoked), and ends in an [`Outcome`]:
//! the response, the effects, and a typed report.
//!
//! [`drive`] answers the questions from a blocking [`Store`] and
//! [`drive_async`] from an [`AsyncStore`]; both apply the effects as one
//! unit and re-run a request whose effects conflicted with another's (the
//! store contract, in [`Effect`]'s docs). [`MemoryStore`] is both. The
//! [`guide`] shows how to embed the engine over a database of your own.
//!
//! ## A blocking host
//!
//! ```
//! use grant_engine::{Call, ClientId, ClientRecord, Config, Exchange, GrantType, HmacKey};
//! use grant_engine::{KeyRing, MemoryStore, RequestParts, Scope, drive};
//! use grant_engine::client_secret::{ClientSecrets, Pepper};
//! use grant_engine::values::{ClientSecret, Entropy};
//!
//! // Keys and the client-secret pepper come from the host's secret store.
//! let keys = KeyRing::new(HmacKey::new("2026-11", &[7u8; 32]).unwrap());
//! let secrets = ClientSecrets::new(Pepper::new("2026-11", &[3u8; 32]).unwrap());
//! let config = Config::new("https://as.example", "https://api.example", keys)
//!     .with_client_secrets(secrets.clone());
//! // Registration stores a verifier keyed by the pepper, never the secret.
//! let id = ClientId::new("your_client_id").unwrap();
//! let secret = ClientSecret::new("your_client_secret").unwrap();
//! let verifier = secrets.verifier(&id, &secret).unwrap();
//! let mut store = MemoryStore::new();
//! store.add_client(
//!     ClientRecord::confidential(id, verifier)
//!         .with_grant_types(&[GrantType::ClientCredentials])
//!         .with_scope(Scope::parse("read write").unwrap()),
//! );
//!
//! let body = b"grant_type=client_credentials&client_id=your_client_id\
//!              &client_secret=your_client_secret&scope=read%20write";
//! let request = Exchange::parse(&RequestParts::form_post(body), &config);
//! // Time and entropy come from the host: the clock and the OS RNG in production.
//! let call = Call::new(1_800_000_000, Entropy::from_bytes([42; 32]));
//! let outcome = drive(&mut store, &config, call, request).unwrap(); // effects applied
//! let response = outcome.response();
//! assert_eq!(response.status, 200);
//! assert_eq!(response.header("cache-control"), Some("no-store"));
//! let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
//! assert_eq!(json["token_type"], "Bearer");
//! assert_eq!(json["expires_in"], 86400);
//! assert_eq!(json["scope"], "read write");
//! ```
//!
//! ## Security model
//!
//! The host stores codes and refresh tokens only as SHA-256 digests and
//! client secrets only as [`SecretVerifier`](client_secret::SecretVerifier)s
//! keyed by a pepper from the configuration
//! ([`Config::with_client_secrets`]), so a leaked table reveals no secret;
//! slow PBKDF2 verifiers are a cargo feature (`pbkdf2`) for human-chosen
//! secrets, and [`client_secret::generate`] makes 256-bit ones. Successors come from the call's
//! [`Entropy`] or, with a grace period, from a rotation key independent of
//! the signing keys, so neither a leaked database nor a leaked HS256 key
//! gives a live refresh token. The grace period is at most 60 s, a regrant
//! is confirmed by the store ([`Effect::Regrant`]), and a refresh family
//! ends at an absolute lifetime ([`Config::with_family_lifetime`]). Every
//! [`Outcome`] reports the [`SecurityEvent`](machine::SecurityEvent)s a
//! host should log and count (failed client authentication, for the
//! brute-force throttling RFC 6749 2.3.1 asks of it). The host provides
//! fresh entropy for every call, a correct clock, the keys and the pepper,
//! and a store that keeps the contract. The README's "Security model" has the details.
//!
//! ## Where each rule lives
//!
//! The layers, bottom up; each folder's docs name the RFC sections it
//! implements.
//!
//! | module | what it holds |
//! |---|---|
//! | [`values`] | the vocabulary: client ids, scopes (RFC 6749 3.3), redirect URIs (3.1.2), PKCE values (RFC 7636), secrets and their digests |
//! | [`errors`] | the error models: token endpoint (RFC 6749 5.2), authorization endpoint (4.1.2.1), bearer use (RFC 6750 3.1), JWT checks |
//! | [`parse`] | untrusted bytes to validated requests: form hygiene (RFC 6749 3.2), client authentication (2.3.1), each grant's parameters |
//! | [`mint`] | RFC 9068 access tokens, keys (HS256; ES256, EdDSA and RS256 with the `es256`, `eddsa` and `rs256` features, each pinned to its algorithm; from PKCS#8 or a private JWK), the JWK Set (RFC 7517), and the values derived from the entropy (codes, refresh tokens, families, successors) |
//! | [`render`] | typed results to [`HttpResponse`]s (RFC 6749 5.1, 5.2; RFC 6750 3; redirects of 4.1.2) |
//! | [`client_secret`] | client secrets (RFC 6749 2.3.1): peppered verifiers, their rotation, the generator, the opt-in minimum |
//! | [`config`] | the policy: issuer, lifetimes, PKCE policy, grace period, limits |
//! | [`store`] | the records, the [`Effect`]s and their expectations, [`Store`], [`AsyncStore`], [`MemoryStore`] |
//! | [`machine`] | [`Call`], [`Step`], the questions, [`Outcome`], [`Endpoint`], the drivers |
//! | [`token`] | the token endpoint and its grants (RFC 6749 4.1.3, 4.4, 6; RFC 7636 4.6; RFC 9700 4.14) |
//! | [`authorize`] | the authorization endpoint (RFC 6749 4.1.1-4.1.2.1, RFC 9207) |
//! | [`revocation`], [`introspection`], [`bearer`], [`metadata`] | RFC 7009, RFC 7662, RFC 6750, RFC 8414 and the JWK Set document (RFC 7517 5) |
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

pub(crate) mod authenticate;
pub mod authorize;
pub mod bearer;
pub mod client_secret;
pub mod config;
pub mod errors;
pub mod guide;
pub mod introspection;
pub mod machine;
pub mod metadata;
pub mod mint;
pub mod parse;
pub mod render;
pub mod revocation;
pub mod store;
pub mod token;
pub mod values;

pub use authorize::{Authorization, Authorize, Consent};
pub use bearer::{BearerPolicy, VerifyBearer};
pub use config::Config;
pub use errors::TokenError;
pub use introspection::{Introspect, Introspection};
pub use machine::{Call, DriveError, Endpoint, Outcome, Step, drive, drive_async};
pub use metadata::{EndpointUrls, metadata_document};
pub use mint::{AccessTokenClaims, HmacKey, KeyRing};
pub use parse::RequestParts;
pub use render::{HttpResponse, TokenResponse};
pub use revocation::Revoke;
pub use store::{
    AsyncStore, ClientRecord, CodeRecord, Effect, MemoryStore, RefreshTokenRecord, Store,
};
pub use token::Exchange;
pub use values::{ClientId, Entropy, GrantType, RedirectUri, Scope, Subject, TokenHash};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
