//! Access-token signing and verification per algorithm, each beside the
//! raw signature of the same crate over an input of the same length.
//!
//! `grant/client_credentials/<alg>` runs the whole token endpoint with a
//! ring signing with that algorithm; `sign/<alg>` is the crate's bare
//! signature over a signing input as long as the engine's (`hmac` cloned
//! from a pre-keyed state, `p256` RFC 6979 ECDSA, `ed25519-dalek`, `rsa`
//! PKCS#1 v1.5 unblinded: the engine blinds, so its RS256 does a little
//! more than this floor), the floor of what minting costs for that
//! algorithm. `verify/<alg>` runs
//! `verify_access_token` on one of the engine's tokens; `raw_verify/<alg>`
//! the crate's bare verification of the same signature.
//!
//! Run: `cargo bench -p grant-engine --features es256,eddsa,rs256 --bench signing`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::pkcs8::DecodePrivateKey as _;
use grant_engine::bearer::verify_access_token;
use grant_engine::mint::{Ed25519Key, Es256Key, Rs256Key, SigningKey};
use grant_engine::{
    Call, Config, Entropy, Exchange, HmacKey, KeyRing, MemoryStore, RequestParts, drive,
};
use grant_engine_testkit::bench::{CC_BODY, ENTROPY, KEY, NOW, config, store};
use hmac::{Hmac, KeyInit, Mac};
use p256::ecdsa::signature::{Signer, Verifier};
use sha2::Sha256;

const ES256_PEM: &str = include_str!("../tests/keys/es256.pem");
const ED25519_PEM: &str = include_str!("../tests/keys/ed25519.pem");
const RS256_PEM: &str = include_str!("../tests/keys/rs256.pem");

/// The four signing keys, named as the benches are.
fn keys() -> Vec<(&'static str, SigningKey)> {
    vec![
        ("HS256", HmacKey::new("k1", &KEY).expect("key").into()),
        (
            "ES256",
            Es256Key::from_pkcs8_pem("k1", ES256_PEM)
                .expect("key")
                .into(),
        ),
        (
            "EdDSA",
            Ed25519Key::from_pkcs8_pem("k1", ED25519_PEM)
                .expect("key")
                .into(),
        ),
        (
            "RS256",
            Rs256Key::from_pkcs8_pem("k1", RS256_PEM)
                .expect("key")
                .into(),
        ),
    ]
}

/// One client_credentials exchange under `config`, checked.
fn token(config: &Config, store: &mut MemoryStore) -> String {
    let request = Exchange::parse(&RequestParts::form_post(CC_BODY), config);
    let call = Call::new(NOW, Entropy::from_bytes(ENTROPY));
    let outcome = drive(store, config, call, request).expect("applied");
    assert_eq!(outcome.response().status, 200);
    let json: serde_json::Value = serde_json::from_slice(&outcome.response().body).expect("json");
    json["access_token"].as_str().expect("a token").to_owned()
}

/// The signing input of `token` (header and payload).
fn signing_input(token: &str) -> &str {
    token
        .rsplit_once('.')
        .map(|(input, _)| input)
        .expect("three parts")
}

fn engine(c: &mut Criterion) {
    for (alg, key) in keys() {
        let config = config().with_keys(KeyRing::new(key));
        let mut store = store();
        c.bench_function(&format!("grant/client_credentials/{alg}"), |b| {
            b.iter(|| token(black_box(&config), &mut store))
        });
        let token = token(&config, &mut store);
        c.bench_function(&format!("verify/{alg}"), |b| {
            b.iter(|| verify_access_token(black_box(&token), &config, NOW, 0).expect("valid"))
        });
    }
}

fn raw(c: &mut Criterion) {
    let hs256 = config();
    let input = signing_input(&token(&hs256, &mut store())).to_owned();
    let mac = Hmac::<Sha256>::new_from_slice(&KEY).expect("key");
    c.bench_function("sign/HS256", |b| {
        b.iter(|| {
            mac.clone()
                .chain_update(black_box(input.as_bytes()))
                .finalize()
        })
    });
    let es = p256::ecdsa::SigningKey::from_pkcs8_pem(ES256_PEM).expect("key");
    let es_signature: p256::ecdsa::Signature = es.sign(input.as_bytes());
    c.bench_function("sign/ES256", |b| {
        b.iter(|| -> p256::ecdsa::Signature { es.sign(black_box(input.as_bytes())) })
    });
    c.bench_function("raw_verify/ES256", |b| {
        b.iter(|| {
            es.verifying_key()
                .verify(black_box(input.as_bytes()), &es_signature)
        })
    });
    let ed = ed25519_dalek::SigningKey::from_pkcs8_pem(ED25519_PEM).expect("key");
    let ed_signature = ed.sign(input.as_bytes());
    c.bench_function("sign/EdDSA", |b| {
        b.iter(|| ed.sign(black_box(input.as_bytes())))
    });
    c.bench_function("raw_verify/EdDSA", |b| {
        b.iter(|| {
            ed.verifying_key()
                .verify_strict(black_box(input.as_bytes()), &ed_signature)
        })
    });
}

fn raw_rsa(c: &mut Criterion) {
    use rsa::pkcs8::DecodePrivateKey as _;
    let input = signing_input(&token(&config(), &mut store())).to_owned();
    let rs = rsa::PrivateKey::from_pkcs8_pem(RS256_PEM).expect("key");
    let rs_signature = rs.pkcs1v15_sign::<Sha256>(input.as_bytes()).expect("signs");
    c.bench_function("sign/RS256", |b| {
        b.iter(|| rs.pkcs1v15_sign::<Sha256>(black_box(input.as_bytes())))
    });
    let public = rs.to_public_key();
    c.bench_function("raw_verify/RS256", |b| {
        b.iter(|| public.pkcs1v15_verify::<Sha256>(black_box(input.as_bytes()), &rs_signature))
    });
}

criterion_group!(benches, engine, raw, raw_rsa);
criterion_main!(benches);
