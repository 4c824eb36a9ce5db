//! `POST /oauth/token`: the async host driving the engine's step machine.
//!
//! The request is parsed on the async side; then one blocking task opens a
//! write transaction (`BEGIN IMMEDIATE`), answers the engine's questions
//! from it (taking a code marks it redeemed in the same transaction),
//! applies every effect and commits. Two exchanges presenting the same code
//! or refresh token are therefore serialized, and each sees the other's
//! effects: of concurrent redemptions exactly one wins.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Response;
use grant_engine::{Outcome, Step, parse_token_request_with, start_exchange};
use rusqlite::Connection;

use super::App;
use super::respond::{
    FormRequest, engine_response, internal_error, request_context, storage_failure, with_client,
};
use super::store::{self, StoreError};

/// The token endpoint (every method: the engine answers 405 to non-POST).
pub async fn token(State(app): State<App>, request: Request) -> Response<Body> {
    let config = app.config();
    let form = match FormRequest::read(request, config).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let request = match parse_token_request_with(&form.parts(), config.limits()) {
        Ok(request) => request,
        Err(error) => return engine_response(error.to_http_response(config.realm())),
    };
    let client_id = Some(request.client().client_id().clone());
    let ctx = match request_context() {
        Ok(ctx) => ctx,
        Err(what) => return with_client(internal_error(what), client_id),
    };
    let config = app.shared_config();
    let result = app
        .db()
        .write(move |tx| {
            let outcome = answer(tx, start_exchange(request, &config, ctx))?;
            store::apply(tx, outcome.effects())?;
            Ok(outcome)
        })
        .await;
    let response = match result {
        Ok(outcome) => engine_response(outcome.into_parts().0),
        Err(error) => storage_failure(&error),
    };
    with_client(response, client_id)
}

/// Answers the engine's questions from the open transaction until it is
/// done. `Step` is exhaustive: a new kind of question is a compile error
/// here, not a silent fallthrough.
fn answer(tx: &Connection, mut step: Step<'_>) -> Result<Outcome, StoreError> {
    loop {
        step = match step {
            Step::NeedClient(q) => {
                let record = store::clients::get(tx, q.client_id())?;
                q.provide(record)
            }
            Step::NeedCode(q) => {
                let record = store::codes::take(tx, q.code_hash())?;
                q.provide(record)
            }
            Step::NeedRefreshToken(q) => {
                let record = store::refresh_tokens::get(tx, q.token_hash())?;
                q.provide(record)
            }
            Step::Done(outcome) => return Ok(outcome),
        }
    }
}
