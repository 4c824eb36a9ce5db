//! RS256 keys (RFC 7518 3.3): RSASSA-PKCS1-v1_5 with SHA-256, the one
//! algorithm RFC 9068 2.1 requires of every resource server. Deterministic
//! by design; the private operation is constant-time in `rsa` 0.10 and
//! blinded besides ([`BlindingKey`]). The key is zeroized on drop by `rsa`.

use core::fmt;
use core::ops::RangeInclusive;

use rsa::pkcs8::DecodePrivateKey;
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
    /// Loads a PKCS#8 DER private key (RFC 5958) of an RSA key.
    pub fn from_pkcs8_der(kid: impl Into<String>, der: &[u8]) -> Result<Rs256Key, KeyError> {
        let key = PrivateKey::from_pkcs8_der(der).map_err(|_| KeyError::UnsupportedKey)?;
        Rs256Key::with_kid(kid.into(), key)
    }

    /// Loads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pkcs8_pem(kid: impl Into<String>, pem: &str) -> Result<Rs256Key, KeyError> {
        let key = PrivateKey::from_pkcs8_pem(pem).map_err(|_| KeyError::UnsupportedKey)?;
        Rs256Key::with_kid(kid.into(), key)
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
        if !matches!(primes.len(), 0 | 2) {
            return Err(KeyError::InvalidPrivateKey);
        }
        let uint = BoxedUint::from_be_slice_vartime;
        let primes = primes.iter().map(|p| uint(p)).collect();
        let key = PrivateKey::from_components(uint(n), uint(e), uint(d), primes)
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
    pub(crate) fn crt_parameters(&self) -> Option<[Box<[u8]>; 3]> {
        let dp = self.key.dp()?.to_be_bytes_trimmed_vartime();
        let dq = self.key.dq()?.to_be_bytes_trimmed_vartime();
        let qi = self.key.crt_coefficient()?.to_be_bytes_trimmed_vartime();
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
        let uint = BoxedUint::from_be_slice_vartime;
        let key = PublicKey::new_with_size_limits(uint(n), uint(e), RSA_MODULUS_BITS).map_err(
            |error| match error {
                rsa::Error::ModulusTooSmall | rsa::Error::ModulusTooLarge => {
                    KeyError::UnsupportedKeySize
                }
                _ => KeyError::InvalidPublicKey,
            },
        )?;
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

impl fmt::Debug for Rs256PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rs256PublicKey {{ kid: {:?} }}", self.kid)
    }
}
