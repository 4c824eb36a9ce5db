//! EdDSA keys (RFC 8037): Ed25519, deterministic by design. The private
//! key is zeroized on drop by `ed25519-dalek`.

use core::fmt;

use ed25519_dalek::pkcs8::DecodePrivateKey;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::errors::key::KeyError;
use crate::mint::algorithm::Algorithm;
use crate::mint::jws_header::{check_kid, encoded_header};

/// An Ed25519 private key with its `kid`.
#[derive(Clone)]
pub struct Ed25519Key {
    kid: String,
    header_b64: String,
    key: SigningKey,
}

impl Ed25519Key {
    /// Loads a PKCS#8 DER private key (RFC 8410) of an Ed25519 key.
    pub fn from_pkcs8_der(kid: impl Into<String>, der: &[u8]) -> Result<Ed25519Key, KeyError> {
        let key = SigningKey::from_pkcs8_der(der).map_err(|_| KeyError::UnsupportedKey)?;
        Ed25519Key::with_kid(kid.into(), key)
    }

    /// Loads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pkcs8_pem(kid: impl Into<String>, pem: &str) -> Result<Ed25519Key, KeyError> {
        let key = SigningKey::from_pkcs8_pem(pem).map_err(|_| KeyError::UnsupportedKey)?;
        Ed25519Key::with_kid(kid.into(), key)
    }

    /// The key of the 32-byte seed `seed` (a JWK's `d`, RFC 8037 2).
    pub fn from_seed(kid: impl Into<String>, seed: &[u8; 32]) -> Result<Ed25519Key, KeyError> {
        Ed25519Key::with_kid(kid.into(), SigningKey::from_bytes(seed))
    }

    fn with_kid(kid: String, key: SigningKey) -> Result<Ed25519Key, KeyError> {
        check_kid(&kid)?;
        Ok(Ed25519Key {
            header_b64: encoded_header(Algorithm::EdDsa, &kid)?,
            kid,
            key,
        })
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half, for verifying and for the JWK Set.
    pub fn public_key(&self) -> Ed25519PublicKey {
        Ed25519PublicKey {
            kid: self.kid.clone(),
            key: self.key.verifying_key(),
        }
    }

    pub(crate) fn header_b64(&self) -> &str {
        &self.header_b64
    }

    /// The 64-byte Ed25519 signature.
    pub(crate) fn sign(&self, data: &[u8]) -> [u8; 64] {
        let signature: Signature = self.key.sign(data);
        signature.to_bytes()
    }
}

impl fmt::Debug for Ed25519Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Ed25519Key {{ kid: {:?}, private: <redacted> }}",
            self.kid
        )
    }
}

/// An Ed25519 public key with its `kid`: verifies, never signs.
#[derive(Clone, PartialEq, Eq)]
pub struct Ed25519PublicKey {
    kid: String,
    key: VerifyingKey,
}

impl Ed25519PublicKey {
    /// The key of the 32 bytes `x` (a JWK's `x`, RFC 8037 2); an invalid
    /// point is refused.
    pub fn from_bytes(kid: impl Into<String>, x: &[u8]) -> Result<Ed25519PublicKey, KeyError> {
        let kid = kid.into();
        check_kid(&kid)?;
        let bytes = <[u8; 32]>::try_from(x).map_err(|_| KeyError::InvalidPublicKey)?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::InvalidPublicKey)?;
        Ok(Ed25519PublicKey { kid, key })
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The 32 public bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Strict verification (no small-order keys, canonical `S`).
    pub(crate) fn verify(&self, data: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature).is_ok_and(|s| self.key.verify_strict(data, &s).is_ok())
    }
}

impl fmt::Debug for Ed25519PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519PublicKey {{ kid: {:?} }}", self.kid)
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    /// RFC 8037 A.4: the example key signs the example input to exactly the
    /// example signature, which A.5 verifies.
    #[test]
    fn rfc8037_signing_example() {
        let seed: [u8; 32] = URL_SAFE_NO_PAD
            .decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
            .unwrap()
            .try_into()
            .unwrap();
        let key = Ed25519Key::from_seed("rfc", &seed).unwrap();
        let input = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
        let signature = key.sign(input);
        assert_eq!(
            URL_SAFE_NO_PAD.encode(signature),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
        assert!(key.public_key().verify(input, &signature));
        assert!(!key.public_key().verify(b"other", &signature));
    }
}
