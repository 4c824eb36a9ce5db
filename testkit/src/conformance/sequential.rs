//! The meaning of every effect, one at a time: what it changes, what it
//! expects, and that a refused unit changes nothing.

use std::fmt;
use std::future::Future;

use grant_engine::store::{ApplyError, CodeState, Conflict, Expectation, RefreshTokenState};
use grant_engine::values::{FamilyId, TokenId};
use grant_engine::{AsyncStore, Effect, RefreshTokenRecord, TokenHash};

use crate::conformance::setup::{FAMILY, apply, code, code_of, family, refresh, refused, token_of};
use crate::conformance::{Outcome, ensure};
use crate::world::{NOW, WEB, client, refresh_record};

/// Every sequential check, by name.
pub async fn run<S, F, Fut>(fresh: &F) -> Vec<(&'static str, Outcome)>
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    vec![
        (
            "lookups find the clients",
            lookups_find_the_clients(&fresh().await).await,
        ),
        (
            "a new code expects its digest absent",
            store_code(&fresh().await).await,
        ),
        (
            "a redemption expects the code unused",
            redeem_code(&fresh().await).await,
        ),
        ("lookups only read", lookups_only_read(&fresh().await).await),
        (
            "a new refresh token expects its digest absent",
            store_refresh_token(&fresh().await).await,
        ),
        (
            "a rotation expects the token active",
            rotate(&fresh().await).await,
        ),
        (
            "a regrant expects the successor active",
            regrant(&fresh().await).await,
        ),
        (
            "a revoked family stays revoked",
            revoke_family(&fresh().await).await,
        ),
        (
            "access tokens are revoked by id",
            revoke_access_tokens(&fresh().await).await,
        ),
        (
            "a unit is applied whole or not at all",
            atomic(&fresh().await).await,
        ),
    ]
}

fn is_conflict<E: fmt::Debug>(error: ApplyError<E>, expected: Expectation) -> Outcome {
    match error {
        ApplyError::Conflict(conflict) if conflict == (Conflict { expected }) => Ok(()),
        other => Err(format!("expected a conflict on {expected}, got {other:?}")),
    }
}

async fn lookups_find_the_clients<S: AsyncStore>(store: &S) -> Outcome
where
    S::Error: fmt::Debug,
{
    let web = client(WEB);
    let found = store
        .client(&web.client_id)
        .await
        .map_err(|e| format!("{e:?}"))?;
    ensure!(found.as_ref() == Some(&web), "client {WEB}: {found:?}");
    let unknown = grant_engine::ClientId::new("no-such-client").unwrap();
    let found = store.client(&unknown).await.map_err(|e| format!("{e:?}"))?;
    ensure!(found.is_none(), "an unknown client was found: {found:?}");
    apply(store, &[]).await
}

async fn store_code<S: AsyncStore>(store: &S) -> Outcome
where
    S::Error: fmt::Debug,
{
    let code = code();
    apply(store, &[Effect::StoreCode(code.clone())]).await?;
    let stored = code_of(store, &code.code_hash).await?;
    ensure!(stored.as_ref() == Some(&code), "stored {stored:?}");
    // The same digest again, for another subject: refused, not overwritten.
    let mut other = code.clone();
    other.subject = grant_engine::Subject::new("mallory").unwrap();
    let error = refused(store, &[Effect::StoreCode(other)]).await?;
    is_conflict(error, Expectation::CodeAbsent(code.code_hash))?;
    let kept = code_of(store, &code.code_hash).await?;
    ensure!(kept.as_ref() == Some(&code), "overwritten: {kept:?}");
    Ok(())
}

async fn redeem_code<S: AsyncStore>(store: &S) -> Outcome
where
    S::Error: fmt::Debug,
{
    let code = code();
    apply(store, &[Effect::StoreCode(code.clone())]).await?;
    let jti = TokenId::new("conformance-jti").unwrap();
    let redeem = |ids: Vec<TokenId>| Effect::RedeemCode {
        code_hash: code.code_hash,
        access_token_ids: ids,
    };
    apply(store, &[redeem(vec![jti.clone()])]).await?;
    let state = code_of(store, &code.code_hash).await?.map(|c| c.state);
    let redeemed = CodeState::Redeemed {
        access_token_ids: vec![jti.clone()],
    };
    ensure!(
        state.as_ref() == Some(&redeemed),
        "after redemption: {state:?}"
    );
    let error = refused(store, &[redeem(Vec::new())]).await?;
    is_conflict(error, Expectation::CodeUnused(code.code_hash))?;
    let state = code_of(store, &code.code_hash).await?.map(|c| c.state);
    ensure!(
        state.as_ref() == Some(&redeemed),
        "a second redemption changed it: {state:?}"
    );
    let absent = TokenHash::of("no-such-code");
    let error = refused(
        store,
        &[Effect::RedeemCode {
            code_hash: absent,
            access_token_ids: Vec::new(),
        }],
    )
    .await?;
    is_conflict(error, Expectation::CodeUnused(absent))
}

