//! Secret strings: client secrets, authorization codes, refresh and access
//! tokens.
//!
//! Each is a newtype whose `Debug` is redacted, that has no `Display`, and
//! whose equality runs in time independent of where the values differ. The
//! plaintext is reachable only through `expose_secret`, so every read of it
//! is visible in review.

use subtle::ConstantTimeEq;

use crate::values::syntax::{InvalidValue, check_vschars};

macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident, $what:literal, $check:path) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(String);

        impl $name {
            /// Wraps `value` after checking its syntax.
            pub fn new(value: impl Into<String>) -> Result<Self, InvalidValue> {
                let value = value.into();
                $check(&value, $what)?;
                Ok($name(value))
            }

            /// For values the engine minted itself (always within the grammar).
            #[allow(dead_code)]
            pub(crate) fn from_trusted(value: String) -> Self {
                $name(value)
            }

            /// The plaintext. Send it to its owner; never log or store it.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
            }
        }

        impl Eq for $name {}
    };
}

pub(crate) use secret_string;

secret_string! {
    /// A client secret as presented by a client (RFC 6749 2.3.1: `1*VSCHAR`).
    ClientSecret, "client_secret", check_vschars
}

secret_string! {
    /// An authorization code (RFC 6749 A.11: `1*VSCHAR`).
    AuthorizationCode, "code", check_vschars
}

secret_string! {
    /// A refresh token (RFC 6749 A.17: `1*VSCHAR`).
    RefreshToken, "refresh_token", check_vschars
}

secret_string! {
    /// An access token: a bearer credential (RFC 6749 A.12: `1*VSCHAR`).
    AccessToken, "access_token", check_vschars
}

secret_string! {
    /// A token presented for revocation or introspection: an access token or
    /// a refresh token, not yet known which (`1*VSCHAR`).
    PresentedToken, "token", check_vschars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = ClientSecret::new("hunter2").unwrap();
        assert_eq!(format!("{s:?}"), "ClientSecret(<redacted>)");
        assert_eq!(s.expose_secret(), "hunter2");
    }

    #[test]
    fn syntax_is_checked() {
        assert!(RefreshToken::new("").is_err());
        assert!(RefreshToken::new("a\u{7f}").is_err());
        assert!(RefreshToken::new("é").is_err());
        assert!(RefreshToken::new("def50200641f3e...").is_ok());
    }

    #[test]
    fn equality() {
        let a = AuthorizationCode::new("abc").unwrap();
        assert_eq!(a, AuthorizationCode::new("abc").unwrap());
        assert_ne!(a, AuthorizationCode::new("abd").unwrap());
        assert_ne!(a, AuthorizationCode::new("abcd").unwrap());
    }
}
