//! `GET /oauth/authorize`. The demo approves every valid request at once as
//! the user `demo-user`, with the requested scope: it stands in for the
//! login and consent page a real host would show between
//! `Authorization::Consent` and `Consent::approve`.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Response, Uri};
use grant_engine::{Authorization, Authorize, Subject, drive_async};

use crate::App;
use crate::clock::request_call;
use crate::respond::{drive_failure, internal_error, no_call, outcome_response, with_client};

/// The resource owner every demo authorization is approved for.
pub const DEMO_USER: &str = "demo-user";

/// The authorization endpoint: a 302 back to the client with `code`,
/// `state` and `iss`, a 302 with an error, or a 400 for the user when the
/// client or redirect URI cannot be trusted.
pub async fn authorize(State(app): State<App>, uri: Uri) -> Response<Body> {
    let config = app.config();
    let request = Authorize::parse(uri.query().unwrap_or_default().as_bytes(), config);
    let client_id = request.client_id().cloned();
    let (call, subject) = match (request_call(app.clock()), Subject::new(DEMO_USER)) {
        (Ok(call), Ok(subject)) => (call, subject),
        (Err(why), _) => return with_client(no_call(why), client_id.as_ref()),
        (_, Err(_)) => return with_client(internal_error("the demo subject"), client_id.as_ref()),
    };
    let consent = match drive_async(app.db(), config, call.clone(), request).await {
        Ok(Authorization::Consent(consent)) => consent,
        Ok(Authorization::Refused(outcome)) => return outcome_response(outcome),
        Err(error) => return with_client(drive_failure(&error), client_id.as_ref()),
    };
    // Here a real host shows its login and consent page.
    let scope = consent.scope().clone();
    match drive_async(app.db(), config, call, consent.approve(subject, scope)).await {
        Ok(outcome) => outcome_response(outcome),
        Err(error) => with_client(drive_failure(&error), client_id.as_ref()),
    }
}