async fn lookups_only_read<S: AsyncStore>(store: &S) -> Outcome
where
    S::Error: fmt::Debug,
{
    let (code, token) = (code(), refresh());
    apply(
        store,
        &[
            Effect::StoreCode(code.clone()),
            Effect::StoreRefreshToken(token.clone()),
        ],
    )
    .await?;
    for _ in 0..2 {
        let found = code_of(store, &code.code_hash).await?;
        ensure!(
            found.as_ref() == Some(&code),
            "the code changed under a lookup: {found:?}"
        );
        let found = token_of(store, &token.token_hash).await?;
        ensure!(
            found.as_ref() == Some(&token),
            "the token changed under a lookup: {found:?}"
        );
        let jti = TokenId::new("jti").unwrap();
        let revoked = store
            .is_revoked(&jti, Some(&family()))
            .await
            .map_err(|e| format!("{e:?}"))?;
        ensure!(!revoked, "nothing was revoked");
    }
    // After the lookups the code can still be redeemed once.
    apply(
        store,
        &[Effect::RedeemCode {
            code_hash: code.code_hash,
            access_token_ids: Vec::new(),
        }],
    )
    .await
}

async fn store_refresh_token<S: AsyncStore>(store: &S) -> Outcome
where
    S::Error: fmt::Debug,
{
    let token = refresh();
    apply(store, &[Effect::StoreRefreshToken(token.clone())]).await?;
    let stored = token_of(store, &token.token_hash).await?;
    ensure!(stored.as_ref() == Some(&token), "stored {stored:?}");
    let mut other = token.clone();
    other.subject = grant_engine::Subject::new("mallory").unwrap();
    let error = refused(store, &[Effect::StoreRefreshToken(other)]).await?;
    is_conflict(error, Expectation::RefreshTokenAbsent(token.token_hash))?;
    let kept = token_of(store, &token.token_hash).await?;
    ensure!(kept.as_ref() == Some(&token), "overwritten: {kept:?}");
    Ok(())
}

async fn rotate<S: AsyncStore>(store: &S) -> Outcome
where
    S::Error: fmt::Debug,
{
    let token = refresh();
    apply(store, &[Effect::StoreRefreshToken(token.clone())]).await?;
    let successor = TokenHash::of("conformance-successor");
    let rotation = |hash: TokenHash| Effect::RotateRefreshToken {
        token_hash: hash,
        at: NOW + 5,
        successor,
        nonce: Some("conformance-nonce".into()),
    };
    apply(store, &[rotation(token.token_hash)]).await?;
    let state = token_of(store, &token.token_hash).await?.map(|t| t.state);
    let rotated = RefreshTokenState::Rotated {
        at: NOW + 5,
        successor,
        nonce: Some("conformance-nonce".into()),
    };
    ensure!(
        state.as_ref() == Some(&rotated),
        "after rotation: {state:?}"
    );
    let error = refused(store, &[rotation(token.token_hash)]).await?;
    is_conflict(error, Expectation::RefreshTokenActive(token.token_hash))?;
    let absent = TokenHash::of("no-such-token");
    let error = refused(store, &[rotation(absent)]).await?;
    is_conflict(error, Expectation::RefreshTokenActive(absent))?;
    let mut revoked = refresh_record("conformance-revoked", WEB, FAMILY, NOW);
    revoked.state = RefreshTokenState::Revoked;
    apply(store, &[Effect::StoreRefreshToken(revoked.clone())]).await?;
    let error = refused(store, &[rotation(revoked.token_hash)]).await?;
    is_conflict(error, Expectation::RefreshTokenActive(revoked.token_hash))
}

/// A regrant changes nothing, and holds only while the predecessor is
/// rotated to exactly that successor and the successor is still active.
async fn regrant<S: AsyncStore>(store: &S) -> Outcome
where
    S::Error: fmt::Debug,
{
    let token = refresh();
    let next = refresh_record("conformance-successor", WEB, FAMILY, NOW + 5);
    let rotation = |from: &RefreshTokenRecord, to: TokenHash| Effect::RotateRefreshToken {
        token_hash: from.token_hash,
        at: NOW + 5,
        successor: to,
        nonce: None,
    };
    let setup = [
        Effect::StoreRefreshToken(token.clone()),
        rotation(&token, next.token_hash),
        Effect::StoreRefreshToken(next.clone()),
    ];
    apply(store, &setup).await?;
    let regrant = |successor: TokenHash| Effect::Regrant {
        predecessor: token.token_hash,
        successor,
    };
    apply(store, &[regrant(next.token_hash)]).await?;
    let state = token_of(store, &next.token_hash).await?.map(|t| t.state);
    ensure!(
        state == Some(RefreshTokenState::Active),
        "a regrant changed the successor: {state:?}"
    );
    // Not the successor the predecessor was rotated to.
    let other = TokenHash::of("conformance-other");
    let error = refused(store, &[regrant(other)]).await?;
    is_conflict(error, regrant(other).expectation())?;
    // The successor used meanwhile.
    apply(
        store,
        &[rotation(&next, TokenHash::of("conformance-third"))],
    )
    .await?;
    let error = refused(store, &[regrant(next.token_hash)]).await?;
    is_conflict(error, regrant(next.token_hash).expectation())
}

