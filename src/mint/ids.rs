//! Unpredictable values derived from one call's entropy: codes, refresh
//! tokens, `jti`s and rotation nonces (RFC 6749 10.10: at least 128 bits
//! the client cannot guess).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};

use crate::mint::keys::HmacSha256;
use crate::values::entropy::Entropy;

/// Derives a sequence of unpredictable values from one call's entropy.
#[derive(Clone)]
pub(crate) struct IdSource {
    mac: HmacSha256,
    counter: u32,
}

impl IdSource {
    pub(crate) fn new(entropy: &Entropy) -> IdSource {
        // HMAC accepts keys of any length; 32 bytes never fails.
        let mac = HmacSha256::new_from_slice(entropy.as_bytes())
            .unwrap_or_else(|_| HmacSha256::new(&Default::default()));
        IdSource { mac, counter: 0 }
    }

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

    /// 128 bits as unpadded base64url (22 characters): `jti` values.
    pub(crate) fn next_id(&mut self, label: &[u8]) -> String {
        let bytes = self.next_bytes(label);
        URL_SAFE_NO_PAD.encode(bytes.get(..16).unwrap_or_default())
    }
}
