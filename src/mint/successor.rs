//! Refresh-token successors (RFC 6749 6, RFC 9700 4.14.2): derived, so that
//! within the grace period the same successor can be handed out again
//! without ever being stored in plain.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::mint::keys::{HmacKey, KeyRing};
use crate::values::digest::TokenHash;
use crate::values::secret::RefreshToken;

/// The successor of the refresh token with digest `predecessor`: HMAC of
/// the digest and a `nonce` from the rotating call's entropy, under `key`'s
/// derivation subkey. The nonce is stored (it is not secret) with the
/// rotated record.
pub(crate) fn successor_of(key: &HmacKey, predecessor: &TokenHash, nonce: &str) -> RefreshToken {
    let mut input = predecessor.as_bytes().to_vec();
    input.extend_from_slice(nonce.as_bytes());
    RefreshToken::from_trusted(URL_SAFE_NO_PAD.encode(key.derive(&input)))
}

/// Re-derives the successor recorded as `expected` with any key of the ring
/// (the signing key may have changed since the rotation).
pub(crate) fn rederive(
    keys: &KeyRing,
    predecessor: &TokenHash,
    nonce: &str,
    expected: &TokenHash,
) -> Option<RefreshToken> {
    keys.keys()
        .map(|key| successor_of(key, predecessor, nonce))
        .find(|token| expected.matches(token.expose_secret()))
}
