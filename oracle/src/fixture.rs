//! Fixtures: a described state (configuration, time, entropy, stored
//! records) as JSON, and how it becomes a [`Config`] and a [`MemoryStore`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grant_engine::client_secret::{ClientSecrets, Pepper};
use grant_engine::config::{PkcePolicy, PkceRequirement, RefreshGrace};
use grant_engine::mint::{RotationKey, SigningKey};
use grant_engine::store::Conflict;
use grant_engine::values::{FamilyId, Realm, TokenId};
use grant_engine::{
    ClientRecord, CodeRecord, Config, Effect, HmacKey, KeyRing, MemoryStore, RefreshTokenRecord,
    Scope, Subject,
};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One key of the fixture's ring; the first key signs, all verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum FixtureKey {
    /// An HS256 key.
    Hs256 {
        /// The key id.
        kid: String,
        /// The secret, unpadded base64url (at least 32 bytes decoded).
        secret: String,
    },
    /// A private JWK (RFC 7517) of a kind this build loads (`oct`; `EC`
    /// P-256, `OKP` Ed25519 and `RSA` with the `es256`, `eddsa` and
    /// `rs256` features, all on by default), named by its `kid` or else
    /// its RFC 7638 thumbprint.
    Jwk {
        /// The key.
        jwk: serde_json::Value,
    },
}

impl FixtureKey {
    /// The key it describes.
    pub fn signing_key(&self) -> Result<SigningKey, FixtureError> {
        match self {
            FixtureKey::Hs256 { kid, secret } => {
                let secret = URL_SAFE_NO_PAD
                    .decode(secret)
                    .map_err(|_| FixtureError::Keys)?;
                let key = HmacKey::new(kid.clone(), &secret).map_err(|_| FixtureError::Keys)?;
                Ok(SigningKey::Hs256(key))
            }
            FixtureKey::Jwk { jwk } => {
                SigningKey::from_jwk(jwk.to_string().as_bytes()).map_err(|_| FixtureError::Keys)
            }
        }
    }
}

/// One client-secret pepper; the first of the fixture's is current, the
/// others are retired (they still verify).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixturePepper {
    /// The pepper id the clients' verifiers name.
    pub id: String,
    /// The secret, unpadded base64url (at least 32 bytes decoded).
    pub secret: String,
}

/// Policy settings; every field has the engine's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FixtureSettings {
    /// Access-token lifetime (default 86400).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_ttl: Option<u64>,
    /// Refresh-token lifetime (default 30 days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_ttl: Option<u64>,
    /// A refresh family's absolute lifetime, from its first token (default
    /// 90 days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_lifetime: Option<u64>,
    /// Code lifetime (default and cap 600).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_ttl: Option<u64>,
    /// Refresh grace period, 1 to 60 seconds (default: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_grace_period: Option<u64>,
    /// The rotation key of the grace period: at least 32 bytes, unpadded
    /// base64url. Required with `refresh_grace_period`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation_key: Option<String>,
    /// PKCE required for every client, not only public ones.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pkce_for_all_clients: bool,
    /// Accept `code_challenge_method=plain`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_plain_pkce: bool,
    /// The challenge realm (default `grant-engine`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
}

/// What the resource owner does at `GET /oauth/authorize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureConsent {
    /// Whether the request is approved (else `access_denied`).
    pub approve: bool,
    /// The resource owner (checked when the fixture is loaded).
    pub subject: String,
    /// The scope granted; absent: everything requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
}

/// A described state: configuration, time, entropy, and stored records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// `iss` of tokens and metadata.
    pub issuer: String,
    /// `aud` of access tokens.
    pub audience: String,
    /// The key ring; the first key signs.
    pub keys: Vec<FixtureKey>,
    /// The client-secret peppers; the first is current. None: no
    /// confidential client authenticates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub peppers: Vec<FixturePepper>,
    /// Policy settings.
    #[serde(default)]
    pub settings: FixtureSettings,
    /// Unix time of the (first) request.
    pub now: u64,
    /// 32 bytes of entropy, unpadded base64url, for the first request; later
    /// requests of a session use SHA-256(entropy ‖ n) for the n-th.
    pub entropy: String,
    /// Registered clients.
    #[serde(default)]
    pub clients: Vec<ClientRecord>,
    /// Stored codes.
    #[serde(default)]
    pub codes: Vec<CodeRecord>,
    /// Stored refresh tokens.
    #[serde(default)]
    pub refresh_tokens: Vec<RefreshTokenRecord>,
    /// Revoked families.
    #[serde(default)]
    pub revoked_families: Vec<FamilyId>,
    /// Revoked access-token ids.
    #[serde(default)]
    pub revoked_access_tokens: Vec<TokenId>,
    /// The consent decision for authorization requests.
    #[serde(default = "default_consent")]
    pub consent: FixtureConsent,
    /// Scopes advertised in the metadata.
    #[serde(default)]
    pub scopes_supported: Scope,
    /// The scope `GET /api/me` requires of a bearer token (default: none).
    #[serde(default, skip_serializing_if = "Scope::is_empty")]
    pub api_scope: Scope,
}

fn default_consent() -> FixtureConsent {
    FixtureConsent {
        approve: true,
        subject: String::from("demo-user"),
        scope: None,
    }
}

