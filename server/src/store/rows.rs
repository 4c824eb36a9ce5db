//! The columns of each table as plain values, and their conversion to and
//! from the engine's records. Both backends store the same columns (SQLite
//! and PostgreSQL alike: text, 64-bit integers, booleans); each only moves
//! them between its rows and these structs.

use grant_engine::client_secret::{ClientSecrets, SecretVerifier};
use grant_engine::store::{CodeState, PkceChallenge, RefreshTokenState};
use grant_engine::values::{CodeChallenge, CodeChallengeMethod, FamilyId, SecretHash, TokenId};
use grant_engine::{
    ClientId, ClientRecord, CodeRecord, GrantType, RedirectUri, RefreshTokenRecord, Subject,
    TokenHash,
};

use crate::store::columns::{
    from_sql_time, join, parse_client_id, parse_ids, parse_scope, to_sql_time,
};
use crate::store::error::StoreError;

/// A row of `clients`, without its key.
pub struct ClientRow {
    /// The secret's verifier (`SecretVerifier`'s rendering); `None` for a
    /// public client.
    pub secret_verifier: Option<String>,
    /// Grant type names, space-separated.
    pub grant_types: String,
    pub scope: String,
    /// Registered redirect URIs, space-separated.
    pub redirect_uris: String,
    pub introspect_any: bool,
}

impl ClientRow {
    /// The columns of `client`.
    pub fn of(client: &ClientRecord) -> ClientRow {
        ClientRow {
            secret_verifier: client.secret_verifier.as_ref().map(ToString::to_string),
            grant_types: join(client.grant_types.iter().map(|g| g.as_str())),
            scope: client.scope.to_string(),
            redirect_uris: join(client.redirect_uris.iter().map(RedirectUri::as_str)),
            introspect_any: client.introspect_any,
        }
    }

    /// The record of the client `client_id` with these columns.
    pub fn into_record(self, client_id: &ClientId) -> Result<ClientRecord, StoreError> {
        let secret_verifier = self
            .secret_verifier
            .map(|v| SecretVerifier::parse(&v))
            .transpose()
            .map_err(|_| StoreError::Corrupt("secret verifier"))?;
        let grant_types = self
            .grant_types
            .split_whitespace()
            .map(|name| GrantType::from_name(name).ok_or(StoreError::Corrupt("grant type")))
            .collect::<Result<Vec<_>, _>>()?;
        let redirect_uris = self
            .redirect_uris
            .split_whitespace()
            .map(|uri| RedirectUri::new(uri).map_err(|_| StoreError::Corrupt("redirect_uri")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ClientRecord {
            secret_verifier,
            grant_types,
            scope: parse_scope(&self.scope)?,
            redirect_uris,
            introspect_any: self.introspect_any,
            ..ClientRecord::public(client_id.clone())
        })
    }
}

/// The keyed verifier of the client `client_id` whose secret a database
/// from before peppers stored as `digest` (base64url SHA-256).
pub fn upgrade(
    secrets: &ClientSecrets,
    client_id: &str,
    digest: &str,
) -> Result<SecretVerifier, StoreError> {
    let client_id = parse_client_id(client_id.to_owned())?;
    let digest =
        SecretHash::from_base64url(digest).map_err(|_| StoreError::Corrupt("secret hash"))?;
    secrets
        .upgrade(&client_id, &digest)
        .map_err(|_| StoreError::Corrupt("secret verifier kind"))
}

/// A row of `codes`, without its key (the code's digest).
pub struct CodeRow {
    pub client_id: String,
    pub redirect_uri: Option<String>,
    pub scope: String,
    pub subject: String,
    pub code_challenge: Option<String>,
    pub challenge_method: Option<String>,
    pub issued_at: i64,
    pub expires_at: i64,
    pub redeemed: bool,
    /// The access tokens a redemption issued, space-separated.
    pub access_token_ids: String,
}

impl CodeRow {
    /// The columns of `code`.
    pub fn of(code: &CodeRecord) -> CodeRow {
        let (redeemed, access_token_ids) = match &code.state {
            CodeState::Unused => (false, String::new()),
            CodeState::Redeemed { access_token_ids } => {
                (true, join(access_token_ids.iter().map(TokenId::as_str)))
            }
        };
        CodeRow {
            client_id: code.client_id.as_str().to_owned(),
            redirect_uri: code.redirect_uri.as_ref().map(|u| u.as_str().to_owned()),
            scope: code.scope.to_string(),
            subject: code.subject.as_str().to_owned(),
            code_challenge: code.pkce.as_ref().map(|p| p.challenge.as_str().to_owned()),
            challenge_method: code.pkce.as_ref().map(|p| p.method.as_str().to_owned()),
            issued_at: to_sql_time(code.issued_at),
            expires_at: to_sql_time(code.expires_at),
            redeemed,
            access_token_ids,
        }
    }

