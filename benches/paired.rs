//! Engine and honest floor interleaved in one process, for a machine too
//! noisy for separate timings: each cycle times a batch of engine requests
//! and a batch of floor requests back to back (the order alternating from
//! cycle to cycle), and the ratio of the two is that cycle's; the median of
//! the cycles' ratios is the figure, with the 10th and 90th percentiles
//! beside it. Consumed state (codes, rotated tokens) is cloned before each
//! batch, outside the timing, on both sides.
//!
//! Run: `cargo bench -p grant-engine --bench paired` (`-- CYCLES BATCH`,
//! default 61 cycles of 200 requests).

mod floor;

use std::hint::black_box;
use std::time::{Duration, Instant};

use grant_engine::{Call, Config, Entropy, Exchange, MemoryStore, RequestParts, drive};

use floor::Floor;
use grant_engine_testkit::bench::{AC_BODY, CC_BODY, ENTROPY, NOW, RT_BODY, config, store};

type FloorRun = fn(&mut Floor, &[u8], &[u8; 32]) -> Option<Vec<u8>>;

/// A batch of `n` engine requests, each on its own clone of `prepared`.
fn engine_batch(config: &Config, prepared: &MemoryStore, body: &[u8], n: usize) -> Duration {
    let mut stores: Vec<MemoryStore> = (0..n).map(|_| prepared.clone()).collect();
    let start = Instant::now();
    for store in &mut stores {
        let call = Call::new(NOW, Entropy::from_bytes(ENTROPY));
        let request = Exchange::parse(&RequestParts::form_post(black_box(body)), config);
        let outcome = drive(store, config, call, request).expect("applied");
        assert_eq!(outcome.response().status, 200);
        drop(black_box(outcome));
    }
    start.elapsed()
}

/// A batch of `n` floor requests, each on its own clone of `prepared`.
fn floor_batch(run: FloorRun, prepared: &Floor, body: &[u8], n: usize) -> Duration {
    let mut floors: Vec<Floor> = (0..n).map(|_| prepared.clone()).collect();
    let start = Instant::now();
    for floor in &mut floors {
        let response = run(floor, black_box(body), &ENTROPY).expect("the floor succeeds");
        black_box(response);
    }
    start.elapsed()
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let cycles: usize = args.next().map_or(61, |a| a.parse().expect("cycles"));
    let batch: usize = args.next().map_or(200, |a| a.parse().expect("batch"));
    let (config, prepared, floor) = (config(), store(), Floor::new());
    let grants: [(&str, FloorRun, &[u8]); 3] = [
        ("client_credentials", Floor::client_credentials, CC_BODY),
        ("authorization_code", Floor::authorization_code, AC_BODY),
        ("refresh_token", Floor::refresh_token, RT_BODY),
    ];
    println!(
        "grant                engine / floor (median, p10, p90 of {cycles} cycles of {batch})"
    );
    for (name, run, body) in grants {
        let mut ratios: Vec<f64> = (0..cycles)
            .map(|cycle| {
                let (engine, bare) = if cycle % 2 == 0 {
                    let engine = engine_batch(&config, &prepared, body, batch);
                    (engine, floor_batch(run, &floor, body, batch))
                } else {
                    let bare = floor_batch(run, &floor, body, batch);
                    (engine_batch(&config, &prepared, body, batch), bare)
                };
                engine.as_secs_f64() / bare.as_secs_f64()
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        let at = |q: usize| ratios[(ratios.len() - 1) * q / 100];
        println!("{name:<20} {:.3}  ({:.3}, {:.3})", at(50), at(10), at(90));
    }
}
