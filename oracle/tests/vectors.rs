//! Conformance vectors: `tests/vectors/*.json`, one per RFC-RULES row plus
//! the seed's requests. Every vector is replayed and must match to the byte.
//!
//! The files live at the repository root, `tests/vectors/`, beside the
//! core they pin. To regenerate after an intended change of behaviour:
//!
//!     REGENERATE_VECTORS=1 cargo test -p grant-engine-oracle --test vectors
//!
//! and review `git diff tests/vectors/`.

mod vector_cases;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use grant_engine_oracle::{RawRequest, Vector, VectorResponse};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// Every vector on disk, regenerated first (once per run, before any test
/// reads them) when `REGENERATE_VECTORS` is set.
fn load_vectors() -> Vec<(PathBuf, Vector)> {
    static REGENERATED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    REGENERATED.get_or_init(|| {
        if std::env::var_os("REGENERATE_VECTORS").is_some() {
            regenerate();
        }
    });
    read_vectors()
}

fn read_vectors() -> Vec<(PathBuf, Vector)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(vectors_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = fs::read_to_string(&path).unwrap();
            let vector: Vector =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((path, vector));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn regenerate() {
    let dir = vectors_dir();
    fs::create_dir_all(&dir).unwrap();
    let mut names = BTreeSet::new();
    for case in vector_cases::cases() {
        assert!(names.insert(case.name), "duplicate case name {}", case.name);
        let mut vector = Vector {
            name: case.name.into(),
            rule: case.rule.into(),
            fixture: case.fixture,
            request: case.request,
            response: VectorResponse {
                status: 0,
                headers: Vec::new(),
                body: String::new(),
            },
            effects: Vec::new(),
        };
        let (response, effects) = vector.run().unwrap();
        vector.response = response;
        vector.effects = effects;
        let mut text = serde_json::to_string_pretty(&vector).unwrap();
        text.push('\n');
        fs::write(dir.join(format!("{}.json", case.name)), text).unwrap();
    }
    for (path, _) in read_vectors() {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if !names.contains(stem.as_str()) {
            fs::remove_file(path).unwrap();
        }
    }
}

#[test]
fn every_vector_replays_to_the_byte() {
    let vectors = load_vectors();
    assert!(!vectors.is_empty(), "no vectors in tests/vectors");
    let mut failures = Vec::new();
    for (path, vector) in &vectors {
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert_eq!(stem, vector.name, "file name and vector name differ");
        let (response, effects) = vector.run().unwrap();
        if response != vector.response || effects != vector.effects {
            failures.push(format!(
                "{}:\n  expected {:?}\n  got      {:?}\n  expected effects {:?}\n  got effects      {:?}",
                vector.name, vector.response, response, vector.effects, effects
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} vectors differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_case_has_a_vector_and_every_vector_a_case() {
    let cases: BTreeSet<String> = vector_cases::cases()
        .iter()
        .map(|c| c.name.to_owned())
        .collect();
    let files: BTreeSet<String> = load_vectors().into_iter().map(|(_, v)| v.name).collect();
    assert_eq!(cases, files, "regenerate with REGENERATE_VECTORS=1");
}

#[test]
fn every_vector_request_survives_raw_http() {
    for (_, vector) in load_vectors() {
        let raw = vector.request.to_raw().unwrap();
        let reparsed = RawRequest::parse(&raw.to_bytes()).unwrap();
        assert_eq!(reparsed.method, raw.method, "{}", vector.name);
        assert_eq!(reparsed.target, raw.target, "{}", vector.name);
        assert_eq!(reparsed.body, raw.body, "{}", vector.name);
    }
}

/// The oracle CLI (`cargo run -p grant-engine-oracle`) prints exactly each
/// vector's response for its request, and its effects on stderr.
#[test]
fn oracle_cli_prints_every_vector_response() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let oracle = env!("CARGO_BIN_EXE_grant-engine-oracle");
    for (path, vector) in load_vectors() {
        let mut child = Command::new(oracle)
            .arg("--fixture")
            .arg(&path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A write error (the oracle exited early) shows in its status below.
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(&vector.request.to_raw().unwrap().to_bytes());
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}: {}",
            vector.name,
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&vector.response.to_bytes()),
            "{}",
            vector.name
        );
        let effects: Vec<grant_engine::Effect> = serde_json::from_slice(&output.stderr).unwrap();
        assert_eq!(effects, vector.effects, "{}", vector.name);
    }
}
