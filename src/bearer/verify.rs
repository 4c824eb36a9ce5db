//! Verifying an access token with no lookup: for resource servers, and for
//! hosts that check a token outside any request.

use crate::config::config::Config;
use crate::errors::jwt::JwtError;
use crate::mint::claims::AccessTokenClaims;
use crate::mint::verify::{check_claims, decode_signed};

/// Verifies one of our access tokens (RFC 9068 4): structure, `alg` (HS256
/// only), `typ`, the signature with the ring key named by `kid`, then
/// `iss`, `aud`, `exp` and `iat` against `now` with `leeway` seconds of
/// clock skew. Revocation needs the store: run a
/// [`VerifyBearer`](crate::VerifyBearer) for that.
///
/// ```
/// use grant_engine::{Config, HmacKey, KeyRing};
/// use grant_engine::bearer::verify_access_token;
/// use grant_engine::errors::JwtError;
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
    let claims = decode_signed(token, config.keys().keys(), config.issuer())?;
    check_claims(&claims, config.audience(), now, leeway)?;
    Ok(claims)
}
