//! The oracle: a whole authorization server over a [`MemoryStore`], routed
//! by path as the demo server routes, answering raw requests.

use grant_engine::bearer::Access;
use grant_engine::errors::BearerError;
use grant_engine::metadata::jwk_set_document;
use grant_engine::values::Entropy;
use grant_engine::{
    Authorization, Authorize, BearerPolicy, Call, Config, Effect, EndpointUrls, Exchange,
    HttpResponse, Introspect, MemoryStore, RequestParts, Revoke, Scope, Subject, TokenError,
    VerifyBearer, drive, metadata_document,
};
use grant_engine::{DriveError, Endpoint, Outcome};
use sha2::{Digest, Sha256};

use crate::fixture::{Fixture, FixtureError};
use crate::raw::RawRequest;

/// The oracle's answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OracleAnswer {
    /// The response.
    pub response: HttpResponse,
    /// The effects (already applied to the oracle's store).
    pub effects: Vec<Effect>,
}

/// A running oracle: the fixture's state, updated by each request's effects.
#[derive(Debug, Clone)]
pub struct Oracle {
    config: Config,
    store: MemoryStore,
    now: u64,
    entropy: [u8; 32],
    requests: u64,
    approve: bool,
    subject: Subject,
    consent_scope: Option<Scope>,
    scopes_supported: Scope,
    api_scope: Scope,
}

impl Oracle {
    /// Loads a fixture.
    pub fn from_fixture(fixture: &Fixture) -> Result<Oracle, FixtureError> {
        Ok(Oracle {
            config: fixture.config()?,
            store: fixture.store()?,
            now: fixture.now,
            entropy: fixture.entropy_bytes()?,
            requests: 0,
            approve: fixture.consent.approve,
            subject: fixture.consent_subject()?,
            consent_scope: fixture.consent.scope.clone(),
            scopes_supported: fixture.scopes_supported.clone(),
            api_scope: fixture.api_scope.clone(),
        })
    }

    /// The configuration built from the fixture.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The current state.
    pub fn store(&self) -> &MemoryStore {
        &self.store
    }

    /// Moves the clock (for sessions of several requests).
    pub fn set_now(&mut self, now: u64) {
        self.now = now;
    }

    /// The first request gets the fixture's entropy; the n-th after it
    /// SHA-256(entropy ‖ n). So the answers are a function of the fixture
    /// and the requests (the oracle property), and no two requests of a
    /// session share entropy, as the engine requires of a host
    /// ([`Entropy`]: a reused entropy is not unsafe, but an identical
    /// request would then fail closed instead of minting).
    fn next_call(&mut self) -> Call {
        let entropy = if self.requests == 0 {
            self.entropy
        } else {
            Sha256::new()
                .chain_update(self.entropy)
                .chain_update(self.requests.to_be_bytes())
                .finalize()
                .into()
        };
        self.requests += 1;
        Call::new(self.now, Entropy::from_bytes(entropy))
    }

    /// Answers one request and applies its effects to the state.
    pub fn handle(&mut self, request: &RawRequest) -> OracleAnswer {
        let call = self.next_call();
        let (path, query) = request.path_and_query();
        let get = request.method == "GET";
        let (response, effects) = match path {
            "/oauth/token" => self.form_post(request, call, Exchange::parse),
            "/oauth/revoke" => self.form_post(request, call, Revoke::parse),
            "/oauth/introspect" => self.form_post(request, call, Introspect::parse),
            "/oauth/authorize" if get => self.authorize(query.as_bytes(), call),
            "/.well-known/oauth-authorization-server" if get => (self.metadata(), Vec::new()),
            "/.well-known/jwks.json" if get => (jwk_set_document(&self.config), Vec::new()),
            "/api/me" if get => (self.api_me(request, call), Vec::new()),
            "/oauth/authorize"
            | "/.well-known/oauth-authorization-server"
            | "/.well-known/jwks.json"
            | "/api/me" => {
                let mut response = HttpResponse::no_store_json(405, b"{}".to_vec());
                response.headers.push(("allow", String::from("GET")));
                (response, Vec::new())
            }
            _ => (HttpResponse::no_store_json(404, b"{}".to_vec()), Vec::new()),
        };
        OracleAnswer { response, effects }
    }

