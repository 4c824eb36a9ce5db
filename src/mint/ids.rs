//! Unpredictable values derived from one call's entropy: codes, refresh
//! tokens, `jti`s and rotation nonces (RFC 6749 10.10: at least 128 bits
//! the client cannot guess).
//!
//! Every value is bound to what it is for as well as to the entropy: the
//! time, a purpose, and the purpose's parts (the client, the subject, the
//! code or the predecessor it is derived from). So a host that reuses
//! entropy (a copied example, a forked process, a broken RNG) still derives
//! different values for different users and grants; only a request
//! identical in all of these repeats one, and then the store refuses the
//! duplicate digest and the request fails closed.
//!
//! Cost: the key is set up once per call, the binding is absorbed once per
//! grant, and each value then costs one clone of that state and one or two
//! SHA-256 compressions of its own plus the outer one.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};

use crate::mint::keys::HmacSha256;
use crate::values::entropy::Entropy;

/// Domain separation of every derived value.
const DOMAIN: &[u8] = b"grant-engine/v2/ids";

/// One call's entropy and time, ready to be bound to a purpose.
#[derive(Clone)]
pub(crate) struct IdSeed {
    mac: HmacSha256,
}

impl IdSeed {
    pub(crate) fn new(entropy: &Entropy, now: u64) -> IdSeed {
        // HMAC accepts keys of any length; 32 bytes never fails.
        let mac = HmacSha256::new_from_slice(entropy.as_bytes())
            .unwrap_or_else(|_| HmacSha256::new(&Default::default()));
        IdSeed {
            mac: mac.chain_update(DOMAIN).chain_update(now.to_be_bytes()),
        }
    }

    /// The source of the values of `purpose`, bound to `parts` (each
    /// length-prefixed, so no two lists of parts absorb the same bytes).
    pub(crate) fn bind(&self, purpose: &[u8], parts: &[&[u8]]) -> IdSource {
        let mut mac = self.mac.clone();
        for part in std::iter::once(purpose).chain(parts.iter().copied()) {
            let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
            mac.update(&len.to_be_bytes());
            mac.update(part);
        }
        IdSource { mac, counter: 0 }
    }
}

/// A sequence of unpredictable values for one bound purpose.
#[derive(Clone)]
pub(crate) struct IdSource {
    mac: HmacSha256,
    counter: u32,
}

impl IdSource {
    /// The next 32 derived bytes, bound to `label`.
    pub(crate) fn next_bytes(&mut self, label: &[u8]) -> [u8; 32] {
        self.counter = self.counter.wrapping_add(1);
        self.mac
            .clone()
            .chain_update(label)
            .chain_update(self.counter.to_be_bytes())
            .finalize()
            .into_bytes()
            .into()
    }

    /// 256 bits as unpadded base64url (43 characters): refresh tokens, codes.
    pub(crate) fn next_secret(&mut self, label: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.next_bytes(label))
    }

    /// 128 bits as unpadded base64url (22 characters): `jti` values, nonces.
    pub(crate) fn next_id(&mut self, label: &[u8]) -> String {
        let bytes = self.next_bytes(label);
        URL_SAFE_NO_PAD.encode(bytes.get(..16).unwrap_or_default())
    }
}
