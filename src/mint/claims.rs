//! The claims of an RFC 9068 access token (2.2), as minted and as verified.

use serde::{Deserialize, Serialize};

use crate::values::client_id::ClientId;
use crate::values::ids::{FamilyId, Subject, TokenId};
use crate::values::scope::Scope;

/// The claims of an access token (RFC 9068 2.2), in the order they are
/// written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    /// The issuer.
    pub iss: String,
    /// The resource owner, or for client_credentials the client id.
    pub sub: Subject,
    /// The audience (the resource server).
    pub aud: String,
    /// Expiry (unix seconds).
    pub exp: u64,
    /// Issued at (unix seconds).
    pub iat: u64,
    /// The token's id, for single-token revocation.
    pub jti: TokenId,
    /// The client the token was issued to.
    pub client_id: ClientId,
    /// The granted scope, space-separated.
    pub scope: Scope,
    /// The grant family (absent for client_credentials): revoking the family
    /// revokes the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fam: Option<FamilyId>,
}

/// The claims as minting writes them: borrowed from the grant, in the same
/// order as [`AccessTokenClaims`] (which is what verification reads back).
#[derive(Serialize)]
pub(crate) struct MintClaims<'a> {
    pub(crate) iss: &'a str,
    pub(crate) sub: &'a str,
    pub(crate) aud: &'a str,
    pub(crate) exp: u64,
    pub(crate) iat: u64,
    pub(crate) jti: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) scope: &'a Scope,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fam: Option<&'a str>,
}
