//! A plain HTTP response value: what the engine hands back to the host.

use crate::render::error_body::error_body;

/// An HTTP response with no I/O attached: the host writes it out.
///
/// Header names are lower-case; every value is visible ASCII. `Debug` shows
/// the status, the header names and the body's length only: a body can hold
/// tokens and a `location` header a code.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values, in the order they should be sent.
    pub headers: Vec<(&'static str, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A JSON response that no cache may keep (RFC 6749 5.1): every token
    /// endpoint response, success or error, is one of these.
    pub fn no_store_json(status: u16, body: Vec<u8>) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![
                ("content-type", String::from("application/json")),
                ("cache-control", String::from("no-store")),
                ("pragma", String::from("no-cache")),
            ],
            body,
        }
    }

    /// `503 Service Unavailable` with `Retry-After` (RFC 9110 10.2.3) and a
    /// `temporarily_unavailable` body: what a host answers when its store
    /// cannot make a request's effects durable, or keeps conflicting
    /// ([`DriveError`](crate::machine::DriveError)). No token leaves the
    /// server with it.
    ///
    /// ```
    /// use grant_engine::HttpResponse;
    /// let response = HttpResponse::unavailable(1);
    /// assert_eq!(response.status, 503);
    /// assert_eq!(response.header("retry-after"), Some("1"));
    /// assert_eq!(
    ///     response.body_str(),
    ///     r#"{"error":"temporarily_unavailable","error_description":"the authorization server is busy, retry later"}"#
    /// );
    /// ```
    pub fn unavailable(retry_after_seconds: u32) -> HttpResponse {
        HttpResponse::retry_later(
            503,
            "the authorization server is busy, retry later",
            u64::from(retry_after_seconds),
        )
    }

    /// `429 Too Many Requests` with `Retry-After` (RFC 6585 4): the answer
    /// of a host that throttles failed client authentications (RFC 6749
    /// 2.3.1 asks for brute-force protection), counted from
    /// [`SecurityEvent::ClientAuthenticationFailed`](crate::machine::SecurityEvent).
    /// Not cacheable, like every error of these endpoints.
    ///
    /// ```
    /// use grant_engine::HttpResponse;
    /// let response = HttpResponse::too_many_requests(42);
    /// assert_eq!(response.status, 429);
    /// assert_eq!(response.header("retry-after"), Some("42"));
    /// assert_eq!(
    ///     response.body_str(),
    ///     r#"{"error":"temporarily_unavailable","error_description":"too many failed client authentications, retry later"}"#
    /// );
    /// ```
    pub fn too_many_requests(retry_after_seconds: u64) -> HttpResponse {
        HttpResponse::retry_later(
            429,
            "too many failed client authentications, retry later",
            retry_after_seconds,
        )
    }

    /// A `temporarily_unavailable` error with `status`, `description` and
    /// `Retry-After`.
    fn retry_later(status: u16, description: &str, retry_after_seconds: u64) -> HttpResponse {
        let body = error_body("temporarily_unavailable", description);
        let mut response = HttpResponse::no_store_json(status, body);
        response
            .headers
            .push(("retry-after", retry_after_seconds.to_string()));
        response
    }

    /// The first value of header `name` (compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (every body the engine writes is UTF-8 JSON).
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or_default()
    }
}

impl core::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "http")]
impl From<HttpResponse> for http::Response<Vec<u8>> {
    /// Every header the engine writes has a valid name and a visible-ASCII
    /// value, so none is dropped by this conversion.
    fn from(value: HttpResponse) -> Self {
        let mut response = http::Response::new(value.body);
        *response.status_mut() = http::StatusCode::from_u16(value.status)
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        for (name, v) in value.headers {
            let name = http::header::HeaderName::from_bytes(name.as_bytes());
            if let (Ok(name), Ok(v)) = (name, http::HeaderValue::try_from(v)) {
                headers.append(name, v);
            }
        }
        response
    }
}
