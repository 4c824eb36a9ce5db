//! `GET /oauth/authorize`. The demo approves every valid request at once as
//! the user `demo-user`, with the requested scope: it stands in for the
//! login and consent page a real host would show between
//! `AuthorizeDecision::Consent` and `PendingAuthorization::approve`.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Response, Uri};
use grant_engine::{AuthorizeDecision, Subject, parse_authorization_request};

use super::App;
use super::respond::{
    engine_response, internal_error, request_context, storage_failure, with_client,
};
use super::store;

/// The resource owner every demo authorization is approved for.
pub const DEMO_USER: &str = "demo-user";

/// The authorization endpoint: a 302 back to the client with `code`,
/// `state` and `iss`, a 302 with an error, or a 400 for the user when the
/// client or redirect URI cannot be trusted.
pub async fn authorize(State(app): State<App>, uri: Uri) -> Response<Body> {
    let config = app.config();
    let query = uri.query().unwrap_or_default().as_bytes();
    let request = match parse_authorization_request(query, config) {
        Ok(request) => request,
        Err(refusal) => return engine_response(refusal.to_http_response()),
    };
    let client_id = Some(request.client_id().clone());
    let (ctx, subject) = match (request_context(), Subject::new(DEMO_USER)) {
        (Ok(ctx), Ok(subject)) => (ctx, subject),
        (Err(what), _) => return with_client(internal_error(what), client_id),
        (_, Err(_)) => return with_client(internal_error("the demo subject"), client_id),
    };
    let config = app.shared_config();
    // One write transaction: look up the client, decide, store the code.
    let result = app
        .db()
        .write(move |tx| {
            let client = store::clients::get(tx, request.client_id())?;
            Ok(match request.decide(client, &config) {
                AuthorizeDecision::Refuse(refusal) => Ok(refusal.to_http_response()),
                AuthorizeDecision::Redirect { response, .. } => Ok(response),
                AuthorizeDecision::Consent(pending) => {
                    let scope = pending.scope().clone();
                    match pending.approve(subject, scope, &config, &ctx) {
                        Ok(approval) => {
                            store::apply(tx, &approval.effects)?;
                            Ok(approval.response)
                        }
                        Err(_) => Err("the demo approval was refused"),
                    }
                }
                _ => Err("an authorization decision this host does not know"),
            })
        })
        .await;
    let response = match result {
        Ok(Ok(response)) => engine_response(response),
        Ok(Err(what)) => internal_error(what),
        Err(error) => storage_failure(&error),
    };
    with_client(response, client_id)
}
