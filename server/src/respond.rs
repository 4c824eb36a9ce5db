//! The glue between axum and the engine: request inputs (form requests,
//! time, entropy), the engine's `HttpResponse` as an axum response, host
//! failures as JSON 500/503, and the one log line per request.

use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, Response, StatusCode};
use axum::middleware::Next;
use grant_engine::{ClientId, Config, DriveError, HttpResponse, RequestParts, TokenError};

use crate::clock::NoCall;

use crate::store::error::StoreError;

/// What the engine reads of a form POST (token, revocation, introspection),
/// owned so that it can move into a blocking task.
pub struct FormRequest {
    method: Method,
    content_type: Option<HeaderValue>,
    authorization: Option<HeaderValue>,
    body: Bytes,
}

impl FormRequest {
    /// Reads the request: at most the configured body limit + 1 bytes (a
    /// longer body, or one that fails mid-way, gets the engine's own 413),
    /// and the two headers the engine reads, each at most once.
    pub async fn read(request: Request, config: &Config) -> Result<FormRequest, Response<Body>> {
        let (head, body) = request.into_parts();
        let refuse = |error: TokenError| engine_response(error.to_http_response(config.realm()));
        let limit = config.limits().max_body_bytes.saturating_add(1);
        let body = axum::body::to_bytes(body, limit)
            .await
            .map_err(|_| refuse(TokenError::BodyTooLarge))?;
        Ok(FormRequest {
            content_type: single_header(&head.headers, CONTENT_TYPE).map_err(refuse)?,
            authorization: single_header(&head.headers, AUTHORIZATION).map_err(refuse)?,
            method: head.method,
            body,
        })
    }

    /// The engine's view of the request.
    pub fn parts(&self) -> RequestParts<'_> {
        RequestParts {
            method: self.method.as_str(),
            content_type: self.content_type.as_ref().map(HeaderValue::as_bytes),
            authorization: self.authorization.as_ref().map(HeaderValue::as_bytes),
            body: &self.body,
        }
    }
}

/// The value of a header that must appear at most once; a repeated one is
/// refused rather than guessed at.
pub fn single_header(
    headers: &HeaderMap,
    name: HeaderName,
) -> Result<Option<HeaderValue>, TokenError> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(value), None) => Ok(Some(value.clone())),
        (Some(_), Some(_)) => Err(TokenError::RepeatedHeader),
    }
}

/// The client a request named, put in the response's extensions by the
/// handler for the log line (a client id is not a secret).
#[derive(Clone)]
pub struct LoggedClient(pub ClientId);

/// Attaches the client id to `response` for the log line.
pub fn with_client(mut response: Response<Body>, client_id: Option<&ClientId>) -> Response<Body> {
    if let Some(client_id) = client_id {
        response
            .extensions_mut()
            .insert(LoggedClient(client_id.clone()));
    }
    response
}

/// The response of a driven outcome (whose effects are durable), with the
/// client it named for the log line.
pub fn outcome_response<E: grant_engine::Endpoint>(
    outcome: grant_engine::Outcome<E>,
) -> Response<Body> {
    let client_id = outcome.client_id().cloned();
    with_client(engine_response(outcome.into_response()), client_id.as_ref())
}

/// The engine's response value as an axum response.
pub fn engine_response(response: HttpResponse) -> Response<Body> {
    let mut out = Response::new(Body::from(response.body));
    *out.status_mut() =
        StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = out.headers_mut();
    for (name, value) in response.headers {
        // The engine writes lower-case names and visible-ASCII values.
        if let Ok(value) = HeaderValue::try_from(value) {
            headers.append(HeaderName::from_static(name), value);
        }
    }
    out
}

/// A JSON body that no cache may keep, from a value the host built.
pub fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    match serde_json::to_vec(value) {
        Ok(body) => json_no_store(status, Body::from(body)),
        Err(_) => internal_error("a response did not serialize"),
    }
}

/// Why a driver gave no output: a conflict that kept recurring (503 with
/// `Retry-After`, like a busy database), or a storage failure. Either way
/// nothing of the request was applied and no token leaves the server.
pub fn drive_failure(error: &DriveError<StoreError>) -> Response<Body> {
    match error {
        DriveError::Store(error) => storage_failure(error),
        DriveError::Conflicted { attempts, last } => {
            tracing::warn!(attempts, %last, "the request kept conflicting");
            engine_response(error.to_http_response())
        }
    }
}

/// A storage failure: 503 `temporarily_unavailable` (with `Retry-After`)
/// when the database is busy, 500 `server_error` otherwise. Logged here
/// without any request data; never a panic, never a `TokenError`.
pub fn storage_failure(error: &StoreError) -> Response<Body> {
    tracing::error!(%error, "storage failure");
    if error.is_transient() {
        engine_response(HttpResponse::unavailable(1))
    } else {
        json_no_store(
            StatusCode::INTERNAL_SERVER_ERROR,
            Body::from(
                r#"{"error":"server_error","error_description":"the authorization server could not use its storage"}"#,
            ),
        )
    }
}

/// A failure of the host itself (no entropy from the OS, an engine answer
/// this host does not know): 500, logged.
pub fn internal_error(what: &'static str) -> Response<Body> {
    tracing::error!(what, "internal error");
    json_no_store(
        StatusCode::INTERNAL_SERVER_ERROR,
        Body::from(
            r#"{"error":"server_error","error_description":"the authorization server failed"}"#,
        ),
    )
}

fn json_no_store(status: StatusCode, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("cache-control", HeaderValue::from_static("no-store"));
    headers.insert("pragma", HeaderValue::from_static("no-cache"));
    response
}

/// A request the server cannot run for want of time or entropy: 503 for
/// a broken clock (fail closed, and retry), 500 for no randomness.
pub fn no_call(why: NoCall) -> Response<Body> {
    match why {
        NoCall::Clock => {
            tracing::error!("the clock is unreadable or wrong: refusing requests");
            engine_response(HttpResponse::unavailable(1))
        }
        NoCall::Entropy => internal_error("the OS gave no entropy"),
    }
}

/// Logs one line per request: method, path (never the query, which may
/// hold a `state` or a code challenge), status, client id if the handler
/// named one, and latency. Never a header, a body, a secret or a token.
pub async fn log_request(request: Request, next: Next) -> Response<Body> {
    let start = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let client_id = response
        .extensions()
        .get::<LoggedClient>()
        .map_or("-", |c| c.0.as_str());
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        client_id,
        latency_us = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX),
    );
    response
}
