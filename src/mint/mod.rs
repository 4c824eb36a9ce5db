//! Minting: RFC 9068 JWT access tokens signed with the [`KeyRing`], and the
//! opaque values (codes, refresh tokens, `jti`s, grant families, refresh
//! successors) derived from the host's entropy. Verification of our own
//! tokens lives here too, beside the format it checks. A leaf: it knows the
//! values, nothing of the exchange.

pub(crate) mod claims;
pub(crate) mod family;
pub(crate) mod ids;
pub(crate) mod jwt;
pub(crate) mod keys;
pub(crate) mod rotation_key;
pub(crate) mod successor;
pub(crate) mod verify;

pub use claims::AccessTokenClaims;
pub use keys::{HmacKey, KeyRing};
pub use rotation_key::RotationKey;
