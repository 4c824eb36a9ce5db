//! The parts of an HTTP request the engine reads, with no I/O in them.

/// A borrowed view of an incoming request: the method, the two headers the
/// token endpoint reads, and the body.
///
/// The query string is deliberately absent: client credentials in the URI
/// are never used (RFC 6749 2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestParts<'a> {
    /// The request method, e.g. `"POST"` (methods are case-sensitive).
    pub method: &'a str,
    /// The `Content-Type` header value, if present.
    pub content_type: Option<&'a [u8]>,
    /// The `Authorization` header value, if present.
    pub authorization: Option<&'a [u8]>,
    /// The body bytes.
    pub body: &'a [u8],
}

impl<'a> RequestParts<'a> {
    /// A `POST` with a form body and no `Authorization` header.
    pub fn form_post(body: &'a [u8]) -> Self {
        RequestParts {
            method: "POST",
            content_type: Some(b"application/x-www-form-urlencoded"),
            authorization: None,
            body,
        }
    }

    /// The same request with an `Authorization` header.
    pub fn with_authorization(mut self, value: &'a [u8]) -> Self {
        self.authorization = Some(value);
        self
    }
}

#[cfg(feature = "http")]
impl<'a, B: AsRef<[u8]>> TryFrom<&'a http::Request<B>> for RequestParts<'a> {
    type Error = crate::errors::token::TokenError;

    /// Borrows the parts of an `http::Request`. A repeated `Content-Type` or
    /// `Authorization` header is refused rather than guessed at.
    fn try_from(request: &'a http::Request<B>) -> Result<Self, Self::Error> {
        let single = |name: http::header::HeaderName| {
            let mut values = request.headers().get_all(name).iter();
            match (values.next(), values.next()) {
                (None, _) => Ok(None),
                (Some(v), None) => Ok(Some(v.as_bytes())),
                (Some(_), Some(_)) => Err(crate::errors::token::TokenError::RepeatedHeader),
            }
        };
        Ok(RequestParts {
            method: request.method().as_str(),
            content_type: single(http::header::CONTENT_TYPE)?,
            authorization: single(http::header::AUTHORIZATION)?,
            body: request.body().as_ref(),
        })
    }
}
