//! The configuration's pepper ring and policy for client secrets: which
//! pepper and kind new verifiers get, which old peppers still verify.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::client_secret::pepper::Pepper;
#[cfg(feature = "pbkdf2")]
use crate::client_secret::verifier::{MAX_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS};
use crate::client_secret::verifier::{SecretVerifier, VerifierKind, digest};
use crate::errors::client_secret::SecretRefused;
use crate::errors::config::ConfigError;
use crate::errors::token::ClientAuthFailure;
use crate::values::client_id::ClientId;
use crate::values::digest::SecretHash;
use crate::values::secret::ClientSecret;

/// The recommended minimum length of a client secret: 32 characters, of a
/// secret generated with at least 128 bits from a CSPRNG
/// ([`generate`](crate::client_secret::generate) gives 43 characters of
/// 256 bits). No length makes a human-chosen secret that strong: give
/// those a PBKDF2 verifier.
pub const RECOMMENDED_MINIMUM_LENGTH: usize = 32;

/// The PBKDF2-HMAC-SHA256 iteration count OWASP recommends (2023). Also
/// the most a stored verifier may name under a fast configuration.
pub const RECOMMENDED_PBKDF2_ITERATIONS: u32 = 600_000;

/// How client secrets are verified: the current pepper (new verifiers),
/// retired peppers (still accepted, so a pepper rotates without locking
/// clients out), the kind new verifiers get, and an opt-in minimum length.
///
/// ```
/// use grant_engine::ClientId;
/// use grant_engine::client_secret::{ClientSecrets, Pepper, generate};
/// use grant_engine::values::{ClientSecret, Entropy};
///
/// let secrets = ClientSecrets::new(Pepper::new("2026-12", &[3u8; 32]).unwrap())
///     .with_minimum_length(32);
/// let id = ClientId::new("app").unwrap();
/// // Registration: a generated secret for the client, its verifier for the store.
/// let secret = generate(&Entropy::from_bytes([9; 32])); // OS randomness in production
/// let verifier = secrets.verifier(&id, &secret).unwrap();
/// assert!(verifier.to_string().starts_with("hmac-sha256:2026-12:"));
/// // A short, human-chosen secret is refused where the host opted in.
/// let weak = ClientSecret::new("your_client_secret").unwrap();
/// assert!(secrets.verifier(&id, &weak).is_err());
/// ```
#[derive(Debug, Clone)]
pub struct ClientSecrets {
    current: Pepper,
    retired: Vec<Pepper>,
    kind: VerifierKind,
    minimum_length: usize,
}

impl ClientSecrets {
    /// Verifiers keyed by `current`, of the fast `hmac-sha256` kind, with
    /// no minimum length.
    pub fn new(current: Pepper) -> ClientSecrets {
        ClientSecrets {
            current,
            retired: Vec::new(),
            kind: VerifierKind::HmacSha256,
            minimum_length: 0,
        }
    }

    /// One more pepper that still verifies (a rotated-out current one),
    /// until every verifier of it has been replaced
    /// ([`ClientSecrets::is_current`] finds them). Its id must be new to
    /// the ring: a verifier names exactly one pepper.
    pub fn with_retired(mut self, pepper: Pepper) -> Result<ClientSecrets, ConfigError> {
        if self.pepper(pepper.id()).is_some() {
            return Err(ConfigError::DuplicatePepperId);
        }
        self.retired.push(pepper);
        Ok(self)
    }

    /// The pepper named `id`, current or retired.
    fn pepper(&self, id: &str) -> Option<&Pepper> {
        core::iter::once(&self.current)
            .chain(&self.retired)
            .find(|p| p.id() == id)
    }

    /// New verifiers are PBKDF2 with `iterations` (at least
    /// [`MIN_PBKDF2_ITERATIONS`]; [`RECOMMENDED_PBKDF2_ITERATIONS`] is the
    /// recommendation), and an unknown client costs as much as a known one
    /// of this kind. One check then takes that much CPU: a host runs the
    /// driver where blocking is fine (a blocking pool). Verifiers of the
    /// fast kind keep working and answer fast, which tells them apart from
    /// unknown ids: give those clients new secrets
    /// ([`ClientSecrets::is_current`] finds them). A stored verifier with
    /// more iterations than `iterations` (or than the recommendation, if
    /// that is more) is refused, so no row costs more than configured.
    #[cfg(feature = "pbkdf2")]
    pub fn with_pbkdf2(mut self, iterations: u32) -> Result<ClientSecrets, ConfigError> {
        if !(MIN_PBKDF2_ITERATIONS..=MAX_PBKDF2_ITERATIONS).contains(&iterations) {
            return Err(ConfigError::IterationsOutOfRange {
                iterations,
                min: MIN_PBKDF2_ITERATIONS,
                max: MAX_PBKDF2_ITERATIONS,
            });
        }
        self.kind = VerifierKind::Pbkdf2Sha256 { iterations };
        Ok(self)
    }

