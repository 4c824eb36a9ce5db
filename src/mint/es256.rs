//! ES256 keys (RFC 7518 3.4): ECDSA on P-256 with SHA-256, nonces per
//! RFC 6979 (deterministic: the same token bytes for the same inputs, and
//! no RNG). The private scalar is zeroized on drop by `p256`.

use core::fmt;

use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::pkcs8::DecodePrivateKey;

use crate::errors::key::KeyError;
use crate::mint::algorithm::Algorithm;
use crate::mint::jws_header::{check_kid, encoded_header};

/// A P-256 private key with its `kid`.
#[derive(Clone)]
pub struct Es256Key {
    kid: String,
    header_b64: String,
    key: SigningKey,
}

impl Es256Key {
    /// Loads a PKCS#8 DER private key (RFC 5958) of a P-256 key.
    pub fn from_pkcs8_der(kid: impl Into<String>, der: &[u8]) -> Result<Es256Key, KeyError> {
        let key = SigningKey::from_pkcs8_der(der).map_err(|_| KeyError::UnsupportedKey)?;
        Es256Key::with_kid(kid.into(), key)
    }

    /// Loads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pkcs8_pem(kid: impl Into<String>, pem: &str) -> Result<Es256Key, KeyError> {
        let key = SigningKey::from_pkcs8_pem(pem).map_err(|_| KeyError::UnsupportedKey)?;
        Es256Key::with_kid(kid.into(), key)
    }

    /// The key of the 32-byte big-endian scalar `d` (a JWK's `d`,
    /// RFC 7518 6.2.2.1); zero or a value not below the group order is
    /// refused.
    pub fn from_scalar(kid: impl Into<String>, d: &[u8]) -> Result<Es256Key, KeyError> {
        // RFC 7518 6.2.2.1: exactly 32 octets (`p256` would pad a short one).
        if d.len() != 32 {
            return Err(KeyError::InvalidPrivateKey);
        }
        let key = SigningKey::from_slice(d).map_err(|_| KeyError::InvalidPrivateKey)?;
        Es256Key::with_kid(kid.into(), key)
    }

    fn with_kid(kid: String, key: SigningKey) -> Result<Es256Key, KeyError> {
        check_kid(&kid)?;
        Ok(Es256Key {
            header_b64: encoded_header(Algorithm::Es256, &kid)?,
            kid,
            key,
        })
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half, for verifying and for the JWK Set.
    pub fn public_key(&self) -> Es256PublicKey {
        Es256PublicKey {
            kid: self.kid.clone(),
            key: *self.key.verifying_key(),
        }
    }

    pub(crate) fn header_b64(&self) -> &str {
        &self.header_b64
    }

    /// The JWS signature: `R || S`, 32 bytes each (RFC 7518 3.4).
    pub(crate) fn sign(&self, data: &[u8]) -> [u8; 64] {
        let signature: Signature = self.key.sign(data);
        signature.to_bytes().into()
    }
}

impl fmt::Debug for Es256Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Es256Key {{ kid: {:?}, private: <redacted> }}", self.kid)
    }
}

/// A P-256 public key with its `kid`: verifies, never signs.
#[derive(Clone, PartialEq, Eq)]
pub struct Es256PublicKey {
    kid: String,
    key: VerifyingKey,
}

impl Es256PublicKey {
    /// The key at the affine point (`x`, `y`), big-endian (a JWK's `x` and
    /// `y`, RFC 7518 6.2.1); a point off the curve is refused.
    pub fn from_coordinates(
        kid: impl Into<String>,
        x: &[u8],
        y: &[u8],
    ) -> Result<Es256PublicKey, KeyError> {
        let kid = kid.into();
        check_kid(&kid)?;
        if x.len() != 32 || y.len() != 32 {
            return Err(KeyError::InvalidPublicKey);
        }
        let sec1 = [&[0x04][..], x, y].concat();
        let key = VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| KeyError::InvalidPublicKey)?;
        Ok(Es256PublicKey { kid, key })
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The affine coordinates, big-endian, 32 bytes each.
    pub fn coordinates(&self) -> ([u8; 32], [u8; 32]) {
        let point = self.key.to_sec1_point(false);
        let field = |c: Option<&[u8]>| {
            let mut out = [0u8; 32];
            if let Some(c) = c.filter(|c| c.len() == 32) {
                out.copy_from_slice(c);
            }
            out
        };
        (
            field(point.x().map(|x| x.as_slice())),
            field(point.y().map(|y| y.as_slice())),
        )
    }

    pub(crate) fn verify(&self, data: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature).is_ok_and(|s| self.key.verify(data, &s).is_ok())
    }
}

impl fmt::Debug for Es256PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Es256PublicKey {{ kid: {:?} }}", self.kid)
    }
}
