//! The key new access tokens are signed with, of any supported algorithm.

use crate::errors::key::KeyError;
use crate::mint::algorithm::Algorithm;
#[cfg(feature = "eddsa")]
use crate::mint::ed25519::Ed25519Key;
#[cfg(feature = "es256")]
use crate::mint::es256::Es256Key;
use crate::mint::keys::HmacKey;
use crate::mint::verifying_key::VerifyingKey;

/// A signing key: HS256 always, ES256 and EdDSA with the `es256` and
/// `eddsa` features. Every signature is deterministic.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SigningKey {
    /// A shared secret (every verifier holds it).
    Hs256(HmacKey),
    /// A P-256 private key.
    #[cfg(feature = "es256")]
    Es256(Es256Key),
    /// An Ed25519 private key.
    #[cfg(feature = "eddsa")]
    EdDsa(Ed25519Key),
}

impl SigningKey {
    /// Loads a PKCS#8 private key in PEM; the algorithm follows from the
    /// key (P-256: ES256, Ed25519: EdDSA), among those this build has.
    pub fn from_pkcs8_pem(kid: impl Into<String>, pem: &str) -> Result<SigningKey, KeyError> {
        let _kid = kid.into();
        #[cfg(feature = "es256")]
        if let Ok(key) = Es256Key::from_pkcs8_pem(_kid.clone(), pem) {
            return Ok(SigningKey::Es256(key));
        }
        #[cfg(feature = "eddsa")]
        if let Ok(key) = Ed25519Key::from_pkcs8_pem(_kid.clone(), pem) {
            return Ok(SigningKey::EdDsa(key));
        }
        let _ = pem;
        Err(KeyError::UnsupportedKey)
    }

    /// Loads a PKCS#8 private key in DER, like [`SigningKey::from_pkcs8_pem`].
    pub fn from_pkcs8_der(kid: impl Into<String>, der: &[u8]) -> Result<SigningKey, KeyError> {
        let _kid = kid.into();
        #[cfg(feature = "es256")]
        if let Ok(key) = Es256Key::from_pkcs8_der(_kid.clone(), der) {
            return Ok(SigningKey::Es256(key));
        }
        #[cfg(feature = "eddsa")]
        if let Ok(key) = Ed25519Key::from_pkcs8_der(_kid.clone(), der) {
            return Ok(SigningKey::EdDsa(key));
        }
        let _ = der;
        Err(KeyError::UnsupportedKey)
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        match self {
            SigningKey::Hs256(key) => key.kid(),
            #[cfg(feature = "es256")]
            SigningKey::Es256(key) => key.kid(),
            #[cfg(feature = "eddsa")]
            SigningKey::EdDsa(key) => key.kid(),
        }
    }

    /// The algorithm it signs with.
    pub fn alg(&self) -> Algorithm {
        match self {
            SigningKey::Hs256(_) => Algorithm::Hs256,
            #[cfg(feature = "es256")]
            SigningKey::Es256(_) => Algorithm::Es256,
            #[cfg(feature = "eddsa")]
            SigningKey::EdDsa(_) => Algorithm::EdDsa,
        }
    }

    /// The key that verifies its signatures (for HS256, the same secret).
    pub fn verifying_key(&self) -> VerifyingKey {
        match self {
            SigningKey::Hs256(key) => VerifyingKey::Hs256(key.clone()),
            #[cfg(feature = "es256")]
            SigningKey::Es256(key) => VerifyingKey::Es256(key.public_key()),
            #[cfg(feature = "eddsa")]
            SigningKey::EdDsa(key) => VerifyingKey::EdDsa(key.public_key()),
        }
    }

    /// base64url of the key's JWS header.
    pub(crate) fn header_b64(&self) -> &str {
        match self {
            SigningKey::Hs256(key) => key.header_b64(),
            #[cfg(feature = "es256")]
            SigningKey::Es256(key) => key.header_b64(),
            #[cfg(feature = "eddsa")]
            SigningKey::EdDsa(key) => key.header_b64(),
        }
    }

    /// The JWS signature of `data`.
    pub(crate) fn sign(&self, data: &[u8]) -> JwsSignature {
        match self {
            SigningKey::Hs256(key) => JwsSignature::of(&key.sign(data)),
            #[cfg(feature = "es256")]
            SigningKey::Es256(key) => JwsSignature::of(&key.sign(data)),
            #[cfg(feature = "eddsa")]
            SigningKey::EdDsa(key) => JwsSignature::of(&key.sign(data)),
        }
    }
}

/// A signature of at most 64 bytes (HS256: 32; ES256, EdDSA: 64), on the
/// stack.
pub(crate) struct JwsSignature {
    bytes: [u8; 64],
    len: usize,
}

impl JwsSignature {
    fn of(signature: &[u8]) -> JwsSignature {
        let mut bytes = [0u8; 64];
        let len = signature.len().min(64);
        if let (Some(to), Some(from)) = (bytes.get_mut(..len), signature.get(..len)) {
            to.copy_from_slice(from);
        }
        JwsSignature { bytes, len }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

impl From<HmacKey> for SigningKey {
    fn from(key: HmacKey) -> SigningKey {
        SigningKey::Hs256(key)
    }
}

#[cfg(feature = "es256")]
impl From<Es256Key> for SigningKey {
    fn from(key: Es256Key) -> SigningKey {
        SigningKey::Es256(key)
    }
}

#[cfg(feature = "eddsa")]
impl From<Ed25519Key> for SigningKey {
    fn from(key: Ed25519Key) -> SigningKey {
        SigningKey::EdDsa(key)
    }
}
