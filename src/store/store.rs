//! The blocking store: the lookups the engine asks for and the unit in
//! which its effects are applied.

use crate::store::client_record::ClientRecord;
use crate::store::code_record::CodeRecord;
use crate::store::effect::Effect;
use crate::store::expectation::ApplyError;
use crate::store::refresh_token_record::RefreshTokenRecord;
use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;
use crate::values::ids::{FamilyId, TokenId};

/// Storage for a blocking host, answered by [`drive`](crate::drive).
///
/// Lookups only read: a lookup never changes state, so a request that
/// fails or is re-run has changed nothing (a store may lock the rows it
/// read until `apply`, which is one way to keep its expectations true).
/// [`apply`](Store::apply) makes one request's effects durable as one unit,
/// all or nothing, checking what each effect expects
/// ([`Effect`]'s table); when an expectation does not hold it applies
/// nothing and reports a conflict, and the driver runs the request again.
///
/// Errors are the host's own: a database failure is a 500 or 503 for the
/// host to send, never a [`TokenError`](crate::TokenError).
pub trait Store {
    /// The host's storage error.
    type Error;

    /// The client with this id, if any.
    fn client(&mut self, client_id: &ClientId) -> Result<Option<ClientRecord>, Self::Error>;

    /// The code with this digest, if any, as stored (a lookup does not
    /// redeem it: [`Effect::RedeemCode`] does).
    fn code(&mut self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, Self::Error>;

    /// The refresh token with this digest, if any.
    fn refresh_token(
        &mut self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, Self::Error>;

    /// Whether the access token `jti`, or its `family` (if it has one), was
    /// revoked. Asked by introspection and bearer verification.
    fn is_revoked(&mut self, jti: &TokenId, family: Option<&FamilyId>)
    -> Result<bool, Self::Error>;

    /// Applies one request's effects, in order, as one unit: every
    /// expectation holds and all are applied, or none is.
    fn apply(&mut self, effects: &[Effect]) -> Result<(), ApplyError<Self::Error>>;
}
