//! What a host should log, count or alert on: the security-relevant things
//! that happened during one request, beside its report.

use crate::errors::token::ClientAuthFailure;
use crate::values::client_id::ClientId;
use crate::values::ids::FamilyId;

/// One thing worth the host's attention. New kinds may be added: log
/// unknown ones rather than failing on them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecurityEvent {
    /// Client authentication failed (RFC 6749 2.3.1: the server must
    /// protect password checks against brute force, so count these per
    /// client and source and throttle).
    ClientAuthenticationFailed {
        /// The client the request named, if it named one.
        client_id: Option<ClientId>,
        /// Why.
        reason: ClientAuthFailure,
    },
    /// A rotated-out refresh token was replayed within the grace period and
    /// got its successor again: a second tab or a lost response, or a
    /// thief; the next collision in the family revokes it.
    RefreshTokenRegranted {
        /// The client.
        client_id: ClientId,
        /// The family.
        family: FamilyId,
    },
    /// A rotated-out refresh token was used again outside the grace period:
    /// the family was revoked (RFC 9700 4.14.2).
    RefreshTokenReused {
        /// The client that presented it.
        client_id: ClientId,
        /// The revoked family.
        family: FamilyId,
    },
    /// A redeemed code was presented again: what it issued was revoked
    /// (RFC 6749 4.1.2).
    CodeReused {
        /// The client that presented it.
        client_id: ClientId,
        /// The revoked family.
        family: FamilyId,
    },
}
