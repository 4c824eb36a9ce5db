//! Grant families: the identifier every token issued from one
//! authorization code shares (RFC 9700 4.14.2: revoke the whole family on
//! reuse).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::values::digest::TokenHash;
use crate::values::ids::FamilyId;

/// The family of every token issued from the code with this digest. It is
/// derived, not stored, so that a later presentation of the code names the
/// family its first redemption issued into without any lookup.
pub(crate) fn family_of_code(code_hash: &TokenHash) -> FamilyId {
    let digest = Sha256::new()
        .chain_update(b"grant-engine/v1/family")
        .chain_update(code_hash.as_bytes())
        .finalize();
    FamilyId::from_trusted(URL_SAFE_NO_PAD.encode(digest.get(..16).unwrap_or_default()))
}
