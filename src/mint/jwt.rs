//! Minting RFC 9068 JWT access tokens, signed with the ring's signing key
//! (HS256, ES256, EdDSA or RS256; every one deterministic).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::errors::key::SigningFailed;
use crate::mint::claims::MintClaims;
use crate::mint::signing_key::SigningKey;
use crate::values::secret::AccessToken;

/// Signs `claims` with `key`: `base64url(header).base64url(claims).base64url(signature)`.
/// Fails only where the key's signature can (RS256, on a fault), or if
/// the claims do not serialize (they always do).
pub(crate) fn mint_access_token(
    key: &SigningKey,
    claims: &MintClaims<'_>,
) -> Result<AccessToken, SigningFailed> {
    let mut payload = Vec::with_capacity(256);
    serde_json::to_writer(&mut payload, claims).map_err(|_| SigningFailed)?;
    let mut token = String::with_capacity(key.header_b64().len() + payload.len() * 4 / 3 + 90);
    token.push_str(key.header_b64());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
    let signature = key.sign(token.as_bytes())?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature.as_bytes(), &mut token);
    Ok(AccessToken::from_trusted(token))
}
