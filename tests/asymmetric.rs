//! Asymmetric access tokens (ES256 with the `es256` feature, EdDSA with
//! `eddsa`): minted deterministically, published in the JWK Set, verified
//! from the JWK Set alone by an independent implementation (`jsonwebtoken`)
//! and by the engine's `TokenVerifier`, in rings mixed with HS256 keys; and
//! every algorithm-confusion and `kid` trick refused.
#![cfg(all(feature = "es256", feature = "eddsa"))]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grant_engine::bearer::{TokenVerifier, verify_access_token};
use grant_engine::errors::{JwtError, KeyError};
use grant_engine::mint::{
    Algorithm, Ed25519Key, Ed25519PublicKey, Es256Key, Es256PublicKey, SigningKey, jwk_set,
    parse_jwk_set,
};
use grant_engine::{Config, EndpointUrls, KeyRing, metadata_document};
use grant_engine_testkit::jwt::{resigned_hs256, verify_with_jwk_set};
use grant_engine_testkit::requests::m2m_access_token;
use grant_engine_testkit::world::*;
use serde_json::{Value, json};

const ES256_PEM: &str = include_str!("keys/es256.pem");
const ES256_DER: &[u8] = include_bytes!("keys/es256.der");
const ED25519_PEM: &str = include_str!("keys/ed25519.pem");
const ED25519_DER: &[u8] = include_bytes!("keys/ed25519.der");
const P384_PEM: &str = include_str!("keys/p384.pem");

fn es256() -> Es256Key {
    Es256Key::from_pkcs8_pem("es-1", ES256_PEM).unwrap()
}

fn ed25519() -> Ed25519Key {
    Ed25519Key::from_pkcs8_pem("ed-1", ED25519_PEM).unwrap()
}

/// The world's configuration, signing with `key`.
fn config_signing(key: impl Into<SigningKey>) -> Config {
    config().with_keys(KeyRing::new(key))
}

#[test]
fn es256_and_eddsa_tokens_verify_from_the_jwk_set_alone() {
    for key in [SigningKey::from(es256()), SigningKey::from(ed25519())] {
        let config = config_signing(key.clone());
        let token = m2m_access_token(&config, 1);
        let jwks = jwk_set(config.keys().keys());
        let claims = verify_with_jwk_set(&token, &jwks);
        assert_eq!(claims["sub"], M2M);
        assert_eq!(claims["client_id"], M2M);
        // A resource server with the JWK Set and nothing else.
        let verifier = TokenVerifier::new(ISSUER, AUDIENCE)
            .with_jwk_set(jwks.as_bytes())
            .unwrap();
        let ours = verifier.verify(&token, NOW, 0).unwrap();
        assert_eq!(serde_json::to_value(&ours).unwrap(), claims);
        assert_eq!(verify_access_token(&token, &config, NOW, 0).unwrap(), ours);
        assert_eq!(key.alg(), verifier.keys()[0].alg());
    }
}

#[test]
fn asymmetric_signatures_are_deterministic() {
    for key in [SigningKey::from(es256()), SigningKey::from(ed25519())] {
        let config = config_signing(key);
        assert_eq!(m2m_access_token(&config, 1), m2m_access_token(&config, 1));
        assert_ne!(m2m_access_token(&config, 1), m2m_access_token(&config, 2));
    }
}

#[test]
fn the_jwk_set_holds_public_parameters_only() {
    let ring = KeyRing::new(es256())
        .with_verify_key(ed25519().public_key())
        .unwrap()
        .with_verify_key(key("hs-old", SIGNING_SECRET))
        .unwrap();
    let set: Value = serde_json::from_str(&jwk_set(ring.keys())).unwrap();
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "the HS256 secret is never published");
    fn names(k: &Value) -> Vec<&str> {
        let mut names: Vec<&str> = k.as_object().unwrap().keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
    assert_eq!(
        names(&keys[0]),
        ["alg", "crv", "kid", "kty", "use", "x", "y"]
    );
    assert_eq!(
        (
            &keys[0]["kty"],
            &keys[0]["crv"],
            &keys[0]["alg"],
            &keys[0]["use"]
        ),
        (
            &json!("EC"),
            &json!("P-256"),
            &json!("ES256"),
            &json!("sig")
        )
    );
    assert_eq!(names(&keys[1]), ["alg", "crv", "kid", "kty", "use", "x"]);
    assert_eq!(keys[1]["crv"], "Ed25519");
    assert_eq!(keys[1]["alg"], "EdDSA");
    // Read back, the set gives the same keys.
    let parsed = parse_jwk_set(jwk_set(ring.keys()).as_bytes()).unwrap();
    assert_eq!(
        parsed
            .iter()
            .map(|k| (k.kid(), k.alg()))
            .collect::<Vec<_>>(),
        [("es-1", Algorithm::Es256), ("ed-1", Algorithm::EdDsa)]
    );
}