async fn revoke_family<S: AsyncStore>(store: &S) -> Outcome
where
    S::Error: fmt::Debug,
{
    let (active, other) = (refresh(), refresh_record("other-family", WEB, "other", NOW));
    apply(
        store,
        &[
            Effect::StoreRefreshToken(active.clone()),
            Effect::StoreRefreshToken(other.clone()),
        ],
    )
    .await?;
    let revoke = Effect::RevokeFamily { family: family() };
    apply(store, std::slice::from_ref(&revoke)).await?;
    apply(store, std::slice::from_ref(&revoke))
        .await
        .map_err(|e| format!("not idempotent: {e}"))?;
    let state = token_of(store, &active.token_hash).await?.map(|t| t.state);
    ensure!(
        state == Some(RefreshTokenState::Revoked),
        "a token of the family: {state:?}"
    );
    let state = token_of(store, &other.token_hash).await?.map(|t| t.state);
    ensure!(
        state == Some(RefreshTokenState::Active),
        "another family's token: {state:?}"
    );
    let jti = TokenId::new("any-jti").unwrap();
    let asked = |family: FamilyId| {
        let jti = jti.clone();
        async move {
            store
                .is_revoked(&jti, Some(&family))
                .await
                .map_err(|e| format!("{e:?}"))
        }
    };
    ensure!(
        asked(family()).await?,
        "the family's access tokens are not refused"
    );
    let other = FamilyId::new("other").unwrap();
    ensure!(
        !asked(other).await?,
        "another family's access tokens are refused"
    );
    // A token stored into the revoked family later is stored revoked, and
    // so cannot be rotated.
    let late = refresh_record("late-in-the-family", WEB, FAMILY, NOW + 1);
    apply(store, &[Effect::StoreRefreshToken(late.clone())]).await?;
    let state = token_of(store, &late.token_hash).await?.map(|t| t.state);
    ensure!(
        state == Some(RefreshTokenState::Revoked),
        "a token stored into a revoked family: {state:?}"
    );
    Ok(())
}

async fn revoke_access_tokens<S: AsyncStore>(store: &S) -> Outcome
where
    S::Error: fmt::Debug,
{
    let (revoked, kept) = (
        TokenId::new("revoked-jti").unwrap(),
        TokenId::new("kept-jti").unwrap(),
    );
    let revoke = Effect::RevokeAccessTokens {
        token_ids: vec![revoked.clone()],
    };
    apply(store, std::slice::from_ref(&revoke)).await?;
    apply(store, &[revoke])
        .await
        .map_err(|e| format!("not idempotent: {e}"))?;
    let is = |jti: TokenId| async move {
        store
            .is_revoked(&jti, None)
            .await
            .map_err(|e| format!("{e:?}"))
    };
    ensure!(is(revoked).await?, "a revoked jti is not refused");
    ensure!(!is(kept).await?, "another jti is refused");
    Ok(())
}

async fn atomic<S: AsyncStore>(store: &S) -> Outcome
where
    S::Error: fmt::Debug,
{
    let (code, token) = (code(), refresh());
    apply(store, &[Effect::StoreRefreshToken(token.clone())]).await?;
    // A new code, then a rotation of a token that is not stored: refused,
    // and the new code is not stored either.
    let absent = TokenHash::of("no-such-token");
    let unit = [
        Effect::StoreCode(code.clone()),
        Effect::RotateRefreshToken {
            token_hash: absent,
            at: NOW,
            successor: TokenHash::of("s"),
            nonce: None,
        },
    ];
    let error = refused(store, &unit).await?;
    is_conflict(error, Expectation::RefreshTokenActive(absent))?;
    let found = code_of(store, &code.code_hash).await?;
    ensure!(found.is_none(), "half a unit was applied: {found:?}");
    // A rotation, then a successor whose digest is already stored.
    let unit = [
        Effect::RotateRefreshToken {
            token_hash: token.token_hash,
            at: NOW,
            successor: token.token_hash,
            nonce: Some("n".into()),
        },
        Effect::StoreRefreshToken(token.clone()),
    ];
    let error = refused(store, &unit).await?;
    is_conflict(error, Expectation::RefreshTokenAbsent(token.token_hash))?;
    let state = token_of(store, &token.token_hash).await?.map(|t| t.state);
    ensure!(
        state == Some(RefreshTokenState::Active),
        "half a unit was applied: {state:?}"
    );
    Ok(())
}
