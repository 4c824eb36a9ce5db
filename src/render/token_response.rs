//! A successful token response (RFC 6749 5.1).

use serde::Serialize;

use crate::render::http_response::HttpResponse;
use crate::values::scope::Scope;
use crate::values::secret::{AccessToken, RefreshToken};

/// The tokens issued by a successful exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResponse {
    /// The JWT access token.
    pub access_token: AccessToken,
    /// Its lifetime in seconds.
    pub expires_in: u64,
    /// A refresh token (authorization_code and refresh_token grants only).
    pub refresh_token: Option<RefreshToken>,
    /// The granted scope.
    pub scope: Scope,
}

/// The JSON body, in a stable key order.
#[derive(Serialize)]
struct Body<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a Scope>,
}

impl TokenResponse {
    /// Renders the 200 response: `access_token`, `token_type` (`Bearer`),
    /// `expires_in`, `refresh_token` if any, and `scope` unless empty, with
    /// the `no-store` headers.
    pub fn to_http_response(&self) -> HttpResponse {
        let body = Body {
            access_token: self.access_token.expose_secret(),
            token_type: "Bearer",
            expires_in: self.expires_in,
            refresh_token: self.refresh_token.as_ref().map(RefreshToken::expose_secret),
            scope: (!self.scope.is_empty()).then_some(&self.scope),
        };
        let mut json = Vec::with_capacity(self.access_token.expose_secret().len() + 160);
        if serde_json::to_writer(&mut json, &body).is_err() {
            json.clear();
        }
        HttpResponse::no_store_json(200, json)
    }
}
