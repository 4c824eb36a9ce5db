//! Token request parsing against its floor.
//!
//! `parse/*` runs the full validated parse (`parse_token_request`: method,
//! Content-Type, strict scan, decode, duplicate detection, client
//! authentication extraction and per-grant validation). `parse_floor/*` is a bare
//! `serde_urlencoded` decode of the same bytes into a plain struct of
//! `Option<String>` fields: the least any parser has to do. Goal: each
//! `parse/*` at most 1.3x its `parse_floor/*` (the group is not called
//! `floor`: that name belongs to the grants bench, and criterion keeps one
//! history per id).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use grant_engine::RequestParts;
use grant_engine::parse::{TokenRequest, parse_token_request};
use serde::Deserialize;

/// The seed bodies, one per grant type, as `(bench id, body)`.
const BODIES: [(&str, &[u8]); 3] = [
    (
        "authorization_code",
        b"grant_type=authorization_code&code=abc123&client_id=your_client_id\
          &client_secret=your_client_secret\
          &redirect_uri=https%3A%2F%2Fyour-app.com%2Fcallback",
    ),
    (
        "client_credentials",
        b"grant_type=client_credentials&client_id=your_client_id\
          &client_secret=your_client_secret&scope=read%20write",
    ),
    (
        "refresh_token",
        b"grant_type=refresh_token&refresh_token=def50200641f3e...\
          &client_id=your_client_id&client_secret=your_client_secret",
    ),
];

/// The floor's target: every token-endpoint parameter as a plain optional
/// string, with no validation at all.
#[derive(Deserialize)]
#[allow(dead_code)] // Only decoded, never read.
struct BareForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
}

/// Checks once, outside any timing, that each seed parses to its grant.
fn check_seeds() {
    for (name, body) in BODIES {
        let request = parse_token_request(&RequestParts::form_post(body))
            .unwrap_or_else(|e| panic!("seed {name} does not parse: {e:?}"));
        let ok = matches!(
            (name, &request),
            ("authorization_code", TokenRequest::AuthorizationCode(_))
                | ("client_credentials", TokenRequest::ClientCredentials(_))
                | ("refresh_token", TokenRequest::RefreshToken(_))
        );
        assert!(ok, "seed {name} parsed to {:?}", request.grant_type());
        let bare: BareForm = serde_urlencoded::from_bytes(body).expect("seed decodes");
        assert!(bare.grant_type.as_deref() == Some(name));
    }
}

fn parse(c: &mut Criterion) {
    check_seeds();
    let mut group = c.benchmark_group("parse");
    for (name, body) in BODIES {
        group.bench_function(name, |b| {
            b.iter(|| parse_token_request(&RequestParts::form_post(black_box(body))))
        });
    }
    group.finish();
}

fn floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_floor");
    for (name, body) in BODIES {
        group.bench_function(name, |b| {
            b.iter(|| serde_urlencoded::from_bytes::<BareForm>(black_box(body)))
        });
    }
    group.finish();
}

criterion_group!(benches, parse, floor);
criterion_main!(benches);
