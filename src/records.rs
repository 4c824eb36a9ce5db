//! The records a host stores: clients, authorization codes, refresh tokens.
//!
//! Codes and refresh tokens appear here only as SHA-256 digests; client
//! secrets only as [`SecretHash`]. All records serialize with serde, so a
//! host may keep them as JSON if it likes.

use serde::{Deserialize, Serialize};

use crate::{
    ClientId, CodeChallenge, CodeChallengeMethod, FamilyId, GrantType, RedirectUri, Scope,
    SecretHash, Subject, TokenHash, TokenId,
};

/// A registered client (RFC 6749 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRecord {
    /// The client's id.
    pub client_id: ClientId,
    /// The digest of its secret; `None` for a public client (RFC 6749 2.1).
    pub secret_hash: Option<SecretHash>,
    /// The grant types it may use.
    pub grant_types: Vec<GrantType>,
    /// Every scope it may be granted; the default for client_credentials.
    pub scope: Scope,
    /// Its registered redirect URIs, matched as exact strings.
    pub redirect_uris: Vec<RedirectUri>,
    /// Whether it may introspect tokens issued to other clients (a resource
    /// server's right); otherwise only its own.
    #[serde(default)]
    pub introspect_any: bool,
}

impl ClientRecord {
    /// A confidential client with the secret `secret` (stored as its digest).
    pub fn confidential(client_id: ClientId, secret: &str) -> ClientRecord {
        ClientRecord {
            secret_hash: Some(SecretHash::of(secret)),
            ..ClientRecord::public(client_id)
        }
    }

    /// A public client: it has no secret and names itself with its id.
    pub fn public(client_id: ClientId) -> ClientRecord {
        ClientRecord {
            client_id,
            secret_hash: None,
            grant_types: Vec::new(),
            scope: Scope::default(),
            redirect_uris: Vec::new(),
            introspect_any: false,
        }
    }

    /// The same record allowed `grant_types`.
    pub fn with_grant_types(mut self, grant_types: &[GrantType]) -> ClientRecord {
        self.grant_types = grant_types.to_vec();
        self
    }

    /// The same record allowed `scope`.
    pub fn with_scope(mut self, scope: Scope) -> ClientRecord {
        self.scope = scope;
        self
    }

    /// The same record with one more registered redirect URI.
    pub fn with_redirect_uri(mut self, uri: RedirectUri) -> ClientRecord {
        self.redirect_uris.push(uri);
        self
    }

    /// Whether this is a public client (no secret).
    pub fn is_public(&self) -> bool {
        self.secret_hash.is_none()
    }

    /// Whether it may use `grant_type`.
    pub fn allows(&self, grant_type: GrantType) -> bool {
        self.grant_types.contains(&grant_type)
    }
}

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
#[non_exhaustive]
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

/// Where a refresh token is in its life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RefreshTokenState {
    /// Usable.
    #[default]
    Active,
    /// Used once and replaced by `successor`: presenting it again is reuse,
    /// unless within the configured grace period of `at`.
    Rotated {
        /// When it was rotated (unix seconds).
        at: u64,
        /// The digest of the token that replaced it.
        successor: TokenHash,
        /// The non-secret value (from the rotating call's entropy) the
        /// successor was derived with, so it can be derived again.
        nonce: String,
    },
    /// Revoked, with its whole family.
    Revoked,
}

/// A refresh token, as stored by the host (RFC 6749 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshTokenRecord {
    /// SHA-256 of the token.
    pub token_hash: TokenHash,
    /// The client it was issued to.
    pub client_id: ClientId,
    /// The resource owner.
    pub subject: Subject,
    /// The scope of the original grant (kept across rotations, RFC 6749 6).
    pub scope: Scope,
    /// The family it belongs to.
    pub family: FamilyId,
    /// When it was issued (unix seconds).
    pub issued_at: u64,
    /// When it stops working (unix seconds).
    pub expires_at: u64,
    /// Active, rotated or revoked.
    #[serde(default)]
    pub state: RefreshTokenState,
}
