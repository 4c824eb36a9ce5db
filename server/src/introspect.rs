//! `POST /oauth/introspect` (RFC 7662): it decides no state change, so its
//! unit is empty and no write transaction is opened.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Response;
use grant_engine::Introspect;

use crate::App;
use crate::form_endpoint::serve;

/// The introspection endpoint.
pub async fn introspect(State(app): State<App>, request: Request) -> Response<Body> {
    serve::<Introspect>(&app, request).await
}
