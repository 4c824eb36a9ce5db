//! Token introspection (RFC 7662): the [`Introspect`] machine and the
//! [`Introspection`] answer.

pub(crate) mod introspect;
#[allow(clippy::module_inception)] // `introspection::introspection` defines `Introspection`.
pub(crate) mod introspection;

pub use introspect::Introspect;
pub use introspection::Introspection;
