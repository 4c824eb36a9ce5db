//! `POST /oauth/token`: the token endpoint. Of concurrent redemptions of
//! one code exactly one wins: the loser's redemption conflicts in `apply`,
//! and its re-run sees the code redeemed.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Response;
use grant_engine::Exchange;

use crate::App;
use crate::form_endpoint::serve;

/// The token endpoint (every method: the engine answers 405 to non-POST).
pub async fn token(State(app): State<App>, request: Request) -> Response<Body> {
    serve::<Exchange>(&app, request).await
}
