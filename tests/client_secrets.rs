//! Client secrets are stored as verifiers keyed by the configuration's
//! pepper (hardening finding 2): a leaked client table reveals no secret,
//! two clients with one secret have different verifiers, peppers rotate,
//! an old table of unkeyed digests upgrades, and a host may opt into a
//! minimum length. Every verifier here is also recomputed independently
//! (HMAC-SHA256 from the `hmac` crate) to pin the stored format.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grant_engine::client_secret::{
    ClientSecrets, Pepper, RECOMMENDED_MINIMUM_LENGTH, SecretVerifier, VerifierKind, generate,
};
use grant_engine::errors::{ClientAuthFailure, ConfigError, SecretRefused};
use grant_engine::machine::SecurityEvent;
use grant_engine::values::{ClientSecret, SecretHash};
use grant_engine::{ClientRecord, Config, GrantType, MemoryStore, Scope};
use grant_engine_testkit::checks::{assert_error, assert_success};
use grant_engine_testkit::requests::post;
use grant_engine_testkit::wire::form;
use grant_engine_testkit::world::*;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

const CLIENT_AUTH_FAILED: &str = "client authentication failed";

/// The verifier format, computed without the engine.
fn independent_verifier(pepper_id: &str, pepper: &[u8], client: &str, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(pepper).unwrap();
    mac.update(&[1]);
    mac.update(&u32::try_from(client.len()).unwrap().to_be_bytes());
    mac.update(client.as_bytes());
    mac.update(&Sha256::digest(secret.as_bytes()));
    let digest = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("hmac-sha256:{pepper_id}:{digest}")
}

fn plain(value: &str) -> ClientSecret {
    ClientSecret::new(value).unwrap()
}

/// A store with one client_credentials client `svc` whose verifier is `verifier`.
fn store_with(verifier: SecretVerifier) -> MemoryStore {
    let mut store = MemoryStore::new();
    store.add_client(
        ClientRecord::confidential(id("svc"), verifier)
            .with_grant_types(&[GrantType::ClientCredentials])
            .with_scope(Scope::parse("read").unwrap()),
    );
    store
}

fn cc_body(secret: &str) -> String {
    form(&[
        ("grant_type", "client_credentials"),
        ("client_id", "svc"),
        ("client_secret", secret),
    ])
}

/// Runs client_credentials for `svc` with `secret` under `config`.
fn authenticate(
    config: &Config,
    store: &mut MemoryStore,
    secret: &str,
) -> grant_engine::Outcome<grant_engine::Exchange> {
    post(store, config, &cc_body(secret), call(NOW, 1))
}

fn failure_of(outcome: &grant_engine::Outcome<grant_engine::Exchange>) -> ClientAuthFailure {
    match outcome.events() {
        [SecurityEvent::ClientAuthenticationFailed { reason, .. }] => *reason,
        other => panic!("expected one authentication failure, got {other:?}"),
    }
}

#[test]
fn the_stored_verifier_is_keyed_and_bound_to_the_client() {
    // Before peppers the store held SHA-256(secret): equal for two clients
    // with one secret, and found by hashing a dictionary.
    let a = verifier("alpha", "your_client_secret");
    let b = verifier("beta", "your_client_secret");
    assert_ne!(a, b);
    let unkeyed = SecretHash::of("your_client_secret").to_string();
    assert!(!a.to_string().contains(&unkeyed));
    assert_eq!(
        a.to_string(),
        independent_verifier(PEPPER_ID, PEPPER_SECRET, "alpha", "your_client_secret")
    );
    assert_eq!(a.kind(), VerifierKind::HmacSha256);
    assert_eq!(a.pepper_id(), PEPPER_ID);
    // The digest stays out of logs.
    assert_eq!(format!("{a:?}"), "SecretVerifier(hmac-sha256:pepper-1:..)");
}

#[test]
fn the_right_secret_authenticates_and_a_wrong_one_does_not() {
    let config = config();
    let mut store = store_with(verifier("svc", "svc-secret"));
    assert_success(
        &authenticate(&config, &mut store, "svc-secret"),
        &config,
        NOW,
    );
    let wrong = authenticate(&config, &mut store, "svc-secret2");
    assert_error(&wrong, 401, "invalid_client", CLIENT_AUTH_FAILED);
    assert_eq!(failure_of(&wrong), ClientAuthFailure::WrongSecret);
}

