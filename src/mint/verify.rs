//! Verifying our RFC 9068 access tokens (RFC 9068 4): the checks that
//! revocation, introspection and bearer verification share.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use crate::errors::jwt::JwtError;
use crate::mint::algorithm::Algorithm;
use crate::mint::claims::AccessTokenClaims;
use crate::mint::verifying_key::{VerifyingKey, find_key};

/// Tokens longer than this are refused before any decoding.
const MAX_TOKEN_LEN: usize = 8 * 1024;

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

/// The audience and time checks, for claims that [`decode_signed`]
/// accepted: `aud` is `audience`, and `exp` and `iat` hold at `now` with
/// `leeway` seconds of clock skew.
pub(crate) fn check_claims(
    claims: &AccessTokenClaims,
    audience: &str,
    now: u64,
    leeway: u64,
) -> Result<(), JwtError> {
    if claims.aud != audience {
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

/// Checks structure, `typ`, the key named by `kid`, `alg` (exactly that
/// key's algorithm: an HS256 header naming a public key is refused, and so
/// is `none`), the signature, and `iss`, but not the time or the audience:
/// enough to know the token is one of ours (revocation). Base64url must be
/// canonical (no padding, zero trailing bits), so no two strings verify as
/// the same token.
pub(crate) fn decode_signed(
    token: &str,
    keys: &[VerifyingKey],
    issuer: &str,
) -> Result<AccessTokenClaims, JwtError> {
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
    let alg = Algorithm::from_name(&header.alg).ok_or(JwtError::UnsupportedAlgorithm)?;
    let typ_ok = header.typ.as_deref().is_some_and(|t| {
        t.eq_ignore_ascii_case("at+jwt") || t.eq_ignore_ascii_case("application/at+jwt")
    });
    if !typ_ok || header.crit.is_some() {
        return Err(JwtError::WrongType);
    }
    let key = header
        .kid
        .as_deref()
        .and_then(|kid| find_key(keys, kid))
        .ok_or(JwtError::UnknownKey)?;
    if key.alg() != alg {
        return Err(JwtError::UnsupportedAlgorithm);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .map_err(|_| JwtError::Malformed)?;
    let signed_len = header_b64.len() + 1 + payload_b64.len();
    let signed = token.get(..signed_len).ok_or(JwtError::Malformed)?;
    if !key.verify(signed.as_bytes(), &signature) {
        return Err(JwtError::BadSignature);
    }
    let claims: AccessTokenClaims = decode_json(payload_b64)?;
    if claims.iss != issuer {
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
