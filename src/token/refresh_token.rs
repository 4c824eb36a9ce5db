//! The refresh_token grant with rotation and reuse detection (RFC 6749 6,
//! RFC 9700 4.14).

use crate::errors::token::{InvalidGrant, InvalidScope, TokenError};
use crate::machine::security_event::SecurityEvent;
use crate::machine::step::{RefreshTokenQuestion, Step};
use crate::mint::ids::IdSource;
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
        // The family's absolute end: no rotation, no regrant, no reuse.
        _ if grant.now >= record.family_expires_at => {
            grant.fail(invalid(InvalidGrant::RefreshFamilyExpired))
        }
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
            replay(wait, record, at, successor, nonce.as_deref())
        }
    }
}

/// An active token: rotate it to a successor from this call's entropy
/// (with a grace period, derived under the rotation key so that it can be
/// handed out again), and issue.
fn rotate<'c>(
    grant: Grant<'c>,
    client: ClientRecord,
    request: &RefreshTokenRequest,
    token_hash: TokenHash,
    record: &RefreshTokenRecord,
) -> Step<'c, Exchange> {
    let scope = match granted_scope(request, record) {
        Ok(scope) => scope,
        Err(error) => return grant.fail(error),
    };
    let mut ids = bound_ids(&grant, record);
    let (successor, nonce) = match grant.config.refresh_grace() {
        None => (
            RefreshToken::from_trusted(ids.next_secret(b"successor")),
            None,
        ),
        Some(grace) => {
            let nonce = ids.next_id(b"rotation");
            (successor_of(grace.key(), &token_hash, &nonce), Some(nonce))
        }
    };
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
        family_expires_at: record.family_expires_at,
    };
    let stored = Effect::StoreRefreshToken(grant.refresh_record(successor_hash, family));
    let issued = Issued {
        refresh_token: successor,
        scope,
        effects: vec![rotation, stored],
    };
    issue(grant, client, record, &mut ids, issued)
}

/// The ids of a refresh, bound to the client, the subject and the token
/// presented: a reused entropy still derives this refresh's own values.
fn bound_ids(grant: &Grant<'_>, record: &RefreshTokenRecord) -> IdSource {
    grant.seed.bind(
        b"refresh_token",
        &[
            record.client_id.as_str().as_bytes(),
            record.subject.as_str().as_bytes(),
            record.token_hash.as_bytes(),
        ],
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
    nonce: Option<&str>,
) -> Step<'c, Exchange> {
    let Replay {
        grant,
        client,
        request,
        token_hash,
    } = wait;
    // Only within the window: after it, a stored nonce is of no use.
    let token = grant
        .config
        .refresh_grace()
        .filter(|grace| grant.now <= at.saturating_add(grace.seconds()))
        .zip(nonce)
        .and_then(|(grace, nonce)| rederive(grace.key(), &token_hash, nonce, &successor));
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
            && grant.now < s.expires_at.min(s.family_expires_at)
    });
    if !usable {
        return reuse(grant, predecessor);
    }
    let scope = match granted_scope(request, predecessor) {
        Ok(scope) => scope,
        Err(error) => return grant.fail(error),
    };
    let mut ids = bound_ids(&grant, predecessor);
    // The state this rests on, confirmed when the store applies it: a use
    // of the successor meanwhile makes it conflict, and the re-run is reuse.
    let confirm = Effect::Regrant {
        predecessor: predecessor.token_hash,
        successor: TokenHash::of(token.expose_secret()),
    };
    let issued = Issued {
        refresh_token: token,
        scope,
        effects: vec![confirm],
    };
    let event = SecurityEvent::RefreshTokenRegranted {
        client_id: client.client_id.clone(),
        family: predecessor.family.clone(),
    };
    // Noted only when the successor was handed out again (not on a
    // failed signature).
    match issue(grant, client, predecessor, &mut ids, issued) {
        Step::Done(outcome) if outcome.report().is_ok() => Step::Done(outcome.noting(event)),
        other => other,
    }
}

/// Reuse of a rotated-out token: revoke the whole family (RFC 9700 4.14.2).
fn reuse<'c>(grant: Grant<'c>, record: &RefreshTokenRecord) -> Step<'c, Exchange> {
    let revoke = Effect::RevokeFamily {
        family: record.family.clone(),
    };
    let event = SecurityEvent::RefreshTokenReused {
        client_id: record.client_id.clone(),
        family: record.family.clone(),
    };
    grant.fail_noting(
        TokenError::InvalidGrant(InvalidGrant::RefreshTokenReused),
        vec![revoke],
        event,
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

/// What a refresh hands out besides the access token.
struct Issued {
    refresh_token: RefreshToken,
    scope: Scope,
    effects: Vec<Effect>,
}

/// Mints the access token and answers with it and the refresh token.
fn issue<'c>(
    grant: Grant<'c>,
    client: ClientRecord,
    record: &RefreshTokenRecord,
    ids: &mut IdSource,
    issued: Issued,
) -> Step<'c, Exchange> {
    let minted = grant.access_token(
        ids,
        &client.client_id,
        record.subject.as_str(),
        &issued.scope,
        Some(&record.family),
    );
    // A failed signature rotates nothing: the token still works.
    let (access_token, _) = match minted {
        Ok(minted) => minted,
        Err(error) => return grant.fail(error),
    };
    let tokens = grant.tokens(access_token, Some(issued.refresh_token), issued.scope);
    grant.succeed(client.client_id, tokens, issued.effects)
}
