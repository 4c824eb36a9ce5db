//! The `Authorization: Bearer` request header (RFC 6750 2.1). Tokens in the
//! query or the body are not accepted (RFC 6750 2.2 and 2.3 are optional,
//! and RFC 9700 2.4.2 advises against the query).

use crate::errors::bearer::BearerError;

/// The token of an `Authorization` header value: the scheme name
/// compared case-insensitively, then a single token68. No header or another
/// scheme is [`BearerError::MissingToken`] (a bare challenge); a Bearer
/// header that is not `Bearer <token68>` is [`BearerError::InvalidRequest`].
///
/// ```
/// use grant_engine::errors::BearerError;
/// use grant_engine::parse::parse_bearer_header;
/// assert_eq!(parse_bearer_header(Some(b"bearer a.b.c")), Ok("a.b.c"));
/// assert_eq!(parse_bearer_header(Some(b"Basic abc")), Err(BearerError::MissingToken));
/// assert_eq!(parse_bearer_header(Some(b"Bearer a b")), Err(BearerError::InvalidRequest));
/// assert_eq!(parse_bearer_header(None), Err(BearerError::MissingToken));
/// ```
pub fn parse_bearer_header(authorization: Option<&[u8]>) -> Result<&str, BearerError> {
    let value = authorization.ok_or(BearerError::MissingToken)?.trim_ascii();
    let split = value.iter().position(|b| *b == b' ');
    let (scheme, rest) = match split {
        Some(at) => value.split_at_checked(at).unwrap_or((value, &b""[..])),
        None => (value, &b""[..]),
    };
    if !scheme.eq_ignore_ascii_case(b"bearer") {
        return Err(BearerError::MissingToken);
    }
    let token = rest.trim_ascii_start();
    if !is_token68(token) {
        return Err(BearerError::InvalidRequest);
    }
    std::str::from_utf8(token).map_err(|_| BearerError::InvalidRequest)
}

/// `token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
fn is_token68(token: &[u8]) -> bool {
    let body_len = token.iter().position(|b| *b == b'=').unwrap_or(token.len());
    let (body, padding) = token.split_at_checked(body_len).unwrap_or((token, &[]));
    !body.is_empty()
        && body.iter().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
        && padding.iter().all(|b| *b == b'=')
}
