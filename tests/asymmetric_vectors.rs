//! The asymmetric conformance vectors' access tokens, checked by an
//! independent implementation (`jsonwebtoken`) with only the public half of
//! the RFC example key each fixture signs with: the pinned bytes are valid
//! ES256, EdDSA and RS256 tokens, not merely the engine's own output.
#![cfg(all(feature = "es256", feature = "eddsa", feature = "rs256"))]

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

fn vector(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn public_key(jwk: &str) -> DecodingKey {
    let jwk: Value = serde_json::from_str(jwk).unwrap();
    let text = |name: &str| jwk[name].as_str().unwrap().to_owned();
    match jwk["kty"].as_str().unwrap() {
        "EC" => DecodingKey::from_ec_components(&text("x"), &text("y")).unwrap(),
        "OKP" => DecodingKey::from_ed_components(&text("x")).unwrap(),
        _ => DecodingKey::from_rsa_components(&text("n"), &text("e")).unwrap(),
    }
}

#[test]
fn each_algorithms_vector_tokens_verify_with_the_rfc_public_key() {
    let keys = [
        (
            "es256",
            Algorithm::ES256,
            include_str!("keys/rfc7515-a3.jwk.json"),
        ),
        (
            "eddsa",
            Algorithm::EdDSA,
            include_str!("keys/rfc8037-a1.jwk.json"),
        ),
        (
            "rs256",
            Algorithm::RS256,
            include_str!("keys/rfc7515-a2.jwk.json"),
        ),
    ];
    for (name, alg, jwk) in keys {
        for suffix in ["", "-code-exchange"] {
            let vector = vector(&format!("response-access-token-{name}{suffix}"));
            let body: Value =
                serde_json::from_str(vector["response"]["body"].as_str().unwrap()).unwrap();
            let token = body["access_token"].as_str().unwrap();
            let header = jsonwebtoken::decode_header(token).unwrap();
            assert_eq!(header.alg, alg);
            assert_eq!(header.kid.as_deref(), Some(format!("{name}-1").as_str()));
            let fixture = &vector["fixture"];
            let mut validation = Validation::new(alg);
            validation.set_issuer(&[fixture["issuer"].as_str().unwrap()]);
            validation.set_audience(&[fixture["audience"].as_str().unwrap()]);
            validation.validate_exp = false;
            let claims = jsonwebtoken::decode::<Value>(token, &public_key(jwk), &validation)
                .unwrap()
                .claims;
            assert_eq!(claims["iat"], fixture["now"]);
            // One changed byte of the payload, and the same key refuses it.
            let mut tampered = token.to_owned();
            tampered.insert(token.find('.').unwrap() + 1, 'A');
            let refused = jsonwebtoken::decode::<Value>(&tampered, &public_key(jwk), &validation);
            assert!(refused.is_err(), "{name}{suffix}");
        }
    }
}
