//! Who must use PKCE, and with which methods (RFC 7636, RFC 9700 2.1.1).

/// Which clients must use PKCE (RFC 9700 2.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PkceRequirement {
    /// Public clients must; confidential clients may (the default).
    PublicClients,
    /// Every client must.
    AllClients,
}

/// PKCE policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PkcePolicy {
    /// Who must send a `code_challenge`.
    pub required_for: PkceRequirement,
    /// Whether `code_challenge_method=plain` (or no method) is accepted.
    /// Off by default: S256 only.
    pub allow_plain: bool,
}

impl Default for PkcePolicy {
    fn default() -> Self {
        PkcePolicy {
            required_for: PkceRequirement::PublicClients,
            allow_plain: false,
        }
    }
}

impl PkcePolicy {
    /// Whether a client of this kind must use PKCE.
    pub fn requires(&self, public_client: bool) -> bool {
        public_client || self.required_for == PkceRequirement::AllClients
    }
}
