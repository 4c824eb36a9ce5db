//! Many requests in flight at once: every store call yields, so that the
//! 32 requests of a scenario interleave at each lookup and apply even over
//! a store that answers at once (a store with real parallelism, such as a
//! database on a thread pool, interleaves them further).

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use grant_engine::bearer::Access;
use grant_engine::store::RefreshTokenState;
use grant_engine::{
    AsyncStore, BearerPolicy, Config, Effect, Exchange, Outcome as Driven, TokenHash, VerifyBearer,
};

use crate::conformance::adapters::Yielding;
use crate::conformance::setup::{
    REFRESH, apply, code, drive, error_of, issued_refresh_token, nth, redeem, refresh,
    refresh_with, revoke, token_of,
};
use crate::conformance::{Outcome, ensure};
use crate::executor::join_all;
use crate::world::{NOW, WEB, call, config, config_with_grace, refresh_record};

/// How many requests race in each scenario.
pub const RACERS: u8 = 32;

/// Every concurrency check, by name.
pub async fn run<S, F, Fut>(fresh: &F) -> Vec<(&'static str, Outcome)>
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
    F: Fn() -> Fut,
    Fut: Future<Output = S>,
{
    vec![
        (
            "32 redemptions of one code",
            redemptions(&fresh().await).await,
        ),
        (
            "32 refreshes of one token",
            refreshes(&fresh().await, 0).await,
        ),
        (
            "32 refreshes of one token, with grace",
            refreshes(&fresh().await, 30).await,
        ),
        (
            "a revocation holds for the next request",
            revocation_holds(&fresh().await).await,
        ),
        (
            "a family revoked while it rotates stays revoked",
            revocation_during_rotation(&fresh().await).await,
        ),
    ]
}

/// `make(i)` for every racer, all in flight at once.
async fn race<S>(
    store: &S,
    config: &Config,
    make: impl Fn() -> Exchange,
) -> Result<Vec<Driven<Exchange>>, String>
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
{
    let yielding = Yielding(store);
    let racers = (0..RACERS)
        .map(|i| drive(&yielding, config, nth(i + 1), make()))
        .collect();
    join_all(racers).await.into_iter().collect()
}

fn successes(outcomes: &[Driven<Exchange>]) -> Vec<&Driven<Exchange>> {
    outcomes
        .iter()
        .filter(|o| o.response().status == 200)
        .collect()
}

fn refused_all_but(outcomes: &[Driven<Exchange>]) -> Outcome {
    for outcome in outcomes.iter().filter(|o| o.response().status != 200) {
        let error = error_of(outcome);
        ensure!(
            error == "invalid_grant",
            "a racer got {}: {}",
            outcome.response().status,
            outcome.response().body_str()
        );
    }
    Ok(())
}

async fn redemptions<S>(store: &S) -> Outcome
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
{
    let config = config();
    apply(store, &[Effect::StoreCode(code())]).await?;
    let outcomes = race(store, &config, redeem).await?;
    let winners = successes(&outcomes);
    ensure!(
        winners.len() == 1,
        "{} redemptions of one code succeeded",
        winners.len()
    );
    refused_all_but(&outcomes)?;
    // The losers came after the winner: its tokens are revoked.
    let tokens = winners[0].report().as_ref().map_err(|e| format!("{e}"))?;
    let successor = tokens
        .refresh_token
        .as_ref()
        .map(|t| TokenHash::of(t.expose_secret()));
    let state = match successor {
        Some(hash) => token_of(store, &hash).await?.map(|t| t.state),
        None => None,
    };
    ensure!(
        state == Some(RefreshTokenState::Revoked),
        "the winner's refresh token is {state:?}"
    );
    let header = format!("Bearer {}", tokens.access_token.expose_secret());
    let verdict = drive(
        store,
        &config,
        call(NOW + 2, 99),
        VerifyBearer::new(Some(header.as_bytes()), &BearerPolicy::default()),
    )
    .await?;
    ensure!(
        matches!(verdict, Access::Refused(_)),
        "the winner's access token is still accepted"
    );
    Ok(())
}

async fn refreshes<S>(store: &S, grace: u64) -> Outcome
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
{
    let config = config_with_grace(grace);
    apply(store, &[Effect::StoreRefreshToken(refresh())]).await?;
    let outcomes = race(store, &config, || refresh_with(REFRESH)).await?;
    let winners = successes(&outcomes);
    refused_all_but(&outcomes)?;
    let successors: BTreeSet<String> = winners
        .iter()
        .filter_map(|o| issued_refresh_token(o))
        .collect();
    let mut live = Vec::new();
    for successor in &successors {
        let state = token_of(store, &TokenHash::of(successor))
            .await?
            .map(|t| t.state);
        if state == Some(RefreshTokenState::Active) {
            live.push(successor);
        }
    }
    ensure!(
        live.len() <= 1,
        "the family forked: {} live successors",
        live.len()
    );
    ensure!(
        successors.len() == 1,
        "{} distinct successors were handed out",
        successors.len()
    );
    if grace == 0 {
        ensure!(
            winners.len() == 1,
            "{} refreshes of one token succeeded",
            winners.len()
        );
        ensure!(live.is_empty(), "reuse left the successor live");
    } else {
        ensure!(
            winners.len() == usize::from(RACERS),
            "within grace {} of {RACERS} succeeded",
            winners.len()
        );
        ensure!(live.len() == 1, "the shared successor is not live");
    }
    Ok(())
}

async fn revocation_holds<S>(store: &S) -> Outcome
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
{
    let config = config();
    apply(store, &[Effect::StoreRefreshToken(refresh())]).await?;
    let revoked = drive(store, &config, nth(1), revoke(REFRESH)).await?;
    ensure!(
        revoked.response().status == 200,
        "revocation answered {}",
        revoked.response().status
    );
    let outcome = drive(store, &config, nth(2), refresh_with(REFRESH)).await?;
    ensure!(
        error_of(&outcome) == "invalid_grant",
        "the next refresh: {}",
        outcome.response().body_str()
    );
    let state = token_of(store, &TokenHash::of(REFRESH))
        .await?
        .map(|t| t.state);
    ensure!(
        state == Some(RefreshTokenState::Revoked),
        "the revoked token is {state:?}"
    );
    Ok(())
}

/// A refresh and a revocation of one token in flight together, in
/// [`RACERS`] fresh families: whichever the store applies first, the family
/// ends with no live token. A store whose revocation reads a snapshot that
/// misses a successor stored meanwhile (two tables, no common lock) fails
/// here, though it passes every sequential check.
async fn revocation_during_rotation<S>(store: &S) -> Outcome
where
    S: AsyncStore + Sync,
    S::Error: fmt::Debug + Send,
{
    type Racer<'a> = Pin<Box<dyn Future<Output = Result<(u16, Option<String>), String>> + 'a>>;
    let config = config();
    let yielding = Yielding(store);
    for round in 0..RACERS {
        let token = format!("raced-{round}");
        let family = format!("raced-family-{round}");
        let record = refresh_record(&token, WEB, &family, NOW);
        apply(store, &[Effect::StoreRefreshToken(record)]).await?;
        let (rotate, revocation) = (refresh_with(&token), revoke(&token));
        let racers: Vec<Racer<'_>> = vec![
            Box::pin(async {
                let outcome = drive(&yielding, &config, nth(2 * round), rotate).await?;
                Ok((outcome.response().status, issued_refresh_token(&outcome)))
            }),
            Box::pin(async {
                let outcome = drive(&yielding, &config, nth(2 * round + 1), revocation).await?;
                Ok((outcome.response().status, None))
            }),
        ];
        let mut results = join_all(racers).await.into_iter();
        let (_, successor) = results.next().unwrap_or(Ok((0, None)))?;
        let (revoked, _) = results.next().unwrap_or(Ok((0, None)))?;
        ensure!(
            revoked == 200,
            "round {round}: revocation answered {revoked}"
        );
        for live in std::iter::once(token).chain(successor) {
            let state = token_of(store, &TokenHash::of(&live))
                .await?
                .map(|t| t.state);
            ensure!(
                state != Some(RefreshTokenState::Active),
                "round {round}: a token of the revoked family is still active"
            );
        }
    }
    Ok(())
}
