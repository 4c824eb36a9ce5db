//! The records and requests the checks use, and the store's calls with its
//! errors turned into a check's failure.

use std::fmt;

use grant_engine::store::ApplyError;
use grant_engine::values::FamilyId;
use grant_engine::{
    AsyncStore, Call, CodeRecord, Config, DriveError, Effect, Endpoint, Exchange,
    RefreshTokenRecord, RequestParts, Revoke, TokenHash, drive_async,
};

use crate::wire::form;
use crate::world::{NOW, REDIRECT, WEB, WEB_SECRET, call, code_record, config, refresh_record};

/// The code every scenario redeems.
pub const CODE: &str = "conformance-code";
/// The refresh token every scenario presents, in family [`FAMILY`].
pub const REFRESH: &str = "conformance-refresh";
pub const FAMILY: &str = "conformance-family";

pub fn code() -> CodeRecord {
    code_record(CODE, WEB)
}

pub fn refresh() -> RefreshTokenRecord {
    refresh_record(REFRESH, WEB, FAMILY, NOW)
}

pub fn family() -> FamilyId {
    FamilyId::new(FAMILY).unwrap()
}

/// `web` redeems [`CODE`].
pub fn redeem() -> Exchange {
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", CODE),
        ("redirect_uri", REDIRECT),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
    ]);
    Exchange::parse(&RequestParts::form_post(body.as_bytes()), &config())
}

/// `web` refreshes `token`.
pub fn refresh_with(token: &str) -> Exchange {
    let body = form(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", token),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
    ]);
    Exchange::parse(&RequestParts::form_post(body.as_bytes()), &config())
}

/// `web` revokes `token`.
pub fn revoke(token: &str) -> Revoke {
    let body = form(&[
        ("token", token),
        ("client_id", WEB),
        ("client_secret", WEB_SECRET),
    ]);
    Revoke::parse(&RequestParts::form_post(body.as_bytes()), &config())
}

/// Request `seed`'s call: one second after [`NOW`], its own entropy.
pub fn nth(seed: u8) -> Call {
    call(NOW + 1, seed)
}

/// Applies `effects`, which must apply.
pub async fn apply<S: AsyncStore>(store: &S, effects: &[Effect]) -> Result<(), String>
where
    S::Error: fmt::Debug,
{
    store
        .apply(effects)
        .await
        .map_err(|e| format!("applying {effects:?}: {e:?}"))
}

/// Applies `effects`, which must be refused with a conflict.
pub async fn refused<S: AsyncStore>(
    store: &S,
    effects: &[Effect],
) -> Result<ApplyError<S::Error>, String>
where
    S::Error: fmt::Debug,
{
    match store.apply(effects).await {
        Ok(()) => Err(format!("{effects:?} applied; it must be refused")),
        Err(error) => Ok(error),
    }
}

pub async fn code_of<S: AsyncStore>(
    store: &S,
    hash: &TokenHash,
) -> Result<Option<CodeRecord>, String>
where
    S::Error: fmt::Debug,
{
    store
        .code(hash)
        .await
        .map_err(|e| format!("code lookup: {e:?}"))
}

pub async fn token_of<S: AsyncStore>(
    store: &S,
    hash: &TokenHash,
) -> Result<Option<RefreshTokenRecord>, String>
where
    S::Error: fmt::Debug,
{
    store
        .refresh_token(hash)
        .await
        .map_err(|e| format!("refresh token lookup: {e:?}"))
}

/// Drives `request` at `call`; a store failure or a conflict that kept
/// recurring is the check's failure.
pub async fn drive<S, E>(
    store: &S,
    config: &Config,
    call: Call,
    request: E,
) -> Result<E::Output, String>
where
    S: AsyncStore,
    S::Error: fmt::Debug,
    E: Endpoint,
{
    match drive_async(store, config, call, request).await {
        Ok(output) => Ok(output),
        Err(DriveError::Store(e)) => Err(format!("the store failed: {e:?}")),
        Err(error) => Err(format!("{error}")),
    }
}

/// A refresh token's successor issued by a 200, if any.
pub fn issued_refresh_token(outcome: &grant_engine::Outcome<Exchange>) -> Option<String> {
    outcome
        .report()
        .as_ref()
        .ok()
        .and_then(|tokens| tokens.refresh_token.as_ref())
        .map(|t| t.expose_secret().to_owned())
}

/// The `error` of a refused token request, or `"-"`.
pub fn error_of(outcome: &grant_engine::Outcome<Exchange>) -> String {
    match outcome.report() {
        Ok(_) => "-".into(),
        Err(error) => error.code().as_str().into(),
    }
}
