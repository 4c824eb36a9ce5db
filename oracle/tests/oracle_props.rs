//! Property tests of the reference oracle (issue 6 item 4), on random small
//! states and requests: the `engine` fuzz target's grammar
//! (`grant_engine_testkit::fuzz::engine`), decoded with `arbitrary` from
//! random bytes, and every conformance vector.
//!
//! - Determinism: the same requests on two fresh oracles give the same
//!   bytes and effects.
//! - Effects are the whole story: applying a first request's effects to the
//!   fixture (`engine::apply_effects`, written from `Effect`'s documentation,
//!   not from `MemoryStore`) and sending a second request to a fresh oracle
//!   loaded from it gives the same answer as sending both to one oracle. The
//!   second request's time and entropy are set as the session's would be:
//!   the n-th request of a session (from 0) uses SHA-256(entropy ‖ n as a
//!   big-endian u64), the first one the fixture's entropy itself.

use std::fs;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grant_engine_oracle::{Fixture, Oracle, OracleAnswer, RawRequest, Vector, render_response};
use grant_engine_testkit::fuzz::engine;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// The structured seeds of the engine fuzz target (`seed-struct_*`, written
/// by `fuzz/gen_corpus.py`): sessions that redeem codes, rotate and reuse
/// refresh tokens, revoke and introspect.
fn structured_seeds() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/engine");
    let mut seeds: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .expect("fuzz/corpus/engine")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("seed-struct_"))
        })
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_owned();
            (name, fs::read(&path).expect("a seed"))
        })
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "no structured seeds");
    seeds
}

/// A random input of the engine grammar (a state and 1-4 requests): random
/// bytes, or more often a structured seed with a few bytes changed, so that
/// most sessions get past client authentication and touch real records.
fn engine_input() -> impl Strategy<Value = Vec<u8>> {
    let seeds: Vec<Vec<u8>> = structured_seeds().into_iter().map(|(_, d)| d).collect();
    let count = seeds.len();
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..1536),
        3 => (0..count, proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6))
            .prop_map(move |(i, edits)| {
                let mut data = seeds[i].clone();
                let len = data.len();
                for (at, byte) in edits {
                    data[at % len] = byte;
                }
                data
            }),
    ]
}

/// The fixture and requests of a grammar input, the requests built as a
/// session would (later ones may present what earlier answers returned),
/// with the answers of that first session.
fn session_of(data: &[u8]) -> (Fixture, Vec<(u64, RawRequest)>, Vec<OracleAnswer>) {
    let input = engine::EngineInput::from_bytes(data).expect("arbitrary does not run out of bytes");
    let built = engine::build_fixture(&input.state);
    let mut oracle = Oracle::from_fixture(&built.fixture).expect("a built fixture loads");
    let mut now = built.fixture.now;
    let mut earlier = Vec::new();
    let mut requests = Vec::new();
    let mut answers = Vec::new();
    for spec in engine::specs(&input) {
        now = now.saturating_add(engine::advance_of(spec));
        let request = engine::build_request(spec, &built.secrets, &earlier);
        oracle.set_now(now);
        let answer = oracle.handle(&request);
        earlier.extend(engine::harvest(&answer.response));
        requests.push((now, request));
        answers.push(answer);
    }
    (built.fixture, requests, answers)
}

/// The answers of a fresh oracle to `requests`.
fn replay(fixture: &Fixture, requests: &[(u64, RawRequest)]) -> Vec<OracleAnswer> {
    let mut oracle = Oracle::from_fixture(fixture).expect("the fixture loads");
    requests
        .iter()
        .map(|(now, request)| {
            oracle.set_now(*now);
            oracle.handle(request)
        })
        .collect()
}

fn assert_same(a: &OracleAnswer, b: &OracleAnswer, what: &str) {
    assert_eq!(
        String::from_utf8_lossy(&render_response(&a.response)),
        String::from_utf8_lossy(&render_response(&b.response)),
        "{what}: the responses differ"
    );
    assert_eq!(a.effects, b.effects, "{what}: the effects differ");
}

/// The entropy of the `n`-th request (from 0) of a session on `fixture`.
fn entropy_of_request(fixture: &Fixture, n: u64) -> String {
    if n == 0 {
        return fixture.entropy.clone();
    }
    let entropy = URL_SAFE_NO_PAD
        .decode(&fixture.entropy)
        .expect("the fixture's entropy is base64url");
    let next: [u8; 32] = Sha256::new()
        .chain_update(&entropy)
        .chain_update(n.to_be_bytes())
        .finalize()
        .into();
    URL_SAFE_NO_PAD.encode(next)
}

