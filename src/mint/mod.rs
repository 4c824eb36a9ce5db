//! Minting: RFC 9068 JWT access tokens signed with the [`KeyRing`] (HS256
//! always; ES256, EdDSA and RS256 with the `es256`, `eddsa` and `rs256`
//! features), the JWK Set that publishes its public keys (RFC 7517), and
//! the opaque values (codes, refresh tokens, `jti`s, grant families,
//! refresh successors) derived from the host's entropy. Verification of our own tokens lives
//! here too, beside the format it checks. A leaf: it knows the values,
//! nothing of the exchange.

pub(crate) mod algorithm;
#[cfg(feature = "rs256")]
pub(crate) mod blinding;
pub(crate) mod claims;
#[cfg(feature = "eddsa")]
pub(crate) mod ed25519;
#[cfg(feature = "es256")]
pub(crate) mod es256;
pub(crate) mod family;
pub(crate) mod ids;
pub(crate) mod jwk;
pub(crate) mod jwk_set;
pub(crate) mod jws_header;
pub(crate) mod jwt;
pub(crate) mod key_ring;
pub(crate) mod keys;
pub(crate) mod private_jwk;
pub(crate) mod rotation_key;
#[cfg(feature = "rs256")]
pub(crate) mod rs256;
pub(crate) mod signing_key;
pub(crate) mod successor;
pub(crate) mod verify;
pub(crate) mod verifying_key;

pub use algorithm::Algorithm;
pub use claims::AccessTokenClaims;
#[cfg(feature = "eddsa")]
pub use ed25519::{Ed25519Key, Ed25519PublicKey};
#[cfg(feature = "es256")]
pub use es256::{Es256Key, Es256PublicKey};
pub use jwk_set::{jwk_set, parse_jwk_set};
pub use key_ring::KeyRing;
pub use keys::HmacKey;
pub use rotation_key::RotationKey;
#[cfg(feature = "rs256")]
pub use rs256::{RSA_MODULUS_BITS, Rs256Key, Rs256PublicKey};
pub use signing_key::SigningKey;
pub use verifying_key::VerifyingKey;
