//! Stores that each skip one guarantee of the contract, to show that the
//! suite notices: every one of them must fail it.

use std::convert::Infallible;
use std::sync::{Mutex, MutexGuard, PoisonError};

use grant_engine::store::{ApplyError, CodeState, RefreshTokenState};
use grant_engine::values::{FamilyId, TokenId};
use grant_engine::{
    AsyncStore, ClientId, ClientRecord, CodeRecord, Effect, MemoryStore, RefreshTokenRecord, Store,
    TokenHash,
};

/// The guarantee a [`BrokenStore`] skips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// A new code overwrites a stored one with the same digest.
    CodeAbsent,
    /// A redemption applies to a code already redeemed (or missing).
    CodeUnused,
    /// A new refresh token overwrites a stored one with the same digest.
    RefreshTokenAbsent,
    /// A rotation applies to a token no longer active.
    RefreshTokenActive,
    /// A regrant is confirmed without looking: the successor may have been
    /// used meanwhile.
    Regrantable,
    /// A revoked family is forgotten: its tokens are revoked once, but its
    /// access tokens are not refused and later tokens are stored active.
    FamilyStaysRevoked,
    /// A unit is applied effect by effect, keeping what applied before the
    /// first conflict.
    Atomicity,
    /// A code lookup marks the code redeemed (a lookup that writes).
    LookupsOnlyRead,
}

impl Skip {
    /// Every guarantee, for the tests that break each one.
    pub const ALL: [Skip; 8] = [
        Skip::CodeAbsent,
        Skip::CodeUnused,
        Skip::RefreshTokenAbsent,
        Skip::RefreshTokenActive,
        Skip::Regrantable,
        Skip::FamilyStaysRevoked,
        Skip::Atomicity,
        Skip::LookupsOnlyRead,
    ];
}

/// A [`MemoryStore`] that skips one guarantee.
pub struct BrokenStore {
    inner: Mutex<MemoryStore>,
    skip: Skip,
}

impl BrokenStore {
    /// A store holding `clients` that skips `skip`.
    pub fn new(clients: Vec<ClientRecord>, skip: Skip) -> BrokenStore {
        let mut store = MemoryStore::new();
        for client in clients {
            store.add_client(client);
        }
        BrokenStore {
            inner: Mutex::new(store),
            skip,
        }
    }

    fn locked(&self) -> MutexGuard<'_, MemoryStore> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn apply_unit(&self, effects: &[Effect]) -> Result<(), ApplyError<Infallible>> {
        let mut store = self.locked();
        match self.skip {
            Skip::Atomicity => {
                for effect in effects {
                    store.apply(std::slice::from_ref(effect))?;
                }
                Ok(())
            }
            skip => {
                let (skipped, checked): (Vec<&Effect>, Vec<&Effect>) =
                    effects.iter().partition(|e| skips(skip, e));
                let checked: Vec<Effect> = checked.into_iter().cloned().collect();
                store.apply(&checked)?;
                for effect in skipped {
                    unchecked(&mut store, effect);
                }
                Ok(())
            }
        }
    }
}

/// Whether `skip` applies `effect` without its guarantee.
fn skips(skip: Skip, effect: &Effect) -> bool {
    matches!(
        (skip, effect),
        (Skip::CodeAbsent, Effect::StoreCode(_))
            | (Skip::CodeUnused, Effect::RedeemCode { .. })
            | (Skip::RefreshTokenAbsent, Effect::StoreRefreshToken(_))
            | (Skip::RefreshTokenActive, Effect::RotateRefreshToken { .. })
            | (Skip::Regrantable, Effect::Regrant { .. })
            | (Skip::FamilyStaysRevoked, Effect::RevokeFamily { .. })
    )
}

/// Applies `effect` as a careless store would: no expectation, no memory.
fn unchecked(store: &mut MemoryStore, effect: &Effect) {
    match effect {
        Effect::StoreCode(code) => store.add_code(code.clone()),
        Effect::RedeemCode {
            code_hash,
            access_token_ids,
        } => {
            if let Some(mut code) = store.code_record(code_hash).cloned() {
                code.state = CodeState::Redeemed {
                    access_token_ids: access_token_ids.clone(),
                };
                store.add_code(code);
            }
        }
        Effect::StoreRefreshToken(record) => store.add_refresh_token(record.clone()),
        Effect::RotateRefreshToken {
            token_hash,
            at,
            successor,
            nonce,
        } => {
            if let Some(mut record) = store.refresh_token_record(token_hash).cloned() {
                record.state = RefreshTokenState::Rotated {
                    at: *at,
                    successor: *successor,
                    nonce: nonce.clone(),
                };
                store.add_refresh_token(record);
            }
        }
        Effect::RevokeFamily { family } => {
            let revoked: Vec<RefreshTokenRecord> = store
                .refresh_token_records()
                .filter(|r| &r.family == family)
                .map(|r| RefreshTokenRecord {
                    state: RefreshTokenState::Revoked,
                    ..r.clone()
                })
                .collect();
            for record in revoked {
                store.add_refresh_token(record);
            }
        }
        Effect::RevokeAccessTokens { .. } => {
            let _ = store.apply(std::slice::from_ref(effect));
        }
        Effect::Regrant { .. } => {}
    }
}

impl AsyncStore for BrokenStore {
    type Error = Infallible;

    async fn client(&self, client_id: &ClientId) -> Result<Option<ClientRecord>, Infallible> {
        self.locked().client(client_id)
    }

    async fn code(&self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, Infallible> {
        let mut store = self.locked();
        let found = store.code(code_hash)?;
        if self.skip == Skip::LookupsOnlyRead
            && let Some(mut code) = found.clone()
            && code.state == CodeState::Unused
        {
            code.state = CodeState::Redeemed {
                access_token_ids: Vec::new(),
            };
            store.add_code(code);
        }
        Ok(found)
    }

    async fn refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, Infallible> {
        self.locked().refresh_token(token_hash)
    }

    async fn is_revoked(
        &self,
        jti: &TokenId,
        family: Option<&FamilyId>,
    ) -> Result<bool, Infallible> {
        self.locked().is_revoked(jti, family)
    }

    async fn apply(&self, effects: &[Effect]) -> Result<(), ApplyError<Infallible>> {
        self.apply_unit(effects)
    }
}
