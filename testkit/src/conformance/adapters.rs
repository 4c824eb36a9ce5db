//! Stores wrapped to force the orders a real deployment meets only
//! sometimes: every call yielding once (so concurrent requests interleave
//! even over a store that answers at once), and another request run
//! between one request's lookups and its `apply`.

use std::fmt;
use std::future::Future;
use std::sync::Mutex;

use grant_engine::store::ApplyError;
use grant_engine::values::{FamilyId, TokenId};
use grant_engine::{
    AsyncStore, Call, ClientId, ClientRecord, CodeRecord, Config, Effect, Exchange,
    RefreshTokenRecord, Revoke, TokenHash, drive_async,
};

use crate::conformance::setup::issued_refresh_token;
use crate::executor::yield_now;

/// Every call of the store under test, after a yield.
pub struct Yielding<'a, S>(pub &'a S);

impl<S: AsyncStore + Sync> AsyncStore for Yielding<'_, S> {
    type Error = S::Error;

    async fn client(&self, client_id: &ClientId) -> Result<Option<ClientRecord>, S::Error> {
        yield_now().await;
        self.0.client(client_id).await
    }

    async fn code(&self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, S::Error> {
        yield_now().await;
        self.0.code(code_hash).await
    }

    async fn refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, S::Error> {
        yield_now().await;
        self.0.refresh_token(token_hash).await
    }

    async fn is_revoked(&self, jti: &TokenId, family: Option<&FamilyId>) -> Result<bool, S::Error> {
        yield_now().await;
        self.0.is_revoked(jti, family).await
    }

    async fn apply(&self, effects: &[Effect]) -> Result<(), ApplyError<S::Error>> {
        yield_now().await;
        self.0.apply(effects).await
    }
}

/// What an interloper got: its response status and the refresh token it
/// issued, if any.
pub type Interloped = (u16, Option<String>);

/// A request that runs, whole, just before the first `apply` of another.
pub enum Interloper {
    /// A token request.
    Exchange(Exchange, Call),
    /// A revocation.
    Revoke(Revoke, Call),
}

/// The store under test, with an [`Interloper`] that runs between the
/// first request's lookups and its `apply`.
pub struct Interleaved<'a, S> {
    store: &'a S,
    config: &'a Config,
    interloper: Mutex<Option<Interloper>>,
    /// What the interloper's run returned, once it ran.
    pub interloper_result: Mutex<Option<Result<Interloped, String>>>,
}

impl<'a, S: AsyncStore + Sync> Interleaved<'a, S>
where
    S::Error: fmt::Debug,
{
    pub fn new(store: &'a S, config: &'a Config, interloper: Interloper) -> Self {
        Interleaved {
            store,
            config,
            interloper: Mutex::new(Some(interloper)),
            interloper_result: Mutex::new(None),
        }
    }

    async fn run_interloper(&self) {
        let interloper = self.interloper.lock().unwrap().take();
        let result = match interloper {
            None => return,
            Some(Interloper::Exchange(request, call)) => {
                let driven = drive_async(self.store, self.config, call, request).await;
                driven
                    .map(|o| (o.response().status, issued_refresh_token(&o)))
                    .map_err(|e| format!("{e:?}"))
            }
            Some(Interloper::Revoke(request, call)) => {
                let driven = drive_async(self.store, self.config, call, request).await;
                driven
                    .map(|o| (o.response().status, None))
                    .map_err(|e| format!("{e:?}"))
            }
        };
        *self.interloper_result.lock().unwrap() = Some(result);
    }
}

impl<S> AsyncStore for Interleaved<'_, S>
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
{
    type Error = S::Error;

    fn client(
        &self,
        client_id: &ClientId,
    ) -> impl Future<Output = Result<Option<ClientRecord>, S::Error>> + Send {
        self.store.client(client_id)
    }

    fn code(
        &self,
        code_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<CodeRecord>, S::Error>> + Send {
        self.store.code(code_hash)
    }

    fn refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<RefreshTokenRecord>, S::Error>> + Send {
        self.store.refresh_token(token_hash)
    }

    fn is_revoked(
        &self,
        jti: &TokenId,
        family: Option<&FamilyId>,
    ) -> impl Future<Output = Result<bool, S::Error>> + Send {
        self.store.is_revoked(jti, family)
    }

    async fn apply(&self, effects: &[Effect]) -> Result<(), ApplyError<S::Error>> {
        self.run_interloper().await;
        self.store.apply(effects).await
    }
}
