//! Signing keys from a private JWK (RFC 7517 4, RFC 7518 6.2.2, 6.3.2 and
//! 6.4, RFC 8037 2): how key-management systems and JOSE tools hand keys
//! over. Every public member must agree with the private one, so a JWK
//! that was edited or mixed from two keys is refused, not half-used.

use serde_json::Value;

use crate::errors::key::KeyError;
use crate::mint::jwk::Jwk;
use crate::mint::keys::HmacKey;
use crate::mint::signing_key::SigningKey;

/// The signing key of the private JWK `json`. Its `kid` names it; without
/// one, an asymmetric key is named by its RFC 7638 thumbprint (a secret
/// `oct` key must have one).
pub(crate) fn signing_key_from_jwk(json: &[u8]) -> Result<SigningKey, KeyError> {
    let value: Value = serde_json::from_slice(json).map_err(|_| KeyError::MalformedJwk("JSON"))?;
    let jwk = Jwk::new(&value)?;
    check_purpose(&jwk)?;
    let kty = jwk.text("kty").ok_or(KeyError::MalformedJwk("kty"))?;
    let key = match (kty, jwk.text("crv")) {
        ("oct", _) => oct_key(&jwk)?,
        #[cfg(feature = "es256")]
        ("EC", Some("P-256")) => ec_key(&jwk)?,
        #[cfg(feature = "eddsa")]
        ("OKP", Some("Ed25519")) => okp_key(&jwk)?,
        #[cfg(feature = "rs256")]
        ("RSA", None) => rsa_key(&jwk)?,
        _ => return Err(KeyError::UnsupportedKey),
    };
    if jwk.text("alg").is_some_and(|alg| alg != key.alg().as_str()) {
        return Err(KeyError::MalformedJwk("alg"));
    }
    Ok(key)
}

/// A key for signatures: `use` absent or `sig`, `key_ops` absent or
/// holding `sign` (RFC 7517 4.2, 4.3).
fn check_purpose(jwk: &Jwk<'_>) -> Result<(), KeyError> {
    if jwk.text("use").is_some_and(|u| u != "sig") {
        return Err(KeyError::MalformedJwk("use"));
    }
    if !jwk.allows("sign") {
        return Err(KeyError::MalformedJwk("key_ops"));
    }
    Ok(())
}

/// A secret key (RFC 7518 6.4): HS256, `k` of at least 32 bytes.
fn oct_key(jwk: &Jwk<'_>) -> Result<SigningKey, KeyError> {
    let kid = jwk.text("kid").ok_or(KeyError::MalformedJwk("kid"))?;
    let secret = zeroizing(jwk.bytes("k")?);
    let key = HmacKey::new(kid, &secret).map_err(|e| match e.what {
        "kid" => KeyError::InvalidKid,
        _ => KeyError::InvalidPrivateKey,
    })?;
    Ok(SigningKey::Hs256(key))
}

/// A P-256 key (RFC 7518 6.2.2): `d`, with `x` and `y` its public point.
#[cfg(feature = "es256")]
fn ec_key(jwk: &Jwk<'_>) -> Result<SigningKey, KeyError> {
    use crate::mint::es256::Es256Key;
    let d = zeroizing(jwk.bytes("d")?);
    let (x, y) = (jwk.bytes("x")?, jwk.bytes("y")?);
    load_named(jwk, |kid| {
        let key = Es256Key::from_scalar(kid, &d)?;
        let (key_x, key_y) = key.public_key().coordinates();
        if x != key_x || y != key_y {
            return Err(KeyError::InvalidPrivateKey);
        }
        Ok(SigningKey::Es256(key))
    })
}

/// An Ed25519 key (RFC 8037 2): the seed `d`, with `x` its public key.
#[cfg(feature = "eddsa")]
fn okp_key(jwk: &Jwk<'_>) -> Result<SigningKey, KeyError> {
    use crate::mint::ed25519::Ed25519Key;
    let d = zeroizing(jwk.bytes("d")?);
    let seed: &[u8; 32] = d
        .as_slice()
        .try_into()
        .map_err(|_| KeyError::MalformedJwk("d"))?;
    let x = jwk.bytes("x")?;
    load_named(jwk, |kid| {
        let key = Ed25519Key::from_seed(kid, seed)?;
        if x != key.public_key().to_bytes() {
            return Err(KeyError::InvalidPrivateKey);
        }
        Ok(SigningKey::EdDsa(key))
    })
}