#[test]
fn a_table_under_another_pepper_verifies_nothing() {
    // The same id, another secret: what an attacker with the table alone
    // would have to guess.
    let other = ClientSecrets::new(Pepper::new(PEPPER_ID, &[0x42; 32]).unwrap());
    let forged = other.verifier(&id("svc"), &plain("svc-secret")).unwrap();
    let mut store = store_with(forged);
    let outcome = authenticate(&config(), &mut store, "svc-secret");
    assert_error(&outcome, 401, "invalid_client", CLIENT_AUTH_FAILED);
    assert_eq!(failure_of(&outcome), ClientAuthFailure::WrongSecret);
}

#[test]
fn a_retired_pepper_still_verifies_and_an_unknown_one_fails_closed() {
    let old = Pepper::new("old", &[0x11; 32]).unwrap();
    let old_ring = ClientSecrets::new(old.clone());
    let old_verifier = old_ring.verifier(&id("svc"), &plain("svc-secret")).unwrap();

    let rotated = ClientSecrets::new(Pepper::new("new", &[0x22; 32]).unwrap())
        .with_retired(old.clone())
        .unwrap();
    // A verifier names exactly one pepper: ids are unique in a ring.
    assert_eq!(
        rotated.clone().with_retired(old).err(),
        Some(ConfigError::DuplicatePepperId)
    );
    assert!(!rotated.is_current(&old_verifier));
    let rotated_config = config().with_client_secrets(rotated.clone());
    let mut store = store_with(old_verifier.clone());
    assert_success(
        &authenticate(&rotated_config, &mut store, "svc-secret"),
        &rotated_config,
        NOW,
    );
    let renewed = rotated.verifier(&id("svc"), &plain("svc-secret")).unwrap();
    assert!(rotated.is_current(&renewed));
    assert_eq!(renewed.pepper_id(), "new");

    // Drop the old pepper too early: the client fails, with a reason that
    // tells the host it is a configuration problem, not a wrong secret.
    let dropped =
        config().with_client_secrets(ClientSecrets::new(Pepper::new("new", &[0x22; 32]).unwrap()));
    let outcome = authenticate(&dropped, &mut store, "svc-secret");
    assert_error(&outcome, 401, "invalid_client", CLIENT_AUTH_FAILED);
    assert_eq!(failure_of(&outcome), ClientAuthFailure::UnknownPepper);
}

#[test]
fn without_a_pepper_no_confidential_client_authenticates() {
    let bare = Config::new(ISSUER, AUDIENCE, keys());
    assert!(bare.client_secrets().is_none());
    let mut store = store_with(verifier("svc", "svc-secret"));
    let outcome = authenticate(&bare, &mut store, "svc-secret");
    assert_error(&outcome, 401, "invalid_client", CLIENT_AUTH_FAILED);
    assert_eq!(failure_of(&outcome), ClientAuthFailure::UnknownPepper);
}

#[test]
fn an_unkeyed_digest_upgrades_without_the_secret() {
    let legacy = SecretHash::of("svc-secret");
    let upgraded = client_secrets().upgrade(&id("svc"), &legacy).unwrap();
    assert_eq!(upgraded, verifier("svc", "svc-secret"));
    let mut store = store_with(upgraded);
    assert_success(
        &authenticate(&config(), &mut store, "svc-secret"),
        &config(),
        NOW,
    );
}

#[test]
fn the_minimum_length_is_enforced_only_where_the_host_opts_in() {
    let weak = plain("your_client_secret");
    assert!(client_secrets().verifier(&id("svc"), &weak).is_ok());
    let strict = client_secrets().with_minimum_length(RECOMMENDED_MINIMUM_LENGTH);
    assert_eq!(
        strict.verifier(&id("svc"), &weak),
        Err(SecretRefused::TooShort {
            length: 18,
            minimum: 32
        })
    );
    // Verifiers made before the host opted in keep working.
    let config = config().with_client_secrets(strict.clone());
    let mut store = store_with(verifier("svc", "your_client_secret"));
    assert_success(
        &authenticate(&config, &mut store, "your_client_secret"),
        &config,
        NOW,
    );
    // A generated secret meets the minimum.
    let generated = generate(&entropy(7));
    assert!(strict.verifier(&id("svc"), &generated).is_ok());
}

