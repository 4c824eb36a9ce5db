//! The engine's policy: who it is, how long things live, which keys sign.

use crate::{KeyRing, ParseLimits, Realm};

/// The longest an authorization code may live (RFC 6749 4.1.2: 10 minutes).
pub const MAX_CODE_TTL: u64 = 600;

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

/// The engine's configuration. Built once, shared by every exchange.
///
/// ```
/// use grant_engine::{Config, HmacKey, KeyRing};
/// let keys = KeyRing::new(HmacKey::new("k1", &[1u8; 32]).unwrap());
/// let config = Config::new("https://auth.example.com", "https://api.example.com", keys)
///     .with_refresh_grace_period(5);
/// assert_eq!(config.access_token_ttl(), 86_400);
/// assert_eq!(config.with_code_ttl(3_600).code_ttl(), 600); // capped at 10 minutes
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    issuer: String,
    audience: String,
    keys: KeyRing,
    access_token_ttl: u64,
    refresh_token_ttl: u64,
    code_ttl: u64,
    refresh_grace_period: u64,
    pkce: PkcePolicy,
    realm: Realm,
    limits: ParseLimits,
}

impl Config {
    /// A configuration with the defaults: access tokens live 24 hours,
    /// refresh tokens 30 days, codes 10 minutes; no refresh grace period;
    /// PKCE S256 required for public clients; 16 KiB bodies.
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>, keys: KeyRing) -> Config {
        Config {
            issuer: issuer.into(),
            audience: audience.into(),
            keys,
            access_token_ttl: 86_400,
            refresh_token_ttl: 30 * 86_400,
            code_ttl: MAX_CODE_TTL,
            refresh_grace_period: 0,
            pkce: PkcePolicy::default(),
            realm: Realm::default(),
            limits: ParseLimits::default(),
        }
    }

    /// Access-token lifetime in seconds (`expires_in`).
    pub fn with_access_token_ttl(mut self, seconds: u64) -> Self {
        self.access_token_ttl = seconds;
        self
    }

    /// Refresh-token lifetime in seconds, counted from each rotation.
    pub fn with_refresh_token_ttl(mut self, seconds: u64) -> Self {
        self.refresh_token_ttl = seconds;
        self
    }

    /// Code lifetime in seconds, capped at [`MAX_CODE_TTL`]. The token
    /// endpoint enforces it on redemption whatever `expires_at` a record says.
    pub fn with_code_ttl(mut self, seconds: u64) -> Self {
        self.code_ttl = seconds.min(MAX_CODE_TTL);
        self
    }

    /// How long after a rotation the rotated-out refresh token still yields
    /// the same successor instead of tripping reuse detection (default 0).
    pub fn with_refresh_grace_period(mut self, seconds: u64) -> Self {
        self.refresh_grace_period = seconds;
        self
    }

    /// The PKCE policy.
    pub fn with_pkce(mut self, pkce: PkcePolicy) -> Self {
        self.pkce = pkce;
        self
    }

    /// The realm of `WWW-Authenticate` challenges.
    pub fn with_realm(mut self, realm: Realm) -> Self {
        self.realm = realm;
        self
    }

    /// Body size and parameter-count limits.
    pub fn with_limits(mut self, limits: ParseLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Replaces the key ring (for key rotation).
    pub fn with_keys(mut self, keys: KeyRing) -> Self {
        self.keys = keys;
        self
    }

    /// The `iss` of every token.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// The `aud` of every access token.
    pub fn audience(&self) -> &str {
        &self.audience
    }
    /// The key ring.
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }
    /// Access-token lifetime in seconds.
    pub fn access_token_ttl(&self) -> u64 {
        self.access_token_ttl
    }
    /// Refresh-token lifetime in seconds.
    pub fn refresh_token_ttl(&self) -> u64 {
        self.refresh_token_ttl
    }
    /// Code lifetime in seconds (at most [`MAX_CODE_TTL`]).
    pub fn code_ttl(&self) -> u64 {
        self.code_ttl
    }
    /// Refresh grace period in seconds.
    pub fn refresh_grace_period(&self) -> u64 {
        self.refresh_grace_period
    }
    /// The PKCE policy.
    pub fn pkce(&self) -> &PkcePolicy {
        &self.pkce
    }
    /// The challenge realm.
    pub fn realm(&self) -> &Realm {
        &self.realm
    }
    /// The parse limits.
    pub fn limits(&self) -> &ParseLimits {
        &self.limits
    }
}
