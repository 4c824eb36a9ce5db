//! Persisting one request's effects as one transaction, under the store
//! contract.
//!
//! The isolation is PostgreSQL's default, READ COMMITTED, with every
//! expectation checked by the statement that applies it:
//!
//! - a redemption or a rotation is an `UPDATE ... WHERE` on the state the
//!   engine read (`NOT redeemed`, `state = 'active'`). A concurrent
//!   transaction that changed the row holds its lock until it ends; the
//!   waiting `UPDATE` then re-checks its `WHERE` on the committed row,
//!   matches nothing, and the unit is refused as a conflict;
//! - a new record is an `INSERT ... ON CONFLICT DO NOTHING`: a digest
//!   already stored, or being stored by a transaction that commits, makes
//!   it insert nothing;
//! - "a revoked family stays revoked" spans two tables, which row locks
//!   alone do not order (a revocation's `UPDATE` cannot see a successor
//!   inserted after its snapshot). So every unit that stores a refresh
//!   token or revokes a family first takes that family's transaction-scoped
//!   advisory lock, in sorted order: the two serialize, and whichever comes
//!   second sees the first.
//!
//! A statement refused for contention (a deadlock or a serialization
//! failure, which these rules make rare) changed nothing and is reported as
//! a conflict too, so the driver re-runs the request from fresh lookups.
//! SERIALIZABLE would also be correct, but would refuse more units under
//! load (its predicate locks are coarser than these row checks), costing
//! retries without adding a guarantee.

use deadpool_postgres::{GenericClient, Transaction};
use grant_engine::Effect;
use grant_engine::store::{ApplyError, Conflict};
use grant_engine::values::FamilyId;

use crate::store::error::StoreError;
use crate::store::postgres::{codes, refresh_tokens, revocations};

/// Applies `effects` in order inside `tx`. A conflict or a failure leaves
/// it to the caller to drop `tx`, which rolls it back.
pub async fn apply(tx: &Transaction<'_>, effects: &[Effect]) -> Result<(), ApplyError<StoreError>> {
    let conflict = |effect: &Effect| {
        ApplyError::Conflict(Conflict {
            expected: effect.expectation(),
        })
    };
    if let Err(error) = lock_families(tx, effects).await {
        return Err(match effects.first() {
            Some(first) if error.is_contention() => conflict(first),
            _ => ApplyError::Store(error),
        });
    }
    for effect in effects {
        match apply_one(tx, effect).await {
            Ok(true) => {}
            Ok(false) => return Err(conflict(effect)),
            Err(error) if error.is_contention() => return Err(conflict(effect)),
            Err(error) => return Err(ApplyError::Store(error)),
        }
    }
    Ok(())
}

/// Takes the advisory lock of every family the unit stores a refresh
/// token of or revokes, in sorted order (so two units never wait for each
/// other in a cycle). Held until the transaction ends.
async fn lock_families(tx: &Transaction<'_>, effects: &[Effect]) -> Result<(), StoreError> {
    let mut families: Vec<&FamilyId> = effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::StoreRefreshToken(record) => Some(&record.family),
            Effect::RevokeFamily { family } => Some(family),
            _ => None,
        })
        .collect();
    if families.is_empty() {
        return Ok(());
    }
    families.sort_unstable();
    families.dedup();
    let statement = tx
        .prepare_cached("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .await?;
    for family in families {
        tx.execute(&statement, &[&family.as_str()]).await?;
    }
    Ok(())
}

/// Applies one effect; `false` when its expectation did not hold. The
/// `match` is exhaustive: a new effect is a compile error here.
async fn apply_one(tx: &Transaction<'_>, effect: &Effect) -> Result<bool, StoreError> {
    match effect {
        Effect::StoreCode(code) => codes::insert(tx, code).await,
        Effect::RedeemCode {
            code_hash,
            access_token_ids,
        } => codes::redeem(tx, code_hash, access_token_ids).await,
        Effect::StoreRefreshToken(record) => refresh_tokens::insert(tx, record).await,
        Effect::RotateRefreshToken {
            token_hash,
            at,
            successor,
            nonce,
        } => refresh_tokens::rotate(tx, token_hash, *at, successor, nonce.as_deref()).await,
        Effect::Regrant {
            predecessor,
            successor,
        } => refresh_tokens::confirm_regrant(tx, predecessor, successor).await,
        Effect::RevokeFamily { family } => {
            revocations::revoke_family(tx, family).await?;
            refresh_tokens::revoke_family(tx, family).await?;
            Ok(true)
        }
        Effect::RevokeAccessTokens { token_ids } => {
            revocations::revoke_access_tokens(tx, token_ids).await?;
            Ok(true)
        }
    }
}
