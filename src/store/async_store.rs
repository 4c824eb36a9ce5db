//! The async store: the same lookups and unit as [`Store`](crate::Store),
//! as futures a runtime can spawn.

use core::future::Future;

use crate::store::client_record::ClientRecord;
use crate::store::code_record::CodeRecord;
use crate::store::effect::Effect;
use crate::store::expectation::ApplyError;
use crate::store::refresh_token_record::RefreshTokenRecord;
use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;
use crate::values::ids::{FamilyId, TokenId};

/// Storage for an async host, answered by [`drive_async`](crate::drive_async).
///
/// The contract is [`Store`](crate::Store)'s: lookups only read, and
/// [`apply`](AsyncStore::apply) makes one request's effects durable as one
/// unit, checking each effect's expectation. The methods take `&self` (a
/// pooled database is shared by every request) and return `Send` futures,
/// so a driver's future can be spawned on a multi-threaded runtime; no
/// `async-trait`, no boxing. Implement them with `async move` blocks or
/// `async fn`s of the host's own.
pub trait AsyncStore {
    /// The host's storage error.
    type Error;

    /// The client with this id, if any.
    fn client(
        &self,
        client_id: &ClientId,
    ) -> impl Future<Output = Result<Option<ClientRecord>, Self::Error>> + Send;

    /// The code with this digest, if any, as stored.
    fn code(
        &self,
        code_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<CodeRecord>, Self::Error>> + Send;

    /// The refresh token with this digest, if any.
    fn refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<RefreshTokenRecord>, Self::Error>> + Send;

    /// Whether the access token `jti`, or its `family`, was revoked.
    fn is_revoked(
        &self,
        jti: &TokenId,
        family: Option<&FamilyId>,
    ) -> impl Future<Output = Result<bool, Self::Error>> + Send;

    /// Applies one request's effects, in order, as one unit.
    fn apply(
        &self,
        effects: &[Effect],
    ) -> impl Future<Output = Result<(), ApplyError<Self::Error>>> + Send;
}
