//! The engine's policy: who it is, how long things live, which keys sign.

use crate::client_secret::client_secrets::ClientSecrets;
use crate::config::pkce_policy::PkcePolicy;
use crate::config::refresh_grace::RefreshGrace;
use crate::mint::key_ring::KeyRing;
use crate::parse::limits::ParseLimits;
use crate::values::realm::Realm;

/// The longest an authorization code may live (RFC 6749 4.1.2: 10 minutes).
pub const MAX_CODE_TTL: u64 = 600;

/// The default absolute lifetime of a refresh-token family: 90 days.
pub const DEFAULT_FAMILY_LIFETIME: u64 = 90 * 86_400;

/// Runs of one request before a driver reports a conflict: the first run
/// and up to three re-runs. A re-run sees the state the other request left;
/// a redemption or rotation that lost the race then decides reuse or a
/// grace-period regrant, whose effects expect nothing more of those rows, so
/// one re-run usually settles it. A new record whose digest is already
/// stored conflicts on every run (the same entropy derives the same value):
/// the driver gives up after these runs, and nothing is overwritten.
const DEFAULT_MAX_ATTEMPTS: u32 = 4;

/// The engine's configuration. Built once, shared by every exchange.
///
/// ```
/// use grant_engine::config::RefreshGrace;
/// use grant_engine::mint::RotationKey;
/// use grant_engine::{Config, HmacKey, KeyRing};
/// let keys = KeyRing::new(HmacKey::new("k1", &[1u8; 32]).unwrap());
/// let grace = RefreshGrace::new(5, RotationKey::new(&[2u8; 32]).unwrap()).unwrap();
/// let config = Config::new("https://auth.example.com", "https://api.example.com", keys)
///     .with_refresh_grace(grace);
/// assert_eq!(config.access_token_ttl(), 86_400);
/// assert_eq!(config.refresh_grace_period(), 5);
/// assert_eq!(config.with_code_ttl(3_600).code_ttl(), 600); // capped at 10 minutes
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    issuer: String,
    audience: String,
    keys: KeyRing,
    client_secrets: Option<ClientSecrets>,
    access_token_ttl: u64,
    refresh_token_ttl: u64,
    family_lifetime: u64,
    code_ttl: u64,
    refresh_grace: Option<RefreshGrace>,
    pkce: PkcePolicy,
    realm: Realm,
    limits: ParseLimits,
    max_attempts: u32,
}

impl Config {
    /// A configuration with the defaults: access tokens live 24 hours,
    /// refresh tokens 30 days, codes 10 minutes; no refresh grace period;
    /// PKCE S256 required for public clients; 16 KiB bodies; a request whose
    /// effects conflict is run at most 4 times. No pepper: until
    /// [`Config::with_client_secrets`] gives one, no confidential client
    /// authenticates (public clients do).
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>, keys: KeyRing) -> Config {
        Config {
            issuer: issuer.into(),
            audience: audience.into(),
            keys,
            client_secrets: None,
            access_token_ttl: 86_400,
            refresh_token_ttl: 30 * 86_400,
            family_lifetime: DEFAULT_FAMILY_LIFETIME,
            code_ttl: MAX_CODE_TTL,
            refresh_grace: None,
            pkce: PkcePolicy::default(),
            realm: Realm::default(),
            limits: ParseLimits::default(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// Access-token lifetime in seconds (`expires_in`).
    pub fn with_access_token_ttl(mut self, seconds: u64) -> Self {
        self.access_token_ttl = seconds;
        self
    }

    /// Refresh-token lifetime in seconds, counted from each rotation and
    /// never past the family's absolute end ([`Config::with_family_lifetime`]).
    pub fn with_refresh_token_ttl(mut self, seconds: u64) -> Self {
        self.refresh_token_ttl = seconds;
        self
    }

    /// The absolute lifetime of a refresh-token family in seconds, counted
    /// from its first token (the code redemption): rotations do not extend
    /// it, so a stolen family ends too (default
    /// [`DEFAULT_FAMILY_LIFETIME`], 90 days; at least 1).
    pub fn with_family_lifetime(mut self, seconds: u64) -> Self {
        self.family_lifetime = seconds.max(1);
        self
    }

    /// Code lifetime in seconds, capped at [`MAX_CODE_TTL`]. The token
    /// endpoint enforces it on redemption whatever `expires_at` a record says.
    pub fn with_code_ttl(mut self, seconds: u64) -> Self {
        self.code_ttl = seconds.min(MAX_CODE_TTL);
        self
    }

    /// A grace period after each rotation during which the rotated-out
    /// refresh token, replayed by the same client, still yields the same
    /// successor while that successor is unused (default: none, every
    /// replay is reuse). At most 60 seconds ([`RefreshGrace::new`]).
    pub fn with_refresh_grace(mut self, grace: RefreshGrace) -> Self {
        self.refresh_grace = Some(grace);
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

    /// How many times a driver runs one request whose effects conflicted
    /// with another request's (at least 1, default 4): each run starts from
    /// fresh lookups with the same time and entropy, and after the last the
    /// driver gives up with
    /// [`DriveError::Conflicted`](crate::machine::DriveError::Conflicted).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The peppers and policy client secrets are verified with: every
    /// confidential client's [`SecretVerifier`](crate::client_secret::SecretVerifier)
    /// must name one of its peppers.
    pub fn with_client_secrets(mut self, secrets: ClientSecrets) -> Self {
        self.client_secrets = Some(secrets);
        self
    }

    /// The peppers and policy of client secrets, if configured.
    pub fn client_secrets(&self) -> Option<&ClientSecrets> {
        self.client_secrets.as_ref()
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
    /// The absolute lifetime of a refresh-token family in seconds.
    pub fn family_lifetime(&self) -> u64 {
        self.family_lifetime
    }
    /// Code lifetime in seconds (at most [`MAX_CODE_TTL`]).
    pub fn code_ttl(&self) -> u64 {
        self.code_ttl
    }
    /// Refresh grace period in seconds (0 without one).
    pub fn refresh_grace_period(&self) -> u64 {
        self.refresh_grace.as_ref().map_or(0, RefreshGrace::seconds)
    }

    /// The refresh grace period and its rotation key, if any.
    pub fn refresh_grace(&self) -> Option<&RefreshGrace> {
        self.refresh_grace.as_ref()
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
    /// How many times a driver runs a request whose effects conflict.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
}
