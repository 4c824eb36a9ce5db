//! RS256 access tokens (the `rs256` feature): minted deterministically by an
//! RSA key loaded from PKCS#8 or a JWK, published in the JWK Set, verified
//! from it alone by an independent implementation (`jsonwebtoken`) and by
//! the engine, beside an old HS256 key; keys under 2048 bits refused, and
//! the algorithm-confusion attack on the RSA public key refused.
#![cfg(feature = "rs256")]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grant_engine::bearer::{TokenVerifier, verify_access_token};
use grant_engine::errors::{JwtError, KeyError};
use grant_engine::mint::{Algorithm, Rs256Key, Rs256PublicKey, SigningKey, jwk_set, parse_jwk_set};
use grant_engine::{Config, HmacKey, KeyRing};
use grant_engine_testkit::jwt::{resigned_hs256, verify_with_jwk_set};
use grant_engine_testkit::requests::m2m_access_token;
use grant_engine_testkit::world::*;
use serde_json::{Value, json};

const RS256_PEM: &str = include_str!("keys/rs256.pem");
const RS256_DER: &[u8] = include_bytes!("keys/rs256.der");
const RSA1024_PEM: &str = include_str!("keys/rsa1024.pem");
const RFC7515_A2_JWK: &str = include_str!("keys/rfc7515-a2.jwk.json");
const RSA_PSS_PEM: &str = include_str!("keys/rsa-pss.pem");

fn rs256() -> Rs256Key {
    Rs256Key::from_pkcs8_pem("rs-1", RS256_PEM).unwrap()
}

/// The world's configuration, signing with `key`.
fn config_signing(key: impl Into<SigningKey>) -> Config {
    config().with_keys(KeyRing::new(key))
}

#[test]
fn rs256_tokens_verify_from_the_jwk_set_alone() {
    let config = config_signing(rs256());
    let token = m2m_access_token(&config, 1);
    let jwks = jwk_set(config.keys().keys());
    let claims = verify_with_jwk_set(&token, &jwks);
    assert_eq!(
        (&claims["sub"], &claims["client_id"]),
        (&json!(M2M), &json!(M2M))
    );
    let verifier = TokenVerifier::new(ISSUER, AUDIENCE)
        .with_jwk_set(jwks.as_bytes())
        .unwrap();
    assert_eq!(verifier.keys()[0].alg(), Algorithm::Rs256);
    let ours = verifier.verify(&token, NOW, 0).unwrap();
    assert_eq!(serde_json::to_value(&ours).unwrap(), claims);
    assert_eq!(verify_access_token(&token, &config, NOW, 0).unwrap(), ours);
    // 2048 bits: a 256-byte signature.
    let signature = URL_SAFE_NO_PAD
        .decode(token.rsplit('.').next().unwrap())
        .unwrap();
    assert_eq!(signature.len(), 256);
}

#[test]
fn rs256_signatures_are_deterministic() {
    let config = config_signing(rs256());
    assert_eq!(m2m_access_token(&config, 1), m2m_access_token(&config, 1));
    assert_ne!(m2m_access_token(&config, 1), m2m_access_token(&config, 2));
}

#[test]
fn the_jwk_set_publishes_n_and_e_only() {
    let jwks: Value = serde_json::from_str(&jwk_set(&[rs256().public_key().into()])).unwrap();
    let key = &jwks["keys"][0];
    let mut names: Vec<&str> = key
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["alg", "e", "kid", "kty", "n", "use"]);
    assert_eq!(
        (&key["kty"], &key["alg"], &key["e"]),
        (&json!("RSA"), &json!("RS256"), &json!("AQAB"))
    );
    // The modulus without a leading zero (RFC 7518 6.3.1.1).
    let n = URL_SAFE_NO_PAD.decode(key["n"].as_str().unwrap()).unwrap();
    assert_eq!(n.len(), 256);
    assert_ne!(n[0], 0);
    let (n_again, e) = rs256().public_key().components();
    assert_eq!((&n[..], &e[..]), (&n_again[..], &[1u8, 0, 1][..]));
}

