//! `POST /oauth/revoke` (RFC 7009).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Response;
use grant_engine::Revoke;

use crate::App;
use crate::form_endpoint::serve;

/// The revocation endpoint.
pub async fn revoke(State(app): State<App>, request: Request) -> Response<Body> {
    serve::<Revoke>(&app, request).await
}
