//! A pepper: the server-side key client-secret verifiers are computed with,
//! named by an id so that it can rotate.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};

use crate::errors::config::ConfigError;
use crate::mint::keys::HmacSha256;

/// The longest pepper id.
pub const MAX_PEPPER_ID_LEN: usize = 32;

/// A key held in the configuration, never in the client table: a verifier
/// computed with it is useless to whoever has the table alone. Its id is
/// written into every verifier, so a ring of old and new peppers checks
/// verifiers of either.
#[derive(Clone)]
pub struct Pepper {
    id: String,
    mac: HmacSha256,
}

impl Pepper {
    /// A pepper named `id` (1 to 32 of `A-Z a-z 0-9 - _ .`) from `secret`
    /// (at least 32 bytes from a CSPRNG).
    ///
    /// ```
    /// use grant_engine::client_secret::Pepper;
    /// let pepper = Pepper::new("2026-12", &[3u8; 32]).unwrap();
    /// assert_eq!(pepper.id(), "2026-12");
    /// assert_eq!(format!("{pepper:?}"), r#"Pepper { id: "2026-12", secret: <redacted> }"#);
    /// assert!(Pepper::new("2026-12", b"short").is_err());
    /// assert!(Pepper::new("a:b", &[3u8; 32]).is_err());
    /// ```
    pub fn new(id: impl Into<String>, secret: &[u8]) -> Result<Pepper, ConfigError> {
        let id = id.into();
        if !is_pepper_id(&id) {
            return Err(ConfigError::InvalidPepperId);
        }
        if secret.len() < 32 {
            return Err(ConfigError::ShortSecret { what: "pepper" });
        }
        let mac = HmacSha256::new_from_slice(secret)
            .map_err(|_| ConfigError::ShortSecret { what: "pepper" })?;
        Ok(Pepper { id, mac })
    }

    /// A pepper named by its own fingerprint (`fp-` and 8 base64url
    /// characters of an HMAC of a fixed label under `secret`), for hosts
    /// that configure a pepper as a bare secret: a new secret gets a new id
    /// by itself. The id reveals nothing of a secret of random bytes; of a
    /// guessable one (a passphrase) it is an offline test of guesses, so
    /// use random bytes.
    ///
    /// ```
    /// use grant_engine::client_secret::Pepper;
    /// let pepper = Pepper::from_secret(&[3u8; 32]).unwrap();
    /// assert!(pepper.id().starts_with("fp-"));
    /// assert_eq!(pepper.id().len(), 11);
    /// assert_ne!(pepper.id(), Pepper::from_secret(&[4u8; 32]).unwrap().id());
    /// ```
    pub fn from_secret(secret: &[u8]) -> Result<Pepper, ConfigError> {
        let unnamed = Pepper::new("fp", secret)?;
        let print = unnamed.mac(&[b"grant-engine pepper id v1"]);
        let id = format!(
            "fp-{}",
            URL_SAFE_NO_PAD.encode(print.get(..6).unwrap_or_default())
        );
        Ok(Pepper { id, ..unnamed })
    }

    /// The id verifiers name this pepper by.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// HMAC-SHA256 of the parts, in order (the key is absorbed once, here).
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

/// Whether `id` is a pepper id: 1 to 32 of `A-Z a-z 0-9 - _ .` (never the
/// `:` that separates a verifier's fields).
pub(crate) fn is_pepper_id(id: &str) -> bool {
    (1..=MAX_PEPPER_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl fmt::Debug for Pepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pepper {{ id: {:?}, secret: <redacted> }}", self.id)
    }
}