/// An RSA key (RFC 7518 6.3.2): `n`, `e`, `d`, and either all of `p`,
/// `q`, `dp`, `dq` and `qi` (which must be the key's) or none of them (the
/// primes are then recovered from `d`). More than two primes (`oth`) are
/// not supported.
#[cfg(feature = "rs256")]
fn rsa_key(jwk: &Jwk<'_>) -> Result<SigningKey, KeyError> {
    use crate::mint::rs256::Rs256Key;
    if jwk.has("oth") {
        return Err(KeyError::UnsupportedKey);
    }
    let [n, e] = [jwk.uint("n")?, jwk.uint("e")?];
    let d = zeroizing(jwk.bytes("d")?);
    let names = ["p", "q", "dp", "dq", "qi"];
    let crt = match names.iter().filter(|n| jwk.has(n)).count() {
        0 => Vec::new(),
        5 => names
            .iter()
            .map(|name| jwk.bytes(name).map(zeroizing))
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(KeyError::MalformedJwk("p, q, dp, dq and qi go together")),
    };
    load_named(jwk, |kid| {
        let primes: Vec<&[u8]> = crt.iter().take(2).map(|p| p.as_slice()).collect();
        let key = Rs256Key::from_components(kid, &n, &e, &d, &primes)?;
        let computed = key.crt_parameters().ok_or(KeyError::InvalidPrivateKey)?;
        let given = crt.iter().skip(2);
        if !given.zip(computed.iter()).all(|(g, c)| same_integer(g, c)) {
            return Err(KeyError::InvalidPrivateKey);
        }
        Ok(SigningKey::Rs256(key))
    })
}

/// The key `load` makes under the JWK's `kid`, or, when the JWK has none,
/// under its RFC 7638 thumbprint (loaded once to compute it).
#[cfg(any(feature = "es256", feature = "eddsa", feature = "rs256"))]
fn load_named(
    jwk: &Jwk<'_>,
    load: impl Fn(String) -> Result<SigningKey, KeyError>,
) -> Result<SigningKey, KeyError> {
    if let Some(kid) = jwk.text("kid") {
        return load(kid.to_owned());
    }
    let unnamed = load("unnamed".to_owned())?;
    let thumbprint = unnamed.verifying_key().thumbprint();
    load(thumbprint.ok_or(KeyError::InvalidKid)?)
}

