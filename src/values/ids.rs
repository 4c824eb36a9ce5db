//! Non-secret identifiers: token ids, grant families, subjects.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::values::syntax::{InvalidValue, check_vschars};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name(String);

        impl $name {
            /// Wraps `value` after checking its syntax.
            pub fn new(value: impl Into<String>) -> Result<Self, InvalidValue> {
                let value = value.into();
                $check(&value, $what)?;
                Ok($name(value))
            }

            /// The identifier text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// For values the engine derived itself (base64url text).
            #[allow(dead_code)]
            pub(crate) fn from_trusted(value: String) -> Self {
                $name(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidValue;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                $name::new(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

id_type! {
    /// An access token's `jti` (RFC 9068 2.2): how a single access token is
    /// revoked. `1*VSCHAR`.
    TokenId, "jti", check_vschars
}

id_type! {
    /// A grant family: every refresh token descended from one authorization
    /// code, and every access token minted along the way, share it. Access
    /// tokens carry it in their `fam` claim, so revoking a family revokes
    /// its access tokens too, without the host recording every `jti`.
    /// `1*VSCHAR`.
    FamilyId, "family id", check_vschars
}

id_type! {
    /// The resource owner a token is about (the JWT `sub`); for
    /// client_credentials, the client id. Any non-empty text without
    /// control characters.
    Subject, "subject", check_subject
}

fn check_subject(value: &str, what: &'static str) -> Result<(), InvalidValue> {
    if value.is_empty() || value.chars().any(char::is_control) {
        Err(InvalidValue { what })
    } else {
        Ok(())
    }
}
