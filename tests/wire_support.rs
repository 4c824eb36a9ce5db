//! Wire encodings shared by the test support modules: percent-encoding,
//! form bodies and Basic credentials, written independently of the crate.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn enc(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A query or form body from name/value pairs, each value percent-encoded.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", enc(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 2.3.1).
pub fn basic(client_id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", enc(client_id), enc(secret)))
    )
}
