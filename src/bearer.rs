//! Bearer-token verification for resource servers (RFC 6750).
//!
//! Two steps with one question between them: [`verify_bearer`] checks the
//! header and the JWT with no I/O, then the host says whether the token (or
//! its family) was revoked, and [`PendingBearer::finish`] decides.

use serde::Serialize;
use thiserror::Error;

use crate::jwt::JwtError;
use crate::{
    AccessTokenClaims, Config, FamilyId, HttpResponse, Lookup, Realm, Scope, TokenId,
    verify_access_token,
};

/// What a protected resource demands of a token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BearerPolicy {
    /// Every scope the token must carry (empty: none).
    pub required_scope: Scope,
    /// Seconds of clock skew allowed on `exp` and `iat`.
    pub leeway: u64,
}

/// Why a bearer request was refused. `Display` is the fixed
/// `error_description`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum BearerError {
    /// No bearer credentials (no header, or another scheme): 401 with a bare
    /// challenge and no error code (RFC 6750 3.1).
    #[error("the request has no bearer token")]
    MissingToken,
    /// A Bearer header that is not `Bearer <token68>`: 400 `invalid_request`.
    #[error("the Authorization header is malformed")]
    InvalidRequest,
    /// The token failed verification: 401 `invalid_token`.
    #[error("{0}")]
    InvalidToken(JwtError),
    /// The token or its family was revoked: 401 `invalid_token`.
    #[error("the token was revoked")]
    Revoked,
    /// The token lacks a required scope: 403 `insufficient_scope`.
    #[error("the token lacks a required scope")]
    InsufficientScope,
}

impl BearerError {
    /// The HTTP status.
    pub const fn status(&self) -> u16 {
        match self {
            BearerError::InvalidRequest => 400,
            BearerError::InsufficientScope => 403,
            BearerError::MissingToken | BearerError::InvalidToken(_) | BearerError::Revoked => 401,
        }
    }

    /// The RFC 6750 3.1 error code, if the response carries one.
    pub const fn error_code(&self) -> Option<&'static str> {
        match self {
            BearerError::MissingToken => None,
            BearerError::InvalidRequest => Some("invalid_request"),
            BearerError::InvalidToken(_) | BearerError::Revoked => Some("invalid_token"),
            BearerError::InsufficientScope => Some("insufficient_scope"),
        }
    }

    /// The response with its `WWW-Authenticate: Bearer` challenge: realm,
    /// then error and error_description, then the required scope on a 403.
    ///
    /// ```
    /// use grant_engine::{BearerError, BearerPolicy, Realm, Scope};
    /// let policy = BearerPolicy { required_scope: Scope::parse("write").unwrap(), leeway: 0 };
    /// let r = BearerError::InsufficientScope.to_http_response(&Realm::default(), &policy);
    /// assert_eq!(r.status, 403);
    /// assert_eq!(
    ///     r.header("www-authenticate"),
    ///     Some(r#"Bearer realm="grant-engine", error="insufficient_scope", error_description="the token lacks a required scope", scope="write""#)
    /// );
    /// let r = BearerError::MissingToken.to_http_response(&Realm::default(), &policy);
    /// assert_eq!(r.header("www-authenticate"), Some(r#"Bearer realm="grant-engine""#));
    /// ```
    pub fn to_http_response(&self, realm: &Realm, policy: &BearerPolicy) -> HttpResponse {
        let mut challenge = format!("Bearer realm=\"{realm}\"");
        let description = self.to_string();
        let body = match self.error_code() {
            None => Vec::new(),
            Some(code) => {
                challenge.push_str(&format!(
                    ", error=\"{code}\", error_description=\"{description}\""
                ));
                if *self == BearerError::InsufficientScope && !policy.required_scope.is_empty() {
                    challenge.push_str(&format!(", scope=\"{}\"", policy.required_scope));
                }
                #[derive(Serialize)]
                struct Body<'a> {
                    error: &'a str,
                    error_description: &'a str,
                }
                serde_json::to_vec(&Body {
                    error: code,
                    error_description: &description,
                })
                .unwrap_or_default()
            }
        };
        let mut response = HttpResponse::no_store_json(self.status(), body);
        if self.error_code().is_none() {
            response.headers.retain(|(name, _)| *name != "content-type");
        }
        response.headers.push(("www-authenticate", challenge));
        response
    }
}

/// A token whose signature, issuer, audience and lifetime checked out,
/// waiting for the host's word on revocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingBearer {
    claims: AccessTokenClaims,
    required_scope: Scope,
}

impl PendingBearer {
    /// The token's `jti`: ask whether it was revoked.
    pub fn jti(&self) -> &TokenId {
        &self.claims.jti
    }

    /// The token's family, if any: ask whether it was revoked.
    pub fn family(&self) -> Option<&FamilyId> {
        self.claims.fam.as_ref()
    }

    /// Decides, given whether the token or its family was revoked.
    pub fn finish(self, revoked: bool) -> Result<AccessTokenClaims, BearerError> {
        if revoked {
            return Err(BearerError::Revoked);
        }
        if !self.required_scope.is_subset_of(&self.claims.scope) {
            return Err(BearerError::InsufficientScope);
        }
        Ok(self.claims)
    }
}

/// Checks an `Authorization` header (and nothing else: tokens in the query
/// or body are not accepted) and the JWT it carries.
///
/// The scheme name is case-insensitive; the token must be a single token68.
pub fn verify_bearer(
    authorization: Option<&[u8]>,
    config: &Config,
    now: u64,
    policy: &BearerPolicy,
) -> Result<PendingBearer, BearerError> {
    let value = authorization.ok_or(BearerError::MissingToken)?.trim_ascii();
    let split = value.iter().position(|b| *b == b' ');
    let (scheme, rest) = match split {
        Some(at) => value.split_at_checked(at).unwrap_or((value, &b""[..])),
        None => (value, &b""[..]),
    };
    if !scheme.eq_ignore_ascii_case(b"bearer") {
        return Err(BearerError::MissingToken);
    }
    let token = rest.trim_ascii_start();
    if !is_token68(token) {
        return Err(BearerError::InvalidRequest);
    }
    let token = std::str::from_utf8(token).map_err(|_| BearerError::InvalidRequest)?;
    let claims = verify_access_token(token, config, now, policy.leeway)
        .map_err(BearerError::InvalidToken)?;
    Ok(PendingBearer {
        claims,
        required_scope: policy.required_scope.clone(),
    })
}

/// Verifies a bearer request end to end, asking `lookup` about revocation.
/// The outer `Result` is the host's storage error.
pub fn authenticate_bearer<L: Lookup + ?Sized>(
    lookup: &mut L,
    authorization: Option<&[u8]>,
    config: &Config,
    now: u64,
    policy: &BearerPolicy,
) -> Result<Result<AccessTokenClaims, BearerError>, L::Error> {
    let pending = match verify_bearer(authorization, config, now, policy) {
        Ok(pending) => pending,
        Err(error) => return Ok(Err(error)),
    };
    let revoked = lookup.is_revoked(pending.jti(), pending.family())?;
    Ok(pending.finish(revoked))
}

/// `token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
fn is_token68(token: &[u8]) -> bool {
    let body_len = token.iter().position(|b| *b == b'=').unwrap_or(token.len());
    let (body, padding) = token.split_at_checked(body_len).unwrap_or((token, &[]));
    !body.is_empty()
        && body.iter().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
        && padding.iter().all(|b| *b == b'=')
}
