//! The `token_request` fuzz target's input format and assertions:
//! `parse_token_request` on an arbitrary method, headers and body. Run by
//! `fuzz/fuzz_targets/token_request.rs` and replayed over the corpus by
//! `testkit/tests/fuzz_corpus.rs`.
//!
//! Input format, so that the body is the tail of the input and dictionary
//! tokens land in it:
//!
//! ```text
//! byte 0   flags (a missing byte is 0)
//!          0x01  method: read a field, lossy UTF-8 (otherwise "POST")
//!          0x02  no Content-Type header (otherwise see 0x04)
//!          0x04  Content-Type: read a field (otherwise the form media type)
//!          0x08  Authorization: read a field (otherwise no header)
//!          0x10  ...and send it as "Basic " + base64(field), so the fuzzer
//!                reaches the id:secret decoding without finding base64
//!          other bits are ignored
//! fields   in the order method, Content-Type, Authorization, each only if
//!          its flag asks for it: one length byte L, then L bytes (fewer if
//!          the input ends first)
//! rest     the body
//! ```
//!
//! So `\x00` followed by a form body is a plain form POST.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use grant_engine::errors::{ClientAuthFailure, TokenError};
use grant_engine::parse::{
    MAX_BASIC_CREDENTIALS_LEN, ParseLimits, RequestParts, TokenRequest, parse_token_request,
};
use grant_engine::values::Realm;

const FORM: &[u8] = b"application/x-www-form-urlencoded";

/// The six `error` codes of RFC 6749 5.2.
const RFC6749_CODES: [&str; 6] = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
];

/// A fuzz input split into the parts of a request.
#[derive(Debug)]
pub struct TokenInput<'a> {
    pub method: Cow<'a, str>,
    pub content_type: Option<&'a [u8]>,
    pub authorization: Option<Cow<'a, [u8]>>,
    pub body: &'a [u8],
}

impl<'a> TokenInput<'a> {
    /// Splits `data` as described in the module documentation.
    pub fn split(data: &'a [u8]) -> TokenInput<'a> {
        let (&flags, mut rest) = data.split_first().unwrap_or((&0, &[]));
        let mut field = |wanted: u8| -> Option<&'a [u8]> {
            if flags & wanted == 0 {
                return None;
            }
            let (&len, tail) = rest.split_first().unwrap_or((&0, &[]));
            let (value, tail) = tail.split_at(usize::from(len).min(tail.len()));
            rest = tail;
            Some(value)
        };
        let method = field(0x01).map_or(Cow::Borrowed("POST"), String::from_utf8_lossy);
        let custom_content_type = field(0x04);
        let content_type = if flags & 0x02 != 0 {
            None
        } else {
            Some(custom_content_type.unwrap_or(FORM))
        };
        let authorization = field(0x08).map(|value| {
            if flags & 0x10 != 0 {
                Cow::Owned(format!("Basic {}", STANDARD.encode(value)).into_bytes())
            } else {
                Cow::Borrowed(value)
            }
        });
        TokenInput {
            method,
            content_type,
            authorization,
            body: rest,
        }
    }

    /// The input as the engine's [`RequestParts`].
    pub fn parts(&self) -> RequestParts<'_> {
        RequestParts {
            method: &self.method,
            content_type: self.content_type,
            authorization: self.authorization.as_deref(),
            body: self.body,
        }
    }
}

/// Parses one fuzz input and checks every invariant the target asserts.
pub fn check(data: &[u8]) {
    let input = TokenInput::split(data);
    let parts = input.parts();
    let result = parse_token_request(&parts);

    // The answer never depends on the order the parameters were sent in.
    let mut segments: Vec<&[u8]> = parts.body.split(|b| *b == b'&').collect();
    segments.reverse();
    let reversed = segments.join(&b'&');
    let reversed_result = parse_token_request(&RequestParts {
        body: &reversed,
        ..parts
    });
    assert_eq!(
        result, reversed_result,
        "reversing the parameter order changed the result"
    );

    match result {
        Err(error) => check_error(&error),
        Ok(request) => check_request(&request, parts.authorization.is_some()),
    }
}

