//! Minting RFC 9068 JWT access tokens, signed HS256 (RFC 7518 3.2).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::mint::claims::MintClaims;
use crate::mint::keys::HmacKey;
use crate::values::secret::AccessToken;

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
