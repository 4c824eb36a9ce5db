//! The three grants end to end against their floor.
//!
//! `grant/*` runs the whole token endpoint, from request bytes to the
//! `HttpResponse` with the effects applied, through `Exchange::parse` and
//! `drive` against a `MemoryStore`. Where an exchange consumes state (codes are single-use,
//! refresh tokens rotate) each iteration gets a fresh clone of a prepared
//! store, made and dropped outside the timing by `iter_batched`.
//!
//! `floor/*` is the honest floor of `floor/mod.rs`: the least work any
//! correct implementation of the same behaviour must do, with the same
//! crates and not through grant-engine (its steps and SHA-256 compressions
//! are listed there): decode, look the client up, the keyed secret check,
//! grant and scope checks, the code taken once and PKCE, the JWT, the
//! refresh token minted, hashed and stored, the rotation, the response.
//! Consumed state is cloned per iteration on both sides.
//! Goal: each `grant/*` at most 1.2x its `floor/*`; `benches/paired.rs`
//! gives the ratio from interleaved runs, which this noisy machine needs.

use std::hint::black_box;

mod floor;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use grant_engine::{Call, Config, Entropy, Exchange, MemoryStore, Outcome, RequestParts, drive};

use floor::Floor;
use grant_engine_testkit::bench::{AC_BODY, CC_BODY, ENTROPY, NOW, RT_BODY, config, store};

// ---------------------------------------------------------------------------
// grant/*: the engine
// ---------------------------------------------------------------------------

/// The engine's configuration and a store holding one client, one unused
/// code (with an S256 challenge) and one active refresh token.
struct Fixture {
    config: Config,
    store: MemoryStore,
}

fn fixture() -> Fixture {
    Fixture {
        config: config(),
        store: store(),
    }
}

fn context() -> Call {
    Call::new(NOW, Entropy::from_bytes(ENTROPY))
}

/// One exchange, checked to succeed.
fn run(config: &Config, store: &mut MemoryStore, body: &[u8]) -> Outcome<Exchange> {
    let outcome = exchange(config, store, body, context());
    let response = outcome.response();
    assert_eq!(response.status, 200, "{}", response.body_str());
    outcome
}

/// What `grant/*` times: request bytes to outcome (response and effects,
/// applied to the store).
/// Never inlined, so that a profiler sees one call per iteration.
#[inline(never)]
fn exchange(
    config: &Config,
    store: &mut MemoryStore,
    body: &[u8],
    call: Call,
) -> Outcome<Exchange> {
    let request = Exchange::parse(&RequestParts::form_post(body), config);
    drive(store, config, call, request).expect("the memory store applies it")
}

fn grant(c: &mut Criterion) {
    let fx = fixture();
    let mut group = c.benchmark_group("grant");

    // Nothing is consumed: one store serves every iteration. Every grant/*
    // and floor/* bench times up to its response, not the response's drop.
    let mut store = fx.store.clone();
    group.bench_function("client_credentials", |b| {
        b.iter_with_large_drop(|| exchange(&fx.config, &mut store, black_box(CC_BODY), context()))
    });

    // The code is single-use and the refresh token rotates: a fresh clone
    // per iteration. The store is handed back so that its drop is untimed.
    for (name, body) in [("authorization_code", AC_BODY), ("refresh_token", RT_BODY)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || (fx.store.clone(), context()),
                |(mut store, ctx)| {
                    let outcome = exchange(&fx.config, &mut store, black_box(body), ctx);
                    (store, outcome)
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

// ---------------------------------------------------------------------------
// floor/*: the same work with the same crates, no engine
// ---------------------------------------------------------------------------

/// One floor request, as `floor/*` times it.
type FloorRun = fn(&mut Floor, &[u8], &[u8; 32]) -> Option<Vec<u8>>;

const FLOORS: [(&str, FloorRun, &[u8]); 3] = [
    ("client_credentials", Floor::client_credentials, CC_BODY),
    ("authorization_code", Floor::authorization_code, AC_BODY),
    ("refresh_token", Floor::refresh_token, RT_BODY),
];

fn floor(c: &mut Criterion) {
    let fx = fixture();
    let prepared = Floor::new();
    // The floor must do the work for real: every run succeeds, and its
    // response is as long as the engine's.
    for (name, run_floor, body) in FLOORS {
        let bare = run_floor(&mut prepared.clone(), body, &ENTROPY)
            .unwrap_or_else(|| panic!("floor {name} fails"));
        let engine = run(&fx.config, &mut fx.store.clone(), body);
        assert_eq!(
            bare.len(),
            engine.response().body.len(),
            "{name}: floor {} vs engine {}",
            String::from_utf8_lossy(&bare),
            engine.response().body_str()
        );
    }
    let mut group = c.benchmark_group("floor");
    let mut shared = prepared.clone();
    group.bench_function("client_credentials", |b| {
        b.iter_with_large_drop(|| {
            Floor::client_credentials(&mut shared, black_box(CC_BODY), &ENTROPY)
        })
    });
    for (name, run_floor, body) in FLOORS.into_iter().skip(1) {
        group.bench_function(name, |b| {
            b.iter_batched(
                || prepared.clone(),
                |mut floor| {
                    let response = run_floor(&mut floor, black_box(body), &ENTROPY);
                    (floor, response)
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, grant, floor);
criterion_main!(benches);
