//! The machine vocabulary every endpoint shares: a request is an
//! [`Endpoint`] that starts at a [`Call`] (time and entropy), asks its
//! questions as [`Step`]s, and ends in an [`Outcome`] (the response, the
//! effects, a typed report). [`drive`] and [`drive_async`] run any of them
//! against a [`Store`](crate::Store) or [`AsyncStore`](crate::AsyncStore);
//! a host may also step by hand, as the crate docs show.

pub(crate) mod call;
pub(crate) mod drive;
pub(crate) mod drive_async;
pub(crate) mod drive_error;
pub(crate) mod endpoint;
pub(crate) mod outcome;
pub(crate) mod request_type;
pub(crate) mod security_event;
pub(crate) mod step;

pub use call::Call;
pub use drive::drive;
pub use drive_async::drive_async;
pub use drive_error::DriveError;
pub use endpoint::Endpoint;
pub use outcome::Outcome;
pub use security_event::SecurityEvent;
pub use step::{ClientQuestion, CodeQuestion, RefreshTokenQuestion, RevocationQuestion, Step};
