//! State changes the engine decided on and the host must persist.

use serde::{Deserialize, Serialize};

use crate::{CodeRecord, FamilyId, RefreshTokenRecord, TokenHash, TokenId};

/// One state change. An [`Outcome`](crate::Outcome) lists every change its
/// exchange made; none is implied. A host applies them in order, in the
/// same transaction as the lookups that led to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Effect {
    /// Store a new authorization code (from an approved authorization request).
    StoreCode(CodeRecord),
    /// The code was presented: mark it redeemed (with the access tokens it
    /// issued, if any) so that it never works again. Emitted for every
    /// presentation of an unused code, successful or not.
    RedeemCode {
        /// The code's digest.
        code_hash: TokenHash,
        /// The access tokens issued from it (empty if the exchange failed).
        access_token_ids: Vec<TokenId>,
    },
    /// Store a new refresh token.
    StoreRefreshToken(RefreshTokenRecord),
    /// Mark a refresh token rotated: replaced by `successor` at `at`.
    RotateRefreshToken {
        /// The digest of the token that was used.
        token_hash: TokenHash,
        /// When (unix seconds).
        at: u64,
        /// The digest of its replacement.
        successor: TokenHash,
        /// The non-secret derivation input to store with it.
        nonce: String,
    },
    /// Revoke a whole family: every refresh token in it, and every access
    /// token whose `fam` claim names it. A revoked family stays revoked:
    /// later `StoreRefreshToken` effects for it must store the record revoked.
    RevokeFamily {
        /// The family.
        family: FamilyId,
    },
    /// Revoke single access tokens by `jti`.
    RevokeAccessTokens {
        /// Their ids.
        token_ids: Vec<TokenId>,
    },
}
