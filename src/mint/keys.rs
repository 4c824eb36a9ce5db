//! HS256 keys (RFC 7518 3.2): a shared secret that both signs and verifies.

use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::mint::algorithm::Algorithm;
use crate::mint::jws_header::{check_kid, encoded_header};
use crate::values::syntax::InvalidValue;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// A symmetric key with its `kid`. The HMAC state is keyed once here and
/// cloned per token, so signing never re-hashes the key.
#[derive(Clone)]
pub struct HmacKey {
    kid: String,
    /// base64url of the JWS header for this key, computed once.
    header_b64: String,
    jwt_mac: HmacSha256,
}

impl HmacKey {
    /// A key from `secret` (at least 32 bytes, RFC 7518 3.2) named `kid`
    /// (`1*VSCHAR`, at most 64 bytes).
    ///
    /// ```
    /// use grant_engine::HmacKey;
    /// let key = HmacKey::new("2026-11", &[7u8; 32]).unwrap();
    /// assert_eq!(key.kid(), "2026-11");
    /// assert_eq!(format!("{key:?}"), r#"HmacKey { kid: "2026-11", secret: <redacted> }"#);
    /// assert!(HmacKey::new("short", &[7u8; 31]).is_err());
    /// ```
    pub fn new(kid: impl Into<String>, secret: &[u8]) -> Result<HmacKey, InvalidValue> {
        let kid = kid.into();
        check_kid(&kid).map_err(|_| InvalidValue { what: "kid" })?;
        if secret.len() < 32 {
            return Err(InvalidValue { what: "HS256 key" });
        }
        let jwt_mac =
            HmacSha256::new_from_slice(secret).map_err(|_| InvalidValue { what: "HS256 key" })?;
        let header_b64 =
            encoded_header(Algorithm::Hs256, &kid).map_err(|_| InvalidValue { what: "kid" })?;
        Ok(HmacKey {
            header_b64,
            kid,
            jwt_mac,
        })
    }

    /// The key id, sent in the JWS header.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub(crate) fn header_b64(&self) -> &str {
        &self.header_b64
    }

    /// HMAC-SHA256 of `data` under the JWS key.
    pub(crate) fn sign(&self, data: &[u8]) -> [u8; 32] {
        self.jwt_mac
            .clone()
            .chain_update(data)
            .finalize()
            .into_bytes()
            .into()
    }

    /// Constant-time check of a JWS signature.
    pub(crate) fn verify(&self, data: &[u8], signature: &[u8]) -> bool {
        self.jwt_mac
            .clone()
            .chain_update(data)
            .verify_slice(signature)
            .is_ok()
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HmacKey {{ kid: {:?}, secret: <redacted> }}", self.kid)
    }
}
