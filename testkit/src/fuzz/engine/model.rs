//! The independent model of the state: a fixture that effects are applied
//! to as `Effect`'s documentation says a host must, written from that
//! documentation and not from `MemoryStore`. Each effect's expectation (the
//! store contract's table) is checked against the model before the unit is
//! applied, each effect seeing the ones before it; a unit with an
//! expectation that does not hold changes nothing.

use std::collections::BTreeSet;
use std::fmt;

use grant_engine::store::{CodeState, Expectation, RefreshTokenState};
use grant_engine::{Effect, TokenHash};
use grant_engine_oracle::Fixture;

/// The state a fixture describes once loaded: one client per id, one code
/// and one refresh token per digest (the last given wins), and every refresh
/// token of a revoked family revoked.
pub fn normalize(fixture: &Fixture) -> Fixture {
    fn last_wins<T: Clone, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<T> {
        let mut seen = BTreeSet::new();
        let mut out: Vec<T> = items
            .iter()
            .rev()
            .filter(|item| seen.insert(key(item)))
            .cloned()
            .collect();
        out.reverse();
        out
    }
    let mut model = fixture.clone();
    model.clients = last_wins(&fixture.clients, |c| c.client_id.clone());
    model.codes = last_wins(&fixture.codes, |c| c.code_hash);
    model.refresh_tokens = last_wins(&fixture.refresh_tokens, |r| r.token_hash);
    model.revoked_families = last_wins(&fixture.revoked_families, Clone::clone);
    model.revoked_access_tokens = last_wins(&fixture.revoked_access_tokens, Clone::clone);
    for record in &mut model.refresh_tokens {
        if model.revoked_families.contains(&record.family) {
            record.state = RefreshTokenState::Revoked;
        }
    }
    model
}

/// An effect whose expectation does not hold in the model: the unit it
/// belongs to is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelConflict {
    /// The effect's position in its unit.
    pub index: usize,
    /// What it expected.
    pub expected: Expectation,
}

impl fmt::Display for ModelConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "effect {} of the unit expects that {}, which does not hold in the model",
            self.index + 1,
            self.expected
        )
    }
}

/// What an effect expects of the stored state, from the table of `Effect`'s
/// documentation: a new code or refresh token expects its digest absent, a
/// redemption the code stored and unused, a rotation the token stored and
/// active, a regrant the predecessor rotated to exactly the successor and
/// the successor active; revocations expect nothing.
pub fn expectation_of(effect: &Effect) -> Expectation {
    match effect {
        Effect::StoreCode(record) => Expectation::CodeAbsent(record.code_hash),
        Effect::RedeemCode { code_hash, .. } => Expectation::CodeUnused(*code_hash),
        Effect::StoreRefreshToken(record) => Expectation::RefreshTokenAbsent(record.token_hash),
        Effect::RotateRefreshToken { token_hash, .. } => {
            Expectation::RefreshTokenActive(*token_hash)
        }
        Effect::Regrant {
            predecessor,
            successor,
        } => Expectation::Regrantable {
            predecessor: *predecessor,
            successor: *successor,
        },
        Effect::RevokeFamily { .. } | Effect::RevokeAccessTokens { .. } => Expectation::Nothing,
    }
}

/// Whether `expected` holds in the model.
pub fn holds(model: &Fixture, expected: Expectation) -> bool {
    match expected {
        Expectation::CodeAbsent(hash) => !model.codes.iter().any(|c| c.code_hash == hash),
        Expectation::CodeUnused(hash) => model
            .codes
            .iter()
            .any(|c| c.code_hash == hash && c.state == CodeState::Unused),
        Expectation::RefreshTokenAbsent(hash) => {
            !model.refresh_tokens.iter().any(|r| r.token_hash == hash)
        }
        // "A revoked family stays revoked": no token of one is active.
        Expectation::RefreshTokenActive(hash) => active(model, hash),
        Expectation::Regrantable {
            predecessor,
            successor,
        } => {
            let rotated_to = model.refresh_tokens.iter().any(|r| {
                r.token_hash == predecessor
                    && matches!(r.state, RefreshTokenState::Rotated { successor: s, .. } if s == successor)
            });
            rotated_to && active(model, successor)
        }
        Expectation::Nothing => true,
    }
}

/// Whether the refresh token `hash` is stored and active, its family not
/// revoked ("a revoked family stays revoked").
fn active(model: &Fixture, hash: TokenHash) -> bool {
    model.refresh_tokens.iter().any(|r| {
        r.token_hash == hash
            && r.state == RefreshTokenState::Active
            && !model.revoked_families.contains(&r.family)
    })
}

/// Applies one request's effects to a fixture as one unit, as `Effect`'s
/// documentation says a host must: every expectation is checked in order
/// (each effect seeing the ones before it) and, if one does not hold,
/// nothing changes and the conflict is returned. Panics if
/// `Effect::expectation` disagrees with that documentation.
pub fn apply_effects(fixture: &mut Fixture, effects: &[Effect]) -> Result<(), ModelConflict> {
    let mut unit = fixture.clone();
    for (index, effect) in effects.iter().enumerate() {
        let expected = expectation_of(effect);
        assert_eq!(
            effect.expectation(),
            expected,
            "Effect::expectation of {effect:?} is not the documented one"
        );
        if !holds(&unit, expected) {
            return Err(ModelConflict { index, expected });
        }
        apply_one(&mut unit, effect);
    }
    *fixture = unit;
    Ok(())
}

/// Whether the model would refuse this unit (and why), without changing it.
pub fn check_expectations(model: &Fixture, effects: &[Effect]) -> Result<(), ModelConflict> {
    apply_effects(&mut model.clone(), effects)
}

/// One effect whose expectation holds.
fn apply_one(fixture: &mut Fixture, effect: &Effect) {
    match effect {
        Effect::StoreCode(record) => fixture.codes.push(record.clone()),
        Effect::RedeemCode {
            code_hash,
            access_token_ids,
        } => {
            if let Some(code) = fixture.codes.iter_mut().find(|c| &c.code_hash == code_hash) {
                code.state = CodeState::Redeemed {
                    access_token_ids: access_token_ids.clone(),
                };
            }
        }
        Effect::StoreRefreshToken(record) => {
            let mut record = record.clone();
            // "A revoked family stays revoked."
            if fixture.revoked_families.contains(&record.family) {
                record.state = RefreshTokenState::Revoked;
            }
            fixture.refresh_tokens.push(record);
        }
        Effect::RotateRefreshToken {
            token_hash,
            at,
            successor,
            nonce,
        } => {
            if let Some(record) = fixture
                .refresh_tokens
                .iter_mut()
                .find(|r| &r.token_hash == token_hash)
            {
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
            if !fixture.revoked_families.contains(family) {
                fixture.revoked_families.push(family.clone());
            }
            for record in &mut fixture.refresh_tokens {
                if &record.family == family {
                    record.state = RefreshTokenState::Revoked;
                }
            }
        }
        Effect::RevokeAccessTokens { token_ids } => {
            for id in token_ids {
                if !fixture.revoked_access_tokens.contains(id) {
                    fixture.revoked_access_tokens.push(id.clone());
                }
            }
        }
    }
}
