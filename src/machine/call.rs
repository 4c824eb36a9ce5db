//! The per-call input a host injects into every endpoint: the time and
//! fresh entropy.

use crate::values::entropy::Entropy;

/// What a single call knows about the world: the time and fresh entropy.
/// Every endpoint takes one, the same way, and a driver that re-runs a
/// request after a conflict re-runs it with the same `Call`.
///
/// In production `now` comes from the system clock (`SystemTime::now()`
/// since `UNIX_EPOCH`) and the entropy from the operating system (the
/// `getrandom` crate, say), fresh for every call; in tests both are fixed,
/// so the engine's answers are reproducible byte for byte.
///
/// ```
/// use grant_engine::Call;
/// use grant_engine::values::Entropy;
/// let call = Call::new(1_800_000_000, Entropy::from_bytes([7; 32]));
/// assert_eq!(call.now(), 1_800_000_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    now: u64,
    entropy: Entropy,
}

impl Call {
    /// A call at `now` (unix seconds) with `entropy`.
    pub const fn new(now: u64, entropy: Entropy) -> Call {
        Call { now, entropy }
    }

    /// Unix time in seconds.
    pub const fn now(&self) -> u64 {
        self.now
    }

    /// The call's entropy.
    pub const fn entropy(&self) -> &Entropy {
        &self.entropy
    }
}
