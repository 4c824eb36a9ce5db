//! State changes the engine decided on and the host must persist, and what
//! each one expects of the stored state: the store contract.

use serde::{Deserialize, Serialize};

use crate::store::code_record::CodeRecord;
use crate::store::expectation::Expectation;
use crate::store::refresh_token_record::RefreshTokenRecord;
use crate::values::digest::TokenHash;
use crate::values::ids::{FamilyId, TokenId};

/// One state change. An [`Outcome`](crate::Outcome) lists every change its
/// request made; none is implied.
///
/// # The store contract
///
/// The engine decides from what the lookups returned; the store makes the
/// decision durable or refuses it. Lookups only read. The effects of one
/// request are applied as one unit, all or nothing, and each effect states
/// what it expects of the stored state at the moment it is applied
/// ([`Effect::expectation`]):
///
/// | effect | expects | then |
/// |---|---|---|
/// | [`StoreCode`](Effect::StoreCode) | no code with this digest | stored |
/// | [`RedeemCode`](Effect::RedeemCode) | the code is stored and unused | marked redeemed, with the access-token ids it issued |
/// | [`StoreRefreshToken`](Effect::StoreRefreshToken) | no refresh token with this digest | stored; stored *revoked* if its family is revoked |
/// | [`RotateRefreshToken`](Effect::RotateRefreshToken) | the token is stored and active | marked rotated at `at`, with its successor's digest (and, with a grace period, its nonce) |
/// | [`Regrant`](Effect::Regrant) | the predecessor is rotated to exactly this successor, and the successor is stored and active | nothing changes: the store only confirms the state the regrant rests on |
/// | [`RevokeFamily`](Effect::RevokeFamily) | nothing (idempotent) | the family is recorded revoked, and every refresh token of it is revoked |
/// | [`RevokeAccessTokens`](Effect::RevokeAccessTokens) | nothing (idempotent) | the ids are recorded revoked |
///
/// When an expectation does not hold (another request got there first), the
/// store applies none of the unit's effects and reports a
/// [`Conflict`](crate::store::Conflict). The drivers then run the request
/// again from fresh lookups with the same time and entropy (a bounded number
/// of times), and the re-run answers as the rules say for the state the
/// other request left. So a store may use row locks, `SERIALIZABLE`
/// transactions or compare-and-set on a state column, and no isolation
/// level can fork a refresh family or revive a revoked token: at worst a
/// conflict costs a re-run. The testkit's conformance suite checks a store
/// against this contract, races included.
///
/// The enum is exhaustive on purpose, like [`Step`](crate::Step): a new kind
/// of effect must be a compile error in every store, not a silent
/// fallthrough.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Store a new authorization code (from an approved authorization
    /// request). Expects no code with its digest.
    StoreCode(CodeRecord),
    /// The code was presented: mark it redeemed, with the access tokens it
    /// issued (none if the exchange failed), so that it never works again.
    /// Emitted for every presentation of an unused code, successful or not.
    /// Expects the code stored and unused: of concurrent redemptions exactly
    /// one applies.
    RedeemCode {
        /// The code's digest.
        code_hash: TokenHash,
        /// The access tokens issued from it (empty if the exchange failed).
        access_token_ids: Vec<TokenId>,
    },
    /// Store a new refresh token; if its family is revoked, store it
    /// revoked (a revoked family stays revoked). Expects no refresh token
    /// with its digest.
    StoreRefreshToken(RefreshTokenRecord),
    /// Mark a refresh token rotated: replaced by `successor` at `at`.
    /// Expects the token stored and active, so that a token is rotated at
    /// most once and a family never forks.
    RotateRefreshToken {
        /// The digest of the token that was used.
        token_hash: TokenHash,
        /// When (unix seconds).
        at: u64,
        /// The digest of its replacement.
        successor: TokenHash,
        /// With a grace period, the non-secret input the successor was
        /// derived with, to store with it; without one, `None`: nothing
        /// that re-derives the successor is kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<String>,
    },
    /// A rotated-out refresh token replayed within the grace period gets
    /// its successor again. Changes nothing; expects `predecessor` rotated
    /// to exactly `successor` and `successor` still active, so that a
    /// regrant racing the successor's first use conflicts, and its re-run
    /// is reuse (a store that holds row locks keeps the successor's row
    /// locked until the unit ends).
    Regrant {
        /// The digest of the replayed token.
        predecessor: TokenHash,
        /// The digest of the successor handed out again.
        successor: TokenHash,
    },
    /// Revoke a whole family: record it revoked (every access token whose
    /// `fam` claim names it is refused from the next request on) and revoke
    /// every refresh token in it. Expects nothing.
    RevokeFamily {
        /// The family.
        family: FamilyId,
    },
    /// Revoke single access tokens by `jti`: refused from the next request
    /// on. Expects nothing.
    RevokeAccessTokens {
        /// Their ids.
        token_ids: Vec<TokenId>,
    },
}

impl Effect {
    /// What this effect expects of the stored state when it is applied.
    ///
    /// ```
    /// use grant_engine::Effect;
    /// use grant_engine::store::Expectation;
    /// use grant_engine::values::TokenHash;
    /// let code_hash = TokenHash::of("abc123");
    /// let redeem = Effect::RedeemCode { code_hash, access_token_ids: Vec::new() };
    /// assert_eq!(redeem.expectation(), Expectation::CodeUnused(code_hash));
    /// ```
    pub fn expectation(&self) -> Expectation {
        match self {
            Effect::StoreCode(code) => Expectation::CodeAbsent(code.code_hash),
            Effect::RedeemCode { code_hash, .. } => Expectation::CodeUnused(*code_hash),
            Effect::StoreRefreshToken(record) => Expectation::RefreshTokenAbsent(record.token_hash),
            Effect::RotateRefreshToken { token_hash, .. } => {
                Expectation::RefreshTokenActive(*token_hash)
            }
            Effect::Regrant {
                predecessor,
                successor,
            } => Expectation::Regrantable {
                predecessor: *predecessor,
                successor: *successor,
            },
            Effect::RevokeFamily { .. } | Effect::RevokeAccessTokens { .. } => Expectation::Nothing,
        }
    }
}
