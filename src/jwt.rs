//! RFC 9068 JWT access tokens, signed and verified with HS256.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::{AccessToken, ClientId, Config, FamilyId, HmacKey, Scope, Subject, TokenId};

/// Tokens longer than this are refused before any decoding.
const MAX_TOKEN_LEN: usize = 8 * 1024;

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

/// Signs `claims` with `key`: `base64url(header).base64url(claims).base64url(mac)`.
pub(crate) fn mint_access_token(key: &HmacKey, claims: &MintClaims<'_>) -> AccessToken {
    let mut payload = Vec::with_capacity(256);
    if serde_json::to_writer(&mut payload, claims).is_err() {
        payload.clear();
    }
    let mut token = String::with_capacity(key.header_b64().len() + payload.len() * 4 / 3 + 48);
    token.push_str(key.header_b64());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
    let signature = key.sign(token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    AccessToken::from_trusted(token)
}

/// Why an access token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum JwtError {
    /// Not three canonical base64url parts of JSON, or too long.
    #[error("the token is malformed")]
    Malformed,
    /// `alg` is not HS256 (`none` included).
    #[error("the token's algorithm is not accepted")]
    UnsupportedAlgorithm,
    /// `typ` is not `at+jwt`, or the header has a `crit` member.
    #[error("the token is not an access token")]
    WrongType,
    /// No key of the ring has this `kid`.
    #[error("the token's key is unknown")]
    UnknownKey,
    /// The signature does not verify.
    #[error("the token's signature is invalid")]
    BadSignature,
    /// `exp` has passed.
    #[error("the token has expired")]
    Expired,
    /// `iat` is in the future beyond the leeway.
    #[error("the token is not yet valid")]
    NotYetValid,
    /// `iss` is not this server.
    #[error("the token was issued by another issuer")]
    WrongIssuer,
    /// `aud` is not this configuration's audience.
    #[error("the token is for another audience")]
    WrongAudience,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    typ: Option<String>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    crit: Option<serde::de::IgnoredAny>,
}

/// Verifies one of our access tokens: structure, `alg` (HS256 only), `typ`,
/// the signature with the ring key named by `kid`, then `iss`, `aud`, `exp`
/// and `iat` against `now` with `leeway` seconds of clock skew. Base64url
/// must be canonical (no padding, zero trailing bits), so no two strings
/// verify as the same token.
///
/// ```
/// # use grant_engine::*;
/// let keys = KeyRing::new(HmacKey::new("k1", &[1u8; 32]).unwrap());
/// let config = Config::new("https://as.example", "https://api.example", keys);
/// assert_eq!(verify_access_token("a.b.c", &config, 0, 0), Err(JwtError::Malformed));
/// ```
pub fn verify_access_token(
    token: &str,
    config: &Config,
    now: u64,
    leeway: u64,
) -> Result<AccessTokenClaims, JwtError> {
    let claims = decode_signed(token, config)?;
    check_claims(&claims, config, now, leeway)?;
    Ok(claims)
}

/// The audience and time checks of [`verify_access_token`], for claims
/// that [`decode_signed`] already accepted.
pub(crate) fn check_claims(
    claims: &AccessTokenClaims,
    config: &Config,
    now: u64,
    leeway: u64,
) -> Result<(), JwtError> {
    if claims.aud != config.audience() {
        return Err(JwtError::WrongAudience);
    }
    if now >= claims.exp.saturating_add(leeway) {
        return Err(JwtError::Expired);
    }
    if claims.iat > now.saturating_add(leeway) {
        return Err(JwtError::NotYetValid);
    }
    Ok(())
}

/// Checks structure, header, signature and issuer, but not the time or the
/// audience: enough to know the token is one of ours (revocation).
pub(crate) fn decode_signed(token: &str, config: &Config) -> Result<AccessTokenClaims, JwtError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwtError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let header: Header = decode_json(header_b64)?;
    if header.alg != "HS256" {
        return Err(JwtError::UnsupportedAlgorithm);
    }
    let typ_ok = header.typ.as_deref().is_some_and(|t| {
        t.eq_ignore_ascii_case("at+jwt") || t.eq_ignore_ascii_case("application/at+jwt")
    });
    if !typ_ok || header.crit.is_some() {
        return Err(JwtError::WrongType);
    }
    let key = header
        .kid
        .as_deref()
        .and_then(|kid| config.keys().find(kid))
        .ok_or(JwtError::UnknownKey)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .map_err(|_| JwtError::Malformed)?;
    let signed_len = header_b64.len() + 1 + payload_b64.len();
    let signed = token.get(..signed_len).ok_or(JwtError::Malformed)?;
    if !key.verify(signed.as_bytes(), &signature) {
        return Err(JwtError::BadSignature);
    }
    let claims: AccessTokenClaims = decode_json(payload_b64)?;
    if claims.iss != config.issuer() {
        return Err(JwtError::WrongIssuer);
    }
    Ok(claims)
}

fn decode_json<T: for<'de> Deserialize<'de>>(part: &str) -> Result<T, JwtError> {
    if part.is_empty() {
        return Err(JwtError::Malformed);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| JwtError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| JwtError::Malformed)
}
