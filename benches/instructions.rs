//! Instructions per request, for callgrind: one grant, run `N` times, each
//! through the whole token endpoint (request bytes to the outcome, effects
//! applied) against a fresh clone of a prepared `MemoryStore`.
//!
//! Only [`request`] is counted (`--toggle-collect`), so the store clones and
//! the set-up are not; the count is repeatable for the same binary and
//! inputs whatever else the machine is doing:
//!
//! ```text
//! cargo bench --bench instructions --no-run
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     --toggle-collect='instructions::request' \
//!     target/release/deps/instructions-<hash> client_credentials 1000
//! ```
//!
//! and divide the `Collected` total by `N`. valgrind emulates SHA-256 in
//! software (no SHA extensions), so compressions weigh more than on hardware.
//!
//! `floor <grant> N` counts the honest floor of `floor/mod.rs` instead
//! (`--toggle-collect='instructions::floor_request'`).

use std::hint::black_box;

mod floor;

use grant_engine::{Call, Config, Entropy, Exchange, MemoryStore, Outcome, RequestParts, drive};
use grant_engine_testkit::bench::{AC_BODY, CC_BODY, ENTROPY, NOW, RT_BODY, config, store};

use floor::Floor;

/// The counted work: one request through the token endpoint, effects applied.
#[inline(never)]
fn request(config: &Config, store: &mut MemoryStore, body: &[u8]) -> Outcome<Exchange> {
    let call = Call::new(NOW, Entropy::from_bytes(ENTROPY));
    let request = Exchange::parse(&RequestParts::form_post(body), config);
    drive(store, config, call, request).expect("the memory store applies it")
}

/// The counted work of the floor: one request, its state changed.
#[inline(never)]
fn floor_request(floor: &mut Floor, grant: &str, body: &[u8]) -> Option<Vec<u8>> {
    match grant {
        "client_credentials" => floor.client_credentials(body, &ENTROPY),
        "authorization_code" => floor.authorization_code(body, &ENTROPY),
        _ => floor.refresh_token(body, &ENTROPY),
    }
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .peekable();
    let of_floor = args.peek().is_some_and(|a| a == "floor");
    if of_floor {
        args.next();
    }
    let grant = args
        .next()
        .unwrap_or_else(|| String::from("client_credentials"));
    let n: usize = args.next().map_or(1_000, |n| n.parse().expect("a count"));
    let body = match grant.as_str() {
        "client_credentials" => CC_BODY,
        "authorization_code" => AC_BODY,
        "refresh_token" => RT_BODY,
        other => panic!("unknown grant {other}"),
    };
    if of_floor {
        let prepared = Floor::new();
        for _ in 0..n {
            let mut floor = prepared.clone();
            let response = floor_request(&mut floor, &grant, black_box(body));
            drop(black_box(response.expect("the floor succeeds")));
        }
        println!("floor {grant}: {n} requests");
        return;
    }
    let config = config();
    let prepared = store();
    let mut statuses = 0u64;
    for _ in 0..n {
        let mut store = prepared.clone();
        let outcome = request(&config, &mut store, black_box(body));
        assert_eq!(outcome.response().status, 200);
        statuses += u64::from(outcome.response().status);
        drop(black_box(outcome));
    }
    println!("{grant}: {n} requests, status sum {statuses}");
}
