//! `GET /api/me`: a demo resource protected by bearer verification
//! (RFC 6750) on the engine's async driver: the JWT is checked with no
//! I/O, then the database says whether its `jti` or its family was revoked.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode};
use grant_engine::bearer::Access;
use grant_engine::errors::BearerError;
use grant_engine::{VerifyBearer, drive_async};
use serde::Serialize;

use crate::App;
use crate::clock::request_call;
use crate::respond::{
    drive_failure, engine_response, json, no_call, outcome_response, single_header, with_client,
};

/// The scope `/api/me` demands.
pub const REQUIRED_SCOPE: &str = "read";

#[derive(Serialize)]
struct Me<'a> {
    sub: &'a str,
    client_id: &'a str,
    scope: String,
}

/// Answers `{"sub","client_id","scope"}` for a valid, unrevoked access
/// token with the `read` scope.
pub async fn me(State(app): State<App>, headers: HeaderMap) -> Response<Body> {
    let config = app.config();
    let policy = app.bearer_policy();
    let Ok(authorization) = single_header(&headers, AUTHORIZATION) else {
        let error = BearerError::InvalidRequest;
        return engine_response(error.to_http_response(config.realm(), &policy.required_scope));
    };
    let call = match request_call(app.clock()) {
        Ok(call) => call,
        Err(why) => return no_call(why),
    };
    let request = VerifyBearer::new(authorization.as_ref().map(HeaderValue::as_bytes), policy);
    match drive_async(app.db(), config, call, request).await {
        Ok(Access::Granted(claims)) => {
            let me = Me {
                sub: claims.sub.as_str(),
                client_id: claims.client_id.as_str(),
                scope: claims.scope.to_string(),
            };
            with_client(json(StatusCode::OK, &me), Some(&claims.client_id))
        }
        Ok(Access::Refused(outcome)) => outcome_response(outcome),
        Err(error) => drive_failure(&error),
    }
}
