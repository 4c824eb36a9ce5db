//! `POST /oauth/introspect` (RFC 7662): the introspection step machine,
//! answered in one read transaction (it decides no state change; any
//! effect it ever reports is applied all the same).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Response;
use grant_engine::{IntrospectionStep, introspection_endpoint};

use super::App;
use super::respond::{FormRequest, engine_response, now, storage_failure, with_client};
use super::store;

/// The introspection endpoint.
pub async fn introspect(State(app): State<App>, request: Request) -> Response<Body> {
    let form = match FormRequest::read(request, app.config()).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let config = app.shared_config();
    let now = now();
    let result = app
        .db()
        .read(move |tx| {
            let mut client_id = None;
            let mut step = introspection_endpoint(&form.parts(), &config, now);
            let outcome = loop {
                step = match step {
                    IntrospectionStep::NeedClient(q) => {
                        client_id = Some(q.client_id().clone());
                        let record = store::clients::get(tx, q.client_id())?;
                        q.provide(record)
                    }
                    IntrospectionStep::NeedRefreshToken(q) => {
                        let record = store::refresh_tokens::get(tx, q.token_hash())?;
                        q.provide(record)
                    }
                    IntrospectionStep::NeedRevocationStatus(q) => {
                        let revoked = store::revocations::is_revoked(tx, q.jti(), q.family())?;
                        q.provide(revoked)
                    }
                    IntrospectionStep::Done(outcome) => break outcome,
                }
            };
            store::apply(tx, outcome.effects())?;
            Ok((client_id, outcome.into_parts().0))
        })
        .await;
    match result {
        Ok((client_id, response)) => with_client(engine_response(response), client_id),
        Err(error) => storage_failure(&error),
    }
}
