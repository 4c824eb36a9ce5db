//! The refresh_token grant with rotation and reuse detection (RFC 6749 6,
//! RFC 9700 4.14).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{Exchange, RefreshPhase, RefreshTokenQuestion, Step};
use crate::token_request::RefreshTokenRequest;
use crate::{
    ClientRecord, Effect, InvalidGrant, InvalidScope, KeyRing, RefreshToken, RefreshTokenRecord,
    RefreshTokenState, Scope, TokenError, TokenHash, TokenResponse,
};

/// The successor of the refresh token with digest `predecessor`: HMAC of
/// the digest and a `nonce` from the rotating call's entropy, under `key`'s
/// derivation subkey. The nonce is stored (it is not secret) with the
/// rotated record, so that within the grace period the same successor can be
/// handed out again without the successor ever being stored in plain.
fn successor_of(key: &crate::HmacKey, predecessor: &TokenHash, nonce: &str) -> RefreshToken {
    let mut input = predecessor.as_bytes().to_vec();
    input.extend_from_slice(nonce.as_bytes());
    RefreshToken::from_trusted(URL_SAFE_NO_PAD.encode(key.derive(&input)))
}

/// Re-derives the successor recorded as `expected` with any key of the ring
/// (the signing key may have changed since the rotation).
fn rederive(
    keys: &KeyRing,
    predecessor: &TokenHash,
    nonce: &str,
    expected: &TokenHash,
) -> Option<RefreshToken> {
    keys.keys()
        .map(|key| successor_of(key, predecessor, nonce))
        .find(|token| expected.matches(token.expose_secret()))
}

/// Reuse of a rotated-out token: revoke the whole family (RFC 9700 4.14.2).
fn reuse<'c>(mut exchange: Exchange<'c>, record: &RefreshTokenRecord) -> Step<'c> {
    exchange.effects.push(Effect::RevokeFamily {
        family: record.family.clone(),
    });
    exchange.fail(TokenError::InvalidGrant(InvalidGrant::RefreshTokenReused))
}

/// The scope of the new access token: the request's if it is within the
/// grant's, else the grant's.
fn granted_scope(
    request: &RefreshTokenRequest,
    record: &RefreshTokenRecord,
) -> Result<Scope, TokenError> {
    match &request.scope {
        None => Ok(record.scope.clone()),
        Some(scope) if scope.is_subset_of(&record.scope) => Ok(scope.clone()),
        Some(_) => Err(TokenError::InvalidScope(InvalidScope::NotAllowed)),
    }
}

/// The first question's answer: the presented token's record.
pub(super) fn refresh<'c>(
    mut exchange: Exchange<'c>,
    client: ClientRecord,
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
    match &record.state {
        RefreshTokenState::Revoked => exchange.fail(invalid(InvalidGrant::RefreshTokenRevoked)),
        RefreshTokenState::Rotated {
            at,
            successor,
            nonce,
        } => {
            let grace = exchange.config.refresh_grace_period();
            let within_grace = grace > 0 && exchange.now <= at.saturating_add(grace);
            let token = within_grace
                .then(|| rederive(exchange.config.keys(), &token_hash, nonce, successor))
                .flatten();
            match token {
                // Only if the successor itself is still unused: ask for it.
                Some(token) => Step::NeedRefreshToken(RefreshTokenQuestion {
                    token_hash: *successor,
                    exchange,
                    client,
                    request,
                    phase: RefreshPhase::Successor(Box::new((record, token))),
                }),
                None => reuse(exchange, &record),
            }
        }
        RefreshTokenState::Active => {
            if exchange.now >= record.expires_at {
                return exchange.fail(invalid(InvalidGrant::RefreshTokenExpired));
            }
            let scope = match granted_scope(&request, &record) {
                Ok(scope) => scope,
                Err(error) => return exchange.fail(error),
            };
            let nonce = exchange.ids.next_id(b"rotation");
            let successor = successor_of(exchange.config.keys().signing_key(), &token_hash, &nonce);
            let successor_hash = TokenHash::of(successor.expose_secret());
            let now = exchange.now;
            exchange.effects.push(Effect::RotateRefreshToken {
                token_hash,
                at: now,
                successor: successor_hash,
                nonce,
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
            issue(exchange, &client, &record, scope, successor)
        }
    }
}

/// The second question's answer, within the grace period: the successor's
/// record. If it is still active, the same successor is handed out again;
/// if it was used, revoked or has expired, the replay is reuse.
pub(super) fn regrant<'c>(
    exchange: Exchange<'c>,
    client: ClientRecord,
    request: RefreshTokenRequest,
    (predecessor, token): (RefreshTokenRecord, RefreshToken),
    successor: Option<RefreshTokenRecord>,
) -> Step<'c> {
    let usable = successor.is_some_and(|s| {
        s.token_hash.matches(token.expose_secret())
            && s.state == RefreshTokenState::Active
            && s.client_id == client.client_id
            && exchange.now < s.expires_at
    });
    if !usable {
        return reuse(exchange, &predecessor);
    }
    let scope = match granted_scope(&request, &predecessor) {
        Ok(scope) => scope,
        Err(error) => return exchange.fail(error),
    };
    issue(exchange, &client, &predecessor, scope, token)
}

/// Mints the access token and answers with it and `refresh_token`.
fn issue<'c>(
    mut exchange: Exchange<'c>,
    client: &ClientRecord,
    record: &RefreshTokenRecord,
    scope: Scope,
    refresh_token: RefreshToken,
) -> Step<'c> {
    let (access_token, _) = exchange.access_token(
        &client.client_id,
        record.subject.as_str(),
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
