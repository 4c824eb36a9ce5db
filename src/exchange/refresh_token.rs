//! The refresh_token grant with rotation and reuse detection (RFC 6749 6,
//! RFC 9700 4.14).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{Exchange, Step};
use crate::token_request::RefreshTokenRequest;
use crate::{
    ClientRecord, Effect, InvalidGrant, InvalidScope, KeyRing, RefreshToken, RefreshTokenRecord,
    RefreshTokenState, TokenError, TokenHash, TokenResponse,
};

/// The successor of the refresh token with digest `predecessor`, under
/// `key`'s derivation subkey. Deterministic, so that within the grace period
/// the same successor can be handed out again without ever being stored.
fn successor_of(key: &crate::HmacKey, predecessor: &TokenHash) -> RefreshToken {
    let bytes = key.derive(predecessor.as_bytes());
    RefreshToken::from_trusted(URL_SAFE_NO_PAD.encode(bytes))
}

/// Re-derives the successor recorded as `expected` with any key of the ring
/// (the signing key may have changed since the rotation).
fn rederive(keys: &KeyRing, predecessor: &TokenHash, expected: &TokenHash) -> Option<RefreshToken> {
    keys.keys()
        .map(|key| successor_of(key, predecessor))
        .find(|token| expected.matches(token.expose_secret()))
}

pub(super) fn refresh<'c>(
    mut exchange: Exchange<'c>,
    client: &ClientRecord,
    request: RefreshTokenRequest,
    token_hash: TokenHash,
    record: Option<RefreshTokenRecord>,
) -> Step<'c> {
    let invalid = |reason| TokenError::InvalidGrant(reason);
    let Some(record) = record.filter(|r| r.token_hash.ct_eq(&token_hash)) else {
        return exchange.fail(invalid(InvalidGrant::UnknownRefreshToken));
    };
    if record.client_id != client.client_id {
        return exchange.fail(invalid(InvalidGrant::RefreshTokenOfAnotherClient));
    }
    let grace = exchange.config.refresh_grace_period();
    let regranted = match &record.state {
        RefreshTokenState::Revoked => {
            return exchange.fail(invalid(InvalidGrant::RefreshTokenRevoked));
        }
        RefreshTokenState::Active => None,
        RefreshTokenState::Rotated { at, successor } => {
            let within_grace = grace > 0 && exchange.now <= at.saturating_add(grace);
            match within_grace
                .then(|| rederive(exchange.config.keys(), &token_hash, successor))
                .flatten()
            {
                Some(successor) => Some(successor),
                None => {
                    exchange.effects.push(Effect::RevokeFamily {
                        family: record.family.clone(),
                    });
                    return exchange.fail(invalid(InvalidGrant::RefreshTokenReused));
                }
            }
        }
    };
    if regranted.is_none() && exchange.now >= record.expires_at {
        return exchange.fail(invalid(InvalidGrant::RefreshTokenExpired));
    }
    let scope = match request.scope {
        None => record.scope.clone(),
        Some(scope) if scope.is_subset_of(&record.scope) => scope,
        Some(_) => return exchange.fail(TokenError::InvalidScope(InvalidScope::NotAllowed)),
    };
    let refresh_token = match regranted {
        // Within the grace period: the same successor, no new state.
        Some(successor) => successor,
        None => {
            let successor = successor_of(exchange.config.keys().signing_key(), &token_hash);
            let successor_hash = TokenHash::of(successor.expose_secret());
            let now = exchange.now;
            exchange.effects.push(Effect::RotateRefreshToken {
                token_hash,
                at: now,
                successor: successor_hash,
            });
            exchange
                .effects
                .push(Effect::StoreRefreshToken(RefreshTokenRecord {
                    token_hash: successor_hash,
                    client_id: record.client_id.clone(),
                    subject: record.subject.clone(),
                    // The new token keeps the original grant's scope (RFC 6749 6).
                    scope: record.scope.clone(),
                    family: record.family.clone(),
                    issued_at: now,
                    expires_at: now.saturating_add(exchange.config.refresh_token_ttl()),
                    state: RefreshTokenState::Active,
                }));
            successor
        }
    };
    let (access_token, _) = exchange.access_token(
        &client.client_id,
        record.subject,
        &scope,
        Some(&record.family),
    );
    let expires_in = exchange.config.access_token_ttl();
    exchange.succeed(TokenResponse {
        access_token,
        expires_in,
        refresh_token: Some(refresh_token),
        scope,
    })
}
