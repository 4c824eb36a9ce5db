//! The introspection answer (RFC 7662 2.2) and its response.

use serde::Serialize;

use crate::mint::claims::AccessTokenClaims;
use crate::render::http_response::HttpResponse;
use crate::store::refresh_token_record::RefreshTokenRecord;
use crate::values::client_id::ClientId;
use crate::values::ids::{Subject, TokenId};
use crate::values::scope::Scope;

/// An introspection answer (RFC 7662 2.2). Inactive answers carry nothing
/// but `active`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Introspection {
    /// Whether the token is active.
    pub active: bool,
    /// Its scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// The client it was issued to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ClientId>,
    /// Its subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<Subject>,
    /// Expiry (unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<u64>,
    /// Issued at (unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    /// `Bearer` for access tokens, `refresh_token` for refresh tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<&'static str>,
    /// The issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// The audience (access tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    /// The token id (access tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<TokenId>,
}

impl Introspection {
    /// `{"active":false}`.
    pub fn inactive() -> Introspection {
        Introspection {
            active: false,
            scope: None,
            client_id: None,
            sub: None,
            exp: None,
            iat: None,
            token_type: None,
            iss: None,
            aud: None,
            jti: None,
        }
    }

    pub(crate) fn of_access_token(claims: AccessTokenClaims) -> Introspection {
        Introspection {
            active: true,
            scope: Some(claims.scope),
            client_id: Some(claims.client_id),
            sub: Some(claims.sub),
            exp: Some(claims.exp),
            iat: Some(claims.iat),
            token_type: Some("Bearer"),
            iss: Some(claims.iss),
            aud: Some(claims.aud),
            jti: Some(claims.jti),
        }
    }

    pub(crate) fn of_refresh_token(record: RefreshTokenRecord, issuer: &str) -> Introspection {
        Introspection {
            active: true,
            scope: Some(record.scope),
            client_id: Some(record.client_id),
            sub: Some(record.subject),
            exp: Some(record.expires_at),
            iat: Some(record.issued_at),
            token_type: Some("refresh_token"),
            iss: Some(issuer.to_owned()),
            aud: None,
            jti: None,
        }
    }
}

impl Introspection {
    /// The `200` JSON response, with the `no-store` headers.
    pub fn to_http_response(&self) -> HttpResponse {
        HttpResponse::no_store_json(200, serde_json::to_vec(self).unwrap_or_default())
    }
}