#[test]
fn pem_and_der_load_the_same_key_and_other_keys_are_refused() {
    let der = Es256Key::from_pkcs8_der("es-1", ES256_DER).unwrap();
    assert_eq!(der.public_key(), es256().public_key());
    let der = Ed25519Key::from_pkcs8_der("ed-1", ED25519_DER).unwrap();
    assert_eq!(der.public_key(), ed25519().public_key());
    let detected = SigningKey::from_pkcs8_pem("k", ES256_PEM).unwrap();
    assert_eq!(detected.alg(), Algorithm::Es256);
    let detected = SigningKey::from_pkcs8_der("k", ED25519_DER).unwrap();
    assert_eq!(detected.alg(), Algorithm::EdDsa);
    assert_eq!(
        SigningKey::from_pkcs8_pem("k", P384_PEM).err(),
        Some(KeyError::UnsupportedKey)
    );
    assert_eq!(
        Es256Key::from_pkcs8_pem("k", ED25519_PEM).err(),
        Some(KeyError::UnsupportedKey)
    );
    assert_eq!(
        Es256Key::from_pkcs8_pem("", ES256_PEM).err(),
        Some(KeyError::InvalidKid)
    );
    // Private keys never print.
    assert_eq!(
        format!("{:?}", es256()),
        r#"Es256Key { kid: "es-1", private: <redacted> }"#
    );
    assert_eq!(
        format!("{:?}", ed25519()),
        r#"Ed25519Key { kid: "ed-1", private: <redacted> }"#
    );
}

#[test]
fn a_mixed_ring_keeps_verifying_tokens_of_the_old_hs256_key() {
    let before = m2m_access_token(&config(), 1);
    let switched = config().with_keys(
        KeyRing::new(es256())
            .with_verify_key(key(KID, SIGNING_SECRET))
            .unwrap(),
    );
    let after = m2m_access_token(&switched, 2);
    assert!(verify_access_token(&before, &switched, NOW, 0).is_ok());
    assert!(verify_access_token(&after, &switched, NOW, 0).is_ok());
    // A resource server: the published set, and the old secret beside it.
    let verifier = TokenVerifier::new(ISSUER, AUDIENCE)
        .with_jwk_set(jwk_set(switched.keys().keys()).as_bytes())
        .unwrap();
    assert_eq!(verifier.verify(&before, NOW, 0), Err(JwtError::UnknownKey));
    let verifier = verifier.with_key(key(KID, SIGNING_SECRET)).unwrap();
    assert!(verifier.verify(&before, NOW, 0).is_ok());
    assert!(verifier.verify(&after, NOW, 0).is_ok());
    assert_eq!(
        verifier.with_key(es256().public_key()).err(),
        Some(KeyError::DuplicateKid)
    );
}

