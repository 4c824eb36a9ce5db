//! Parsing: untrusted bytes become validated requests or typed errors, with
//! no lookups and no knowledge of what happens next (RFC 6749 3.1, 3.2,
//! 2.3.1; RFC 7009 2.1; RFC 7662 2.1; RFC 6750 2.1).
//!
//! Decoding is strict: a repeated parameter, a malformed `%` escape, bytes
//! that are not UTF-8 and bodies over the [`ParseLimits`] are refused; empty
//! values count as omitted and unknown parameters are ignored. Every check
//! looks at every parameter, so the answer never depends on their order.

pub(crate) mod authorization_request;
pub(crate) mod bearer_header;
pub(crate) mod client_auth;
pub(crate) mod encode;
pub(crate) mod form;
pub(crate) mod form_post;
pub(crate) mod limits;
pub(crate) mod param_set;
pub(crate) mod request_parts;
pub(crate) mod token_reference;
pub(crate) mod token_request;

pub use authorization_request::{AuthorizationRequest, parse_authorization_request};
pub use bearer_header::parse_bearer_header;
pub use client_auth::{ClientAuth, MAX_BASIC_CREDENTIALS_LEN, parse_basic_credentials};
pub use encode::EncodedTokenRequest;
pub use limits::ParseLimits;
pub use request_parts::RequestParts;
pub use token_reference::{TokenReference, TokenTypeHint, parse_token_reference};
pub use token_request::{
    AuthorizationCodeRequest, ClientCredentialsRequest, RefreshTokenRequest, TokenRequest,
    parse_token_request, parse_token_request_with,
};