/// `encode()` is the inverse of parsing.
fn check_request(request: &TokenRequest, had_authorization: bool) {
    assert_eq!(
        request.client().used_authorization_header(),
        had_authorization,
        "an Authorization header is used if and only if it was sent"
    );
    let wire = request.encode();
    // Percent-encoding can grow a request past the parser's limits; `encode`
    // documents that such an encoding is refused, and with which error.
    if wire.body.len() > ParseLimits::default().max_body_bytes {
        assert_eq!(
            parse_token_request(&wire.parts()),
            Err(TokenError::BodyTooLarge)
        );
        return;
    }
    if wire
        .authorization
        .as_ref()
        .is_some_and(|h| h.len() - "Basic ".len() > MAX_BASIC_CREDENTIALS_LEN)
    {
        assert_eq!(
            parse_token_request(&wire.parts()),
            Err(TokenError::InvalidClient {
                failure: ClientAuthFailure::MalformedBasic,
                authorization_header: true,
            })
        );
        return;
    }
    let again = parse_token_request(&wire.parts()).unwrap_or_else(|e| {
        panic!(
            "{}, the encoding of {request:?}, is refused: {e:?}",
            shorten(&format!("{wire:?}"))
        )
    });
    assert_eq!(
        &again,
        request,
        "{} re-parses to another value",
        shorten(&format!("{wire:?}"))
    );
    assert_eq!(again.encode(), wire, "encoding is not stable");
}

/// `text`, cut to its first 400 characters for a readable panic message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(400) {
        Some((at, _)) => format!("{}... ({} bytes)", &text[..at], text.len()),
        None => text.to_owned(),
    }
}

/// The rendered error is an RFC 6749 5.2 response.
fn check_error(error: &TokenError) {
    let response = error.to_http_response(&Realm::default());
    assert!(
        matches!(response.status, 400 | 401 | 405 | 413),
        "{error:?} has status {}",
        response.status
    );
    assert_eq!(response.status, error.status());

    let body: serde_json::Value = serde_json::from_slice(&response.body)
        .unwrap_or_else(|e| panic!("{error:?} renders a body that is not JSON: {e}"));
    let object = body.as_object().expect("the error body is a JSON object");
    assert!(
        object
            .keys()
            .all(|k| k == "error" || k == "error_description"),
        "unexpected member in {body}"
    );
    let code = object
        .get("error")
        .and_then(serde_json::Value::as_str)
        .expect("the error body has a string `error`");
    assert!(
        RFC6749_CODES.contains(&code),
        "{code} is not an RFC 6749 code"
    );
    assert_eq!(code, error.code().as_str());
    if let Some(description) = object.get("error_description") {
        let description = description.as_str().expect("error_description is a string");
        // RFC 6749 5.2: %x20-21 / %x23-5B / %x5D-7E.
        assert!(
            description
                .bytes()
                .all(|b| matches!(b, 0x20..=0x21 | 0x23..=0x5b | 0x5d..=0x7e)),
            "error_description {description:?} has characters RFC 6749 5.2 forbids"
        );
    }

    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.header("cache-control"), Some("no-store"));
    assert_eq!(response.header("pragma"), Some("no-cache"));
    assert_eq!(
        response.header("allow"),
        (response.status == 405).then_some("POST")
    );
    let challenge = response.header("www-authenticate");
    assert_eq!(challenge.is_some(), response.status == 401);
    assert!(challenge.is_none_or(|c| c.starts_with("Basic realm=\"")));
    for (name, value) in &response.headers {
        assert!(
            value.bytes().all(|b| (0x20..=0x7e).contains(&b)),
            "header {name} has a value that is not visible ASCII"
        );
    }

    #[cfg(feature = "http")]
    {
        let converted: http::Response<Vec<u8>> = response.clone().into();
        assert_eq!(converted.status().as_u16(), response.status);
        assert_eq!(
            converted.headers().len(),
            response.headers.len(),
            "a header was dropped converting to http::Response"
        );
        assert_eq!(converted.body(), &response.body);
    }
}