#[test]
fn algorithm_confusion_and_kid_tricks_are_refused() {
    let config = config().with_keys(
        KeyRing::new(es256())
            .with_verify_key(ed25519().public_key())
            .unwrap(),
    );
    let genuine = m2m_access_token(&config, 1);
    let jwks = jwk_set(config.keys().keys());
    let (x, y) = es256().public_key().coordinates();
    let sec1 = [&[4u8][..], &x, &y].concat();
    let verifier = TokenVerifier::new(ISSUER, AUDIENCE)
        .with_jwk_set(jwks.as_bytes())
        .unwrap();
    let hs256 = json!({"alg": "HS256", "typ": "at+jwt", "kid": "es-1"});
    // HS256 "signed" with what a resource server knows of the public key.
    for secret in [
        sec1.as_slice(),
        jwks.as_bytes(),
        &[x, y].concat(),
        ES256_PEM.as_bytes(),
    ] {
        let token = resigned_hs256(&genuine, &hs256, secret);
        assert_eq!(
            verify_access_token(&token, &config, NOW, 0),
            Err(JwtError::UnsupportedAlgorithm)
        );
        assert_eq!(
            verifier.verify(&token, NOW, 0),
            Err(JwtError::UnsupportedAlgorithm)
        );
    }
    // `none`, with or without a signature.
    let parts: Vec<&str> = genuine.split('.').collect();
    let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"at+jwt","kid":"es-1"}"#);
    for token in [
        format!("{none}.{}.", parts[1]),
        format!("{none}.{}.{}", parts[1], parts[2]),
    ] {
        assert_eq!(
            verifier.verify(&token, NOW, 0),
            Err(JwtError::UnsupportedAlgorithm)
        );
    }
    // The ES256 signature under a header naming the EdDSA key, or the other
    // algorithm for its own key.
    for header in [
        json!({"alg": "ES256", "typ": "at+jwt", "kid": "ed-1"}),
        json!({"alg": "EdDSA", "typ": "at+jwt", "kid": "es-1"}),
    ] {
        let token = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            parts[1],
            parts[2]
        );
        assert_eq!(
            verifier.verify(&token, NOW, 0),
            Err(JwtError::UnsupportedAlgorithm)
        );
    }
    // An unknown kid, no kid.
    let unknown = json!({"alg": "ES256", "typ": "at+jwt", "kid": "es-2"});
    let token = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(unknown.to_string()),
        parts[1],
        parts[2]
    );
    assert_eq!(verifier.verify(&token, NOW, 0), Err(JwtError::UnknownKey));
    let no_kid = URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256","typ":"at+jwt"}"#);
    let token = format!("{no_kid}.{}.{}", parts[1], parts[2]);
    assert_eq!(verifier.verify(&token, NOW, 0), Err(JwtError::UnknownKey));
    // A changed payload, and the genuine token.
    let tampered = format!("{}.{}A.{}", parts[0], parts[1], parts[2]);
    assert!(verifier.verify(&tampered, NOW, 0).is_err());
    assert!(verifier.verify(&genuine, NOW, 0).is_ok());
}

#[test]
fn jwk_sets_are_read_strictly() {
    let set = |keys: Value| json!({ "keys": keys }).to_string();
    let ec =
        serde_json::from_str::<Value>(&jwk_set(&[es256().public_key().into()])).unwrap()["keys"][0]
            .clone();
    let with = |name: &str, value: Value| {
        let mut key = ec.clone();
        key[name] = value;
        key
    };
    // Skipped: keys for another use, another algorithm, other key types.
    let skipped = [
        with("use", json!("enc")),
        with("alg", json!("ES384")),
        json!({"kty": "RSA", "kid": "r", "alg": "RS512", "n": "AQAB", "e": "AQAB"}),
        json!({"kty": "oct", "kid": "o", "k": "c2VjcmV0"}),
        json!({"kty": "EC", "crv": "P-384", "kid": "p", "x": "AA", "y": "AA"}),
    ];
    assert!(
        parse_jwk_set(set(json!(skipped)).as_bytes())
            .unwrap()
            .is_empty()
    );
    // Refused: private members, a repeated kid, bad parameters.
    let refused = [
        (
            json!([with("d", json!("AAAA"))]),
            KeyError::MalformedJwk("private members in a public key"),
        ),
        (json!([ec.clone(), ec.clone()]), KeyError::DuplicateKid),
        (
            json!([with("x", json!("not base64!"))]),
            KeyError::MalformedJwk("x"),
        ),
        (
            json!([with("x", json!(URL_SAFE_NO_PAD.encode([1u8; 32])))]),
            KeyError::InvalidPublicKey,
        ),
        (
            json!([with("kid", json!(null))]),
            KeyError::MalformedJwk("kid"),
        ),
    ];
    for (keys, error) in refused {
        assert_eq!(parse_jwk_set(set(keys).as_bytes()).err(), Some(error));
    }
    assert_eq!(
        parse_jwk_set(b"[]").err(),
        Some(KeyError::MalformedJwk("keys"))
    );
    assert_eq!(
        parse_jwk_set(b"{").err(),
        Some(KeyError::MalformedJwk("JSON"))
    );
    assert!(Es256PublicKey::from_coordinates("k", &[0; 31], &[0; 32]).is_err());
    assert!(Ed25519PublicKey::from_bytes("k", &[0; 31]).is_err());
}

