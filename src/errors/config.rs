//! Configuration refused when it is built, so that a server never runs
//! with a setting the rules forbid.

use thiserror::Error;

/// A configuration value outside what the rules allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A refresh grace period of 0, or longer than
    /// [`MAX_REFRESH_GRACE`](crate::config::MAX_REFRESH_GRACE) seconds: a
    /// thief replaying a rotated-out token gains at most one window, so the
    /// window is short (and "no grace" is no `RefreshGrace` at all).
    #[error("the refresh grace period must be 1 to {max} seconds, not {seconds}")]
    GraceOutOfRange {
        /// The seconds asked for.
        seconds: u64,
        /// The longest allowed.
        max: u64,
    },
    /// A pepper id outside `1*32(A-Z / a-z / 0-9 / "-" / "_" / ".")`.
    #[error("a pepper id must be 1 to 32 of A-Z a-z 0-9 - _ .")]
    InvalidPepperId,
    /// A retired pepper whose id the ring already holds.
    #[error("two peppers have the same id")]
    DuplicatePepperId,
    /// A PBKDF2 iteration count outside the bounds.
    #[error("PBKDF2 iterations must be {min} to {max}, not {iterations}")]
    IterationsOutOfRange {
        /// The count asked for.
        iterations: u32,
        /// The fewest allowed.
        min: u32,
        /// The most allowed.
        max: u32,
    },
    /// A secret shorter than 32 bytes.
    #[error("the {what} must be at least 32 bytes")]
    ShortSecret {
        /// Which secret.
        what: &'static str,
    },
}
