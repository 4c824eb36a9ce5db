//! `GET /api/me`: a demo resource protected by the bearer verifier
//! (RFC 6750). The JWT is checked with no I/O; then one read transaction
//! answers whether its `jti` or its family was revoked.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode};
use grant_engine::{BearerError, verify_bearer};
use serde::Serialize;

use super::App;
use super::respond::{engine_response, json, now, single_header, storage_failure, with_client};
use super::store;

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
    let refuse =
        |error: BearerError| engine_response(error.to_http_response(config.realm(), policy));
    let Ok(authorization) = single_header(&headers, AUTHORIZATION) else {
        return refuse(BearerError::InvalidRequest);
    };
    let authorization = authorization.as_ref().map(HeaderValue::as_bytes);
    let pending = match verify_bearer(authorization, config, now(), policy) {
        Ok(pending) => pending,
        Err(error) => return refuse(error),
    };
    let (jti, family) = (pending.jti().clone(), pending.family().cloned());
    let revoked = app
        .db()
        .read(move |tx| store::revocations::is_revoked(tx, &jti, family.as_ref()))
        .await;
    let revoked = match revoked {
        Ok(revoked) => revoked,
        Err(error) => return storage_failure(&error),
    };
    match pending.finish(revoked) {
        Ok(claims) => {
            let me = Me {
                sub: claims.sub.as_str(),
                client_id: claims.client_id.as_str(),
                scope: claims.scope.to_string(),
            };
            with_client(json(StatusCode::OK, &me), Some(claims.client_id.clone()))
        }
        Err(error) => refuse(error),
    }
}
