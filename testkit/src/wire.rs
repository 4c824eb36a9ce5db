//! Wire encodings written independently of the engine: form bodies,
//! percent-encoding and HTTP Basic credentials.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// `application/x-www-form-urlencoded` encoding of one value: unreserved
/// bytes as they are, a space as `+`, everything else `%XX`.
pub fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A form body (or query) from name/value pairs, each value form-encoded.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", form_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// An `Authorization: Basic` value: each half form-urlencoded, then base64
/// (RFC 6749 2.3.1).
pub fn basic(client_id: &str, secret: &str) -> String {
    let joined = format!("{}:{}", form_encode(client_id), form_encode(secret));
    format!("Basic {}", STANDARD.encode(joined))
}
