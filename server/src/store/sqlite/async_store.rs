//! The demo's database as the engine's [`AsyncStore`]: lookups are plain
//! reads, and `apply` is one `BEGIN IMMEDIATE` transaction whose statements
//! check every effect's expectation.
//!
//! Why this isolation is enough: the engine's decisions rest on what the
//! lookups read, and every decision that changes state carries, in its
//! effects, the expectation it rests on (a code still unused, a token still
//! active, a digest still absent). SQLite runs one writer at a time, and the
//! conditional statements see the state as it is at commit; an expectation
//! that another request broke makes the unit roll back whole, and the
//! driver runs the request again from fresh lookups. So the lookups need no
//! transaction of their own, and two refreshes of one token can never both
//! rotate it.

use std::future::Future;

use grant_engine::store::ApplyError;
use grant_engine::values::{FamilyId, TokenId};
use grant_engine::{
    AsyncStore, ClientId, ClientRecord, CodeRecord, Effect, RefreshTokenRecord, TokenHash,
};

use crate::store::error::StoreError;
use crate::store::sqlite::db::SqliteDb;
use crate::store::sqlite::{apply, clients, codes, refresh_tokens, revocations};

impl AsyncStore for SqliteDb {
    type Error = StoreError;

    fn client(
        &self,
        client_id: &ClientId,
    ) -> impl Future<Output = Result<Option<ClientRecord>, StoreError>> + Send {
        let client_id = client_id.clone();
        self.run(move |conn| clients::get(conn, &client_id))
    }

    fn code(
        &self,
        code_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<CodeRecord>, StoreError>> + Send {
        let code_hash = *code_hash;
        self.run(move |conn| codes::get(conn, &code_hash))
    }

    fn refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<RefreshTokenRecord>, StoreError>> + Send {
        let token_hash = *token_hash;
        self.run(move |conn| refresh_tokens::get(conn, &token_hash))
    }

    fn is_revoked(
        &self,
        jti: &TokenId,
        family: Option<&FamilyId>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        let (jti, family) = (jti.clone(), family.cloned());
        self.run(move |conn| revocations::is_revoked(conn, &jti, family.as_ref()))
    }

    fn apply(
        &self,
        effects: &[Effect],
    ) -> impl Future<Output = Result<(), ApplyError<StoreError>>> + Send {
        let effects = effects.to_vec();
        let db = self.clone();
        async move {
            if effects.is_empty() {
                return Ok(());
            }
            db.write(move |conn| apply::apply(conn, &effects)).await
        }
    }
}
