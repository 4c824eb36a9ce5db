//! Another request run between one request's lookups and its `apply`: the
//! store must refuse the stale unit, and the driver's re-run answers for
//! the state the other request left.

use std::fmt;
use std::future::Future;

use grant_engine::store::RefreshTokenState;
use grant_engine::{AsyncStore, Effect, Exchange, Outcome as Driven, TokenHash};

use crate::conformance::adapters::{Interleaved, Interloped, Interloper};
use crate::conformance::setup::{
    REFRESH, apply, code, drive, error_of, issued_refresh_token, nth, redeem, refresh,
    refresh_with, revoke, token_of,
};
use crate::conformance::{Outcome, ensure};
use crate::world::{config, config_with_grace};

/// Every interleaving check, by name.
pub async fn run<S, F, Fut>(fresh: &F) -> Vec<(&'static str, Outcome)>
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    vec![
        (
            "a code redeemed under a redemption",
            code_under_redemption(&fresh().await).await,
        ),
        (
            "a token rotated under a rotation",
            token_under_rotation(&fresh().await, 0).await,
        ),
        (
            "a token rotated under a rotation, with grace",
            token_under_rotation(&fresh().await, 30).await,
        ),
        (
            "the successor used under a regrant",
            successor_used_under_regrant(&fresh().await).await,
        ),
        (
            "a family revoked under a rotation",
            family_revoked_under_rotation(&fresh().await).await,
        ),
    ]
}

/// Runs `request` with `interloper` landing between its lookups and its
/// apply; returns the request's outcome and what the interloper got.
async fn interleaved<S>(
    store: &S,
    config: &grant_engine::Config,
    request: Exchange,
    interloper: Interloper,
) -> Result<(Driven<Exchange>, Interloped), String>
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
{
    let wrapped = Interleaved::new(store, config, interloper);
    let outcome = drive(&wrapped, config, nth(1), request).await?;
    let result = wrapped.interloper_result.lock().unwrap().take();
    match result {
        Some(Ok(got)) => Ok((outcome, got)),
        Some(Err(error)) => Err(format!("the interloper failed: {error}")),
        None => Err("the request never applied anything".into()),
    }
}

async fn code_under_redemption<S>(store: &S) -> Outcome
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
{
    let config = config();
    apply(store, &[Effect::StoreCode(code())]).await?;
    let interloper = Interloper::Exchange(redeem(), nth(2));
    let (outcome, (status, _)) = interleaved(store, &config, redeem(), interloper).await?;
    ensure!(status == 200, "the first redemption got {status}");
    // Re-run after the conflict, the code is redeemed: reuse, which
    // revokes what the first redemption issued.
    ensure!(
        error_of(&outcome) == "invalid_grant",
        "the stale redemption: {}",
        outcome.response().body_str()
    );
    let revokes = matches!(
        outcome.effects(),
        [
            Effect::RevokeFamily { .. },
            Effect::RevokeAccessTokens { .. }
        ]
    );
    ensure!(revokes, "the re-run revoked {:?}", outcome.effects());
    Ok(())
}

async fn token_under_rotation<S>(store: &S, grace: u64) -> Outcome
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
{
    let config = config_with_grace(grace);
    apply(store, &[Effect::StoreRefreshToken(refresh())]).await?;
    let interloper = Interloper::Exchange(refresh_with(REFRESH), nth(2));
    let (outcome, (status, theirs)) =
        interleaved(store, &config, refresh_with(REFRESH), interloper).await?;
    ensure!(status == 200, "the first rotation got {status}");
    let live = live_tokens(store, &outcome, theirs).await?;
    if grace == 0 {
        ensure!(
            error_of(&outcome) == "invalid_grant",
            "the stale rotation: {}",
            outcome.response().body_str()
        );
        ensure!(live.is_empty(), "reuse left live tokens {live:?}");
    } else {
        let successor = issued_refresh_token(&outcome);
        ensure!(
            successor.is_some(),
            "within grace the stale rotation is answered: {}",
            outcome.response().body_str()
        );
        ensure!(live.len() == 1, "two live successors: {live:?}");
    }
    Ok(())
}

/// Within grace, a replay of the rotated-out token is answered with its
/// successor again, unless the successor is used between the replay's
/// lookups and its apply: then the regrant conflicts, and its re-run finds
/// the successor rotated, which is reuse and revokes the family.
async fn successor_used_under_regrant<S>(store: &S) -> Outcome
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
{
    let config = config_with_grace(30);
    apply(store, &[Effect::StoreRefreshToken(refresh())]).await?;
    let first = drive(store, &config, nth(1), refresh_with(REFRESH)).await?;
    let successor = issued_refresh_token(&first)
        .ok_or_else(|| format!("the first rotation: {}", first.response().body_str()))?;
    let interloper = Interloper::Exchange(refresh_with(&successor), nth(3));
    let (outcome, (status, theirs)) =
        interleaved(store, &config, refresh_with(REFRESH), interloper).await?;
    ensure!(status == 200, "the successor's use got {status}");
    ensure!(
        error_of(&outcome) == "invalid_grant",
        "a regrant of a successor used meanwhile: {}",
        outcome.response().body_str()
    );
    let mut live = live_tokens(store, &outcome, theirs).await?;
    if token_of(store, &TokenHash::of(&successor))
        .await?
        .map(|t| t.state)
        == Some(RefreshTokenState::Active)
    {
        live.push(TokenHash::of(&successor));
    }
    ensure!(live.is_empty(), "reuse left live tokens {live:?}");
    Ok(())
}

async fn family_revoked_under_rotation<S>(store: &S) -> Outcome
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
{
    let config = config();
    apply(store, &[Effect::StoreRefreshToken(refresh())]).await?;
    let interloper = Interloper::Revoke(revoke(REFRESH), nth(2));
    let (outcome, (status, _)) =
        interleaved(store, &config, refresh_with(REFRESH), interloper).await?;
    ensure!(status == 200, "the revocation got {status}");
    ensure!(
        error_of(&outcome) == "invalid_grant",
        "a refresh of a revoked token: {}",
        outcome.response().body_str()
    );
    let live = live_tokens(store, &outcome, None).await?;
    ensure!(live.is_empty(), "a revoked family has live tokens {live:?}");
    Ok(())
}

/// The active refresh tokens among the presented one, the one the
/// interloper got, and the successor `outcome` issued or stored.
async fn live_tokens<S: AsyncStore>(
    store: &S,
    outcome: &Driven<Exchange>,
    theirs: Option<String>,
) -> Result<Vec<TokenHash>, String>
where
    S::Error: fmt::Debug,
{
    let mut candidates = vec![TokenHash::of(REFRESH)];
    candidates.extend(theirs.map(|t| TokenHash::of(&t)));
    candidates.extend(issued_refresh_token(outcome).map(|t| TokenHash::of(&t)));
    for effect in outcome.effects() {
        if let Effect::StoreRefreshToken(record) = effect {
            candidates.push(record.token_hash);
        }
    }
    let mut live = Vec::new();
    for hash in candidates {
        let state = token_of(store, &hash).await?.map(|t| t.state);
        if state == Some(RefreshTokenState::Active) && !live.contains(&hash) {
            live.push(hash);
        }
    }
    Ok(live)
}
