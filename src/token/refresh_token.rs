//! The refresh_token grant with rotation and reuse detection (RFC 6749 6,
//! RFC 9700 4.14).

use crate::errors::token::{InvalidGrant, InvalidScope, TokenError};
use crate::machine::step::{RefreshTokenQuestion, Step};
use crate::mint::successor::{rederive, successor_of};
use crate::parse::token_request::RefreshTokenRequest;
use crate::store::client_record::ClientRecord;
use crate::store::effect::Effect;
use crate::store::refresh_token_record::{RefreshTokenRecord, RefreshTokenState};
use crate::token::exchange::{AwaitRefreshToken, Exchange};
use crate::token::grant::{Grant, RefreshGrant};
use crate::values::digest::TokenHash;
use crate::values::scope::Scope;
use crate::values::secret::RefreshToken;

/// Which refresh token the question is about.
pub(crate) enum RefreshPhase {
    /// The token the client presented.
    Presented,
    /// The successor of a rotated-out token replayed within the grace
    /// period: the predecessor's record and the re-derived successor.
    Successor(Box<(RefreshTokenRecord, RefreshToken)>),
}

/// A refresh token's record is in.
pub(crate) fn answer(
    wait: AwaitRefreshToken<'_>,
    record: Option<RefreshTokenRecord>,
) -> Step<'_, Exchange> {
    let AwaitRefreshToken {
        grant,
        client,
        request,
        token_hash,
        phase,
    } = wait;
    match phase {
        RefreshPhase::Presented => refresh(grant, client, request, token_hash, record),
        RefreshPhase::Successor(successor) => {
            let (predecessor, token) = *successor;
            regrant(grant, client, request, &predecessor, token, record)
        }
    }
}

/// The presented token's record: refuse, rotate, or look at a replay.
fn refresh<'c>(
    grant: Grant<'c>,
    client: ClientRecord,
    request: &'c RefreshTokenRequest,
    token_hash: TokenHash,
    record: Option<RefreshTokenRecord>,
) -> Step<'c, Exchange> {
    let invalid = |reason| TokenError::InvalidGrant(reason);
    let Some(record) = record.filter(|r| r.token_hash.ct_eq(&token_hash)) else {
        return grant.fail(invalid(InvalidGrant::UnknownRefreshToken));
    };
    if record.client_id != client.client_id {
        return grant.fail(invalid(InvalidGrant::RefreshTokenOfAnotherClient));
    }
    match &record.state {
        RefreshTokenState::Revoked => grant.fail(invalid(InvalidGrant::RefreshTokenRevoked)),
        RefreshTokenState::Active if grant.now >= record.expires_at => {
            grant.fail(invalid(InvalidGrant::RefreshTokenExpired))
        }
        RefreshTokenState::Active => rotate(grant, client, request, token_hash, &record),
        RefreshTokenState::Rotated {
            at,
            successor,
            nonce,
        } => {
            let (at, successor, nonce) = (*at, *successor, nonce.clone());
            let wait = Replay {
                grant,
                client,
                request,
                token_hash,
            };
            replay(wait, record, at, successor, &nonce)
        }
    }
}

/// An active token: rotate it to a successor derived from this call's
/// entropy, and issue.
fn rotate<'c>(
    mut grant: Grant<'c>,
    client: ClientRecord,
    request: &RefreshTokenRequest,
    token_hash: TokenHash,
    record: &RefreshTokenRecord,
) -> Step<'c, Exchange> {
    let scope = match granted_scope(request, record) {
        Ok(scope) => scope,
        Err(error) => return grant.fail(error),
    };
    let nonce = grant.ids.next_id(b"rotation");
    let successor = successor_of(grant.config.keys().signing_key(), &token_hash, &nonce);
    let successor_hash = TokenHash::of(successor.expose_secret());
    let rotation = Effect::RotateRefreshToken {
        token_hash,
        at: grant.now,
        successor: successor_hash,
        nonce,
    };
    let family = RefreshGrant {
        client_id: &record.client_id,
        subject: &record.subject,
        scope: &record.scope,
        family: &record.family,
    };
    let stored = Effect::StoreRefreshToken(grant.refresh_record(successor_hash, family));
    issue(
        grant,
        client,
        record,
        scope,
        successor,
        vec![rotation, stored],
    )
}

/// A rotated-out token presented again, with what it was rotated to.
struct Replay<'c> {
    grant: Grant<'c>,
    client: ClientRecord,
    request: &'c RefreshTokenRequest,
    token_hash: TokenHash,
}

/// Within the grace period, the same successor may be handed out again:
/// ask whether it is still unused. Otherwise the replay is reuse.
fn replay<'c>(
    wait: Replay<'c>,
    record: RefreshTokenRecord,
    at: u64,
    successor: TokenHash,
    nonce: &str,
) -> Step<'c, Exchange> {
    let Replay {
        grant,
        client,
        request,
        token_hash,
    } = wait;
    let grace = grant.config.refresh_grace_period();
    let within_grace = grace > 0 && grant.now <= at.saturating_add(grace);
    let token = within_grace
        .then(|| rederive(grant.config.keys(), &token_hash, nonce, &successor))
        .flatten();
    match token {
        Some(token) => Step::NeedRefreshToken(RefreshTokenQuestion::new(AwaitRefreshToken {
            grant,
            client,
            request,
            token_hash: successor,
            phase: RefreshPhase::Successor(Box::new((record, token))),
        })),
        None => reuse(grant, &record),
    }
}

/// Within the grace period, the successor's record: if it is still active
/// the same successor is handed out again; if it was used, revoked or has
/// expired, the replay is reuse.
fn regrant<'c>(
    grant: Grant<'c>,
    client: ClientRecord,
    request: &RefreshTokenRequest,
    predecessor: &RefreshTokenRecord,
    token: RefreshToken,
    successor: Option<RefreshTokenRecord>,
) -> Step<'c, Exchange> {
    let usable = successor.is_some_and(|s| {
        s.token_hash.matches(token.expose_secret())
            && s.state == RefreshTokenState::Active
            && s.client_id == client.client_id
            && grant.now < s.expires_at
    });
    if !usable {
        return reuse(grant, predecessor);
    }
    let scope = match granted_scope(request, predecessor) {
        Ok(scope) => scope,
        Err(error) => return grant.fail(error),
    };
    issue(grant, client, predecessor, scope, token, Vec::new())
}

/// Reuse of a rotated-out token: revoke the whole family (RFC 9700 4.14.2).
fn reuse<'c>(grant: Grant<'c>, record: &RefreshTokenRecord) -> Step<'c, Exchange> {
    let revoke = Effect::RevokeFamily {
        family: record.family.clone(),
    };
    grant.fail_with(
        TokenError::InvalidGrant(InvalidGrant::RefreshTokenReused),
        vec![revoke],
    )
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

/// Mints the access token and answers with it and `refresh_token`.
fn issue<'c>(
    mut grant: Grant<'c>,
    client: ClientRecord,
    record: &RefreshTokenRecord,
    scope: Scope,
    refresh_token: RefreshToken,
    effects: Vec<Effect>,
) -> Step<'c, Exchange> {
    let (access_token, _) = grant.access_token(
        &client.client_id,
        record.subject.as_str(),
        &scope,
        Some(&record.family),
    );
    let tokens = grant.tokens(access_token, Some(refresh_token), scope);
    grant.succeed(client.client_id, tokens, effects)
}
