//! Randomness from the host: the engine never picks a random number itself.

use core::fmt;

/// 32 bytes of fresh randomness from the host (the OS RNG in production,
/// fixed bytes in tests), one value per call. Every token id, code and
/// refresh token a call mints is derived from it, so the same entropy with
/// the same request, state and time gives the same bytes (the oracle
/// property).
///
/// The bytes must be fresh for every call. If they are not (a copied
/// example, a forked VM or process, a broken RNG), the damage is bounded:
/// every derived value is also bound to what it is for (the time, the
/// client, the subject, the code or refresh token it comes from), so two
/// users, two codes or two refreshes still get different values. Only a
/// request identical in all of these (the same client and user approved in
/// the same second, say) derives the same value again; then the store
/// refuses the digest it already holds and the request fails closed (a 503
/// from the driver), and nothing is overwritten. Values an attacker could
/// predict are the real loss: with known entropy, every code and token of
/// that call is computable. In production, fill it from the operating
/// system, for example with the `getrandom` crate; never copy a fixed
/// value from an example.
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
