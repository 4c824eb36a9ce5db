//! Randomness from the host: the engine never picks a random number itself.

use core::fmt;

/// 32 bytes of fresh randomness from the host (the OS RNG in production,
/// fixed bytes in tests), one value per call. Every token id, code and
/// refresh token a call mints is derived from it, so the same entropy with
/// the same request and state gives the same bytes (the oracle property).
///
/// The bytes must be fresh for every call: two calls with the same entropy
/// derive the same values. The store contract catches the collisions that
/// matter (a new code or refresh token whose digest is already stored is
/// refused, and the request fails closed), but a reused entropy also repeats
/// `jti`s. In production, fill it from the operating system, for example
/// with the `getrandom` crate; never copy a fixed value from an example.
#[derive(Clone, PartialEq, Eq)]
pub struct Entropy([u8; 32]);

impl Entropy {
    /// Wraps 32 bytes of randomness.
    pub const fn from_bytes(bytes: [u8; 32]) -> Entropy {
        Entropy(bytes)
    }

    /// The bytes, for the derivations in `mint`.
    pub(crate) const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Entropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Entropy(<redacted>)")
    }
}
