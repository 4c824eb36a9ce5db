//! The protocol's vocabulary: validated newtypes for every value the engine
//! reads or writes (client ids, scopes, redirect URIs, PKCE values, secrets
//! and their digests, token ids, the host's entropy). No protocol logic lives
//! here; every other layer builds on these types.
//!
//! Constructors check the grammar of RFC 6749 Appendix A (and RFC 7636 for
//! PKCE) and refuse anything else with an [`InvalidValue`]. Secrets have a
//! redacted `Debug`, no `Display`, and constant-time equality.

pub(crate) mod client_id;
pub(crate) mod digest;
pub(crate) mod entropy;
pub(crate) mod grant_type;
pub(crate) mod ids;
pub(crate) mod param;
pub(crate) mod pkce;
pub(crate) mod realm;
pub(crate) mod redirect_uri;
pub(crate) mod scope;
pub(crate) mod secret;
pub(crate) mod syntax;

pub use client_id::ClientId;
pub use digest::{SecretHash, TokenHash};
pub use entropy::Entropy;
pub use grant_type::GrantType;
pub use ids::{FamilyId, Subject, TokenId};
pub use param::Param;
pub use pkce::{CodeChallenge, CodeChallengeMethod, CodeVerifier};
pub use realm::Realm;
pub use redirect_uri::RedirectUri;
pub use scope::Scope;
pub use secret::{AccessToken, AuthorizationCode, ClientSecret, PresentedToken, RefreshToken};
pub use syntax::InvalidValue;
