//! Responses to a refused bearer request at a protected resource
//! (RFC 6750 3): the `WWW-Authenticate: Bearer` challenge and its body.

use crate::errors::bearer::BearerError;
use crate::render::error_body::error_body;
use crate::render::http_response::HttpResponse;
use crate::values::realm::Realm;
use crate::values::scope::Scope;

impl BearerError {
    /// The response with its `WWW-Authenticate: Bearer` challenge: realm,
    /// then error and error_description, then `required_scope` on a 403.
    ///
    /// ```
    /// use grant_engine::errors::BearerError;
    /// use grant_engine::values::{Realm, Scope};
    /// let write = Scope::parse("write").unwrap();
    /// let r = BearerError::InsufficientScope.to_http_response(&Realm::default(), &write);
    /// assert_eq!(r.status, 403);
    /// assert_eq!(
    ///     r.header("www-authenticate"),
    ///     Some(r#"Bearer realm="grant-engine", error="insufficient_scope", error_description="the token lacks a required scope", scope="write""#)
    /// );
    /// let r = BearerError::MissingToken.to_http_response(&Realm::default(), &write);
    /// assert_eq!(r.header("www-authenticate"), Some(r#"Bearer realm="grant-engine""#));
    /// ```
    pub fn to_http_response(&self, realm: &Realm, required_scope: &Scope) -> HttpResponse {
        let mut challenge = format!("Bearer realm=\"{realm}\"");
        let Some(code) = self.error_code() else {
            // RFC 6750 3.1: no credentials, no error code, no body.
            let mut response = HttpResponse::no_store_json(self.status(), Vec::new());
            response.headers.retain(|(name, _)| *name != "content-type");
            response.headers.push(("www-authenticate", challenge));
            return response;
        };
        let description = self.to_string();
        challenge.push_str(&format!(
            ", error=\"{code}\", error_description=\"{description}\""
        ));
        if *self == BearerError::InsufficientScope && !required_scope.is_empty() {
            challenge.push_str(&format!(", scope=\"{required_scope}\""));
        }
        let mut response =
            HttpResponse::no_store_json(self.status(), error_body(code, &description));
        response.headers.push(("www-authenticate", challenge));
        response
    }
}