    /// The record of the code with digest `code_hash` and these columns.
    pub fn into_record(self, code_hash: &TokenHash) -> Result<CodeRecord, StoreError> {
        let pkce = match (self.code_challenge, self.challenge_method) {
            (Some(challenge), Some(method)) => Some(PkceChallenge {
                challenge: CodeChallenge::new(challenge)
                    .map_err(|_| StoreError::Corrupt("code_challenge"))?,
                method: CodeChallengeMethod::from_name(&method)
                    .ok_or(StoreError::Corrupt("code_challenge_method"))?,
            }),
            (None, None) => None,
            _ => return Err(StoreError::Corrupt("PKCE challenge")),
        };
        let state = if self.redeemed {
            CodeState::Redeemed {
                access_token_ids: parse_ids(&self.access_token_ids)?,
            }
        } else {
            CodeState::Unused
        };
        Ok(CodeRecord {
            code_hash: *code_hash,
            client_id: parse_client_id(self.client_id)?,
            redirect_uri: self
                .redirect_uri
                .map(RedirectUri::new)
                .transpose()
                .map_err(|_| StoreError::Corrupt("redirect_uri"))?,
            scope: parse_scope(&self.scope)?,
            subject: Subject::new(self.subject).map_err(|_| StoreError::Corrupt("subject"))?,
            pkce,
            issued_at: from_sql_time(self.issued_at)?,
            expires_at: from_sql_time(self.expires_at)?,
            state,
        })
    }
}

/// A row of `refresh_tokens`, without its key (the token's digest).
pub struct RefreshTokenRow {
    pub client_id: String,
    pub subject: String,
    pub scope: String,
    pub family: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub family_expires_at: i64,
    /// `active`, `rotated` or `revoked`.
    pub state: String,
    pub rotated_at: Option<i64>,
    /// Base64url SHA-256 of the successor.
    pub successor: Option<String>,
    /// The successor's (non-secret) derivation input, with a grace period.
    pub nonce: Option<String>,
}

impl RefreshTokenRow {
    /// The columns of `record`.
    pub fn of(record: &RefreshTokenRecord) -> RefreshTokenRow {
        let (state, rotated_at, successor, nonce) = match &record.state {
            RefreshTokenState::Active => ("active", None, None, None),
            RefreshTokenState::Revoked => ("revoked", None, None, None),
            RefreshTokenState::Rotated {
                at,
                successor,
                nonce,
            } => (
                "rotated",
                Some(to_sql_time(*at)),
                Some(successor.to_string()),
                nonce.clone(),
            ),
        };
        RefreshTokenRow {
            client_id: record.client_id.as_str().to_owned(),
            subject: record.subject.as_str().to_owned(),
            scope: record.scope.to_string(),
            family: record.family.as_str().to_owned(),
            issued_at: to_sql_time(record.issued_at),
            expires_at: to_sql_time(record.expires_at),
            family_expires_at: to_sql_time(record.family_expires_at),
            state: state.to_owned(),
            rotated_at,
            successor,
            nonce,
        }
    }

    /// The record of the token with digest `token_hash` and these columns.
    pub fn into_record(self, token_hash: &TokenHash) -> Result<RefreshTokenRecord, StoreError> {
        let state = match (
            self.state.as_str(),
            self.rotated_at,
            self.successor,
            self.nonce,
        ) {
            ("active", ..) => RefreshTokenState::Active,
            ("revoked", ..) => RefreshTokenState::Revoked,
            ("rotated", Some(at), Some(successor), nonce) => RefreshTokenState::Rotated {
                at: from_sql_time(at)?,
                successor: TokenHash::from_base64url(&successor)
                    .map_err(|_| StoreError::Corrupt("successor"))?,
                nonce,
            },
            _ => return Err(StoreError::Corrupt("refresh token state")),
        };
        Ok(RefreshTokenRecord {
            token_hash: *token_hash,
            client_id: parse_client_id(self.client_id)?,
            subject: Subject::new(self.subject).map_err(|_| StoreError::Corrupt("subject"))?,
            scope: parse_scope(&self.scope)?,
            family: FamilyId::new(self.family).map_err(|_| StoreError::Corrupt("family"))?,
            issued_at: from_sql_time(self.issued_at)?,
            expires_at: from_sql_time(self.expires_at)?,
            family_expires_at: from_sql_time(self.family_expires_at)?,
            state,
        })
    }
}
