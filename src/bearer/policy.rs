//! What a protected resource demands of a bearer token.

use crate::values::scope::Scope;

/// What a protected resource demands of a token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BearerPolicy {
    /// Every scope the token must carry (empty: none).
    pub required_scope: Scope,
    /// Seconds of clock skew allowed on `exp` and `iat`.
    pub leeway: u64,
}
