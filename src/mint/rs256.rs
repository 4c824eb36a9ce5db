//! RS256 keys (RFC 7518 3.3): RSASSA-PKCS1-v1_5 with SHA-256, the one
//! algorithm RFC 9068 2.1 requires of every resource server. Deterministic
//! by design; the private operation is constant-time in `rsa` 0.10 and
//! blinded besides ([`BlindingKey`]). The key is zeroized on drop by `rsa`.

use core::fmt;
use core::ops::RangeInclusive;

use rsa::pkcs8::{DecodePrivateKey, PrivateKeyInfoRef, SecretDocument};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BoxedUint, PrivateKey, PublicKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::errors::key::{KeyError, SigningFailed};
use crate::mint::algorithm::Algorithm;
use crate::mint::blinding::BlindingKey;
use crate::mint::jws_header::{check_kid, encoded_header};

/// The modulus sizes accepted, in bits: at least 2048 (RFC 7518 3.3), at
/// most 8192 (verifying cost grows with the square of the size).
pub const RSA_MODULUS_BITS: RangeInclusive<usize> = 2048..=8192;

/// An RSA private key with its `kid`.
#[derive(Clone)]
pub struct Rs256Key {
    kid: String,
    header_b64: String,
    /// Boxed: with its CRT values it is far larger than the other keys.
    key: Box<PrivateKey>,
    blinding: BlindingKey,
}

impl Rs256Key {
    /// Loads a PKCS#8 DER private key (RFC 5958) of an RSA key, of the
    /// algorithm rsaEncryption: an id-RSASSA-PSS key may make only PSS
    /// signatures (RFC 4055 1.2), and one key serves one algorithm
    /// (RFC 8725 3.1).
    pub fn from_pkcs8_der(kid: impl Into<String>, der: &[u8]) -> Result<Rs256Key, KeyError> {
        let info = PrivateKeyInfoRef::try_from(der).map_err(|_| KeyError::UnsupportedKey)?;
        if info.algorithm.oid != rsa::pkcs1::ALGORITHM_OID {
            return Err(KeyError::UnsupportedKey);
        }
        let key = PrivateKey::from_pkcs8_der(der).map_err(|_| KeyError::UnsupportedKey)?;
        Rs256Key::with_kid(kid.into(), key)
    }

    /// Loads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`),
    /// like [`Rs256Key::from_pkcs8_der`].
    pub fn from_pkcs8_pem(kid: impl Into<String>, pem: &str) -> Result<Rs256Key, KeyError> {
        let (label, der) = SecretDocument::from_pem(pem).map_err(|_| KeyError::UnsupportedKey)?;
        if label != "PRIVATE KEY" {
            return Err(KeyError::UnsupportedKey);
        }
        Rs256Key::from_pkcs8_der(kid, der.as_bytes())
    }

    /// The key of its components, big-endian (a JWK's `n`, `e`, `d` and,
    /// if known, the two primes `p` and `q`, RFC 7518 6.3.2; without them
    /// they are recovered from `d`, NIST SP 800-56B C.2); `rsa` checks that
    /// they make one key.
    pub fn from_components(
        kid: impl Into<String>,
        n: &[u8],
        e: &[u8],
        d: &[u8],
        primes: &[&[u8]],
    ) -> Result<Rs256Key, KeyError> {
        let n = modulus(n)?;
        let precision = n.bits_precision();
        // Zero secrets are refused here: recovering the primes from d = 0
        // would underflow inside `rsa`.
        let secret = |bytes: &[u8]| match trimmed(bytes) {
            [] => Err(KeyError::InvalidPrivateKey),
            bytes => {
                BoxedUint::from_be_slice(bytes, precision).map_err(|_| KeyError::InvalidPrivateKey)
            }
        };
        let primes = match primes {
            [] => Vec::new(),
            [p, q] => vec![secret(p)?, secret(q)?],
            _ => return Err(KeyError::InvalidPrivateKey),
        };
        let e = BoxedUint::from_be_slice_vartime(e);
        let key = PrivateKey::from_components(n, e, secret(d)?, primes)
            .map_err(|_| KeyError::InvalidPrivateKey)?;
        Rs256Key::with_kid(kid.into(), key)
    }

