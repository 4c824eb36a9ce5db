//! The key new access tokens are signed with, of any supported algorithm.

use crate::errors::key::{KeyError, SigningFailed};
use crate::mint::algorithm::Algorithm;
#[cfg(feature = "eddsa")]
use crate::mint::ed25519::Ed25519Key;
#[cfg(feature = "es256")]
use crate::mint::es256::Es256Key;
use crate::mint::keys::HmacKey;
use crate::mint::private_jwk::signing_key_from_jwk;
#[cfg(feature = "rs256")]
use crate::mint::rs256::Rs256Key;
use crate::mint::verifying_key::VerifyingKey;

/// A signing key: HS256 always, ES256, EdDSA and RS256 with the `es256`,
/// `eddsa` and `rs256` features. Every signature is deterministic.
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
    /// An RSA private key.
    #[cfg(feature = "rs256")]
    Rs256(Rs256Key),
}

/// How one kind of key loads from PKCS#8.
type Loader<T> = fn(String, T) -> Result<SigningKey, KeyError>;

impl SigningKey {
    /// Loads a PKCS#8 private key in PEM; the algorithm follows from the
    /// key (P-256: ES256, Ed25519: EdDSA, RSA: RS256), among those this
    /// build has.
    pub fn from_pkcs8_pem(kid: impl Into<String>, pem: &str) -> Result<SigningKey, KeyError> {
        let loaders: &[Loader<&str>] = &[
            #[cfg(feature = "es256")]
            |kid, pem| Es256Key::from_pkcs8_pem(kid, pem).map(SigningKey::Es256),
            #[cfg(feature = "eddsa")]
            |kid, pem| Ed25519Key::from_pkcs8_pem(kid, pem).map(SigningKey::EdDsa),
            #[cfg(feature = "rs256")]
            |kid, pem| Rs256Key::from_pkcs8_pem(kid, pem).map(SigningKey::Rs256),
        ];
        first_loaded(kid.into(), pem, loaders)
    }

    /// Loads a PKCS#8 private key in DER, like [`SigningKey::from_pkcs8_pem`].
    pub fn from_pkcs8_der(kid: impl Into<String>, der: &[u8]) -> Result<SigningKey, KeyError> {
        let loaders: &[Loader<&[u8]>] = &[
            #[cfg(feature = "es256")]
            |kid, der| Es256Key::from_pkcs8_der(kid, der).map(SigningKey::Es256),
            #[cfg(feature = "eddsa")]
            |kid, der| Ed25519Key::from_pkcs8_der(kid, der).map(SigningKey::EdDsa),
            #[cfg(feature = "rs256")]
            |kid, der| Rs256Key::from_pkcs8_der(kid, der).map(SigningKey::Rs256),
        ];
        first_loaded(kid.into(), der, loaders)
    }

    /// Loads a private JWK (RFC 7517): `oct` (HS256), `EC` P-256, `OKP`
    /// Ed25519 or `RSA`, among those this build has. Its public members
    /// must be the private key's; `use` and `key_ops`, if present, must
    /// allow signing, and `alg`, if present, must be the key's. The `kid`
    /// is the JWK's, or else the key's RFC 7638 thumbprint.
    ///
    /// ```
    /// use grant_engine::mint::{Algorithm, SigningKey};
    /// let jwk = br#"{"kty":"oct","kid":"k1","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}"#;
    /// let key = SigningKey::from_jwk(jwk).unwrap();
    /// assert_eq!((key.kid(), key.alg()), ("k1", Algorithm::Hs256));
    /// ```
    pub fn from_jwk(json: &[u8]) -> Result<SigningKey, KeyError> {
        signing_key_from_jwk(json)
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        match self {
            SigningKey::Hs256(key) => key.kid(),
            #[cfg(feature = "es256")]
            SigningKey::Es256(key) => key.kid(),
            #[cfg(feature = "eddsa")]
            SigningKey::EdDsa(key) => key.kid(),
            #[cfg(feature = "rs256")]
            SigningKey::Rs256(key) => key.kid(),
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
            #[cfg(feature = "rs256")]
            SigningKey::Rs256(_) => Algorithm::Rs256,
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
            #[cfg(feature = "rs256")]
            SigningKey::Rs256(key) => VerifyingKey::Rs256(key.public_key()),
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
            #[cfg(feature = "rs256")]
            SigningKey::Rs256(key) => key.header_b64(),
        }
    }

    /// The JWS signature of `data`.
    pub(crate) fn sign(&self, data: &[u8]) -> Result<JwsSignature, SigningFailed> {
        Ok(match self {
            SigningKey::Hs256(key) => JwsSignature::short(&key.sign(data)),
            #[cfg(feature = "es256")]
            SigningKey::Es256(key) => JwsSignature::short(&key.sign(data)),
            #[cfg(feature = "eddsa")]
            SigningKey::EdDsa(key) => JwsSignature::short(&key.sign(data)),
            #[cfg(feature = "rs256")]
            SigningKey::Rs256(key) => JwsSignature::Long(key.sign(data)?),
        })
    }
}

/// The key the first of `loaders` that accepts `input` loads.
fn first_loaded<T: Copy>(
    kid: String,
    input: T,
    loaders: &[Loader<T>],
) -> Result<SigningKey, KeyError> {
    let mut refusal = KeyError::UnsupportedKey;
    for load in loaders {
        match load(kid.clone(), input) {
            Ok(key) => return Ok(key),
            // A key of this kind, but refused (a bad kid, a small modulus,
            // parameters that do not make a key).
            Err(
                error @ (KeyError::InvalidKid
                | KeyError::UnsupportedKeySize
                | KeyError::InvalidPrivateKey),
            ) => refusal = error,
            Err(_) => {}
        }
    }
    Err(refusal)
}

/// A JWS signature: at most 64 bytes on the stack (HS256: 32; ES256,
/// EdDSA: 64), or an RSA signature as long as its modulus.
pub(crate) enum JwsSignature {
    /// HS256, ES256, EdDSA.
    Short {
        /// The bytes, zero-padded.
        bytes: [u8; 64],
        /// How many are the signature.
        len: usize,
    },
    /// RS256.
    #[cfg(feature = "rs256")]
    Long(Vec<u8>),
}

impl JwsSignature {
    fn short(signature: &[u8]) -> JwsSignature {
        let mut bytes = [0u8; 64];
        let len = signature.len().min(64);
        if let (Some(to), Some(from)) = (bytes.get_mut(..len), signature.get(..len)) {
            to.copy_from_slice(from);
        }
        JwsSignature::Short { bytes, len }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            JwsSignature::Short { bytes, len } => bytes.get(..*len).unwrap_or_default(),
            #[cfg(feature = "rs256")]
            JwsSignature::Long(bytes) => bytes,
        }
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

#[cfg(feature = "rs256")]
impl From<Rs256Key> for SigningKey {
    fn from(key: Rs256Key) -> SigningKey {
        SigningKey::Rs256(key)
    }
}
