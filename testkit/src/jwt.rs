//! Hand-made JWTs, signed independently of the engine, for the negative
//! rows of RFC 9068 4 (wrong `alg`, `typ`, key, issuer, audience, ...).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};

use crate::world::{AUDIENCE, ISSUER, KID, NOW, SCOPE, SUBJECT, WEB};

/// Unpadded base64url.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// HMAC-SHA256 of `data` under `secret`.
pub fn hs256(secret: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// HMAC-SHA384 of `data` under `secret`.
pub fn hs384(secret: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha384>::new_from_slice(secret).unwrap();
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// `b64(header).b64(claims)`: the signing input.
pub fn signing_input(header: &serde_json::Value, claims: &serde_json::Value) -> String {
    format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    )
}

/// `token`'s payload under `header`, HMAC-SHA256'd with `secret`: the
/// algorithm-confusion forgery when `secret` is what a resource server
/// knows of a public key.
pub fn resigned_hs256(token: &str, header: &serde_json::Value, secret: &[u8]) -> String {
    let payload = token.split('.').nth(1).unwrap();
    let input = format!("{}.{payload}", b64(header.to_string().as_bytes()));
    let signature = b64(&hs256(secret, input.as_bytes()));
    format!("{input}.{signature}")
}

/// A JWT signed with HS256 under `secret`, whatever the header says.
pub fn craft(header: &serde_json::Value, claims: &serde_json::Value, secret: &[u8]) -> String {
    let input = signing_input(header, claims);
    let signature = hs256(secret, input.as_bytes());
    format!("{input}.{}", b64(&signature))
}

/// The header the engine writes for the world's signing key.
pub fn good_header() -> serde_json::Value {
    serde_json::json!({ "alg": "HS256", "typ": "at+jwt", "kid": KID })
}

/// The claims of an access token as the engine mints them (RFC 9068).
pub fn good_claims() -> serde_json::Value {
    serde_json::json!({
        "iss": ISSUER,
        "sub": SUBJECT,
        "aud": AUDIENCE,
        "exp": NOW + 3600,
        "iat": NOW,
        "jti": "crafted-jti-1",
        "client_id": WEB,
        "scope": SCOPE,
        "fam": "crafted-family-1",
    })
}

/// `token` verified by `jsonwebtoken` (an implementation independent of the
/// engine) with the key its `kid` names in the JWK Set `jwks` and nothing
/// else: the key's kind fixes the algorithm (EC: ES256, OKP: EdDSA, RSA:
/// RS256), which the header must name, and `typ` must be `at+jwt`. The
/// claims, with `iss` and `aud` the world's.
pub fn verify_with_jwk_set(token: &str, jwks: &str) -> serde_json::Value {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    let set: serde_json::Value = serde_json::from_str(jwks).unwrap();
    let jwk = set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"].as_str() == header.kid.as_deref())
        .expect("the token's kid is in the set");
    let text = |name: &str| jwk[name].as_str().unwrap();
    let (key, alg) = match text("kty") {
        "EC" => (
            DecodingKey::from_ec_components(text("x"), text("y")),
            Algorithm::ES256,
        ),
        "OKP" => (DecodingKey::from_ed_components(text("x")), Algorithm::EdDSA),
        "RSA" => (
            DecodingKey::from_rsa_components(text("n"), text("e")),
            Algorithm::RS256,
        ),
        other => panic!("unexpected kty {other}"),
    };
    assert_eq!(header.alg, alg);
    let mut validation = Validation::new(alg);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.leeway = 0;
    jsonwebtoken::decode::<serde_json::Value>(token, &key.unwrap(), &validation)
        .unwrap()
        .claims
}
