//! Rendering: typed results become plain [`HttpResponse`] values, with the
//! headers the RFCs require (`Cache-Control: no-store` on every token
//! response, RFC 6749 5.1; the challenges of RFC 6749 5.2 and RFC 6750 3).
//! A leaf: it knows the values and error models, nothing of the exchange.

pub(crate) mod bearer_challenge;
pub(crate) mod error_body;
pub(crate) mod http_response;
pub(crate) mod redirect;
pub(crate) mod token_error;
pub(crate) mod token_response;

pub use http_response::HttpResponse;
pub use token_response::TokenResponse;
