//! The redirection endpoint URI (RFC 6749 3.1.2).

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::values::syntax::InvalidValue;

/// An absolute URI without a fragment (RFC 6749 3.1.2), compared as an exact
/// string (RFC 9700 2.1: no pattern matching), with one exception: a
/// registered loopback IP literal without a port admits any port
/// ([`RedirectUri::admits`]).
///
/// Only the shape that matters for exact matching is checked: a scheme, no
/// fragment, and no characters outside `%x21-7E` (so no spaces or controls).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct RedirectUri(String);

impl RedirectUri {
    /// Wraps `value` after checking that it is an absolute URI without a fragment.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidValue> {
        let value = value.into();
        let error = InvalidValue {
            what: "redirect_uri",
        };
        if !value.bytes().all(|b| (0x21..=0x7e).contains(&b)) || value.contains('#') {
            return Err(error);
        }
        let Some((scheme, rest)) = value.split_once(':') else {
            return Err(error);
        };
        let mut scheme_bytes = scheme.bytes();
        let starts_alpha = scheme_bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
        let scheme_ok =
            scheme_bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if !starts_alpha || !scheme_ok || rest.is_empty() {
            return Err(error);
        }
        Ok(RedirectUri(value))
    }

    /// Whether this registered URI admits `sent` in an authorization
    /// request: the same string, or (RFC 8252 7.3, RFC 9700 2.1) the same
    /// URI with a port added, when this one is `http://127.0.0.1` or
    /// `http://[::1]` without a port, because a native app's loopback
    /// listener gets whatever port the OS gives it. `localhost` is not a
    /// loopback literal (it may resolve elsewhere): exact match only.
    pub fn admits(&self, sent: &RedirectUri) -> bool {
        self == sent || loopback_with_port(&self.0, &sent.0)
    }

    /// The URI exactly as registered or sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Written as its string form, without an intermediate copy.
impl Serialize for RedirectUri {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl TryFrom<String> for RedirectUri {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        RedirectUri::new(value)
    }
}

impl From<RedirectUri> for String {
    fn from(uri: RedirectUri) -> String {
        uri.0
    }
}

/// `registered` is a loopback literal without a port, and `sent` is it
/// with a port (decimal, no leading zero, 1 to 65535) after the host.
fn loopback_with_port(registered: &str, sent: &str) -> bool {
    ["http://127.0.0.1", "http://[::1]"].iter().any(|host| {
        let (Some(path), Some(with_port)) = (
            registered.strip_prefix(host),
            sent.strip_prefix(host).and_then(|s| s.strip_prefix(':')),
        ) else {
            return false;
        };
        let starts_path = path.is_empty() || path.starts_with(['/', '?']);
        let rest = with_port.trim_start_matches(|c: char| c.is_ascii_digit());
        let port = with_port.strip_suffix(rest).unwrap_or_default();
        starts_path
            && rest == path
            && !port.starts_with('0')
            && port.parse::<u16>().is_ok_and(|p| p > 0)
    })
}

#[cfg(test)]
mod tests {
    use super::RedirectUri;

    #[test]
    fn accepts_absolute_uris() {
        assert!(RedirectUri::new("https://your-app.com/callback").is_ok());
        assert!(RedirectUri::new("com.example.app:/cb").is_ok());
        assert!(RedirectUri::new("http://127.0.0.1:8080/cb?x=1").is_ok());
    }

    #[test]
    fn refuses_the_rest() {
        for bad in [
            "",
            "/relative",
            "https://a/#frag",
            "https://a/ b",
            "1http://a",
            ":x",
            "https:",
        ] {
            assert!(RedirectUri::new(bad).is_err(), "{bad}");
        }
    }
}
