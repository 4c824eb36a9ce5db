//! Why a driver returned no output: the host's storage failed, or the
//! request kept conflicting with others.

use thiserror::Error;

use crate::render::http_response::HttpResponse;
use crate::store::expectation::Conflict;

/// Why [`drive`](crate::drive) or [`drive_async`](crate::drive_async)
/// returned no output. Either way nothing of the request was applied and no
/// token may leave the server: answer 503 (or 500 for a store failure the
/// host knows to be permanent).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DriveError<E> {
    /// A lookup or `apply` failed: the host's own error.
    #[error("the store failed")]
    Store(E),
    /// Every run of the request conflicted with another request's effects
    /// ([`Config::max_attempts`](crate::Config::max_attempts) runs), or a
    /// run's own new record collided with a stored one (which re-running
    /// with the same entropy cannot cure).
    #[error("the request conflicted with others {attempts} times: {last}")]
    Conflicted {
        /// How many runs were made.
        attempts: u32,
        /// The last run's conflict.
        last: Conflict,
    },
}

impl<E> DriveError<E> {
    /// `503` with `Retry-After: 1` and a `temporarily_unavailable` body
    /// ([`HttpResponse::unavailable`]): the answer for a conflict, and for a
    /// store failure the host believes transient.
    pub fn to_http_response(&self) -> HttpResponse {
        HttpResponse::unavailable(1)
    }
}
