//! Bearer-token use at a protected resource (RFC 6750): the
//! [`VerifyBearer`] machine, the resource's [`BearerPolicy`], and
//! [`verify_access_token`] for checks without the store.

pub(crate) mod policy;
pub(crate) mod verify;
pub(crate) mod verify_bearer;

pub use policy::BearerPolicy;
pub use verify::verify_access_token;
pub use verify_bearer::{Access, VerifyBearer};
