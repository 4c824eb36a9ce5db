//! A registered client (RFC 6749 2), as the host stores it.

use serde::{Deserialize, Serialize};

use crate::client_secret::verifier::SecretVerifier;
use crate::values::client_id::ClientId;
use crate::values::grant_type::GrantType;
use crate::values::redirect_uri::RedirectUri;
use crate::values::scope::Scope;

/// A registered client (RFC 6749 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRecord {
    /// The client's id.
    pub client_id: ClientId,
    /// The verifier of its secret; `None` for a public client (RFC 6749 2.1).
    pub secret_verifier: Option<SecretVerifier>,
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
    /// A confidential client whose secret `verifier` checks (made by
    /// [`ClientSecrets::verifier`](crate::client_secret::ClientSecrets::verifier)
    /// for this client id).
    pub fn confidential(client_id: ClientId, verifier: SecretVerifier) -> ClientRecord {
        ClientRecord {
            secret_verifier: Some(verifier),
            ..ClientRecord::public(client_id)
        }
    }

    /// A public client: it has no secret and names itself with its id.
    pub fn public(client_id: ClientId) -> ClientRecord {
        ClientRecord {
            client_id,
            secret_verifier: None,
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
        self.secret_verifier.is_none()
    }

    /// Whether it may use `grant_type`.
    pub fn allows(&self, grant_type: GrantType) -> bool {
        self.grant_types.contains(&grant_type)
    }
}
