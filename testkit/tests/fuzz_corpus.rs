//! Replays every file of `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/`
//! through the same assertions as the fuzz targets, so `cargo test` checks
//! the corpus on stable Rust without libFuzzer.
//!
//! A regression whose name starts with `open-` reproduces a bug that is not
//! fixed yet: it must still fail. Once the fix makes it pass, drop the prefix
//! so that it guards the fix.

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

use grant_engine_testkit::fuzz::{
    authorize_request, basic_credentials, bearer, engine, scope, token_request,
};

/// One fuzz target's assertions: panics on a failure.
type Check = fn(&[u8]);

/// The fuzz targets, by directory name, with their assertions.
const TARGETS: &[(&str, Check)] = &[
    ("token_request", token_request::check),
    ("basic_credentials", basic_credentials::check),
    ("scope", |data| {
        scope::check(data);
    }),
    ("authorize_request", authorize_request::check),
    ("bearer", bearer::check),
    ("engine", |data| {
        engine::check(data);
    }),
];

/// `fuzz/<kind>/` at the repository root (this package is `testkit/`).
fn fuzz_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz")
        .join(kind)
}

/// The files of `dir`, sorted; none if it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Whether `check` panics on the file at `path`.
fn fails(check: Check, path: &Path) -> bool {
    let data = fs::read(path).expect("a readable corpus file");
    panic::catch_unwind(|| check(&data)).is_err()
}

/// Runs `target`'s assertions on each file of its corpus and regressions,
/// reporting every unexpected outcome rather than only the first.
fn replay(target: &str) {
    let check = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, check)| *check)
        .expect("a known target");
    let corpus = files(&fuzz_dir("corpus").join(target));
    assert!(!corpus.is_empty(), "fuzz/corpus/{target}/ has no files");
    let regressions = files(&fuzz_dir("regressions").join(target));
    let mut unexpected = Vec::new();
    for path in corpus.iter().chain(&regressions) {
        let open = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("open-"))
            && regressions.contains(path);
        match (fails(check, path), open) {
            (true, false) => unexpected.push(format!("{} fails", path.display())),
            (false, true) => unexpected.push(format!(
                "{} passes now: drop its open- prefix",
                path.display()
            )),
            (true, true) => eprintln!("{} still fails (open bug)", path.display()),
            (false, false) => {}
        }
    }
    assert!(
        unexpected.is_empty(),
        "{} of {} {target} inputs (panic messages above):\n{}",
        unexpected.len(),
        corpus.len() + regressions.len(),
        unexpected.join("\n")
    );
}

#[test]
fn token_request_corpus() {
    replay("token_request");
}

#[test]
fn basic_credentials_corpus() {
    replay("basic_credentials");
}

#[test]
fn scope_corpus() {
    replay("scope");
}

#[test]
fn authorize_request_corpus() {
    replay("authorize_request");
}

#[test]
fn bearer_corpus() {
    replay("bearer");
}

#[test]
fn engine_corpus() {
    replay("engine");
}

/// A directory for a target this test does not know would be silently skipped.
#[test]
fn every_directory_is_a_known_target() {
    for kind in ["corpus", "regressions"] {
        let Ok(entries) = fs::read_dir(fuzz_dir(kind)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a readable directory entry").path();
            if !path.is_dir() {
                continue;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            assert!(
                TARGETS.iter().any(|(target, _)| *target == name),
                "fuzz/{kind}/{name}/ is not a fuzz target replayed here"
            );
        }
    }
}

/// The seeds decode as `gen_corpus.py` meant: the three sample requests parse.
#[test]
fn seeds_decode_to_the_sample_requests() {
    use grant_engine::GrantType;
    use grant_engine::parse::parse_token_request;
    for (seed, grant_type) in [
        ("seed-authorization_code", GrantType::AuthorizationCode),
        ("seed-client_credentials", GrantType::ClientCredentials),
        ("seed-refresh_token", GrantType::RefreshToken),
        ("seed-basic_encoded", GrantType::ClientCredentials),
    ] {
        let data =
            fs::read(fuzz_dir("corpus").join("token_request").join(seed)).expect("the seed exists");
        let input = token_request::TokenInput::split(&data);
        let request = parse_token_request(&input.parts())
            .unwrap_or_else(|e| panic!("{seed} is refused: {e:?}"));
        assert_eq!(request.grant_type(), grant_type, "{seed}");
        assert_eq!(request.client().client_id().as_str(), "your_client_id");
    }
}

/// Every conformance vector has its engine seed (`gen_corpus.py` was run
/// after the vectors last changed).
#[test]
fn every_vector_has_an_engine_seed() {
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut missing = Vec::new();
    for path in files(&vectors) {
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let seed = fuzz_dir("corpus")
            .join("engine")
            .join(format!("seed-vector-{stem}"));
        let expected = [b"V".as_slice(), &fs::read(&path).expect("a vector")].concat();
        if fs::read(&seed).ok().as_ref() != Some(&expected) {
            missing.push(stem.to_owned());
        }
    }
    assert!(
        missing.is_empty(),
        "run python3 fuzz/gen_corpus.py: no or stale engine seed for {missing:?}"
    );
}

/// The structured engine seeds decode as `gen_corpus.py` meant (it writes
/// the `arbitrary` encoding by hand): each gives the statuses it says.
#[test]
fn engine_seeds_decode_as_meant() {
    for (seed, statuses) in [
        ("code_refresh_bearer_revoke", &[200, 200, 200, 200][..]),
        ("pkce_code_reuse", &[200, 400]),
        ("client_credentials_introspect", &[200, 200]),
        ("authorize_then_redeem", &[302, 200]),
        ("refresh_reuse", &[200, 400, 400]),
        ("refresh_grace", &[200, 200]),
        ("metadata_and_free", &[200, 405]),
    ] {
        let path = fuzz_dir("corpus")
            .join("engine")
            .join(format!("seed-struct_{seed}"));
        let data = fs::read(&path).expect("the seed exists");
        let exchanges = engine::run(&data).expect("a structured input runs");
        let got: Vec<u16> = exchanges.iter().map(|e| e.status).collect();
        assert_eq!(got, statuses, "{seed}");
    }
    // The introspection answers active; the grace replay returns the same
    // successor.
    let run = |seed: &str| {
        let path = fuzz_dir("corpus")
            .join("engine")
            .join(format!("seed-struct_{seed}"));
        engine::run(&fs::read(path).expect("the seed exists")).expect("it runs")
    };
    let introspected = run("client_credentials_introspect");
    let body = String::from_utf8_lossy(&introspected[1].response).into_owned();
    assert!(body.contains(r#""active":true"#), "{body}");
    let grace = run("refresh_grace");
    let refresh_token = |e: &engine::Exchange| {
        let text = String::from_utf8_lossy(&e.response).into_owned();
        let json = text.split_once("\r\n\r\n").expect("a body").1.to_owned();
        let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        value["refresh_token"]
            .as_str()
            .expect("a refresh token")
            .to_owned()
    };
    assert_eq!(refresh_token(&grace[0]), refresh_token(&grace[1]));
}