#[test]
fn pkcs8_pem_der_and_jwk_load_and_small_keys_are_refused() {
    let from_der = SigningKey::from_pkcs8_der("rs-1", RS256_DER).unwrap();
    let from_pem = SigningKey::from_pkcs8_pem("rs-1", RS256_PEM).unwrap();
    assert_eq!(from_der.alg(), Algorithm::Rs256);
    assert_eq!(
        config_signing(from_der.clone()).keys().keys()[0].public_jwk(),
        config_signing(from_pem).keys().keys()[0].public_jwk()
    );
    assert_eq!(
        format!("{from_der:?}"),
        r#"Rs256(Rs256Key { kid: "rs-1", private: <redacted> })"#
    );
    assert_eq!(
        SigningKey::from_pkcs8_pem("rs-1", RSA1024_PEM).unwrap_err(),
        KeyError::UnsupportedKeySize
    );
    assert_eq!(
        Rs256Key::from_pkcs8_pem("bad kid\n", RS256_PEM).unwrap_err(),
        KeyError::InvalidKid
    );
    // The RFC 7515 A.2 key: named by its thumbprint, it mints tokens that
    // `jsonwebtoken` verifies.
    let key = SigningKey::from_jwk(RFC7515_A2_JWK.as_bytes()).unwrap();
    assert_eq!(key.alg(), Algorithm::Rs256);
    assert_eq!(Some(key.kid().to_owned()), key.verifying_key().thumbprint());
    let config = config_signing(key);
    verify_with_jwk_set(
        &m2m_access_token(&config, 3),
        &jwk_set(config.keys().keys()),
    );
}

#[test]
fn public_keys_outside_the_sizes_or_with_bad_exponents_are_refused() {
    let (n, e) = rs256().public_key().components();
    assert!(Rs256PublicKey::from_components("k", &n, &e).is_ok());
    assert_eq!(
        Rs256PublicKey::from_components("k", &n[..128], &e).unwrap_err(),
        KeyError::UnsupportedKeySize
    );
    for bad_e in [&[][..], &[1][..], &[2][..], &[1, 0, 0][..]] {
        assert_eq!(
            Rs256PublicKey::from_components("k", &n, bad_e).unwrap_err(),
            KeyError::InvalidPublicKey,
            "{bad_e:?}"
        );
    }
    let mut even = n.to_vec();
    *even.last_mut().unwrap() &= 0xfe;
    assert_eq!(
        Rs256PublicKey::from_components("k", &even, &e).unwrap_err(),
        KeyError::InvalidPublicKey
    );
}

#[test]
fn the_rsa_public_key_as_an_hs256_secret_is_refused() {
    let old = HmacKey::new("hs-old", &[5u8; 32]).unwrap();
    let ring = KeyRing::new(rs256()).with_verify_key(old.clone()).unwrap();
    let config = config().with_keys(ring);
    let genuine = m2m_access_token(&config, 1);
    let jwks = jwk_set(config.keys().keys());
    let verifier = TokenVerifier::new(ISSUER, AUDIENCE)
        .with_jwk_set(jwks.as_bytes())
        .unwrap();
    let (n, _) = rs256().public_key().components();
    let hs256 = json!({"alg": "HS256", "typ": "at+jwt", "kid": "rs-1"});
    for secret in [&n[..], jwks.as_bytes(), RS256_PEM.as_bytes()] {
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
    // The RS256 signature under the old HS256 key's kid.
    let parts: Vec<&str> = genuine.split('.').collect();
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"at+jwt","kid":"hs-old"}"#);
    let token = format!("{header}.{}.{}", parts[1], parts[2]);
    assert_eq!(
        verify_access_token(&token, &config, NOW, 0),
        Err(JwtError::UnsupportedAlgorithm)
    );
    // A token of the old HS256 key still verifies where the host holds it.
    let old_config = config_signing(old);
    let old_token = m2m_access_token(&old_config, 2);
    assert!(verify_access_token(&old_token, &config, NOW, 0).is_ok());
    assert_eq!(
        verifier.verify(&old_token, NOW, 0),
        Err(JwtError::UnknownKey)
    );
    assert!(verifier.verify(&genuine, NOW, 0).is_ok());
}

