//! `POST /oauth/revoke` (RFC 7009): the revocation step machine, answered
//! and applied in one write transaction.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Response;
use grant_engine::{RevocationStep, revocation_endpoint};

use super::App;
use super::respond::{FormRequest, engine_response, storage_failure, with_client};
use super::store;

/// The revocation endpoint.
pub async fn revoke(State(app): State<App>, request: Request) -> Response<Body> {
    let form = match FormRequest::read(request, app.config()).await {
        Ok(form) => form,
        Err(response) => return response,
    };
    let config = app.shared_config();
    let result = app
        .db()
        .write(move |tx| {
            let mut client_id = None;
            let mut step = revocation_endpoint(&form.parts(), &config);
            let outcome = loop {
                step = match step {
                    RevocationStep::NeedClient(q) => {
                        client_id = Some(q.client_id().clone());
                        let record = store::clients::get(tx, q.client_id())?;
                        q.provide(record)
                    }
                    RevocationStep::NeedRefreshToken(q) => {
                        let record = store::refresh_tokens::get(tx, q.token_hash())?;
                        q.provide(record)
                    }
                    RevocationStep::Done(outcome) => break outcome,
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
