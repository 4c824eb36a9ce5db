//! The protection-space name in `WWW-Authenticate` challenges (RFC 9110 11.5).

use core::fmt;

use crate::values::syntax::{InvalidValue, is_description_char};

/// A `realm` value, limited to characters that need no escaping inside a
/// quoted string, so a challenge can be written without any escaping logic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Realm(String);

impl Realm {
    /// Wraps `value`: 1 to 128 characters from `%x20-21 / %x23-5B / %x5D-7E`.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidValue> {
        let value = value.into();
        if value.is_empty() || value.len() > 128 || !value.bytes().all(is_description_char) {
            return Err(InvalidValue { what: "realm" });
        }
        Ok(Realm(value))
    }

    /// The realm text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Realm {
    /// `grant-engine`.
    fn default() -> Self {
        Realm(String::from("grant-engine"))
    }
}

impl fmt::Display for Realm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
