//! The form-POST endpoints (token, revocation, introspection): read the
//! request, parse it, run it on the engine's async driver over the
//! database, answer.

use axum::body::Body;
use axum::extract::Request;
use axum::http::Response;
use grant_engine::{
    ClientId, Config, Endpoint, Exchange, Introspect, Outcome, RequestParts, Revoke, drive_async,
};

use crate::App;
use crate::clock::request_call;
use crate::respond::{FormRequest, drive_failure, no_call, outcome_response, with_client};

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
pub async fn serve<E: FormEndpoint>(app: &App, request: Request) -> Response<Body> {
    let config = app.config();
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
    match drive_async(app.db(), config, call, endpoint).await {
        Ok(outcome) => outcome_response(outcome),
        Err(error) => with_client(drive_failure(&error), client_id.as_ref()),
    }
}
