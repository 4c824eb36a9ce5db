//! SHA-256 digests of secrets: what a host stores instead of the secret.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::values::syntax::InvalidValue;

macro_rules! digest_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        ///
        /// Rendered (`Display`, serde) as unpadded base64url of the 32 bytes.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name([u8; 32]);

        impl $name {
            /// The SHA-256 digest of `secret`'s bytes.
            pub fn of(secret: &str) -> Self {
                $name(Sha256::digest(secret.as_bytes()).into())
            }

            /// Wraps a digest computed elsewhere.
            pub const fn from_bytes(bytes: [u8; 32]) -> Self {
                $name(bytes)
            }

            /// The digest bytes.
            pub const fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }

            /// Parses the unpadded base64url rendering.
            pub fn from_base64url(text: &str) -> Result<Self, InvalidValue> {
                let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| InvalidValue { what: $what })?;
                <[u8; 32]>::try_from(bytes.as_slice())
                    .map($name)
                    .map_err(|_| InvalidValue { what: $what })
            }

            /// Whether `secret` hashes to this digest, compared in constant time.
            pub fn matches(&self, secret: &str) -> bool {
                self.ct_eq(&$name::of(secret))
            }

            /// Constant-time equality.
            pub fn ct_eq(&self, other: &Self) -> bool {
                self.0.ct_eq(&other.0).into()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&URL_SAFE_NO_PAD.encode(self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidValue;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                $name::from_base64url(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.to_string()
            }
        }
    };
}

digest_type! {
    /// The unkeyed SHA-256 digest of a client secret: how secrets were
    /// stored before peppers, kept so that such a table upgrades in place
    /// ([`ClientSecrets::upgrade`](crate::client_secret::ClientSecrets::upgrade)).
    /// Store a [`SecretVerifier`](crate::client_secret::SecretVerifier) instead.
    SecretHash, "secret hash"
}

digest_type! {
    /// The SHA-256 digest of an authorization code or refresh token: the
    /// only form in which a host stores them.
    TokenHash, "token hash"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_parses() {
        let h = TokenHash::of("abc");
        assert_eq!(h.to_string(), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        assert_eq!(TokenHash::from_base64url(&h.to_string()).unwrap(), h);
        assert!(TokenHash::from_base64url("abc").is_err());
        assert!(SecretHash::of("s").matches("s"));
        assert!(!SecretHash::of("s").matches("t"));
    }
}