    /// A form POST endpoint: a repeated `Content-Type` or `Authorization`
    /// header is refused before the engine sees the request.
    fn form_post<E>(
        &mut self,
        request: &RawRequest,
        call: Call,
        parse: impl FnOnce(&RequestParts<'_>, &Config) -> E,
    ) -> (HttpResponse, Vec<Effect>)
    where
        E: Endpoint<Output = Outcome<E>>,
    {
        let content_type = request.header_values("content-type");
        let authorization = request.header_values("authorization");
        if content_type.len() > 1 || authorization.len() > 1 {
            let error = TokenError::RepeatedHeader;
            return (error.to_http_response(self.config.realm()), Vec::new());
        }
        let parts = RequestParts {
            method: &request.method,
            content_type: content_type.first().map(|v| v.as_bytes()),
            authorization: authorization.first().map(|v| v.as_bytes()),
            body: &request.body,
        };
        let endpoint = parse(&parts, &self.config);
        answer(drive(&mut self.store, &self.config, call, endpoint))
    }

    fn authorize(&mut self, query: &[u8], call: Call) -> (HttpResponse, Vec<Effect>) {
        let request = Authorize::parse(query, &self.config);
        match drive(&mut self.store, &self.config, call.clone(), request) {
            Ok(Authorization::Refused(outcome)) => (outcome.into_response(), Vec::new()),
            Ok(Authorization::Consent(consent)) => {
                let decision = if self.approve {
                    let scope = self
                        .consent_scope
                        .clone()
                        .unwrap_or_else(|| consent.scope().clone());
                    consent.approve(self.subject.clone(), scope)
                } else {
                    consent.deny()
                };
                answer(drive(&mut self.store, &self.config, call, decision))
            }
            Err(error) => (error.to_http_response(), Vec::new()),
        }
    }

    fn metadata(&self) -> HttpResponse {
        let urls = EndpointUrls::under(self.config.issuer());
        metadata_document(&self.config, &urls, &self.scopes_supported)
    }

    /// `GET /api/me`: the subject, client and scope of a valid bearer token.
    fn api_me(&mut self, request: &RawRequest, call: Call) -> HttpResponse {
        let policy = BearerPolicy {
            required_scope: self.api_scope.clone(),
            leeway: 0,
        };
        let authorization = request.header_values("authorization");
        if authorization.len() > 1 {
            let error = BearerError::InvalidRequest;
            return error.to_http_response(self.config.realm(), &policy.required_scope);
        }
        let header = authorization.first().map(|v| v.as_bytes());
        let request = VerifyBearer::new(header, &policy);
        match drive(&mut self.store, &self.config, call, request) {
            Ok(Access::Granted(claims)) => {
                let body = serde_json::json!({
                    "sub": claims.sub,
                    "client_id": claims.client_id,
                    "scope": claims.scope,
                });
                HttpResponse::no_store_json(200, serde_json::to_vec(&body).unwrap_or_default())
            }
            Ok(Access::Refused(outcome)) => outcome.into_response(),
            Err(error) => error.to_http_response(),
        }
    }
}

/// A driven outcome as the oracle reports it: the response and the effects
/// applied; a store that gave up (a conflict) answers 503 and changed nothing.
fn answer<E: Endpoint>(
    driven: Result<Outcome<E>, DriveError<std::convert::Infallible>>,
) -> (HttpResponse, Vec<Effect>) {
    match driven {
        Ok(outcome) => {
            let effects = outcome.effects().to_vec();
            (outcome.into_response(), effects)
        }
        Err(error) => (error.to_http_response(), Vec::new()),
    }
}
