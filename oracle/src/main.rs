//! The reference oracle as a command: one raw HTTP/1.1 request on stdin, the
//! raw response the engine gives on stdout, the effects as JSON on stderr.
//!
//!     cargo run -p grant-engine-oracle -- --fixture tests/vectors/seed-client-credentials.json < request.http
//!
//! `--fixture` takes a fixture file, or a conformance vector (its `fixture`
//! is used). Exit status: 0 when a response was written, 2 on bad input.

use std::io::{Read, Write};
use std::process::ExitCode;

use grant_engine_oracle::{Fixture, Oracle, RawRequest, render_response};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("oracle: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut fixture_path = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--fixture" => fixture_path = args.next(),
            "-h" | "--help" => {
                println!(
                    "usage: grant-engine-oracle --fixture FIXTURE_OR_VECTOR.json < request.http"
                );
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let path = fixture_path.ok_or("--fixture PATH is required")?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let fixture_json = json.get("fixture").cloned().unwrap_or(json);
    let fixture: Fixture =
        serde_json::from_value(fixture_json).map_err(|e| format!("{path}: not a fixture: {e}"))?;
    let mut oracle = Oracle::from_fixture(&fixture).map_err(|e| format!("{path}: {e}"))?;

    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .map_err(|e| format!("stdin: {e}"))?;
    let request = RawRequest::parse(&input).map_err(|e| format!("stdin: {e}"))?;
    let answer = oracle.handle(&request);

    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&render_response(&answer.response))
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("stdout: {e}"))?;
    let effects = serde_json::to_string(&answer.effects).map_err(|e| e.to_string())?;
    eprintln!("{effects}");
    Ok(())
}
