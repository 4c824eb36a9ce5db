//! Persisting one request's effects as one unit, under the store contract:
//! each effect's expectation is checked by the statement that applies it
//! (a conditional insert or update and its affected-row count), and the
//! first that does not hold rolls the whole unit back as a conflict.

use grant_engine::Effect;
use grant_engine::store::{ApplyError, Conflict};
use rusqlite::Connection;

use crate::store::error::StoreError;
use crate::store::sqlite::{codes, refresh_tokens, revocations};

/// Applies `effects` in order inside the caller's write transaction. A
/// conflict or a failure leaves it to the caller to roll back.
pub fn apply(conn: &Connection, effects: &[Effect]) -> Result<(), ApplyError<StoreError>> {
    for effect in effects {
        if !apply_one(conn, effect).map_err(ApplyError::Store)? {
            return Err(ApplyError::Conflict(Conflict {
                expected: effect.expectation(),
            }));
        }
    }
    Ok(())
}

/// Applies one effect; `false` when its expectation did not hold. The
/// `match` is exhaustive: a new effect is a compile error here.
fn apply_one(conn: &Connection, effect: &Effect) -> Result<bool, StoreError> {
    match effect {
        Effect::StoreCode(code) => codes::insert(conn, code),
        Effect::RedeemCode {
            code_hash,
            access_token_ids,
        } => codes::redeem(conn, code_hash, access_token_ids),
        Effect::StoreRefreshToken(record) => refresh_tokens::insert(conn, record),
        Effect::RotateRefreshToken {
            token_hash,
            at,
            successor,
            nonce,
        } => refresh_tokens::rotate(conn, token_hash, *at, successor, nonce.as_deref()),
        Effect::Regrant {
            predecessor,
            successor,
        } => refresh_tokens::confirm_regrant(conn, predecessor, successor),
        Effect::RevokeFamily { family } => {
            revocations::revoke_family(conn, family)?;
            refresh_tokens::revoke_family(conn, family)?;
            Ok(true)
        }
        Effect::RevokeAccessTokens { token_ids } => {
            revocations::revoke_access_tokens(conn, token_ids)?;
            Ok(true)
        }
    }
}
