//! An in-memory store that answers the engine's questions and applies its
//! effects: for tests, examples and the reference-oracle role.

use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;

use crate::{
    ClientId, ClientRecord, CodeRecord, CodeState, Config, Context, Effect, FamilyId, Lookup,
    Outcome, RefreshTokenRecord, RefreshTokenState, RequestParts, TokenHash, TokenId, drive,
    token_endpoint,
};

/// Clients, codes, refresh tokens and revocations, kept in ordered maps so
/// that iteration (and so any rendering of the store) is deterministic.
///
/// Taking `&mut self` for every call makes each exchange atomic with
/// respect to the others, as the engine requires of a host.
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

    /// Stores an authorization code record.
    pub fn add_code(&mut self, code: CodeRecord) {
        self.codes.insert(code.code_hash, code);
    }

    /// Stores a refresh token record (revoked if its family is).
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

    /// Applies effects in order.
    pub fn apply(&mut self, effects: &[Effect]) {
        for effect in effects {
            self.apply_one(effect);
        }
    }

    fn apply_one(&mut self, effect: &Effect) {
        match effect {
            Effect::StoreCode(code) => self.add_code(code.clone()),
            Effect::RedeemCode {
                code_hash,
                access_token_ids,
            } => {
                if let Some(code) = self.codes.get_mut(code_hash) {
                    let mut ids = match std::mem::take(&mut code.state) {
                        CodeState::Redeemed { access_token_ids } => access_token_ids,
                        CodeState::Unused => Vec::new(),
                    };
                    ids.extend(access_token_ids.iter().cloned());
                    code.state = CodeState::Redeemed {
                        access_token_ids: ids,
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
                if let Some(record) = self.refresh_tokens.get_mut(token_hash)
                    && record.state == RefreshTokenState::Active
                {
                    record.state = RefreshTokenState::Rotated {
                        at: *at,
                        successor: *successor,
                        nonce: nonce.clone(),
                    };
                }
            }
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

    /// The whole token endpoint against this store: parse, exchange, apply
    /// the effects, and return the outcome.
    pub fn token_endpoint(
        &mut self,
        parts: &RequestParts<'_>,
        config: &Config,
        ctx: Context,
    ) -> Outcome {
        let outcome = match drive(token_endpoint(parts, config, ctx), self) {
            Ok(outcome) => outcome,
            Err(never) => match never {},
        };
        self.apply(outcome.effects());
        outcome
    }
}

impl Lookup for MemoryStore {
    type Error = Infallible;

    fn client(&mut self, client_id: &ClientId) -> Result<Option<ClientRecord>, Infallible> {
        Ok(self.clients.get(client_id).cloned())
    }

    fn take_code(&mut self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, Infallible> {
        let Some(code) = self.codes.get_mut(code_hash) else {
            return Ok(None);
        };
        let before = code.clone();
        if code.state == CodeState::Unused {
            code.state = CodeState::Redeemed {
                access_token_ids: Vec::new(),
            };
        }
        Ok(Some(before))
    }

    fn refresh_token(
        &mut self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, Infallible> {
        Ok(self.refresh_tokens.get(token_hash).cloned())
    }

    fn is_revoked(&mut self, jti: &TokenId, family: Option<&FamilyId>) -> Result<bool, Infallible> {
        Ok(self.revoked_access_tokens.contains(jti)
            || family.is_some_and(|f| self.revoked_families.contains(f)))
    }
}
