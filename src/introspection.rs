//! Token introspection (RFC 7662) as a step machine.
//!
//! Only confidential clients may ask. A client sees its own tokens; a client
//! whose record has `introspect_any` (a resource server) sees every token.
//! Anything else — unknown, expired, tampered, revoked, or not the caller's
//! to see — is exactly `{"active":false}`.

use serde::Serialize;

use crate::exchange::authenticate::authenticate;
use crate::jwt::{check_claims, decode_signed};
use crate::token_reference::{TokenReference, parse_token_reference};
use crate::{
    AccessTokenClaims, ClientAuthFailure, ClientId, ClientRecord, Config, FamilyId, HttpResponse,
    Lookup, Outcome, RefreshTokenRecord, RefreshTokenState, RequestParts, Scope, Subject,
    TokenError, TokenHash, TokenId,
};

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

    fn of_access_token(claims: AccessTokenClaims) -> Introspection {
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

    fn of_refresh_token(record: RefreshTokenRecord, config: &Config) -> Introspection {
        Introspection {
            active: true,
            scope: Some(record.scope),
            client_id: Some(record.client_id),
            sub: Some(record.subject),
            exp: Some(record.expires_at),
            iat: Some(record.issued_at),
            token_type: Some("refresh_token"),
            iss: Some(config.issuer().to_owned()),
            aud: None,
            jti: None,
        }
    }
}

/// Where an introspection stands.
#[derive(Debug)]
pub enum IntrospectionStep<'c> {
    /// Look up the calling client.
    NeedClient(IntrospectionClientQuestion<'c>),
    /// Look up the refresh token with this digest.
    NeedRefreshToken(IntrospectionRefreshQuestion<'c>),
    /// Say whether this access token or its family was revoked.
    NeedRevocationStatus(IntrospectionRevocationQuestion),
    /// Done.
    Done(Outcome<Introspection>),
}

/// Starts an introspection from the raw request, at `now` (unix seconds).
pub fn introspection_endpoint<'c>(
    parts: &RequestParts<'_>,
    config: &'c Config,
    now: u64,
) -> IntrospectionStep<'c> {
    match parse_token_reference(parts, config.limits()) {
        Ok(request) => IntrospectionStep::NeedClient(IntrospectionClientQuestion {
            config,
            now,
            request,
        }),
        Err(error) => {
            let response = error.to_http_response(config.realm());
            IntrospectionStep::Done(Outcome::new(Err(error), Vec::new(), response))
        }
    }
}

fn answer(introspection: Introspection) -> IntrospectionStep<'static> {
    let body = serde_json::to_vec(&introspection).unwrap_or_default();
    let response = HttpResponse::no_store_json(200, body);
    IntrospectionStep::Done(Outcome::new(Ok(introspection), Vec::new(), response))
}

fn may_see(caller: &ClientRecord, owner: &ClientId) -> bool {
    caller.introspect_any || &caller.client_id == owner
}

/// Asks for the calling client's record.
#[derive(Debug)]
pub struct IntrospectionClientQuestion<'c> {
    config: &'c Config,
    now: u64,
    request: TokenReference,
}

impl<'c> IntrospectionClientQuestion<'c> {
    /// The client to look up.
    pub fn client_id(&self) -> &ClientId {
        self.request.client.client_id()
    }

    /// Answers with the client's record, or `None`.
    pub fn provide(self, record: Option<ClientRecord>) -> IntrospectionStep<'c> {
        let caller = match authenticate(&self.request.client, record) {
            Ok(caller) if caller.is_public() => Err(TokenError::InvalidClient {
                failure: ClientAuthFailure::NotConfidential,
                authorization_header: self.request.client.used_authorization_header(),
            }),
            other => other,
        };
        let caller = match caller {
            Ok(caller) => caller,
            Err(error) => {
                let response = error.to_http_response(self.config.realm());
                return IntrospectionStep::Done(Outcome::new(Err(error), Vec::new(), response));
            }
        };
        let Some(token) = self.request.token else {
            return answer(Introspection::inactive());
        };
        // One of our JWTs (signature and issuer check out) is an access
        // token; anything else may be a refresh token, whatever it contains.
        if let Ok(claims) = decode_signed(token.expose_secret(), self.config) {
            return match check_claims(&claims, self.config, self.now, 0) {
                Ok(()) if may_see(&caller, &claims.client_id) => {
                    IntrospectionStep::NeedRevocationStatus(IntrospectionRevocationQuestion {
                        claims,
                    })
                }
                _ => answer(Introspection::inactive()),
            };
        }
        IntrospectionStep::NeedRefreshToken(IntrospectionRefreshQuestion {
            config: self.config,
            now: self.now,
            token_hash: TokenHash::of(token.expose_secret()),
            caller,
        })
    }
}

/// Asks for a refresh token's record.
#[derive(Debug)]
pub struct IntrospectionRefreshQuestion<'c> {
    config: &'c Config,
    now: u64,
    token_hash: TokenHash,
    caller: ClientRecord,
}

impl<'c> IntrospectionRefreshQuestion<'c> {
    /// The digest of the presented token.
    pub fn token_hash(&self) -> &TokenHash {
        &self.token_hash
    }

    /// Answers with the record, or `None`.
    pub fn provide(self, record: Option<RefreshTokenRecord>) -> IntrospectionStep<'c> {
        match record {
            Some(record)
                if record.token_hash.ct_eq(&self.token_hash)
                    && record.state == RefreshTokenState::Active
                    && self.now < record.expires_at
                    && may_see(&self.caller, &record.client_id) =>
            {
                answer(Introspection::of_refresh_token(record, self.config))
            }
            _ => answer(Introspection::inactive()),
        }
    }
}

/// Asks whether a verified access token was revoked.
#[derive(Debug)]
pub struct IntrospectionRevocationQuestion {
    claims: AccessTokenClaims,
}

impl IntrospectionRevocationQuestion {
    /// The token's `jti`.
    pub fn jti(&self) -> &TokenId {
        &self.claims.jti
    }

    /// The token's family, if any.
    pub fn family(&self) -> Option<&FamilyId> {
        self.claims.fam.as_ref()
    }

    /// Answers whether the token or its family was revoked.
    pub fn provide(self, revoked: bool) -> IntrospectionStep<'static> {
        if revoked {
            answer(Introspection::inactive())
        } else {
            answer(Introspection::of_access_token(self.claims))
        }
    }
}

/// Runs an introspection to its outcome against a blocking [`Lookup`].
pub fn drive_introspection<L: Lookup + ?Sized>(
    mut step: IntrospectionStep<'_>,
    lookup: &mut L,
) -> Result<Outcome<Introspection>, L::Error> {
    loop {
        step = match step {
            IntrospectionStep::NeedClient(q) => {
                let record = lookup.client(q.client_id())?;
                q.provide(record)
            }
            IntrospectionStep::NeedRefreshToken(q) => {
                let record = lookup.refresh_token(q.token_hash())?;
                q.provide(record)
            }
            IntrospectionStep::NeedRevocationStatus(q) => {
                let revoked = lookup.is_revoked(q.jti(), q.family())?;
                q.provide(revoked)
            }
            IntrospectionStep::Done(outcome) => return Ok(outcome),
        }
    }
}
