//! The PostgreSQL database as the engine's [`AsyncStore`]: each lookup is
//! one statement on a pooled connection, outside any transaction (it only
//! reads, and what it read is re-checked by the effects that rest on it);
//! `apply` is one transaction (`apply::apply`).

use grant_engine::store::ApplyError;
use grant_engine::values::{FamilyId, TokenId};
use grant_engine::{
    AsyncStore, ClientId, ClientRecord, CodeRecord, Effect, RefreshTokenRecord, TokenHash,
};

use crate::store::error::StoreError;
use crate::store::postgres::db::PgDb;
use crate::store::postgres::{apply, clients, codes, refresh_tokens, revocations};

impl AsyncStore for PgDb {
    type Error = StoreError;

    async fn client(&self, client_id: &ClientId) -> Result<Option<ClientRecord>, StoreError> {
        clients::get(&self.connection().await?, client_id).await
    }

    async fn code(&self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, StoreError> {
        codes::get(&self.connection().await?, code_hash).await
    }

    async fn refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, StoreError> {
        refresh_tokens::get(&self.connection().await?, token_hash).await
    }

    async fn is_revoked(
        &self,
        jti: &TokenId,
        family: Option<&FamilyId>,
    ) -> Result<bool, StoreError> {
        revocations::is_revoked(&self.connection().await?, jti, family).await
    }

    async fn apply(&self, effects: &[Effect]) -> Result<(), ApplyError<StoreError>> {
        if effects.is_empty() {
            return Ok(());
        }
        let mut connection = self.connection().await?;
        let tx = connection.transaction().await.map_err(StoreError::from)?;
        // On an error `tx` is dropped, which rolls it back.
        apply::apply(&tx, effects).await?;
        Ok(tx.commit().await.map_err(StoreError::from)?)
    }
}
