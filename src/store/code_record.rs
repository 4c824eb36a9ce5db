//! An authorization code (RFC 6749 4.1.2), as the host stores it: only its
//! SHA-256 digest, bound to what it was issued for.

use serde::{Deserialize, Serialize};

use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;
use crate::values::ids::{Subject, TokenId};
use crate::values::pkce::{CodeChallenge, CodeChallengeMethod};
use crate::values::redirect_uri::RedirectUri;
use crate::values::scope::Scope;

/// A PKCE challenge bound to a code (RFC 7636 4.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PkceChallenge {
    /// The `code_challenge`.
    pub challenge: CodeChallenge,
    /// The `code_challenge_method`.
    pub method: CodeChallengeMethod,
}

/// Whether a code was redeemed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CodeState {
    /// Never presented.
    #[default]
    Unused,
    /// Presented once (successfully or not): it never works again.
    Redeemed {
        /// The access tokens issued from it, revoked if it is presented again.
        access_token_ids: Vec<TokenId>,
    },
}

/// An authorization code, as stored by the host (RFC 6749 4.1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRecord {
    /// SHA-256 of the code.
    pub code_hash: TokenHash,
    /// The client it was issued to.
    pub client_id: ClientId,
    /// The `redirect_uri` of the authorization request, if it had one.
    pub redirect_uri: Option<RedirectUri>,
    /// The scope the resource owner granted.
    pub scope: Scope,
    /// The resource owner.
    pub subject: Subject,
    /// The PKCE challenge, if the request had one.
    pub pkce: Option<PkceChallenge>,
    /// When it was issued (unix seconds).
    pub issued_at: u64,
    /// When it stops working (unix seconds).
    pub expires_at: u64,
    /// Whether it was redeemed.
    #[serde(default)]
    pub state: CodeState,
}
