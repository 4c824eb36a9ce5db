//! Verifying our access tokens at a resource server that holds no signing
//! key: the public keys come from the authorization server's JWK Set.

use crate::bearer::policy::BearerPolicy;
use crate::errors::bearer::BearerError;
use crate::errors::jwt::JwtError;
use crate::errors::key::KeyError;
use crate::mint::claims::AccessTokenClaims;
use crate::mint::jwk_set::parse_jwk_set;
use crate::mint::verify::{check_claims, decode_signed};
use crate::mint::verifying_key::{VerifyingKey, find_key};
use crate::parse::bearer_header::parse_bearer_header;

/// The issuer, the audience and the keys a resource server accepts tokens
/// of: built from the JWK Set at the authorization server's `jwks_uri`, and
/// optionally local keys beside it (an HS256 secret that still verifies
/// tokens signed before a switch to ES256). Each key verifies only its own
/// algorithm.
#[derive(Debug, Clone)]
pub struct TokenVerifier {
    issuer: String,
    audience: String,
    keys: Vec<VerifyingKey>,
}

impl TokenVerifier {
    /// A verifier of tokens from `issuer` for `audience`, with no keys yet.
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> TokenVerifier {
        TokenVerifier {
            issuer: issuer.into(),
            audience: audience.into(),
            keys: Vec::new(),
        }
    }

    /// The same with the keys of the JWK Set `json` (RFC 7517 5) added.
    pub fn with_jwk_set(self, json: &[u8]) -> Result<TokenVerifier, KeyError> {
        parse_jwk_set(json)?
            .into_iter()
            .try_fold(self, |verifier, key| verifier.with_key(key))
    }

    /// The same with one more key; a `kid` already held is refused.
    pub fn with_key(mut self, key: impl Into<VerifyingKey>) -> Result<TokenVerifier, KeyError> {
        let key = key.into();
        if find_key(&self.keys, key.kid()).is_some() {
            return Err(KeyError::DuplicateKid);
        }
        self.keys.push(key);
        Ok(self)
    }

    /// The keys it verifies with.
    pub fn keys(&self) -> &[VerifyingKey] {
        &self.keys
    }

    /// Verifies `token` (RFC 9068 4): structure, `typ`, the key its `kid`
    /// names and that key's `alg`, the signature, `iss`, `aud`, `exp` and
    /// `iat` at `now` with `leeway` seconds of clock skew.
    pub fn verify(
        &self,
        token: &str,
        now: u64,
        leeway: u64,
    ) -> Result<AccessTokenClaims, JwtError> {
        let claims = decode_signed(token, &self.keys, &self.issuer)?;
        check_claims(&claims, &self.audience, now, leeway)?;
        Ok(claims)
    }

    /// A request at a resource server that holds only this verifier
    /// (RFC 6750 2.1, 3.1): the `Authorization` header value (`None` if
    /// absent), the token verified at `now` with the policy's leeway, and
    /// the policy's scope required. The error renders with
    /// [`BearerError::to_http_response`] (the `Bearer` challenge). Unlike
    /// [`VerifyBearer`](crate::VerifyBearer), it cannot ask whether the
    /// token was revoked: such a server relies on short token lifetimes, or
    /// asks the authorization server's introspection endpoint.
    ///
    /// ```
    /// use grant_engine::BearerPolicy;
    /// use grant_engine::bearer::TokenVerifier;
    /// use grant_engine::errors::BearerError;
    /// use grant_engine::values::{Realm, Scope};
    /// let verifier = TokenVerifier::new("https://as.example", "https://api.example")
    ///     .with_jwk_set(br#"{"keys":[]}"#)
    ///     .unwrap();
    /// let policy = BearerPolicy { required_scope: Scope::parse("read").unwrap(), leeway: 30 };
    /// let error = verifier.verify_bearer(None, &policy, 1_800_000_000).unwrap_err();
    /// assert_eq!(error, BearerError::MissingToken);
    /// let response = error.to_http_response(&Realm::default(), &policy.required_scope);
    /// assert_eq!(response.status, 401);
    /// ```
    pub fn verify_bearer(
        &self,
        authorization: Option<&[u8]>,
        policy: &BearerPolicy,
        now: u64,
    ) -> Result<AccessTokenClaims, BearerError> {
        let token = parse_bearer_header(authorization)?;
        let claims = self
            .verify(token, now, policy.leeway)
            .map_err(BearerError::InvalidToken)?;
        if !policy.required_scope.is_subset_of(&claims.scope) {
            return Err(BearerError::InsufficientScope);
        }
        Ok(claims)
    }
}
