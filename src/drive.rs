//! The blocking convenience: answer the step machine's questions from a
//! [`Lookup`] until it is done. Not a second copy of the grant logic: it
//! only loops over [`Step`].

use crate::{
    ClientId, ClientRecord, CodeRecord, FamilyId, Outcome, RefreshTokenRecord, Step, TokenHash,
    TokenId,
};

/// Storage lookups for a blocking host. Errors are the host's own (a
/// database failure is a 500 or 503 for the host to send, never a
/// [`TokenError`](crate::TokenError)).
pub trait Lookup {
    /// The host's storage error.
    type Error;

    /// The client with this id, if any.
    fn client(&mut self, client_id: &ClientId) -> Result<Option<ClientRecord>, Self::Error>;

    /// Atomically takes the code with this digest: returns the record as it
    /// was and marks an unused one redeemed (see [`CodeQuestion`](crate::CodeQuestion)).
    fn take_code(&mut self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, Self::Error>;

    /// The refresh token with this digest, if any.
    fn refresh_token(
        &mut self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, Self::Error>;

    /// Whether the access token `jti`, or its `family` (if it has one), was
    /// revoked. Asked by introspection and bearer verification.
    fn is_revoked(&mut self, jti: &TokenId, family: Option<&FamilyId>)
    -> Result<bool, Self::Error>;
}

/// Runs `step` to its [`Outcome`], answering every question from `lookup`.
/// The caller applies `outcome.effects()` and sends `outcome.response()`.
pub fn drive<L: Lookup + ?Sized>(mut step: Step<'_>, lookup: &mut L) -> Result<Outcome, L::Error> {
    loop {
        step = match step {
            Step::NeedClient(q) => {
                let record = lookup.client(q.client_id())?;
                q.provide(record)
            }
            Step::NeedCode(q) => {
                let record = lookup.take_code(q.code_hash())?;
                q.provide(record)
            }
            Step::NeedRefreshToken(q) => {
                let record = lookup.refresh_token(q.token_hash())?;
                q.provide(record)
            }
            Step::Done(outcome) => return Ok(outcome),
        }
    }
}