#[test]
fn the_metadata_names_the_jwk_set_only_when_there_is_a_public_key() {
    let urls = EndpointUrls::under(ISSUER);
    let document = |config: &Config| -> Value {
        serde_json::from_slice(&metadata_document(config, &urls, &scope(SCOPE)).body).unwrap()
    };
    assert!(document(&config()).get("jwks_uri").is_none());
    assert_eq!(
        document(&config_signing(es256()))["jwks_uri"],
        format!("{ISSUER}/.well-known/jwks.json")
    );
    let verify_only = config().with_keys(
        KeyRing::new(key(KID, SIGNING_SECRET))
            .with_verify_key(ed25519().public_key())
            .unwrap(),
    );
    assert!(document(&verify_only).get("jwks_uri").is_some());
}

/// RFC 8037 A.4: the Ed25519 example key signs the example exactly.
#[test]
fn rfc8037_ed25519_example() {
    let seed: [u8; 32] = URL_SAFE_NO_PAD
        .decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
        .unwrap()
        .try_into()
        .unwrap();
    let rfc_key = Ed25519Key::from_seed("rfc", &seed).unwrap();
    assert_eq!(
        URL_SAFE_NO_PAD.encode(rfc_key.public_key().to_bytes()),
        "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    );
    // The RFC's signature verifies under the published key.
    let jwk = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "rfc",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]});
    let keys = parse_jwk_set(jwk.to_string().as_bytes()).unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].alg(), Algorithm::EdDsa);
    // RFC 8037 A.3: its JWK thumbprint (RFC 7638).
    assert_eq!(
        keys[0].thumbprint().as_deref(),
        Some("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    );
    assert_eq!(
        grant_engine::mint::VerifyingKey::from(key(KID, SIGNING_SECRET)).thumbprint(),
        None
    );
}

/// A resource server holding only the JWK Set runs the whole RFC 6750
/// check: the header, the token, the required scope; each refusal renders
/// with its challenge.
#[test]
fn a_resource_server_with_the_jwk_set_alone_checks_bearer_requests() {
    use grant_engine::BearerPolicy;
    use grant_engine::errors::BearerError;
    use grant_engine::values::{Realm, Scope};
    let config = config_signing(es256());
    let token = m2m_access_token(&config, 1);
    let verifier = TokenVerifier::new(ISSUER, AUDIENCE)
        .with_jwk_set(jwk_set(config.keys().keys()).as_bytes())
        .unwrap();
    let granted =
        serde_json::to_value(verify_with_jwk_set(&token, &jwk_set(config.keys().keys()))).unwrap();
    let header = format!("Bearer {token}");
    let policy = |scope: &str| BearerPolicy {
        required_scope: Scope::from_tokens(scope.split_whitespace()).unwrap(),
        leeway: 0,
    };
    let claims = verifier
        .verify_bearer(Some(header.as_bytes()), &policy(""), NOW)
        .unwrap();
    assert_eq!(serde_json::to_value(&claims).unwrap(), granted);
    let wide = policy("admin");
    let error = verifier
        .verify_bearer(Some(header.as_bytes()), &wide, NOW)
        .unwrap_err();
    assert_eq!(error, BearerError::InsufficientScope);
    let response = error.to_http_response(&Realm::default(), &wide.required_scope);
    assert_eq!(response.status, 403);
    assert!(
        response
            .header("www-authenticate")
            .unwrap()
            .contains(r#"error="insufficient_scope""#)
    );
    assert_eq!(
        verifier.verify_bearer(None, &policy(""), NOW),
        Err(BearerError::MissingToken)
    );
    let tampered = format!("Bearer {token}A");
    assert!(matches!(
        verifier.verify_bearer(Some(tampered.as_bytes()), &policy(""), NOW),
        Err(BearerError::InvalidToken(_))
    ));
    let expired = verifier.verify_bearer(Some(header.as_bytes()), &policy(""), NOW + 86_400);
    assert!(matches!(expired, Err(BearerError::InvalidToken(_))));
}
