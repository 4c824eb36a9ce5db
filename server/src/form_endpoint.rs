//! The form-POST endpoints (token, revocation, introspection): read the
//! request, parse it, run it on the engine's async driver over the
//! database, answer.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::Response;
use grant_engine::errors::ClientAuthFailure;
use grant_engine::machine::SecurityEvent;
use grant_engine::{
    ClientId, Config, Endpoint, Exchange, HttpResponse, Introspect, Outcome, RequestParts, Revoke,
    drive_async,
};

use crate::App;
use crate::clock::request_call;
use crate::respond::{
    FormRequest, drive_failure, engine_response, no_call, outcome_response, with_client,
};
use crate::throttle::Throttle;

/// A form-POST endpoint's request value, and the client it names (for the
/// log line, also when the request fails).
pub trait FormEndpoint: Endpoint<Output = Outcome<Self>> + Send + Sync {
    /// Parses the request with the configuration's limits.
    fn parse(parts: &RequestParts<'_>, config: &Config) -> Self;
    /// The client the request names, if it parsed.
    fn named_client(&self) -> Option<&ClientId>;
}

impl FormEndpoint for Exchange {
    fn parse(parts: &RequestParts<'_>, config: &Config) -> Self {
        Exchange::parse(parts, config)
    }
    fn named_client(&self) -> Option<&ClientId> {
        self.client_id()
    }
}

impl FormEndpoint for Revoke {
    fn parse(parts: &RequestParts<'_>, config: &Config) -> Self {
        Revoke::parse(parts, config)
    }
    fn named_client(&self) -> Option<&ClientId> {
        self.request().ok().map(|r| r.client.client_id())
    }
}

impl FormEndpoint for Introspect {
    fn parse(parts: &RequestParts<'_>, config: &Config) -> Self {
        Introspect::parse(parts, config)
    }
    fn named_client(&self) -> Option<&ClientId> {
        self.request().ok().map(|r| r.client.client_id())
    }
}

/// Runs endpoint `E` for `request`. The driver asks the database its
/// questions, then applies the effects as one write transaction that checks
/// every expectation, and runs the request again if they conflicted.
///
/// With a throttle, a client over its budget of failed authentications
/// from this address gets 429 without the request being run, and every
/// failed authentication the outcome reports is counted.
pub async fn serve<E: FormEndpoint>(app: &App, request: Request) -> Response<Body> {
    let config = app.config();
    let peer = peer_address(&request);
    let form = match FormRequest::read(request, config).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let endpoint = E::parse(&form.parts(), config);
    let client_id = endpoint.named_client().cloned();
    let call = match request_call(app.clock()) {
        Ok(call) => call,
        Err(why) => return with_client(no_call(why), client_id.as_ref()),
    };
    let now = call.now();
    if let Some(throttle) = app.throttle()
        && let Some(seconds) = throttle.retry_after(client_id.as_ref(), peer, now)
    {
        tracing::warn!(client_id = client_id.as_ref().map(ClientId::as_str), %peer, "throttled");
        let response = engine_response(HttpResponse::too_many_requests(seconds));
        return with_client(response, client_id.as_ref());
    }
    match drive_async(app.db(), config, call, endpoint).await {
        Ok(outcome) => {
            if let Some(throttle) = app.throttle() {
                count_failures(throttle, outcome.events(), peer, now);
            }
            outcome_response(outcome)
        }
        Err(error) => with_client(drive_failure(&error), client_id.as_ref()),
    }
}

/// Counts the failed client authentications among `events`.
fn count_failures(throttle: &Throttle, events: &[SecurityEvent], peer: IpAddr, now: u64) {
    for event in events {
        if let SecurityEvent::ClientAuthenticationFailed { client_id, reason } = event {
            tracing::info!(
                client_id = client_id.as_ref().map(ClientId::as_str),
                ?reason,
                %peer,
                "client authentication failed"
            );
            // A pepper the server lacks is its own fault, not a guess.
            if !matches!(
                reason,
                ClientAuthFailure::UnknownPepper | ClientAuthFailure::UnsupportedVerifier
            ) {
                throttle.record_failure(client_id.as_ref(), peer, now);
            }
        }
    }
}

/// The TCP peer's address; the unspecified address for a request served
/// without connection info (all such requests then share one budget).
fn peer_address(request: &Request) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip())
}
