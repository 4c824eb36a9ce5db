//! What every endpoint's machine has in common: how it starts, what it can
//! ask, and what it ends in.

use core::fmt;

use crate::config::config::Config;
use crate::machine::call::Call;
use crate::machine::step::Step;
use crate::store::client_record::ClientRecord;
use crate::store::code_record::CodeRecord;
use crate::store::effect::Effect;
use crate::store::refresh_token_record::RefreshTokenRecord;
use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;
use crate::values::ids::{FamilyId, TokenId};

pub(crate) mod sealed {
    /// Only the engine's request types are endpoints.
    pub trait Sealed {}
}

/// A request to one endpoint, ready to run as a step machine: the token
/// endpoint's [`Exchange`](crate::Exchange), the authorization endpoint's
/// [`Authorize`](crate::Authorize) and the resource owner's
/// [`Decide`](crate::authorize::Decide), [`Revoke`](crate::Revoke),
/// [`Introspect`](crate::Introspect) and
/// [`VerifyBearer`](crate::VerifyBearer).
///
/// [`start`](Endpoint::start) begins a run; the machine then asks its
/// questions ([`Step`]) and ends in [`Self::Output`]. A request can be
/// started any number of times, which is how a driver re-runs it after a
/// conflict. The trait is sealed; its other items are the plumbing the
/// question handles use, hidden from the docs.
pub trait Endpoint: sealed::Sealed + Sized + 'static {
    /// The typed result an [`Outcome`](crate::Outcome) of this endpoint
    /// reports.
    type Report: fmt::Debug;
    /// What a run ends in: an [`Outcome`](crate::Outcome), or at the
    /// authorization endpoint an [`Authorization`](crate::Authorization)
    /// (a consent to ask for, or an outcome).
    type Output: fmt::Debug;
    #[doc(hidden)]
    type ClientWait<'c>: Send;
    #[doc(hidden)]
    type CodeWait<'c>: Send;
    #[doc(hidden)]
    type RefreshTokenWait<'c>: Send;
    #[doc(hidden)]
    type RevocationWait<'c>: Send;

    /// Starts a run at `call`'s time with its entropy. The steps borrow
    /// the request and the configuration.
    fn start<'c>(&'c self, config: &'c Config, call: &Call) -> Step<'c, Self>;

    #[doc(hidden)]
    fn client_id<'a>(wait: &'a Self::ClientWait<'_>) -> &'a ClientId;
    #[doc(hidden)]
    fn provide_client<'c>(
        wait: Self::ClientWait<'c>,
        record: Option<ClientRecord>,
    ) -> Step<'c, Self>;
    #[doc(hidden)]
    fn code_hash<'a>(wait: &'a Self::CodeWait<'_>) -> &'a TokenHash;
    #[doc(hidden)]
    fn provide_code<'c>(wait: Self::CodeWait<'c>, record: Option<CodeRecord>) -> Step<'c, Self>;
    #[doc(hidden)]
    fn token_hash<'a>(wait: &'a Self::RefreshTokenWait<'_>) -> &'a TokenHash;
    #[doc(hidden)]
    fn provide_refresh_token<'c>(
        wait: Self::RefreshTokenWait<'c>,
        record: Option<RefreshTokenRecord>,
    ) -> Step<'c, Self>;
    #[doc(hidden)]
    fn revocation_of<'a>(wait: &'a Self::RevocationWait<'_>)
    -> (&'a TokenId, Option<&'a FamilyId>);
    #[doc(hidden)]
    fn provide_revocation<'c>(wait: Self::RevocationWait<'c>, revoked: bool) -> Step<'c, Self>;
    #[doc(hidden)]
    fn effects(output: &Self::Output) -> &[Effect];
}

/// The hidden items of a question an endpoint never asks: its wait type is
/// [`Infallible`](core::convert::Infallible), so no such question exists and these cannot be reached.
macro_rules! never_asks {
    (client) => {
        type ClientWait<'c> = core::convert::Infallible;
        fn client_id(wait: &core::convert::Infallible) -> &crate::values::client_id::ClientId {
            match *wait {}
        }
        fn provide_client<'c>(
            wait: Self::ClientWait<'c>,
            _: Option<crate::store::client_record::ClientRecord>,
        ) -> crate::machine::step::Step<'c, Self> {
            match wait {}
        }
    };
    (code) => {
        type CodeWait<'c> = core::convert::Infallible;
        fn code_hash(wait: &core::convert::Infallible) -> &crate::values::digest::TokenHash {
            match *wait {}
        }
        fn provide_code<'c>(
            wait: Self::CodeWait<'c>,
            _: Option<crate::store::code_record::CodeRecord>,
        ) -> crate::machine::step::Step<'c, Self> {
            match wait {}
        }
    };
    (refresh_token) => {
        type RefreshTokenWait<'c> = core::convert::Infallible;
        fn token_hash(wait: &core::convert::Infallible) -> &crate::values::digest::TokenHash {
            match *wait {}
        }
        fn provide_refresh_token<'c>(
            wait: Self::RefreshTokenWait<'c>,
            _: Option<crate::store::refresh_token_record::RefreshTokenRecord>,
        ) -> crate::machine::step::Step<'c, Self> {
            match wait {}
        }
    };
    (revocation) => {
        type RevocationWait<'c> = core::convert::Infallible;
        fn revocation_of(
            wait: &core::convert::Infallible,
        ) -> (
            &crate::values::ids::TokenId,
            Option<&crate::values::ids::FamilyId>,
        ) {
            match *wait {}
        }
        fn provide_revocation<'c>(
            wait: Self::RevocationWait<'c>,
            _: bool,
        ) -> crate::machine::step::Step<'c, Self> {
            match wait {}
        }
    };
}
pub(crate) use never_asks;
