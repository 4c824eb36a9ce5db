//! The store conformance suite against the stores of this package: the
//! engine's `MemoryStore` passes it, and each deliberately broken store
//! (one guarantee skipped) fails it, on the checks that guarantee is for.

use std::sync::Mutex;

use grant_engine::MemoryStore;
use grant_engine_testkit::conformance::broken::{BrokenStore, Skip};
use grant_engine_testkit::conformance::{Report, block_on, check};

fn memory_store_report() -> Report {
    block_on(check(|clients| async move {
        let mut store = MemoryStore::new();
        for client in clients {
            store.add_client(client);
        }
        Mutex::new(store)
    }))
}

#[test]
fn the_memory_store_passes_the_suite() {
    let report = memory_store_report();
    assert!(report.passed(), "{report}");
    assert_eq!(report.checks.len(), 20, "{:?}", report.checks);
}

/// Which checks catch a store that skips each guarantee.
fn caught_by(skip: Skip) -> &'static [&'static str] {
    match skip {
        Skip::CodeAbsent => &["a new code expects its digest absent"],
        Skip::CodeUnused => &[
            "a redemption expects the code unused",
            "a code redeemed under a redemption",
            "32 redemptions of one code",
        ],
        Skip::RefreshTokenAbsent => &[
            "a new refresh token expects its digest absent",
            "a unit is applied whole or not at all",
        ],
        Skip::RefreshTokenActive => &[
            "a rotation expects the token active",
            "a token rotated under a rotation",
            "a family revoked under a rotation",
            "32 refreshes of one token",
            "32 refreshes of one token, with grace",
        ],
        Skip::Regrantable => &[
            "a regrant expects the successor active",
            "the successor used under a regrant",
        ],
        Skip::FamilyStaysRevoked => &["a revoked family stays revoked"],
        Skip::Atomicity => &["a unit is applied whole or not at all"],
        Skip::LookupsOnlyRead => &["lookups only read"],
    }
}

#[test]
fn every_broken_store_fails_the_suite_where_it_breaks_the_contract() {
    for skip in Skip::ALL {
        let report = block_on(check(
            |clients| async move { BrokenStore::new(clients, skip) },
        ));
        assert!(!report.passed(), "{skip:?} passed:\n{report}");
        for name in caught_by(skip) {
            assert!(
                report.failed(name),
                "{skip:?} is not caught by {name:?}:\n{report}"
            );
        }
    }
}