    /// Refuse to make verifiers for secrets shorter than `characters`
    /// (opt-in; [`RECOMMENDED_MINIMUM_LENGTH`] is the recommendation).
    /// Existing verifiers keep working: the check is at registration.
    pub fn with_minimum_length(mut self, characters: usize) -> ClientSecrets {
        self.minimum_length = characters;
        self
    }

    /// The verifier to store for `client_id` with the secret `secret`.
    pub fn verifier(
        &self,
        client_id: &ClientId,
        secret: &ClientSecret,
    ) -> Result<SecretVerifier, SecretRefused> {
        let length = secret.expose_secret().len();
        if length < self.minimum_length {
            return Err(SecretRefused::TooShort {
                length,
                minimum: self.minimum_length,
            });
        }
        SecretVerifier::compute(&self.current, self.kind, client_id, &secret_sha256(secret))
            .map_err(|_| SecretRefused::UnsupportedKind)
    }

    /// The verifier of a client whose secret was stored as an unkeyed
    /// [`SecretHash`] (the format before peppers): the keyed digest is
    /// computed from the SHA-256, so a table upgrades without the secrets.
    pub fn upgrade(
        &self,
        client_id: &ClientId,
        legacy: &SecretHash,
    ) -> Result<SecretVerifier, SecretRefused> {
        SecretVerifier::compute(&self.current, self.kind, client_id, legacy.as_bytes())
            .map_err(|_| SecretRefused::UnsupportedKind)
    }

    /// Whether `verifier` has the current pepper and kind (else replace it
    /// when the client next gets a secret).
    pub fn is_current(&self, verifier: &SecretVerifier) -> bool {
        verifier.pepper_id() == self.current.id() && verifier.kind() == self.kind
    }

    /// Checks `presented` against `client_id`'s stored `verifier`.
    pub(crate) fn check(
        &self,
        client_id: &ClientId,
        verifier: &SecretVerifier,
        presented: &ClientSecret,
    ) -> Result<(), ClientAuthFailure> {
        let pepper = self
            .pepper(verifier.pepper_id())
            .ok_or(ClientAuthFailure::UnknownPepper)?;
        if let VerifierKind::Pbkdf2Sha256 { iterations } = verifier.kind()
            && iterations > self.max_iterations()
        {
            return Err(ClientAuthFailure::UnsupportedVerifier);
        }
        match verifier.matches(pepper, client_id, &secret_sha256(presented)) {
            Ok(true) => Ok(()),
            Ok(false) => Err(ClientAuthFailure::WrongSecret),
            Err(_) => Err(ClientAuthFailure::UnsupportedVerifier),
        }
    }

    /// The most PBKDF2 iterations a stored verifier may cost.
    fn max_iterations(&self) -> u32 {
        match self.kind {
            VerifierKind::Pbkdf2Sha256 { iterations } => {
                iterations.max(RECOMMENDED_PBKDF2_ITERATIONS)
            }
            VerifierKind::HmacSha256 => RECOMMENDED_PBKDF2_ITERATIONS,
        }
    }

    /// The work of one check of the configured kind (the digest and its
    /// constant-time compare, nothing more), for a client that does not
    /// exist (or is public), so that such an id costs what a known one does.
    pub(crate) fn spend_dummy(&self, client_id: &ClientId, presented: &ClientSecret) {
        let computed = digest(
            &self.current,
            self.kind,
            client_id,
            &secret_sha256(presented),
        );
        let compared = computed.map(|d| bool::from(d.ct_eq(&[0u8; 32])));
        core::hint::black_box(compared.ok());
    }
}

/// SHA-256 of the secret's bytes: what every verifier kind starts from.
fn secret_sha256(secret: &ClientSecret) -> [u8; 32] {
    Sha256::digest(secret.expose_secret().as_bytes()).into()
}