/// The fixture after the first `k` requests of a session: the state it
/// describes with their effects applied, at the next request's time and
/// with the entropy the session would give that request.
fn fixture_after(fixture: &Fixture, answers: &[OracleAnswer], now: u64) -> Fixture {
    let mut next = engine::normalize(fixture);
    for (i, answer) in answers.iter().enumerate() {
        engine::apply_effects(&mut next, &answer.effects).unwrap_or_else(|conflict| {
            panic!(
                "request {}: the oracle applied a unit the model refuses: {conflict}",
                i + 1
            )
        });
    }
    next.now = now;
    next.entropy = entropy_of_request(fixture, answers.len() as u64);
    next
}

/// Property (b) for every request after the first: the session's answer
/// equals a fresh oracle's answer from the fixture with the effects of the
/// requests before it applied.
fn check_effects_replay(fixture: &Fixture, requests: &[(u64, RawRequest)], what: &str) {
    let session = replay(fixture, requests);
    for k in 1..requests.len() {
        let next = fixture_after(fixture, &session[..k], requests[k].0);
        let fresh = replay(&next, &requests[k..=k]);
        assert_same(
            &session[k],
            &fresh[0],
            &format!("{what}, request {}", k + 1),
        );
        // A host may keep the state as JSON: the fixture survives it.
        let json = serde_json::to_string(&next).expect("a fixture serializes");
        let back: Fixture = serde_json::from_str(&json).expect("a fixture deserializes");
        assert_eq!(back, next, "{what}: the fixture does not survive JSON");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    /// Two fresh oracles answer the same requests with the same bytes.
    #[test]
    fn the_oracle_is_deterministic(data in engine_input()) {
        let (fixture, requests, answers) = session_of(&data);
        let again = replay(&fixture, &requests);
        for (i, (a, b)) in answers.iter().zip(&again).enumerate() {
            assert_same(a, b, &format!("request {}", i + 1));
        }
    }

    /// Replaying the earlier requests' effects into the fixture and sending
    /// the next request to a fresh oracle gives the session's answer.
    #[test]
    fn effects_replayed_into_the_fixture_give_the_same_answer(data in engine_input()) {
        let (fixture, requests, _) = session_of(&data);
        check_effects_replay(&fixture, &requests, "a random session");
    }
}

/// Both properties on the structured seeds as they are.
#[test]
fn structured_seeds_as_they_are() {
    for (name, data) in structured_seeds() {
        let (fixture, requests, answers) = session_of(&data);
        let again = replay(&fixture, &requests);
        for (a, b) in answers.iter().zip(&again) {
            assert_same(a, b, &name);
        }
        check_effects_replay(&fixture, &requests, &name);
    }
}

/// Every conformance vector, its request sent twice: deterministic, and the
/// replay (code reuse, refresh rotation...) answered the same from the
/// fixture with the first answer's effects applied.
#[test]
fn every_vector_sent_twice() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut count = 0;
    for entry in fs::read_dir(dir).expect("tests/vectors") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let vector: Vector = serde_json::from_slice(&fs::read(&path).expect("a vector"))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let request = vector.request.to_raw().expect("a valid request");
        let now = vector.fixture.now;
        let requests = vec![(now, request.clone()), (now, request)];
        let first = replay(&vector.fixture, &requests);
        let second = replay(&vector.fixture, &requests);
        for (a, b) in first.iter().zip(&second) {
            assert_same(a, b, &vector.name);
        }
        check_effects_replay(&vector.fixture, &requests, &vector.name);
        count += 1;
    }
    assert!(count > 0, "no vectors");
}

/// The entropy rule this file relies on: a fixture whose entropy is the
/// session's second entropy answers a request as the session's second
/// request would (checked on the seed vector that mints tokens).
#[test]
fn the_second_request_of_a_session_uses_the_derived_entropy() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/seed-client-credentials.json");
    let vector: Vector =
        serde_json::from_slice(&fs::read(path).expect("the seed vector")).expect("a vector");
    let request = vector.request.to_raw().expect("a valid request");
    let now = vector.fixture.now;
    let session = replay(
        &vector.fixture,
        &[(now, request.clone()), (now, request.clone())],
    );
    assert_eq!(session[1].response.status, 200);
    let mut second = vector.fixture.clone();
    second.entropy = entropy_of_request(&vector.fixture, 1);
    let fresh = replay(&second, &[(now, request)]);
    assert_same(&session[1], &fresh[0], "the derived entropy");
    // And the tokens differ from the first request's: the entropy matters.
    assert_ne!(session[0].response.body, session[1].response.body);
}
