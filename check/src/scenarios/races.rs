//! Concurrency (RFC 6749 10.5 and 4.1.2: a code is used once; RFC 9700
//! 4.14.2: a rotated refresh token is used once): many requests with the
//! same code or refresh token at the same moment.

use futures_util::future::join_all;

use crate::http::Reply;
use crate::observe::Observations;
use crate::side::Side;

/// At most one success; with `same_successor`, several successes are
/// allowed when they all carry the same refresh token (a grace period).
fn at_most_one(replies: &[Reply], same_successor: bool) -> Result<(), String> {
    // Only successes count: a server may answer the losers with any
    // error, a 5xx of a busy database included, as long as one wins.
    let wins: Vec<&Reply> = replies
        .iter()
        .filter(|r| (200..300).contains(&r.status))
        .collect();
    if wins.len() <= 1 {
        return Ok(());
    }
    let first = wins.first().and_then(|r| r.member("refresh_token"));
    if same_successor && first.is_some() && wins.iter().all(|r| r.member("refresh_token") == first)
    {
        return Ok(());
    }
    Err(format!(
        "{} of {} racing requests succeeded",
        wins.len(),
        replies.len()
    ))
}

/// The race checks.
pub async fn run(side: &Side<'_>) -> Observations {
    let mut out = Observations::default();
    let width = side.config.race_width;
    match super::code_client(side) {
        Some(client) => match side.code(client, true, None).await {
            Ok(code) => {
                let replies = join_all((0..width).map(|_| side.exchange(client, &code))).await;
                out.judge("rfc6749-10.5-code-race", at_most_one(&replies, false));
            }
            Err(why) => out.skip("rfc6749-10.5-code-race", format!("no code: {why}")),
        },
        None => out.skip(
            "rfc6749-10.5-code-race",
            "no client with authorization_code",
        ),
    }
    let id = "rfc9700-4.14.2-refresh-race";
    let Some(public) = super::public(side).filter(|c| c.allows("refresh_token")) else {
        out.skip(id, "no public client with refresh_token");
        return out;
    };
    match super::refresh::grant(side, public, None).await {
        Ok(refresh) => {
            let replies = join_all((0..width).map(|_| side.refresh(public, &refresh, None))).await;
            let grace = side.config.refresh_grace_seconds > 0;
            out.judge(id, at_most_one(&replies, grace));
        }
        Err(why) => out.skip(id, why),
    }
    out
}
