//! A key that verifies access tokens, pinned to one algorithm.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
#[cfg(any(feature = "es256", feature = "eddsa", feature = "rs256"))]
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::mint::algorithm::Algorithm;
#[cfg(feature = "eddsa")]
use crate::mint::ed25519::Ed25519PublicKey;
#[cfg(feature = "es256")]
use crate::mint::es256::Es256PublicKey;
use crate::mint::keys::HmacKey;
#[cfg(feature = "rs256")]
use crate::mint::rs256::Rs256PublicKey;

/// A verifying key: an HS256 secret, or a public key (ES256, EdDSA, RS256
/// with their features). A token is checked only with the key its `kid` names
/// and only if its `alg` is that key's.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum VerifyingKey {
    /// A shared secret.
    Hs256(HmacKey),
    /// A P-256 public key.
    #[cfg(feature = "es256")]
    Es256(Es256PublicKey),
    /// An Ed25519 public key.
    #[cfg(feature = "eddsa")]
    EdDsa(Ed25519PublicKey),
    /// An RSA public key.
    #[cfg(feature = "rs256")]
    Rs256(Rs256PublicKey),
}

impl VerifyingKey {
    /// The key id.
    pub fn kid(&self) -> &str {
        match self {
            VerifyingKey::Hs256(key) => key.kid(),
            #[cfg(feature = "es256")]
            VerifyingKey::Es256(key) => key.kid(),
            #[cfg(feature = "eddsa")]
            VerifyingKey::EdDsa(key) => key.kid(),
            #[cfg(feature = "rs256")]
            VerifyingKey::Rs256(key) => key.kid(),
        }
    }

    /// The one algorithm it verifies.
    pub fn alg(&self) -> Algorithm {
        match self {
            VerifyingKey::Hs256(_) => Algorithm::Hs256,
            #[cfg(feature = "es256")]
            VerifyingKey::Es256(_) => Algorithm::Es256,
            #[cfg(feature = "eddsa")]
            VerifyingKey::EdDsa(_) => Algorithm::EdDsa,
            #[cfg(feature = "rs256")]
            VerifyingKey::Rs256(_) => Algorithm::Rs256,
        }
    }

    /// Whether `signature` is a valid signature of `data` under this key.
    pub(crate) fn verify(&self, data: &[u8], signature: &[u8]) -> bool {
        match self {
            VerifyingKey::Hs256(key) => key.verify(data, signature),
            #[cfg(feature = "es256")]
            VerifyingKey::Es256(key) => key.verify(data, signature),
            #[cfg(feature = "eddsa")]
            VerifyingKey::EdDsa(key) => key.verify(data, signature),
            #[cfg(feature = "rs256")]
            VerifyingKey::Rs256(key) => key.verify(data, signature),
        }
    }

    /// The public JWK (RFC 7517 4, RFC 7518 6.2 and 6.3, RFC 8037 2), or
    /// `None` for a secret key, which is never published.
    pub fn public_jwk(&self) -> Option<Value> {
        #[cfg(any(feature = "es256", feature = "eddsa", feature = "rs256"))]
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        match self {
            VerifyingKey::Hs256(_) => None,
            #[cfg(feature = "es256")]
            VerifyingKey::Es256(key) => {
                let (x, y) = key.coordinates();
                Some(json!({
                    "kty": "EC", "crv": "P-256", "x": b64(&x), "y": b64(&y),
                    "kid": key.kid(), "alg": "ES256", "use": "sig",
                }))
            }
            #[cfg(feature = "eddsa")]
            VerifyingKey::EdDsa(key) => Some(json!({
                "kty": "OKP", "crv": "Ed25519", "x": b64(&key.to_bytes()),
                "kid": key.kid(), "alg": "EdDSA", "use": "sig",
            })),
            #[cfg(feature = "rs256")]
            VerifyingKey::Rs256(key) => {
                let (n, e) = key.components();
                Some(json!({
                    "kty": "RSA", "n": b64(&n), "e": b64(&e),
                    "kid": key.kid(), "alg": "RS256", "use": "sig",
                }))
            }
        }
    }
}

impl VerifyingKey {
    /// The JWK thumbprint (RFC 7638): base64url of the SHA-256 of the
    /// required public members in lexicographic order, without whitespace.
    /// A good `kid`: it names the key and changes with it. `None` for a
    /// secret key.
    pub fn thumbprint(&self) -> Option<String> {
        let jwk = self.public_jwk()?;
        let member = |name: &str| jwk.get(name).cloned().unwrap_or(Value::Null);
        let mut required = serde_json::Map::new();
        for name in ["crv", "e", "kty", "n", "x", "y"] {
            if jwk.get(name).is_some() {
                required.insert(name.to_owned(), member(name));
            }
        }
        let canonical = Value::Object(required).to_string();
        Some(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
    }
}

/// The key named `kid` among `keys`: the one lookup rings, verifiers and
/// JWK Sets share.
pub(crate) fn find_key<'k>(keys: &'k [VerifyingKey], kid: &str) -> Option<&'k VerifyingKey> {
    keys.iter().find(|k| k.kid() == kid)
}

impl From<HmacKey> for VerifyingKey {
    fn from(key: HmacKey) -> VerifyingKey {
        VerifyingKey::Hs256(key)
    }
}

#[cfg(feature = "es256")]
impl From<Es256PublicKey> for VerifyingKey {
    fn from(key: Es256PublicKey) -> VerifyingKey {
        VerifyingKey::Es256(key)
    }
}

#[cfg(feature = "eddsa")]
impl From<Ed25519PublicKey> for VerifyingKey {
    fn from(key: Ed25519PublicKey) -> VerifyingKey {
        VerifyingKey::EdDsa(key)
    }
}

#[cfg(feature = "rs256")]
impl From<Rs256PublicKey> for VerifyingKey {
    fn from(key: Rs256PublicKey) -> VerifyingKey {
        VerifyingKey::Rs256(key)
    }
}
