//! Refresh-token successors (RFC 6749 6, RFC 9700 4.14.2).
//!
//! Without a grace period a successor is drawn from the rotating call's
//! entropy like any other token, and nothing that re-derives it is kept.
//! With one, it is derived under the [`RotationKey`] from the
//! predecessor's digest and a stored nonce, so that within the window the
//! same successor can be handed out again without ever being stored in
//! plain; the engine re-derives it only within the window.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::mint::rotation_key::RotationKey;
use crate::values::digest::TokenHash;
use crate::values::secret::RefreshToken;

/// Domain separation of successor derivation.
const LABEL: &[u8] = b"grant-engine/v2/successor";

/// The successor of the refresh token with digest `predecessor`, derived
/// with `nonce` (from the rotating call's entropy; stored, not secret).
pub(crate) fn successor_of(
    key: &RotationKey,
    predecessor: &TokenHash,
    nonce: &str,
) -> RefreshToken {
    let bytes = key.derive(&[LABEL, predecessor.as_bytes(), nonce.as_bytes()]);
    RefreshToken::from_trusted(URL_SAFE_NO_PAD.encode(bytes))
}

/// Re-derives the successor recorded as `expected`, if `key` derived it.
pub(crate) fn rederive(
    key: &RotationKey,
    predecessor: &TokenHash,
    nonce: &str,
    expected: &TokenHash,
) -> Option<RefreshToken> {
    let token = successor_of(key, predecessor, nonce);
    expected.matches(token.expose_secret()).then_some(token)
}
