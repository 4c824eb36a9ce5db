//! The JWK Set (RFC 7517 5): the public keys a resource server verifies
//! our access tokens with, rendered for `jwks_uri` and read back.

use serde_json::{Value, json};

use crate::errors::key::KeyError;
use crate::mint::jwk::Jwk;
use crate::mint::verifying_key::{VerifyingKey, find_key};

/// The JWK Set of the public keys among `keys` (`kty`, `kid`, `alg`,
/// `use: "sig"` and the public parameters), as compact JSON. Secret (HS256)
/// keys are never in it.
///
/// ```
/// use grant_engine::{HmacKey, KeyRing};
/// use grant_engine::mint::jwk_set;
/// let ring = KeyRing::new(HmacKey::new("k1", &[1u8; 32]).unwrap());
/// assert_eq!(jwk_set(ring.keys()), r#"{"keys":[]}"#);
/// ```
pub fn jwk_set(keys: &[VerifyingKey]) -> String {
    let keys: Vec<Value> = keys.iter().filter_map(VerifyingKey::public_jwk).collect();
    json!({ "keys": keys }).to_string()
}

/// The verifying keys of a JWK Set. Keys this build cannot use (another
/// `kty` or curve, `use` other than `sig`, `key_ops` without `verify`, an
/// `alg` it does not verify) are skipped; a key without `kty`, or of a
/// supported kind that is malformed (a member of the wrong type, an RSA
/// integer with a leading zero), carries private members, or repeats a
/// `kid`, fails the whole set.
pub fn parse_jwk_set(json: &[u8]) -> Result<Vec<VerifyingKey>, KeyError> {
    let set: Value = serde_json::from_slice(json).map_err(|_| KeyError::MalformedJwk("JSON"))?;
    let members = set
        .get("keys")
        .and_then(Value::as_array)
        .ok_or(KeyError::MalformedJwk("keys"))?;
    let mut keys: Vec<VerifyingKey> = Vec::new();
    for member in members {
        let Some(key) = parse_jwk(member)? else {
            continue;
        };
        if find_key(&keys, key.kid()).is_some() {
            return Err(KeyError::DuplicateKid);
        }
        keys.push(key);
    }
    Ok(keys)
}

/// One JWK: `None` for a key this build does not verify with.
fn parse_jwk(value: &Value) -> Result<Option<VerifyingKey>, KeyError> {
    let members = value.as_object().ok_or(KeyError::MalformedJwk("a key"))?;
    let kind = |name: &str| members.get(name).and_then(Value::as_str);
    let expected_alg = match (kind("kty"), kind("crv")) {
        (Some("EC"), Some("P-256")) => "ES256",
        (Some("OKP"), Some("Ed25519")) => "EdDSA",
        (Some("RSA"), None) => "RS256",
        (None, _) => return Err(KeyError::MalformedJwk("kty")),
        _ => return Ok(None),
    };
    // A key of a kind this build verifies: every member must be well typed.
    let jwk = Jwk::new(value)?;
    if jwk.text("use").is_some_and(|u| u != "sig") || !jwk.allows("verify") {
        return Ok(None);
    }
    if jwk.text("alg").is_some_and(|alg| alg != expected_alg) {
        return Ok(None);
    }
    if ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]
        .iter()
        .any(|m| jwk.has(m))
    {
        return Err(KeyError::MalformedJwk("private members in a public key"));
    }
    let kid = jwk.text("kid").ok_or(KeyError::MalformedJwk("kid"))?;
    if expected_alg == "RS256" {
        return public_key(expected_alg, kid, &jwk.uint("n")?, || jwk.uint("e"));
    }
    public_key(expected_alg, kid, &jwk.bytes("x")?, || jwk.bytes("y"))
}

/// The key of algorithm `alg` with the public parameters `x` (and `y`),
/// or for RSA `n` and `e`.
#[allow(unused_variables)]
fn public_key(
    alg: &str,
    kid: &str,
    x: &[u8],
    y: impl FnOnce() -> Result<Vec<u8>, KeyError>,
) -> Result<Option<VerifyingKey>, KeyError> {
    match alg {
        #[cfg(feature = "es256")]
        "ES256" => {
            let key = crate::mint::es256::Es256PublicKey::from_coordinates(kid, x, &y()?)?;
            Ok(Some(VerifyingKey::Es256(key)))
        }
        #[cfg(feature = "eddsa")]
        "EdDSA" => {
            let key = crate::mint::ed25519::Ed25519PublicKey::from_bytes(kid, x)?;
            Ok(Some(VerifyingKey::EdDsa(key)))
        }
        #[cfg(feature = "rs256")]
        "RS256" => {
            let key = crate::mint::rs256::Rs256PublicKey::from_components(kid, x, &y()?)?;
            Ok(Some(VerifyingKey::Rs256(key)))
        }
        _ => Ok(None),
    }
}
