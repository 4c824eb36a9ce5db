//! The `bearer` fuzz target's asymmetric keys (ES256, EdDSA, RS256: the
//! test keys of `tests/keys/`), with the `asymmetric` feature; none
//! without it. The engine gets each public key from its own PKCS#8
//! loader; the independent check and the forger use `jsonwebtoken`'s, from
//! the PEM files, so neither side trusts the other's key handling.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};

/// One asymmetric key, for the engine, the independent check and forging.
pub struct AsymmetricKey {
    /// Its `kid` in the ring.
    pub kid: &'static str,
    /// Its algorithm.
    pub alg: Algorithm,
    /// The `alg` header value.
    pub alg_name: &'static str,
    /// Signs forged tokens.
    pub encoding: EncodingKey,
    /// Verifies, in the independent check.
    pub decoding: DecodingKey,
    /// The public key as PEM text: what a confused verifier would use as
    /// an HS256 secret.
    pub public_pem: &'static str,
    /// The private key, PKCS#8 PEM, for the engine.
    pub private_pem: &'static str,
}

impl AsymmetricKey {
    /// `header_b64.payload_b64.signature` under this key. Signatures are
    /// deterministic and the fuzzer signs few distinct inputs (headers from
    /// small tables, the minted payload), so each is computed once: an RSA
    /// signature per input would slow the target a hundredfold.
    pub fn sign(&self, header_b64: &str, payload_b64: &str) -> String {
        static SIGNED: OnceLock<Mutex<HashMap<(&'static str, String), String>>> = OnceLock::new();
        let input = format!("{header_b64}.{payload_b64}");
        let cache = SIGNED.get_or_init(Mutex::default);
        let key = (self.kid, input);
        if let Some(token) = cache.lock().expect("the cache").get(&key) {
            return token.clone();
        }
        let signature = jsonwebtoken::crypto::sign(key.1.as_bytes(), &self.encoding, self.alg)
            .expect("a test key signs");
        let token = format!("{}.{signature}", key.1);
        cache.lock().expect("the cache").insert(key, token.clone());
        token
    }
}

/// The keys: `es1`, `ed1`, `rs1` with the feature, none without.
pub fn asymmetric_keys() -> &'static [AsymmetricKey] {
    static KEYS: OnceLock<Vec<AsymmetricKey>> = OnceLock::new();
    KEYS.get_or_init(load)
}

#[cfg(feature = "asymmetric")]
fn load() -> Vec<AsymmetricKey> {
    let es = (
        include_str!("../../../tests/keys/es256.pem"),
        include_str!("../../../tests/keys/es256.pub.pem"),
    );
    let ed = (
        include_str!("../../../tests/keys/ed25519.pem"),
        include_str!("../../../tests/keys/ed25519.pub.pem"),
    );
    let rs = (
        include_str!("../../../tests/keys/rs256.pem"),
        include_str!("../../../tests/keys/rs256.pub.pem"),
    );
    let key = |kid, alg, alg_name, (private_pem, public_pem): (&'static str, &'static str)| {
        let (encoding, decoding) = match alg {
            Algorithm::ES256 => (
                EncodingKey::from_ec_pem(private_pem.as_bytes()),
                DecodingKey::from_ec_pem(public_pem.as_bytes()),
            ),
            Algorithm::EdDSA => (
                EncodingKey::from_ed_pem(private_pem.as_bytes()),
                DecodingKey::from_ed_pem(public_pem.as_bytes()),
            ),
            _ => (
                EncodingKey::from_rsa_pem(private_pem.as_bytes()),
                DecodingKey::from_rsa_pem(public_pem.as_bytes()),
            ),
        };
        AsymmetricKey {
            kid,
            alg,
            alg_name,
            encoding: encoding.expect("a test private key"),
            decoding: decoding.expect("a test public key"),
            public_pem,
            private_pem,
        }
    };
    vec![
        key("es1", Algorithm::ES256, "ES256", es),
        key("ed1", Algorithm::EdDSA, "EdDSA", ed),
        key("rs1", Algorithm::RS256, "RS256", rs),
    ]
}

#[cfg(not(feature = "asymmetric"))]
fn load() -> Vec<AsymmetricKey> {
    Vec::new()
}
