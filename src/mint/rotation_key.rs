//! The secret refresh-token successors are derived with while a grace
//! period lets a rotated-out token be replayed (RFC 9700 4.14.2).

use core::fmt;

use hmac::{KeyInit, Mac};

use crate::errors::config::ConfigError;
use crate::mint::keys::HmacSha256;

/// The key of successor derivation, independent of the token-signing keys:
/// under HS256 every resource server holds those, and a signing key plus
/// one database row must not compute a live refresh token. Give every
/// process of one authorization server the same rotation key (a regrant
/// may reach another process); it may change at any time, at the cost of
/// the regrants of at most one grace period.
#[derive(Clone)]
pub struct RotationKey {
    mac: HmacSha256,
}

impl RotationKey {
    /// A rotation key from `secret`, at least 32 bytes from a CSPRNG.
    ///
    /// ```
    /// use grant_engine::mint::RotationKey;
    /// assert!(RotationKey::new(&[9u8; 32]).is_ok());
    /// assert!(RotationKey::new(b"short").is_err());
    /// ```
    pub fn new(secret: &[u8]) -> Result<RotationKey, ConfigError> {
        if secret.len() < 32 {
            return Err(ConfigError::ShortSecret {
                what: "rotation key",
            });
        }
        let mac = HmacSha256::new_from_slice(secret).map_err(|_| ConfigError::ShortSecret {
            what: "rotation key",
        })?;
        Ok(RotationKey { mac })
    }

    /// HMAC-SHA256 of the parts, in order.
    pub(crate) fn derive(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for RotationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RotationKey(<redacted>)")
    }
}
