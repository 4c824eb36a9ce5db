//! An in-memory store that answers the engine's lookups and applies its
//! effects under the store contract: for tests, examples and the oracle.

use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use std::sync::{Mutex, PoisonError};

use crate::store::async_store::AsyncStore;
use crate::store::client_record::ClientRecord;
use crate::store::code_record::{CodeRecord, CodeState};
use crate::store::effect::Effect;
use crate::store::expectation::{ApplyError, Conflict, Expectation};
use crate::store::refresh_token_record::{RefreshTokenRecord, RefreshTokenState};
use crate::store::store::Store;
use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;
use crate::values::ids::{FamilyId, TokenId};

/// Clients, codes, refresh tokens and revocations, kept in ordered maps so
/// that iteration (and so any rendering of the store) is deterministic.
///
/// [`MemoryStore::apply`] checks every effect's expectation before it
/// changes anything, so a unit is applied whole or refused with a
/// [`Conflict`]. Behind a [`Mutex`] it is also an [`AsyncStore`] whose
/// lookups and `apply` each take the lock on their own: an optimistic store,
/// in which concurrent requests meet as conflicts, not as blocked reads.
///
/// ```
/// use grant_engine::{ClientRecord, ClientId, MemoryStore, Store};
/// let mut store = MemoryStore::new();
/// let id = ClientId::new("app").unwrap();
/// store.add_client(ClientRecord::public(id.clone()));
/// assert!(store.client(&id).unwrap().is_some());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryStore {
    clients: BTreeMap<ClientId, ClientRecord>,
    codes: BTreeMap<TokenHash, CodeRecord>,
    refresh_tokens: BTreeMap<TokenHash, RefreshTokenRecord>,
    revoked_families: BTreeSet<FamilyId>,
    revoked_access_tokens: BTreeSet<TokenId>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Registers (or replaces) a client.
    pub fn add_client(&mut self, client: ClientRecord) {
        self.clients.insert(client.client_id.clone(), client);
    }

    /// Stores a code record as it is, replacing one with the same digest
    /// (setting up a state; the engine's own codes arrive as effects).
    pub fn add_code(&mut self, code: CodeRecord) {
        self.codes.insert(code.code_hash, code);
    }

    /// Stores a refresh token record, revoked if its family is, replacing
    /// one with the same digest (setting up a state).
    pub fn add_refresh_token(&mut self, mut record: RefreshTokenRecord) {
        if self.revoked_families.contains(&record.family) {
            record.state = RefreshTokenState::Revoked;
        }
        self.refresh_tokens.insert(record.token_hash, record);
    }

    /// The client with this id.
    pub fn client_record(&self, client_id: &ClientId) -> Option<&ClientRecord> {
        self.clients.get(client_id)
    }

    /// The code with this digest.
    pub fn code_record(&self, code_hash: &TokenHash) -> Option<&CodeRecord> {
        self.codes.get(code_hash)
    }

    /// The refresh token with this digest.
    pub fn refresh_token_record(&self, token_hash: &TokenHash) -> Option<&RefreshTokenRecord> {
        self.refresh_tokens.get(token_hash)
    }

    /// Every refresh token record, by digest.
    pub fn refresh_token_records(&self) -> impl Iterator<Item = &RefreshTokenRecord> {
        self.refresh_tokens.values()
    }

    /// Whether the family was revoked.
    pub fn is_family_revoked(&self, family: &FamilyId) -> bool {
        self.revoked_families.contains(family)
    }

    /// Whether the access token with this `jti` was revoked by itself.
    pub fn is_access_token_revoked(&self, jti: &TokenId) -> bool {
        self.revoked_access_tokens.contains(jti)
    }

    /// Applies one request's effects as a unit: if any expectation does not
    /// hold (checked in order, each effect seeing the ones before it),
    /// nothing changes and the conflict is returned.
    pub fn apply(&mut self, effects: &[Effect]) -> Result<(), Conflict> {
        if effects.is_empty() {
            return Ok(());
        }
        let mut unit = Unit::default();
        for effect in effects {
            let expected = effect.expectation();
            if !unit.holds(self, expected) {
                return Err(Conflict { expected });
            }
            unit.record(effect);
        }
        for effect in effects {
            self.apply_one(effect);
        }
        Ok(())
    }

    fn apply_one(&mut self, effect: &Effect) {
        match effect {
            Effect::StoreCode(code) => self.add_code(code.clone()),
            Effect::RedeemCode {
                code_hash,
                access_token_ids,
            } => {
                if let Some(code) = self.codes.get_mut(code_hash) {
                    code.state = CodeState::Redeemed {
                        access_token_ids: access_token_ids.clone(),
                    };
                }
            }
            Effect::StoreRefreshToken(record) => self.add_refresh_token(record.clone()),
            Effect::RotateRefreshToken {
                token_hash,
                at,
                successor,
                nonce,
            } => {
                if let Some(record) = self.refresh_tokens.get_mut(token_hash) {
                    record.state = RefreshTokenState::Rotated {
                        at: *at,
                        successor: *successor,
                        nonce: nonce.clone(),
                    };
                }
            }
            // Confirmed by its expectation; nothing to change.
            Effect::Regrant { .. } => {}
            Effect::RevokeFamily { family } => {
                self.revoked_families.insert(family.clone());
                for record in self.refresh_tokens.values_mut() {
                    if &record.family == family {
                        record.state = RefreshTokenState::Revoked;
                    }
                }
            }
            Effect::RevokeAccessTokens { token_ids } => {
                self.revoked_access_tokens.extend(token_ids.iter().cloned());
            }
        }
    }

    fn code_unused(&self, code_hash: &TokenHash) -> Option<bool> {
        self.codes
            .get(code_hash)
            .map(|code| code.state == CodeState::Unused)
    }

    fn refresh_token_state(&self, token_hash: &TokenHash) -> Option<(&FamilyId, bool)> {
        self.refresh_tokens
            .get(token_hash)
            .map(|r| (&r.family, r.state == RefreshTokenState::Active))
    }
}

