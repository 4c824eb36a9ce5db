//! HS256 keys and the key ring (one signing key, any number of verify-only
//! keys), so keys rotate without downtime.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::values::syntax::{InvalidValue, check_vschars};

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
        check_vschars(&kid, "kid")?;
        if kid.len() > 64 {
            return Err(InvalidValue { what: "kid" });
        }
        if secret.len() < 32 {
            return Err(InvalidValue { what: "HS256 key" });
        }
        let jwt_mac =
            HmacSha256::new_from_slice(secret).map_err(|_| InvalidValue { what: "HS256 key" })?;
        /// The JWS header, in the order RFC 9068 examples use.
        #[derive(serde::Serialize)]
        struct Header<'a> {
            alg: &'static str,
            typ: &'static str,
            kid: &'a str,
        }
        let header = Header {
            alg: "HS256",
            typ: "at+jwt",
            kid: &kid,
        };
        let header_json = serde_json::to_vec(&header).map_err(|_| InvalidValue { what: "kid" })?;
        Ok(HmacKey {
            header_b64: URL_SAFE_NO_PAD.encode(header_json),
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

/// One signing key and any number of verify-only keys.
///
/// To rotate: add the new key as a verify-only key everywhere, then make it
/// the signing key (keeping the old one as verify-only until every token it
/// signed has expired), then drop the old key.
#[derive(Debug, Clone)]
pub struct KeyRing {
    signing: HmacKey,
    verifying: Vec<HmacKey>,
}

impl KeyRing {
    /// A ring that signs (and verifies) with `signing`.
    pub fn new(signing: HmacKey) -> KeyRing {
        KeyRing {
            signing,
            verifying: Vec::new(),
        }
    }

    /// Adds a verify-only key. A key whose `kid` is already in the ring
    /// replaces nothing and is refused.
    pub fn with_verify_key(mut self, key: HmacKey) -> Result<KeyRing, InvalidValue> {
        if self.find(key.kid()).is_some() {
            return Err(InvalidValue {
                what: "kid (duplicate)",
            });
        }
        self.verifying.push(key);
        Ok(self)
    }

    /// The key new tokens are signed with.
    pub fn signing_key(&self) -> &HmacKey {
        &self.signing
    }

    /// The key named `kid`, signing or verify-only.
    pub fn find(&self, kid: &str) -> Option<&HmacKey> {
        self.keys().find(|k| k.kid == kid)
    }

    /// Every key, the signing key first.
    pub fn keys(&self) -> impl Iterator<Item = &HmacKey> {
        std::iter::once(&self.signing).chain(self.verifying.iter())
    }
}
