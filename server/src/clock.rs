//! The time and entropy of each request: the engine's per-call input.
//!
//! Both fail closed. A clock that cannot be read, or reads before
//! [`EARLIEST`] (a reset clock, a VM restored without time sync), would
//! make every code and token look unexpired, so the request is answered
//! 503 instead; an OS without randomness is a 500.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use grant_engine::{Call, Entropy};

/// 2020-01-01T00:00:00Z: no correct clock reads earlier.
pub const EARLIEST: u64 = 1_577_836_800;

/// Where the server reads the time (unix seconds); `None` when it cannot.
/// The system clock in production; tests inject a broken one.
pub type Clock = Arc<dyn Fn() -> Option<u64> + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(system_now)
}

/// The system time in unix seconds, if the clock is readable and not
/// before [`EARLIEST`].
pub fn system_now() -> Option<u64> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    (now >= EARLIEST).then_some(now)
}

/// Why a request got no [`Call`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoCall {
    /// The clock is unreadable or before [`EARLIEST`]: 503.
    Clock,
    /// The OS gave no randomness: 500.
    Entropy,
}

/// The engine's per-call input: the time from `clock`, and 32 fresh bytes
/// from the OS.
pub fn request_call(clock: &Clock) -> Result<Call, NoCall> {
    let now = clock()
        .filter(|now| *now >= EARLIEST)
        .ok_or(NoCall::Clock)?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| NoCall::Entropy)?;
    Ok(Call::new(now, Entropy::from_bytes(bytes)))
}
