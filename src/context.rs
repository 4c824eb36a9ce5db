//! The per-call inputs a host injects: the time and fresh entropy.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};

use crate::keys::HmacSha256;

/// 32 bytes of randomness from the host (the OS RNG in production, fixed
/// bytes in tests). Every token id and opaque token of a call is derived
/// from it with HMAC-SHA256 and a counter.
#[derive(Clone, PartialEq, Eq)]
pub struct Entropy([u8; 32]);

impl Entropy {
    /// Wraps 32 bytes of randomness.
    pub const fn from_bytes(bytes: [u8; 32]) -> Entropy {
        Entropy(bytes)
    }
}

impl fmt::Debug for Entropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Entropy(<redacted>)")
    }
}

/// What a single call knows about the world: the time and fresh entropy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// Unix time in seconds.
    pub now: u64,
    /// Fresh randomness for this call.
    pub entropy: Entropy,
}

impl Context {
    /// A context at `now` (unix seconds) with `entropy`.
    pub const fn new(now: u64, entropy: Entropy) -> Context {
        Context { now, entropy }
    }
}

/// Derives a sequence of unpredictable values from one call's entropy.
#[derive(Clone)]
pub(crate) struct IdSource {
    mac: HmacSha256,
    counter: u32,
}

impl IdSource {
    pub(crate) fn new(entropy: &Entropy) -> IdSource {
        // HMAC accepts keys of any length; 32 bytes never fails.
        let mac = HmacSha256::new_from_slice(&entropy.0)
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
