//! Authorization responses (RFC 6749 4.1.2, 4.1.2.1; RFC 9207): a 302 back
//! to the client's redirect URI with the result in its query, and the 400
//! shown to the user when no redirect can be trusted.

use crate::errors::authorize::{AuthorizeError, AuthorizeRefusal};
use crate::render::error_body::error_body;
use crate::render::http_response::HttpResponse;
use crate::values::redirect_uri::RedirectUri;

/// Where an authorization response goes: the resolved redirect URI, the
/// `state` to echo (if any) and the issuer (`iss`, RFC 9207).
pub(crate) struct Target<'a> {
    pub(crate) redirect_uri: &'a RedirectUri,
    pub(crate) state: Option<&'a str>,
    pub(crate) issuer: &'a str,
}

impl Target<'_> {
    /// The 302 carrying `code`.
    pub(crate) fn code_response(&self, code: &str) -> HttpResponse {
        self.respond(&[("code", code)])
    }

    /// The 302 carrying `error` and its fixed description.
    pub(crate) fn error_response(&self, error: AuthorizeError) -> HttpResponse {
        let description = error.to_string();
        self.respond(&[
            ("error", error.code().as_str()),
            ("error_description", description.as_str()),
        ])
    }

    /// `first`, then `state` and `iss`, appended to the redirect URI's query.
    fn respond(&self, first: &[(&str, &str)]) -> HttpResponse {
        let mut params = first.to_vec();
        if let Some(state) = self.state {
            params.push(("state", state));
        }
        params.push(("iss", self.issuer));
        redirect(self.redirect_uri, &params)
    }
}

/// A 302 to `uri` with `params` appended to its query (RFC 6749 3.1.2:
/// an existing query is kept).
fn redirect(uri: &RedirectUri, params: &[(&str, &str)]) -> HttpResponse {
    let query = serde_urlencoded::to_string(params).unwrap_or_default();
    let uri = uri.as_str();
    let separator = match uri.find('?') {
        None => "?",
        Some(_) if uri.ends_with('?') || uri.ends_with('&') => "",
        Some(_) => "&",
    };
    HttpResponse {
        status: 302,
        headers: vec![
            ("location", format!("{uri}{separator}{query}")),
            ("cache-control", String::from("no-store")),
        ],
        body: Vec::new(),
    }
}

impl AuthorizeRefusal {
    /// A 400 JSON response for the user agent (a host will usually render
    /// its own page from the variant instead).
    pub fn to_http_response(&self) -> HttpResponse {
        HttpResponse::no_store_json(400, error_body("invalid_request", &self.to_string()))
    }
}
