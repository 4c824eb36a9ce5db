//! A refresh token (RFC 6749 6), as the host stores it: only its SHA-256
//! digest, with its family and where it is in its life.

use serde::{Deserialize, Serialize};

use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;
use crate::values::ids::{FamilyId, Subject};
use crate::values::scope::Scope;

/// Where a refresh token is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RefreshTokenState {
    /// Usable.
    #[default]
    Active,
    /// Used once and replaced by `successor`: presenting it again is reuse,
    /// unless within the configured grace period of `at`.
    Rotated {
        /// When it was rotated (unix seconds).
        at: u64,
        /// The digest of the token that replaced it.
        successor: TokenHash,
        /// With a grace period, the non-secret value (from the rotating
        /// call's entropy) the successor was derived with under the
        /// rotation key, so it can be derived again within the window;
        /// `None` without one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<String>,
    },
    /// Revoked, with its whole family.
    Revoked,
}

/// A refresh token, as stored by the host (RFC 6749 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshTokenRecord {
    /// SHA-256 of the token.
    pub token_hash: TokenHash,
    /// The client it was issued to.
    pub client_id: ClientId,
    /// The resource owner.
    pub subject: Subject,
    /// The scope of the original grant (kept across rotations, RFC 6749 6).
    pub scope: Scope,
    /// The family it belongs to.
    pub family: FamilyId,
    /// When it was issued (unix seconds).
    pub issued_at: u64,
    /// When it stops working (unix seconds): its own lifetime, never past
    /// `family_expires_at`.
    pub expires_at: u64,
    /// When its family ends (unix seconds): fixed at the family's first
    /// token and carried unchanged through every rotation; no token of the
    /// family works from then on, however recently it was rotated.
    pub family_expires_at: u64,
    /// Active, rotated or revoked.
    #[serde(default)]
    pub state: RefreshTokenState,
}