#[test]
fn rsa_keys_in_a_jwk_set_are_read_strictly() {
    let public: Value = serde_json::from_str(&jwk_set(&[rs256().public_key().into()])).unwrap();
    let key = public["keys"][0].clone();
    let set = |key: Value| json!({ "keys": [key] }).to_string();
    let read = parse_jwk_set(set(key.clone()).as_bytes()).unwrap();
    assert_eq!(read[0].public_jwk().unwrap(), key);
    let with = |name: &str, value: Value| {
        let mut changed = key.clone();
        changed[name] = value;
        changed
    };
    let small = URL_SAFE_NO_PAD.encode([0xc5u8; 128]);
    let n = URL_SAFE_NO_PAD.decode(key["n"].as_str().unwrap()).unwrap();
    let padded = URL_SAFE_NO_PAD.encode([&[0u8][..], &n].concat());
    for (changed, error) in [
        (with("n", json!(padded)), KeyError::MalformedJwk("n")),
        (with("use", json!(5)), KeyError::MalformedJwk("use")),
        (
            with("oth", json!([])),
            KeyError::MalformedJwk("private members in a public key"),
        ),
        (
            with("d", json!("AQAB")),
            KeyError::MalformedJwk("private members in a public key"),
        ),
        (with("n", json!(small)), KeyError::UnsupportedKeySize),
        (with("e", json!("AA")), KeyError::InvalidPublicKey),
        (with("n", json!(null)), KeyError::MalformedJwk("n")),
    ] {
        assert_eq!(parse_jwk_set(set(changed).as_bytes()).err(), Some(error));
    }
    // Another RSA algorithm is skipped, not misread as RS256.
    let rs512 = with("alg", json!("RS512"));
    assert!(parse_jwk_set(set(rs512).as_bytes()).unwrap().is_empty());
}

/// RFC 7638 3.1: the example RSA key's thumbprint.
#[test]
fn the_rfc_7638_thumbprint_example() {
    let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    let set =
        json!({"keys": [{"kty": "RSA", "n": n, "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}]});
    let keys = parse_jwk_set(set.to_string().as_bytes()).unwrap();
    assert_eq!(
        keys[0].thumbprint().as_deref(),
        Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    );
}

/// An RSA-PSS key (id-RSASSA-PSS, RFC 4055) may sign only with PSS: it is
/// not an RS256 key.
#[test]
fn an_rsa_pss_key_is_not_an_rs256_key() {
    assert_eq!(
        SigningKey::from_pkcs8_pem("k", RSA_PSS_PEM).unwrap_err(),
        KeyError::UnsupportedKey
    );
    assert_eq!(
        Rs256Key::from_pkcs8_pem("k", &RS256_PEM.replace("PRIVATE KEY", "RSA PRIVATE KEY"))
            .unwrap_err(),
        KeyError::UnsupportedKey
    );
}

/// Hostile RSA JWKs get a typed error, never a panic: a zero `d` (whose
/// prime recovery would underflow), zero primes, an oversized modulus,
/// leading zeros, members of the wrong type.
#[test]
fn hostile_rsa_jwks_are_refused_without_panicking() {
    let full: Value = serde_json::from_str(RFC7515_A2_JWK).unwrap();
    let d_only = json!({"kty": "RSA", "n": full["n"], "e": "AQAB", "d": full["d"]});
    assert!(SigningKey::from_jwk(d_only.to_string().as_bytes()).is_ok());
    let with = |base: &Value, name: &str, value: Value| {
        let mut jwk = base.clone();
        jwk[name] = value;
        SigningKey::from_jwk(jwk.to_string().as_bytes()).unwrap_err()
    };
    let zero = json!("AA");
    for (base, name) in [(&d_only, "d"), (&full, "d"), (&full, "p"), (&full, "q")] {
        assert_eq!(
            with(base, name, zero.clone()),
            KeyError::InvalidPrivateKey,
            "{name}"
        );
    }
    assert_eq!(with(&d_only, "d", json!("AQ")), KeyError::InvalidPrivateKey);
    let huge = URL_SAFE_NO_PAD.encode([0xffu8; 1100]);
    assert_eq!(
        with(&d_only, "n", json!(huge)),
        KeyError::UnsupportedKeySize
    );
    let n = URL_SAFE_NO_PAD.decode(full["n"].as_str().unwrap()).unwrap();
    let padded = URL_SAFE_NO_PAD.encode([&[0u8][..], &n].concat());
    assert_eq!(with(&full, "n", json!(padded)), KeyError::MalformedJwk("n"));
    assert_eq!(
        with(&full, "e", json!("AAEAAQ")),
        KeyError::MalformedJwk("e")
    );
    assert_eq!(with(&full, "kid", json!(7)), KeyError::MalformedJwk("kid"));
    assert_eq!(
        with(&full, "alg", json!(["RS256"])),
        KeyError::MalformedJwk("alg")
    );
    assert_eq!(
        with(&full, "use", json!(null)),
        KeyError::MalformedJwk("use")
    );
    assert_eq!(
        with(&full, "key_ops", json!(["sign", "sign"])),
        KeyError::MalformedJwk("key_ops")
    );
}