#[test]
fn a_generated_secret_has_256_bits_and_authenticates() {
    let generated = generate(&entropy(7));
    let text = generated.expose_secret();
    assert_eq!(text.len(), 43);
    assert_eq!(URL_SAFE_NO_PAD.decode(text).unwrap().len(), 32);
    assert_ne!(generated, generate(&entropy(8)));
    // Bound to its purpose: not the entropy itself, nor its plain digest.
    assert_ne!(URL_SAFE_NO_PAD.decode(text).unwrap(), vec![7u8; 32]);
    assert_ne!(
        URL_SAFE_NO_PAD.decode(text).unwrap(),
        Sha256::digest([7u8; 32]).to_vec()
    );
    let verifier = client_secrets().verifier(&id("svc"), &generated).unwrap();
    let mut store = store_with(verifier);
    assert_success(&authenticate(&config(), &mut store, text), &config(), NOW);
}

#[test]
fn verifiers_round_trip_through_their_rendering() {
    let verifier = verifier("svc", "svc-secret");
    let text = verifier.to_string();
    assert_eq!(SecretVerifier::parse(&text).unwrap(), verifier);
    let json = serde_json::to_string(&verifier).unwrap();
    assert_eq!(json, format!("\"{text}\""));
    assert_eq!(
        serde_json::from_str::<SecretVerifier>(&json).unwrap(),
        verifier
    );
    let digest = text.rsplit(':').next().unwrap().to_owned();
    for bad in [
        String::new(),
        digest.clone(),
        format!("sha256:{PEPPER_ID}:{digest}"),
        format!("hmac-sha256::{digest}"),
        format!("hmac-sha256:a b:{digest}"),
        format!("hmac-sha256:{PEPPER_ID}:{}", &digest[1..]),
        format!("hmac-sha256:{PEPPER_ID}:{digest}:x"),
        format!("pbkdf2-sha256:{PEPPER_ID}:0:{digest}"),
        format!("pbkdf2-sha256:{PEPPER_ID}:999:{digest}"),
        format!("pbkdf2-sha256:{PEPPER_ID}:0600000:{digest}"),
        format!("pbkdf2-sha256:{PEPPER_ID}:10000001:{digest}"),
        format!("pbkdf2-sha256:{PEPPER_ID}:+5:{digest}"),
        format!("pbkdf2-sha256:{PEPPER_ID}:{digest}"),
    ] {
        assert!(SecretVerifier::parse(&bad).is_err(), "{bad:?} parsed");
    }
    let slow = format!("pbkdf2-sha256:{PEPPER_ID}:600000:{digest}");
    let parsed = SecretVerifier::parse(&slow).unwrap();
    assert_eq!(
        parsed.kind(),
        VerifierKind::Pbkdf2Sha256 {
            iterations: 600_000
        }
    );
    assert_eq!(parsed.to_string(), slow);
}

#[test]
fn peppers_are_checked_when_built() {
    assert!(Pepper::new("p", &[1; 31]).is_err());
    assert!(Pepper::new("", &[1; 32]).is_err());
    assert!(Pepper::new("a:b", &[1; 32]).is_err());
    assert!(Pepper::new("x".repeat(33), &[1; 32]).is_err());
    assert!(Pepper::new("x".repeat(32), &[1; 32]).is_ok());
    let derived = Pepper::from_secret(&[1; 32]).unwrap();
    assert_eq!(derived.id(), Pepper::from_secret(&[1; 32]).unwrap().id());
    assert_eq!(
        format!("{derived:?}"),
        format!("Pepper {{ id: {:?}, secret: <redacted> }}", derived.id())
    );
}

#[cfg(feature = "pbkdf2")]
mod slow {
    use super::*;