/// What the effects of one unit change before it is applied, so that each
/// effect's expectation is checked against the ones before it.
#[derive(Default)]
struct Unit<'a> {
    /// Codes the unit stores or redeems, by digest: whether unused.
    codes: BTreeMap<&'a TokenHash, bool>,
    /// Refresh tokens the unit stores or rotates, by digest: the family of
    /// one it stores active, `None` once it is no longer active.
    refresh_tokens: BTreeMap<&'a TokenHash, Option<&'a FamilyId>>,
    revoked_families: BTreeSet<&'a FamilyId>,
}

impl<'a> Unit<'a> {
    fn holds(&self, store: &MemoryStore, expected: Expectation) -> bool {
        match expected {
            Expectation::CodeAbsent(hash) => self.code_unused(store, &hash).is_none(),
            Expectation::CodeUnused(hash) => self.code_unused(store, &hash) == Some(true),
            Expectation::RefreshTokenAbsent(hash) => {
                !self.refresh_tokens.contains_key(&hash)
                    && store.refresh_token_state(&hash).is_none()
            }
            Expectation::RefreshTokenActive(hash) => self.active(store, &hash),
            Expectation::Regrantable {
                predecessor,
                successor,
            } => {
                let rotated_to_it = matches!(
                    store.refresh_tokens.get(&predecessor).map(|r| &r.state),
                    Some(RefreshTokenState::Rotated { successor: s, .. }) if *s == successor
                );
                !self.refresh_tokens.contains_key(&predecessor)
                    && rotated_to_it
                    && self.active(store, &successor)
            }
            Expectation::Nothing => true,
        }
    }

    /// Whether the refresh token `hash` is active, counting this unit's
    /// effects before the one checked.
    fn active(&self, store: &MemoryStore, hash: &TokenHash) -> bool {
        let family = match self.refresh_tokens.get(hash) {
            Some(stored) => *stored,
            None => store
                .refresh_token_state(hash)
                .and_then(|(family, active)| active.then_some(family)),
        };
        family.is_some_and(|family| !self.revoked_families.contains(family))
    }

    fn code_unused(&self, store: &MemoryStore, hash: &TokenHash) -> Option<bool> {
        match self.codes.get(hash) {
            Some(unused) => Some(*unused),
            None => store.code_unused(hash),
        }
    }

    fn record(&mut self, effect: &'a Effect) {
        match effect {
            Effect::StoreCode(code) => {
                self.codes
                    .insert(&code.code_hash, code.state == CodeState::Unused);
            }
            Effect::RedeemCode { code_hash, .. } => {
                self.codes.insert(code_hash, false);
            }
            Effect::StoreRefreshToken(record) => {
                let active = record.state == RefreshTokenState::Active;
                self.refresh_tokens
                    .insert(&record.token_hash, active.then_some(&record.family));
            }
            Effect::RotateRefreshToken { token_hash, .. } => {
                self.refresh_tokens.insert(token_hash, None);
            }
            Effect::RevokeFamily { family } => {
                self.revoked_families.insert(family);
            }
            Effect::Regrant { .. } | Effect::RevokeAccessTokens { .. } => {}
        }
    }
}

impl Store for MemoryStore {
    type Error = Infallible;

    fn client(&mut self, client_id: &ClientId) -> Result<Option<ClientRecord>, Infallible> {
        Ok(self.clients.get(client_id).cloned())
    }

    fn code(&mut self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, Infallible> {
        Ok(self.codes.get(code_hash).cloned())
    }

    fn refresh_token(
        &mut self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, Infallible> {
        Ok(self.refresh_tokens.get(token_hash).cloned())
    }

    fn is_revoked(&mut self, jti: &TokenId, family: Option<&FamilyId>) -> Result<bool, Infallible> {
        Ok(self.revoked(jti, family))
    }

    fn apply(&mut self, effects: &[Effect]) -> Result<(), ApplyError<Infallible>> {
        MemoryStore::apply(self, effects).map_err(ApplyError::Conflict)
    }
}

impl MemoryStore {
    fn revoked(&self, jti: &TokenId, family: Option<&FamilyId>) -> bool {
        self.revoked_access_tokens.contains(jti)
            || family.is_some_and(|f| self.revoked_families.contains(f))
    }
}

/// Each call takes the lock on its own (a poisoned lock is taken as it is:
/// every change is applied whole or not at all, so no unit is half done).
impl AsyncStore for Mutex<MemoryStore> {
    type Error = Infallible;

    async fn client(&self, client_id: &ClientId) -> Result<Option<ClientRecord>, Infallible> {
        Ok(locked(self).clients.get(client_id).cloned())
    }

    async fn code(&self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, Infallible> {
        Ok(locked(self).codes.get(code_hash).cloned())
    }

    async fn refresh_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, Infallible> {
        Ok(locked(self).refresh_tokens.get(token_hash).cloned())
    }

    async fn is_revoked(
        &self,
        jti: &TokenId,
        family: Option<&FamilyId>,
    ) -> Result<bool, Infallible> {
        Ok(locked(self).revoked(jti, family))
    }

    async fn apply(&self, effects: &[Effect]) -> Result<(), ApplyError<Infallible>> {
        locked(self).apply(effects).map_err(ApplyError::Conflict)
    }
}

fn locked(store: &Mutex<MemoryStore>) -> std::sync::MutexGuard<'_, MemoryStore> {
    store.lock().unwrap_or_else(PoisonError::into_inner)
}
