//! The token endpoint's error responses (RFC 6749 5.2), shared by
//! revocation (RFC 7009 2.2.1) and introspection (RFC 7662 2.3).

use crate::errors::token::TokenError;
use crate::render::error_body::error_body;
use crate::render::http_response::HttpResponse;
use crate::values::realm::Realm;

impl TokenError {
    /// Renders the RFC 6749 5.2 error response: JSON body, `no-store`
    /// headers, `Allow: POST` on a 405 and a Basic challenge on every 401.
    ///
    /// ```
    /// use grant_engine::errors::{ClientAuthFailure, TokenError};
    /// use grant_engine::values::Realm;
    /// let err = TokenError::InvalidClient {
    ///     failure: ClientAuthFailure::WrongSecret,
    ///     authorization_header: true,
    /// };
    /// let resp = err.to_http_response(&Realm::default());
    /// assert_eq!(resp.status, 401);
    /// assert_eq!(resp.header("www-authenticate"), Some(r#"Basic realm="grant-engine""#));
    /// assert_eq!(
    ///     resp.body_str(),
    ///     r#"{"error":"invalid_client","error_description":"client authentication failed"}"#
    /// );
    /// ```
    pub fn to_http_response(&self, realm: &Realm) -> HttpResponse {
        let body = error_body(self.code().as_str(), &self.description());
        let mut response = HttpResponse::no_store_json(self.status(), body);
        match self {
            TokenError::MethodNotAllowed => response.headers.push(("allow", String::from("POST"))),
            TokenError::InvalidClient { .. } => response
                .headers
                .push(("www-authenticate", format!("Basic realm=\"{realm}\""))),
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_signature_is_an_uncached_500_server_error() {
        let response = TokenError::SigningFailed.to_http_response(&Realm::default());
        assert_eq!(response.status, 500);
        assert_eq!(
            response.body_str(),
            r#"{"error":"server_error","error_description":"the access token could not be signed"}"#
        );
        assert_eq!(response.header("cache-control"), Some("no-store"));
        assert_eq!(response.header("www-authenticate"), None);
    }
}
