//! What a host stores for a confidential client's secret: a keyed (and
//! optionally slow) digest that names the pepper it was computed with.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::client_secret::pepper::{Pepper, is_pepper_id};
use crate::values::client_id::ClientId;
use crate::values::syntax::InvalidValue;

/// The most PBKDF2 iterations a verifier may name: a corrupt or hostile row
/// must not make one authentication cost minutes (a check also refuses more
/// than its configuration allows, `ClientSecrets::with_pbkdf2`).
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

/// The fewest PBKDF2 iterations a verifier may name.
pub const MIN_PBKDF2_ITERATIONS: u32 = 1_000;

/// The keyed digest's version byte. One byte, not a label: with it, the
/// length, the id and the secret's digest, an id of up to 18 bytes fits
/// one SHA-256 block, so a check costs three compressions (the secret's
/// digest and two for the HMAC; the pepper is absorbed once). The only
/// other message a pepper keys is its fingerprint's
/// ([`Pepper::from_secret`]), which starts with a letter, never byte 1.
const KEYED_VERSION: &[u8] = &[1];

/// Domain separation of the PBKDF2 salt.
const PBKDF2_LABEL: &[u8] = b"grant-engine client secret pbkdf2 v1\0";

/// How a verifier was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifierKind {
    /// `hmac-sha256`: HMAC-SHA256 keyed by the pepper over the client id and
    /// the SHA-256 of the secret. Fast: for secrets the server generated.
    HmacSha256,
    /// `pbkdf2-sha256`: PBKDF2-HMAC-SHA256 of the `hmac-sha256` digest,
    /// salted with the client id. Slow: for secrets people chose. Checking
    /// one needs the `pbkdf2` cargo feature.
    Pbkdf2Sha256 {
        /// The iteration count, [`MIN_PBKDF2_ITERATIONS`] to
        /// [`MAX_PBKDF2_ITERATIONS`].
        iterations: u32,
    },
}

/// A stored client-secret verifier, rendered (`Display`, serde) as
/// `hmac-sha256:<pepper id>:<digest>` or
/// `pbkdf2-sha256:<pepper id>:<iterations>:<digest>`, the digest in
/// unpadded base64url.
///
/// Every verifier is keyed by a [`Pepper`] from the configuration, so a
/// leaked client table alone reveals no secret, not even by dictionary;
/// and it binds the client id, so two clients with one secret get different
/// verifiers. Make one with
/// [`ClientSecrets::verifier`](crate::client_secret::ClientSecrets::verifier).
#[derive(Clone, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct SecretVerifier {
    kind: VerifierKind,
    pepper_id: String,
    digest: [u8; 32],
}

impl SecretVerifier {
    /// The verifier of the kind `kind` for `client_id`, whose secret has
    /// the SHA-256 digest `secret_sha256`.
    pub(crate) fn compute(
        pepper: &Pepper,
        kind: VerifierKind,
        client_id: &ClientId,
        secret_sha256: &[u8; 32],
    ) -> Result<SecretVerifier, UnsupportedKind> {
        Ok(SecretVerifier {
            kind,
            pepper_id: pepper.id().to_owned(),
            digest: digest(pepper, kind, client_id, secret_sha256)?,
        })
    }

    /// Whether `secret_sha256` is `client_id`'s secret under `pepper` (the
    /// one this verifier names), compared in constant time.
    pub(crate) fn matches(
        &self,
        pepper: &Pepper,
        client_id: &ClientId,
        secret_sha256: &[u8; 32],
    ) -> Result<bool, UnsupportedKind> {
        let computed = digest(pepper, self.kind, client_id, secret_sha256)?;
        Ok(pepper.id() == self.pepper_id && bool::from(computed.ct_eq(&self.digest)))
    }

    /// How it was computed.
    pub fn kind(&self) -> VerifierKind {
        self.kind
    }

    /// The id of the pepper it was computed with.
    pub fn pepper_id(&self) -> &str {
        &self.pepper_id
    }

    /// Constant-time comparison of the digests (the kind and pepper are not
    /// secret).
    pub(crate) fn ct_matches(&self, other: &SecretVerifier) -> bool {
        self.kind == other.kind
            && self.pepper_id == other.pepper_id
            && bool::from(self.digest.ct_eq(&other.digest))
    }

