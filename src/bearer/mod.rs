//! Bearer-token use at a protected resource (RFC 6750): the
//! [`VerifyBearer`] machine, the resource's [`BearerPolicy`],
//! [`verify_access_token`] for checks without the store, and
//! [`TokenVerifier`] for a resource server that has only the JWK Set.

pub(crate) mod policy;
pub(crate) mod token_verifier;
pub(crate) mod verify;
pub(crate) mod verify_bearer;

pub use policy::BearerPolicy;
pub use token_verifier::TokenVerifier;
pub use verify::verify_access_token;
pub use verify_bearer::{Access, VerifyBearer};