/// Why a fixture could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FixtureError {
    /// No key, or a key that is not valid (or of a kind this build lacks).
    #[error("the fixture's keys are missing or invalid")]
    Keys,
    /// A pepper that is not a valid pepper (id syntax, 32 bytes).
    #[error("the fixture's peppers are invalid")]
    Peppers,
    /// `entropy` is not 32 bytes of unpadded base64url.
    #[error("the fixture's entropy is not 32 bytes of unpadded base64url")]
    Entropy,
    /// `settings.realm` is not a valid realm.
    #[error("the fixture's realm is invalid")]
    Realm,
    /// A vector's `body_base64` is not unpadded base64url.
    #[error("the vector's body_base64 is invalid")]
    RequestBody,
    /// `consent.subject` is not a valid subject.
    #[error("the fixture's consent subject is invalid")]
    Subject,
    /// `refresh_grace_period` is out of range (1 to 60 seconds), or comes
    /// without a valid `rotation_key`.
    #[error("the fixture's refresh grace period or rotation key is invalid")]
    Grace,
    /// The fixture's records contradict each other (the store refused them).
    #[error("the fixture's records conflict: {0}")]
    Records(Conflict),
}

impl Fixture {
    /// The engine's configuration: the key ring (the first key signs), the
    /// issuer and audience, and the settings.
    pub fn config(&self) -> Result<Config, FixtureError> {
        let s = &self.settings;
        let pkce = PkcePolicy {
            required_for: if s.pkce_for_all_clients {
                PkceRequirement::AllClients
            } else {
                PkceRequirement::PublicClients
            },
            allow_plain: s.allow_plain_pkce,
        };
        let mut config =
            Config::new(&self.issuer, &self.audience, self.key_ring()?).with_pkce(pkce);
        if let Some(ttl) = s.access_token_ttl {
            config = config.with_access_token_ttl(ttl);
        }
        if let Some(ttl) = s.refresh_token_ttl {
            config = config.with_refresh_token_ttl(ttl);
        }
        if let Some(ttl) = s.code_ttl {
            config = config.with_code_ttl(ttl);
        }
        if let Some(lifetime) = s.family_lifetime {
            config = config.with_family_lifetime(lifetime);
        }
        if let Some(grace) = self.refresh_grace()? {
            config = config.with_refresh_grace(grace);
        }
        if let Some(realm) = &s.realm {
            config = config.with_realm(Realm::new(realm.clone()).map_err(|_| FixtureError::Realm)?);
        }
        if let Some(secrets) = self.client_secrets()? {
            config = config.with_client_secrets(secrets);
        }
        Ok(config)
    }

    /// The pepper ring: the first pepper current, the others retired.
    pub fn client_secrets(&self) -> Result<Option<ClientSecrets>, FixtureError> {
        let mut peppers = self.peppers.iter().map(|p| {
            let secret = URL_SAFE_NO_PAD
                .decode(&p.secret)
                .map_err(|_| FixtureError::Peppers)?;
            Pepper::new(p.id.clone(), &secret).map_err(|_| FixtureError::Peppers)
        });
        let Some(current) = peppers.next() else {
            return Ok(None);
        };
        peppers
            .try_fold(ClientSecrets::new(current?), |ring, pepper| {
                ring.with_retired(pepper?)
                    .map_err(|_| FixtureError::Peppers)
            })
            .map(Some)
    }

    /// The grace period and its rotation key, if the settings have one.
    fn refresh_grace(&self) -> Result<Option<RefreshGrace>, FixtureError> {
        let s = &self.settings;
        let Some(seconds) = s.refresh_grace_period else {
            return Ok(None);
        };
        let secret = s
            .rotation_key
            .as_ref()
            .and_then(|key| URL_SAFE_NO_PAD.decode(key).ok())
            .ok_or(FixtureError::Grace)?;
        let key = RotationKey::new(&secret).map_err(|_| FixtureError::Grace)?;
        RefreshGrace::new(seconds, key)
            .map(Some)
            .map_err(|_| FixtureError::Grace)
    }

    fn key_ring(&self) -> Result<KeyRing, FixtureError> {
        let mut keys = self.keys.iter().map(FixtureKey::signing_key);
        let mut ring = KeyRing::new(keys.next().ok_or(FixtureError::Keys)??);
        for key in keys {
            let key = key?.verifying_key();
            ring = ring.with_verify_key(key).map_err(|_| FixtureError::Keys)?;
        }
        Ok(ring)
    }

    /// The fixture's 32 bytes of entropy.
    pub fn entropy_bytes(&self) -> Result<[u8; 32], FixtureError> {
        URL_SAFE_NO_PAD
            .decode(&self.entropy)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or(FixtureError::Entropy)
    }

    /// The consent's subject, checked.
    pub fn consent_subject(&self) -> Result<Subject, FixtureError> {
        Subject::new(self.consent.subject.clone()).map_err(|_| FixtureError::Subject)
    }

    /// A store holding the fixture's records and revocations.
    pub fn store(&self) -> Result<MemoryStore, FixtureError> {
        let mut store = MemoryStore::new();
        for client in &self.clients {
            store.add_client(client.clone());
        }
        for code in &self.codes {
            store.add_code(code.clone());
        }
        for record in &self.refresh_tokens {
            store.add_refresh_token(record.clone());
        }
        let mut revocations: Vec<Effect> = self
            .revoked_families
            .iter()
            .map(|family| Effect::RevokeFamily {
                family: family.clone(),
            })
            .collect();
        if !self.revoked_access_tokens.is_empty() {
            revocations.push(Effect::RevokeAccessTokens {
                token_ids: self.revoked_access_tokens.clone(),
            });
        }
        store.apply(&revocations).map_err(FixtureError::Records)?;
        Ok(store)
    }
}