    /// Parses the rendering.
    pub fn parse(text: &str) -> Result<SecretVerifier, InvalidValue> {
        let invalid = || InvalidValue {
            what: "secret verifier",
        };
        let fields: Vec<&str> = text.split(':').collect();
        let (kind, pepper_id, digest) = match fields.as_slice() {
            ["hmac-sha256", pepper, digest] => (VerifierKind::HmacSha256, *pepper, *digest),
            ["pbkdf2-sha256", pepper, iterations, digest] => {
                let iterations = parse_iterations(iterations).ok_or_else(invalid)?;
                (VerifierKind::Pbkdf2Sha256 { iterations }, *pepper, *digest)
            }
            _ => return Err(invalid()),
        };
        if !is_pepper_id(pepper_id) {
            return Err(invalid());
        }
        let bytes = URL_SAFE_NO_PAD.decode(digest).map_err(|_| invalid())?;
        let digest = <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| invalid())?;
        Ok(SecretVerifier {
            kind,
            pepper_id: pepper_id.to_owned(),
            digest,
        })
    }
}

/// The digest of a verifier of `kind`: HMAC-SHA256 keyed by `pepper` over
/// the version byte, the id's length (4 bytes, big-endian), the id and the
/// secret's SHA-256; for PBKDF2, stretched from that.
pub(crate) fn digest(
    pepper: &Pepper,
    kind: VerifierKind,
    client_id: &ClientId,
    secret_sha256: &[u8; 32],
) -> Result<[u8; 32], UnsupportedKind> {
    let id = client_id.as_str().as_bytes();
    let id_len = u32::try_from(id.len()).unwrap_or(u32::MAX).to_be_bytes();
    let keyed = pepper.mac(&[KEYED_VERSION, &id_len, id, secret_sha256]);
    match kind {
        VerifierKind::HmacSha256 => Ok(keyed),
        VerifierKind::Pbkdf2Sha256 { iterations } => stretch(&keyed, id, iterations),
    }
}

/// An iteration count in its canonical decimal form, within the bounds.
fn parse_iterations(text: &str) -> Option<u32> {
    if text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let iterations: u32 = text.parse().ok()?;
    (MIN_PBKDF2_ITERATIONS..=MAX_PBKDF2_ITERATIONS)
        .contains(&iterations)
        .then_some(iterations)
}

/// A verifier kind this build cannot compute (PBKDF2 without the `pbkdf2`
/// feature, or an iteration count out of bounds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UnsupportedKind;

#[cfg(feature = "pbkdf2")]
fn stretch(
    keyed: &[u8; 32],
    client_id: &[u8],
    iterations: u32,
) -> Result<[u8; 32], UnsupportedKind> {
    if !(MIN_PBKDF2_ITERATIONS..=MAX_PBKDF2_ITERATIONS).contains(&iterations) {
        return Err(UnsupportedKind);
    }
    let salt = [PBKDF2_LABEL, client_id].concat();
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2::<crate::mint::keys::HmacSha256>(keyed, &salt, iterations, &mut out)
        .map_err(|_| UnsupportedKind)?;
    Ok(out)
}

#[cfg(not(feature = "pbkdf2"))]
fn stretch(_: &[u8; 32], _: &[u8], _: u32) -> Result<[u8; 32], UnsupportedKind> {
    let _ = PBKDF2_LABEL;
    Err(UnsupportedKind)
}

impl PartialEq for SecretVerifier {
    fn eq(&self, other: &Self) -> bool {
        self.ct_matches(other)
    }
}

impl fmt::Display for SecretVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digest = URL_SAFE_NO_PAD.encode(self.digest);
        match self.kind {
            VerifierKind::HmacSha256 => write!(f, "hmac-sha256:{}:{digest}", self.pepper_id),
            VerifierKind::Pbkdf2Sha256 { iterations } => {
                write!(f, "pbkdf2-sha256:{}:{iterations}:{digest}", self.pepper_id)
            }
        }
    }
}

impl fmt::Debug for SecretVerifier {
    /// The kind and the pepper id; the digest stays out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            VerifierKind::HmacSha256 => {
                write!(f, "SecretVerifier(hmac-sha256:{}:..)", self.pepper_id)
            }
            VerifierKind::Pbkdf2Sha256 { iterations } => write!(
                f,
                "SecretVerifier(pbkdf2-sha256:{}:{iterations}:..)",
                self.pepper_id
            ),
        }
    }
}

impl Serialize for SecretVerifier {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl TryFrom<String> for SecretVerifier {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        SecretVerifier::parse(&value)
    }
}

impl From<SecretVerifier> for String {
    fn from(value: SecretVerifier) -> String {
        value.to_string()
    }
}
