//! What an effect expects of the stored state, and the refusal a store
//! reports when an expectation does not hold.

use core::fmt;

use thiserror::Error;

use crate::values::digest::TokenHash;

/// The precondition of one [`Effect`](crate::Effect), checked by the store
/// at the moment the effect is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expectation {
    /// No code with this digest is stored.
    CodeAbsent(TokenHash),
    /// The code with this digest is stored and unused.
    CodeUnused(TokenHash),
    /// No refresh token with this digest is stored.
    RefreshTokenAbsent(TokenHash),
    /// The refresh token with this digest is stored and active.
    RefreshTokenActive(TokenHash),
    /// The refresh token `predecessor` is rotated to exactly `successor`,
    /// and `successor` is stored and still active (unused).
    Regrantable {
        /// The rotated-out token replayed within the grace period.
        predecessor: TokenHash,
        /// The successor handed out again.
        successor: TokenHash,
    },
    /// Nothing: the effect is idempotent.
    Nothing,
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expectation::CodeAbsent(hash) => write!(f, "no code {hash} is stored"),
            Expectation::CodeUnused(hash) => write!(f, "the code {hash} is unused"),
            Expectation::RefreshTokenAbsent(hash) => {
                write!(f, "no refresh token {hash} is stored")
            }
            Expectation::RefreshTokenActive(hash) => {
                write!(f, "the refresh token {hash} is active")
            }
            Expectation::Regrantable {
                predecessor,
                successor,
            } => write!(
                f,
                "the refresh token {predecessor} is rotated to {successor}, which is active"
            ),
            Expectation::Nothing => f.write_str("nothing"),
        }
    }
}

/// A store refused a request's effects because one expectation did not
/// hold: another request changed the state since this one read it. Nothing
/// of the unit was applied. (The digests in it are not secrets.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("the stored state changed since the request read it: expected {expected}")]
pub struct Conflict {
    /// The expectation that did not hold.
    pub expected: Expectation,
}

/// Why [`Store::apply`](crate::Store::apply) (or its async twin) applied
/// nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApplyError<E> {
    /// An expectation did not hold: the driver runs the request again.
    #[error(transparent)]
    Conflict(Conflict),
    /// The store itself failed: the host's error, answered 500 or 503.
    #[error("the store failed")]
    Store(E),
}

impl<E> From<Conflict> for ApplyError<E> {
    fn from(conflict: Conflict) -> Self {
        ApplyError::Conflict(conflict)
    }
}