    fn with_kid(kid: String, key: PrivateKey) -> Result<Rs256Key, KeyError> {
        check_kid(&kid)?;
        if !RSA_MODULUS_BITS.contains(&key.n().bit_width_vartime().try_into().unwrap_or(0)) {
            return Err(KeyError::UnsupportedKeySize);
        }
        let d = Zeroizing::new(key.d().to_be_bytes());
        let blinding = BlindingKey::for_exponent(&d).ok_or(KeyError::InvalidPrivateKey)?;
        Ok(Rs256Key {
            header_b64: encoded_header(Algorithm::Rs256, &kid)?,
            kid,
            key: Box::new(key),
            blinding,
        })
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half, for verifying and for the JWK Set.
    pub fn public_key(&self) -> Rs256PublicKey {
        Rs256PublicKey {
            kid: self.kid.clone(),
            key: self.key.to_public_key(),
        }
    }

    /// The CRT parameters `dp`, `dq` and `qi` (RFC 7518 6.3.2.4 to 6.3.2.6),
    /// big-endian, to check a JWK that carries them.
    pub(crate) fn crt_parameters(&self) -> Option<[Zeroizing<Box<[u8]>>; 3]> {
        let dp = Zeroizing::new(self.key.dp()?.to_be_bytes());
        let dq = Zeroizing::new(self.key.dq()?.to_be_bytes());
        let qi = Zeroizing::new(self.key.crt_coefficient()?.to_be_bytes());
        Some([dp, dq, qi])
    }

    pub(crate) fn header_b64(&self) -> &str {
        &self.header_b64
    }

    /// The JWS signature: as many bytes as the modulus (RFC 7518 3.3).
    /// Fails only if the private operation's own check fails (a fault,
    /// which must not let a wrong signature out).
    pub(crate) fn sign(&self, data: &[u8]) -> Result<Vec<u8>, SigningFailed> {
        let digest = Sha256::digest(data);
        let mut blinding = self.blinding.stream(&digest);
        self.key
            .pkcs1v15_sign_prehash_with_rng::<Sha256, _>(&mut blinding, &digest)
            .map_err(|_| SigningFailed)
    }
}

impl fmt::Debug for Rs256Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rs256Key {{ kid: {:?}, private: <redacted> }}", self.kid)
    }
}

/// An RSA public key with its `kid`: verifies, never signs.
#[derive(Clone, PartialEq, Eq)]
pub struct Rs256PublicKey {
    kid: String,
    key: PublicKey,
}

impl Rs256PublicKey {
    /// The key of modulus `n` and exponent `e`, big-endian (a JWK's `n` and
    /// `e`, RFC 7518 6.3.1); a modulus outside [`RSA_MODULUS_BITS`] or an
    /// invalid exponent is refused.
    pub fn from_components(
        kid: impl Into<String>,
        n: &[u8],
        e: &[u8],
    ) -> Result<Rs256PublicKey, KeyError> {
        let kid = kid.into();
        check_kid(&kid)?;
        let n = modulus(n)?;
        let e = BoxedUint::from_be_slice_vartime(trimmed(e));
        let key = PublicKey::new_with_size_limits(n, e, RSA_MODULUS_BITS)
            .map_err(|_| KeyError::InvalidPublicKey)?;
        Ok(Rs256PublicKey { kid, key })
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The modulus and the exponent, big-endian without leading zeros.
    pub fn components(&self) -> (Box<[u8]>, Box<[u8]>) {
        (self.key.n_bytes(), self.key.e_bytes())
    }

    pub(crate) fn verify(&self, data: &[u8], signature: &[u8]) -> bool {
        self.key.pkcs1v15_verify::<Sha256>(data, signature).is_ok()
    }
}

/// `bytes` without leading zeros.
pub(crate) fn trimmed(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// The modulus of big-endian `n`, its size checked before any arithmetic
/// (a huge modulus would make loading slow), at the precision of its bits.
fn modulus(n: &[u8]) -> Result<BoxedUint, KeyError> {
    let n = trimmed(n);
    let bits = n.first().map_or(0, |top| {
        n.len()
            .saturating_mul(8)
            .saturating_sub(top.leading_zeros() as usize)
    });
    if !RSA_MODULUS_BITS.contains(&bits) {
        return Err(KeyError::UnsupportedKeySize);
    }
    Ok(BoxedUint::from_be_slice_vartime(n))
}

impl fmt::Debug for Rs256PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rs256PublicKey {{ kid: {:?} }}", self.kid)
    }
}