    #[test]
    fn a_pbkdf2_verifier_is_peppered_stretched_and_checked() {
        let slow = client_secrets().with_pbkdf2(1_000).unwrap();
        let verifier = slow.verifier(&id("svc"), &plain("svc-secret")).unwrap();
        assert!(
            verifier
                .to_string()
                .starts_with("pbkdf2-sha256:pepper-1:1000:")
        );
        // PBKDF2-HMAC-SHA256 of the keyed digest, salted with the id.
        let keyed = independent_verifier(PEPPER_ID, PEPPER_SECRET, "svc", "svc-secret");
        let keyed = URL_SAFE_NO_PAD
            .decode(keyed.rsplit(':').next().unwrap())
            .unwrap();
        let salt = [b"grant-engine client secret pbkdf2 v1\0".as_slice(), b"svc"].concat();
        let mut expected = [0u8; 32];
        independent_pbkdf2(&keyed, &salt, 1_000, &mut expected);
        assert!(
            verifier
                .to_string()
                .ends_with(&URL_SAFE_NO_PAD.encode(expected))
        );

        let config = config().with_client_secrets(slow);
        let mut store = store_with(verifier);
        assert_success(
            &authenticate(&config, &mut store, "svc-secret"),
            &config,
            NOW,
        );
        let wrong = authenticate(&config, &mut store, "svc-secreT");
        assert_eq!(failure_of(&wrong), ClientAuthFailure::WrongSecret);
        // A fast verifier keeps working beside slow ones.
        let mut store = store_with(super::verifier("svc", "svc-secret"));
        assert_success(
            &authenticate(&config, &mut store, "svc-secret"),
            &config,
            NOW,
        );
    }

    #[test]
    fn the_iteration_count_is_bounded() {
        assert!(matches!(
            client_secrets().with_pbkdf2(999),
            Err(ConfigError::IterationsOutOfRange { .. })
        ));
        assert!(client_secrets().with_pbkdf2(10_000_001).is_err());
        assert!(client_secrets().with_pbkdf2(10_000_000).is_ok());
    }

    #[test]
    fn a_stored_verifier_costs_no_more_than_configured() {
        // More iterations than the ring allows (its count, or the
        // recommendation if that is more): refused before any work.
        let digest = URL_SAFE_NO_PAD.encode([0u8; 32]);
        let verifier =
            SecretVerifier::parse(&format!("pbkdf2-sha256:{PEPPER_ID}:600001:{digest}")).unwrap();
        let config = config().with_client_secrets(client_secrets().with_pbkdf2(1_000).unwrap());
        let mut store = store_with(verifier);
        let outcome = authenticate(&config, &mut store, "svc-secret");
        assert_error(&outcome, 401, "invalid_client", CLIENT_AUTH_FAILED);
        assert_eq!(failure_of(&outcome), ClientAuthFailure::UnsupportedVerifier);
    }

    /// PBKDF2 (RFC 8018 5.2) for one 32-byte block, written out.
    fn independent_pbkdf2(password: &[u8], salt: &[u8], rounds: u32, out: &mut [u8; 32]) {
        let prf = |data: &[u8]| -> [u8; 32] {
            let mut mac = Hmac::<Sha256>::new_from_slice(password).unwrap();
            mac.update(data);
            mac.finalize().into_bytes().into()
        };
        let mut u = prf(&[salt, &1u32.to_be_bytes()].concat());
        *out = u;
        for _ in 1..rounds {
            u = prf(&u);
            for (o, b) in out.iter_mut().zip(u) {
                *o ^= b;
            }
        }
    }
}

#[cfg(not(feature = "pbkdf2"))]
#[test]
fn a_pbkdf2_verifier_without_the_feature_is_refused_with_its_reason() {
    let digest = URL_SAFE_NO_PAD.encode([0u8; 32]);
    let slow = SecretVerifier::parse(&format!("pbkdf2-sha256:{PEPPER_ID}:1000:{digest}")).unwrap();
    let mut store = store_with(slow);
    let outcome = authenticate(&config(), &mut store, "svc-secret");
    assert_error(&outcome, 401, "invalid_client", CLIENT_AUTH_FAILED);
    assert_eq!(failure_of(&outcome), ClientAuthFailure::UnsupportedVerifier);
}
