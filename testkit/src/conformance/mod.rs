//! The store conformance suite: what every store must guarantee (the team's
//! `STORE-CONTRACT.md`, and the table in [`Effect`](grant_engine::Effect)'s
//! docs), as checks any [`AsyncStore`] can run.
//!
//! - [`sequential`]: the meaning of every effect, its expectation refused
//!   when it does not hold, units applied whole or not at all, lookups that
//!   only read.
//! - [`interleavings`]: another request run between one request's lookups
//!   and its `apply` (a code redeemed, a token rotated or revoked under it):
//!   the conflict is reported, the driver re-runs, and the answer is the one
//!   the rules give for the new state.
//! - [`concurrency`]: 32 requests in flight at once (every store call
//!   yields, so they interleave even over a store that answers at once):
//!   one redemption of a code succeeds, a refresh family never forks, a
//!   revocation holds for the next request, and a revocation racing a
//!   rotation leaves no live token (what a database store at a weak
//!   isolation level gets wrong without a lock that orders the two).
//!
//! A store passes when [`check`] reports no failure. A blocking
//! [`Store`](grant_engine::Store) runs it through an async wrapper (as
//! `Mutex<MemoryStore>` does); [`block_on`] runs the suite for stores that
//! need no runtime. [`broken`] holds stores that each skip one guarantee,
//! to show that the suite notices.
//!
//! ```
//! use std::sync::Mutex;
//! use grant_engine::MemoryStore;
//! use grant_engine_testkit::conformance::{block_on, check};
//!
//! let report = block_on(check(|clients| async move {
//!     let mut store = MemoryStore::new();
//!     for client in clients {
//!         store.add_client(client);
//!     }
//!     Mutex::new(store)
//! }));
//! assert!(report.passed(), "{report}");
//! ```

pub mod adapters;
pub mod broken;
pub mod concurrency;
pub mod interleavings;
pub mod sequential;
pub mod setup;

use std::fmt;
use std::future::Future;

use grant_engine::{AsyncStore, ClientRecord};

pub use crate::executor::{block_on, join_all, yield_now};

/// One check that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The check's name.
    pub check: &'static str,
    /// What was expected and what happened.
    pub detail: String,
}

/// The suite's findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The names of every check run, in order.
    pub checks: Vec<&'static str>,
    /// The checks that did not hold.
    pub failures: Vec<Failure>,
}

impl Report {
    /// Whether every check held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// Whether the check named `check` failed.
    pub fn failed(&self, check: &str) -> bool {
        self.failures.iter().any(|f| f.check == check)
    }

    fn record(&mut self, check: &'static str, result: Result<(), String>) {
        self.checks.push(check);
        if let Err(detail) = result {
            self.failures.push(Failure { check, detail });
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed = self.failures.len();
        writeln!(
            f,
            "{} checks, {} passed, {failed} failed",
            self.checks.len(),
            self.checks.len() - failed
        )?;
        for failure in &self.failures {
            writeln!(f, "- {}: {}", failure.check, failure.detail)?;
        }
        Ok(())
    }
}

/// What a check returns: `Err` with what went wrong.
pub type Outcome = Result<(), String>;

/// `Err(format!(..))` unless `$cond`.
macro_rules! ensure {
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            return Err(format!($($arg)+));
        }
    };
}
pub(crate) use ensure;

/// Runs every check against fresh stores made by `make`, which receives the
/// clients the store must hold (the testkit world's).
pub async fn check<S, F, Fut>(make: F) -> Report
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
    F: Fn(Vec<ClientRecord>) -> Fut,
    Fut: Future<Output = S>,
{
    let mut report = Report::default();
    let fresh = || make(crate::world::clients());
    for (name, result) in sequential::run(&fresh).await {
        report.record(name, result);
    }
    for (name, result) in interleavings::run(&fresh).await {
        report.record(name, result);
    }
    for (name, result) in concurrency::run(&fresh).await {
        report.record(name, result);
    }
    report
}