/// Whether two big-endian integers are equal, leading zeros aside, in
/// time independent of their values (they are secret).
#[cfg(feature = "rs256")]
fn same_integer(a: &[u8], b: &[u8]) -> bool {
    use crate::mint::rs256::trimmed;
    use subtle::ConstantTimeEq;
    let (a, b) = (trimmed(a), trimmed(b));
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Secret bytes, wiped when dropped.
#[cfg(any(feature = "es256", feature = "eddsa", feature = "rs256"))]
fn zeroizing(bytes: Vec<u8>) -> zeroize::Zeroizing<Vec<u8>> {
    zeroize::Zeroizing::new(bytes)
}

/// Secret bytes (a build without asymmetric keys has no `zeroize`).
#[cfg(not(any(feature = "es256", feature = "eddsa", feature = "rs256")))]
fn zeroizing(bytes: Vec<u8>) -> Vec<u8> {
    bytes
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;
    use crate::mint::algorithm::Algorithm;

    fn load(jwk: &Value) -> Result<SigningKey, KeyError> {
        signing_key_from_jwk(jwk.to_string().as_bytes())
    }

    #[test]
    fn an_oct_key_needs_a_kid_and_32_bytes() {
        let k = URL_SAFE_NO_PAD.encode([7u8; 32]);
        let key = load(&json!({"kty": "oct", "kid": "k1", "k": k})).unwrap();
        assert_eq!((key.kid(), key.alg()), ("k1", Algorithm::Hs256));
        let short = URL_SAFE_NO_PAD.encode([7u8; 31]);
        assert_eq!(
            load(&json!({"kty": "oct", "kid": "k1", "k": short})).unwrap_err(),
            KeyError::InvalidPrivateKey
        );
        assert_eq!(
            load(&json!({"kty": "oct", "k": k})).unwrap_err(),
            KeyError::MalformedJwk("kid")
        );
        assert_eq!(
            load(&json!({"kty": "oct", "kid": "k1", "k": format!("{k}=")})).unwrap_err(),
            KeyError::MalformedJwk("k")
        );
    }

    #[test]
    fn use_key_ops_and_alg_must_allow_signing_with_this_key() {
        let k = URL_SAFE_NO_PAD.encode([7u8; 32]);
        let with = |member: &str, value: Value| {
            let mut jwk = json!({"kty": "oct", "kid": "k1", "k": k});
            jwk[member] = value;
            load(&jwk)
        };
        assert!(with("use", json!("sig")).is_ok());
        assert_eq!(
            with("use", json!("enc")).unwrap_err(),
            KeyError::MalformedJwk("use")
        );
        assert!(with("key_ops", json!(["verify", "sign"])).is_ok());
        assert_eq!(
            with("key_ops", json!(["verify"])).unwrap_err(),
            KeyError::MalformedJwk("key_ops")
        );
        assert!(with("alg", json!("HS256")).is_ok());
        assert_eq!(
            with("alg", json!("RS256")).unwrap_err(),
            KeyError::MalformedJwk("alg")
        );
    }

    #[test]
    fn unknown_kinds_and_shapes_are_refused() {
        assert_eq!(
            load(&json!({"kty": "EC", "crv": "P-384", "d": "AA"})).unwrap_err(),
            KeyError::UnsupportedKey
        );
        assert_eq!(
            load(&json!({"crv": "P-256"})).unwrap_err(),
            KeyError::MalformedJwk("kty")
        );
        assert_eq!(
            signing_key_from_jwk(b"[1]").unwrap_err(),
            KeyError::MalformedJwk("a key")
        );
        assert_eq!(
            signing_key_from_jwk(b"{").unwrap_err(),
            KeyError::MalformedJwk("JSON")
        );
    }

    /// RFC 8037 A.1: the example Ed25519 key, named by its A.3 thumbprint,
    /// and refused when its `x` is another key's.
    #[cfg(feature = "eddsa")]
    #[test]
    fn the_rfc_8037_key_loads_under_its_thumbprint() {
        let jwk = json!({"kty": "OKP", "crv": "Ed25519",
            "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
        let key = load(&jwk).unwrap();
        assert_eq!(key.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
        assert_eq!(key.alg(), Algorithm::EdDsa);
        let mut other = jwk.clone();
        other["x"] = json!(URL_SAFE_NO_PAD.encode([9u8; 32]));
        assert_eq!(load(&other).unwrap_err(), KeyError::InvalidPrivateKey);
    }

    /// RFC 7515 A.3.1: the example P-256 key; its public point must match.
    #[cfg(feature = "es256")]
    #[test]
    fn the_rfc_7515_p256_key_loads_and_its_point_is_checked() {
        let jwk = json!({"kty": "EC", "crv": "P-256", "kid": "a3",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
            "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"});
        let key = load(&jwk).unwrap();
        assert_eq!((key.kid(), key.alg()), ("a3", Algorithm::Es256));
        let public = key.verifying_key().public_jwk().unwrap();
        assert_eq!((&public["x"], &public["y"]), (&jwk["x"], &jwk["y"]));
        let mut other = jwk.clone();
        other["y"] = jwk["x"].clone();
        assert_eq!(load(&other).unwrap_err(), KeyError::InvalidPrivateKey);
        other["d"] = json!(URL_SAFE_NO_PAD.encode([0u8; 32]));
        assert_eq!(load(&other).unwrap_err(), KeyError::InvalidPrivateKey);
        // `d` is exactly 32 octets (RFC 7518 6.2.2.1), not a shorter one
        // padded.
        let d = URL_SAFE_NO_PAD.decode(jwk["d"].as_str().unwrap()).unwrap();
        let mut short = jwk.clone();
        short["d"] = json!(URL_SAFE_NO_PAD.encode(&d[1..]));
        assert_eq!(load(&short).unwrap_err(), KeyError::InvalidPrivateKey);
    }

    /// RFC 7515 A.2: the example RSA key signs the example input to exactly
    /// the example signature; a wrong CRT parameter or prime is refused.
    #[cfg(feature = "rs256")]
    #[test]
    fn the_rfc_7515_rsa_key_signs_the_appendix_signature() {
        let jwk: Value =
            serde_json::from_str(include_str!("../../tests/keys/rfc7515-a2.jwk.json")).unwrap();
        let SigningKey::Rs256(key) = load(&jwk).unwrap() else {
            panic!("not an RSA key");
        };
        let input = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
        let expected = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7\
            AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4\
            BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K\
            0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv\
            hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB\
            p0igcN_IoypGlUPQGe77Rw";
        let signature = key.sign(input.as_bytes()).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.encode(&signature), expected);
        assert!(key.public_key().verify(input.as_bytes(), &signature));
        let mut wrong = jwk.clone();
        wrong["qi"] = jwk["dp"].clone();
        assert_eq!(load(&wrong).unwrap_err(), KeyError::InvalidPrivateKey);
        let mut wrong = jwk.clone();
        wrong["p"] = jwk["q"].clone();
        assert_eq!(load(&wrong).unwrap_err(), KeyError::InvalidPrivateKey);
        let mut no_prime = jwk.clone();
        no_prime.as_object_mut().unwrap().remove("q");
        assert_eq!(
            load(&no_prime).unwrap_err(),
            KeyError::MalformedJwk("p, q, dp, dq and qi go together")
        );
        // `d` alone is a whole private key (RFC 7518 6.3.2): the primes are
        // recovered, and it signs the same bytes.
        let mut d_only = jwk.clone();
        for name in ["p", "q", "dp", "dq", "qi"] {
            d_only.as_object_mut().unwrap().remove(name);
        }
        let SigningKey::Rs256(recovered) = load(&d_only).unwrap() else {
            panic!("not an RSA key");
        };
        assert_eq!(recovered.sign(input.as_bytes()).unwrap(), signature);
        let mut multi = jwk.clone();
        multi["oth"] = json!([]);
        assert_eq!(load(&multi).unwrap_err(), KeyError::UnsupportedKey);
    }
}
