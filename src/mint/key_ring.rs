//! The key ring: one signing key and any number of verify-only keys, of
//! any algorithm, so keys rotate without downtime and an old HS256 key can
//! keep verifying while an ES256 key signs.

use crate::mint::signing_key::SigningKey;
use crate::mint::verifying_key::{VerifyingKey, find_key};
use crate::values::syntax::InvalidValue;

/// One signing key and any number of verify-only keys.
///
/// To rotate: add the new key as a verify-only key everywhere (and to the
/// published JWK Set), then make it the signing key (keeping the old one as
/// verify-only until every token it signed has expired), then drop the old
/// key.
#[derive(Debug, Clone)]
pub struct KeyRing {
    signing: SigningKey,
    /// Every key that verifies, the signing key's own first.
    verifying: Vec<VerifyingKey>,
}

impl KeyRing {
    /// A ring that signs (and verifies) with `signing`.
    pub fn new(signing: impl Into<SigningKey>) -> KeyRing {
        let signing = signing.into();
        KeyRing {
            verifying: vec![signing.verifying_key()],
            signing,
        }
    }

    /// Adds a verify-only key. A key whose `kid` is already in the ring
    /// replaces nothing and is refused.
    pub fn with_verify_key(
        mut self,
        key: impl Into<VerifyingKey>,
    ) -> Result<KeyRing, InvalidValue> {
        let key = key.into();
        if self.find(key.kid()).is_some() {
            return Err(InvalidValue {
                what: "kid (duplicate)",
            });
        }
        self.verifying.push(key);
        Ok(self)
    }

    /// The key new tokens are signed with.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// The key named `kid`, signing or verify-only.
    pub fn find(&self, kid: &str) -> Option<&VerifyingKey> {
        find_key(&self.verifying, kid)
    }

    /// Every key that verifies, the signing key first.
    pub fn keys(&self) -> &[VerifyingKey] {
        &self.verifying
    }
}
