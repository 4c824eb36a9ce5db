//! Running a session: an oracle loaded from the fixture, the model beside
//! it, and every answer checked (the shape every response has, the
//! endpoint's own checks, the store against the model), then the same
//! requests replayed on a fresh oracle.

use std::collections::BTreeMap;

use grant_engine::store::RefreshTokenState;
use grant_engine::values::Entropy;
use grant_engine::{Call, Effect, HttpResponse, RefreshTokenRecord, TokenHash};
use grant_engine_oracle::{Fixture, Oracle, OracleAnswer, RawRequest, render_response};
use sha2::{Digest, Sha256};

use super::authorize::check_authorize;
use super::collision::check_unavailable;
use super::model::{apply_effects, normalize};
use super::pools::STATUSES;
use super::resource::{
    check_api_me, check_introspect, check_jwk_set, check_metadata, check_revoke,
};
use super::rules::path_and_query;
use super::token::check_token;
use crate::fuzz::independent;
use crate::fuzz::independent::{parse_form, single};

/// What a response hands out that a later request may present: the access
/// and refresh tokens of a token response, the code of a redirect.
pub fn harvest(response: &HttpResponse) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(body) = serde_json::from_slice::<serde_json::Value>(&response.body) {
        for name in ["access_token", "refresh_token"] {
            if let Some(token) = body.get(name).and_then(|t| t.as_str()) {
                out.push(token.to_owned());
            }
        }
    }
    if let Some(location) = response.header("location")
        && let Some((_, query)) = location.split_once('?')
        && let Some(pairs) = parse_form(query.as_bytes())
        && let Some(code) = single(&pairs, "code")
    {
        out.push(code.to_owned());
    }
    out
}

/// One request of a session and what the oracle answered.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The time of the request.
    pub now: u64,
    /// The request as sent.
    pub request: RawRequest,
    /// The response's status.
    pub status: u16,
    /// The whole response, rendered (`render_response`).
    pub response: Vec<u8>,
    /// The effects the oracle applied.
    pub effects: Vec<Effect>,
}

/// An oracle, the model beside it, and what was sent so far.
pub struct Session {
    initial: Fixture,
    oracle: Oracle,
    model: Fixture,
    /// Tokens and codes the responses returned, for later requests.
    pub earlier: Vec<String>,
    /// Every request so far and its answer.
    pub log: Vec<Exchange>,
}

impl Session {
    /// `None` if the oracle refuses the fixture.
    pub fn new(fixture: &Fixture) -> Option<Session> {
        let oracle = Oracle::from_fixture(fixture).ok()?;
        let session = Session {
            initial: fixture.clone(),
            oracle,
            model: normalize(fixture),
            earlier: Vec::new(),
            log: Vec::new(),
        };
        session.compare_store();
        Some(session)
    }

    /// The model of the current state.
    pub fn model(&self) -> &Fixture {
        &self.model
    }

    /// Sends one request at `now` and checks everything about it.
    pub fn step(&mut self, now: u64, request: RawRequest) {
        self.oracle.set_now(now);
        let answer = self.oracle.handle(&request);
        let response = &answer.response;
        let context = || {
            format!(
                "request {} at {now}: {}\nresponse: {}",
                self.log.len() + 1,
                independent::shorten(&String::from_utf8_lossy(&request.to_bytes())),
                independent::shorten(&String::from_utf8_lossy(&render_response(response)))
            )
        };
        check_shape(response).unwrap_or_else(|e| panic!("{e}\n{}", context()));
        let body: Option<serde_json::Value> = serde_json::from_slice(&response.body).ok();
        let (path, _) = path_and_query(&request);
        let result = if response.status == 503 {
            // The store refused the unit: the model must predict it.
            let call = self.call_of(self.log.len(), now);
            let state = (self.oracle.store(), self.oracle.config());
            check_unavailable(state, &self.model, call, &request, &answer)
        } else {
            self.check_endpoint(now, &request, &answer, body.as_ref())
        };
        result.unwrap_or_else(|e| panic!("{e}\n{}", context()));
        let introspect_or_read_only = matches!(
            path,
            "/oauth/introspect"
                | "/api/me"
                | "/.well-known/oauth-authorization-server"
                | "/.well-known/jwks.json"
        );
        assert!(
            !introspect_or_read_only || answer.effects.is_empty(),
            "a read-only endpoint changed the state: {:?}\n{}",
            answer.effects,
            context()
        );

        apply_effects(&mut self.model, &answer.effects).unwrap_or_else(|conflict| {
            panic!(
                "the store applied a unit the model refuses: {conflict}; the unit: {:?}\n{}",
                answer.effects,
                context()
            )
        });
        self.compare_store();

        self.earlier.extend(harvest(response));
        self.log.push(Exchange {
            now,
            request,
            status: answer.response.status,
            response: render_response(&answer.response),
            effects: answer.effects,
        });
    }

    /// The per-endpoint checks of an answer that is not a 503.
    fn check_endpoint(
        &self,
        now: u64,
        request: &RawRequest,
        answer: &OracleAnswer,
        body: Option<&serde_json::Value>,
    ) -> Result<(), String> {
        let model = &self.model;
        let (response, effects) = (&answer.response, answer.effects.as_slice());
        let (path, query) = path_and_query(request);
        match path {
            "/oauth/token" => check_token(model, now, request, response, effects),
            "/oauth/authorize" => check_authorize(model, now, request, query, response, effects),
            "/oauth/revoke" => check_revoke(model, request, response, effects),
            "/oauth/introspect" => check_introspect(model, now, request, response, body),
            "/api/me" => check_api_me(model, now, request, response, body),
            "/.well-known/oauth-authorization-server" => {
                check_metadata(model, request, response, body)
            }
            "/.well-known/jwks.json" => check_jwk_set(model, request, response, body),
            _ => {
                if response.status == 404 {
                    Ok(())
                } else {
                    Err(format!("{path:?} answered {}", response.status))
                }
            }
        }
    }

    /// The call the oracle makes for the `n`-th request of the session
    /// (from 0) at `now`: the fixture's entropy for the first, then
    /// SHA-256(entropy ‖ n as a big-endian u64).
    fn call_of(&self, n: usize, now: u64) -> Call {
        let entropy = self
            .initial
            .entropy_bytes()
            .expect("the fixture loaded, so its entropy decodes");
        let entropy = if n == 0 {
            entropy
        } else {
            Sha256::new()
                .chain_update(entropy)
                .chain_update((n as u64).to_be_bytes())
                .finalize()
                .into()
        };
        Call::new(now, Entropy::from_bytes(entropy))
    }

    /// The oracle's store holds exactly the model (every change was an
    /// effect), and no refresh token of a revoked family is active.
    fn compare_store(&self) {
        let store = self.oracle.store();
        let stored: BTreeMap<TokenHash, &RefreshTokenRecord> = store
            .refresh_token_records()
            .map(|r| (r.token_hash, r))
            .collect();
        let modeled: BTreeMap<TokenHash, &RefreshTokenRecord> = self
            .model
            .refresh_tokens
            .iter()
            .map(|r| (r.token_hash, r))
            .collect();
        assert_eq!(
            stored, modeled,
            "the store's refresh tokens differ from the effects applied; log: {:#?}",
            self.log
        );
        for code in &self.model.codes {
            assert_eq!(
                store.code_record(&code.code_hash),
                Some(code),
                "the store's code differs from the effects applied; log: {:#?}",
                self.log
            );
        }
        for client in &self.model.clients {
            assert_eq!(store.client_record(&client.client_id), Some(client));
        }
        for family in &self.model.revoked_families {
            assert!(store.is_family_revoked(family), "{family} not revoked");
        }
        for jti in &self.model.revoked_access_tokens {
            assert!(store.is_access_token_revoked(jti), "{jti} not revoked");
        }
        for record in store.refresh_token_records() {
            if store.is_family_revoked(&record.family)
                || self.model.revoked_families.contains(&record.family)
            {
                assert_eq!(
                    record.state,
                    RefreshTokenState::Revoked,
                    "a refresh token of revoked family {} is not revoked; log: {:#?}",
                    record.family,
                    self.log
                );
            }
        }
    }

    /// The same requests on a fresh oracle give the same bytes and effects.
    pub fn finish(self) -> Vec<Exchange> {
        let mut oracle = Oracle::from_fixture(&self.initial).expect("it loaded before");
        for (i, exchange) in self.log.iter().enumerate() {
            oracle.set_now(exchange.now);
            let answer = oracle.handle(&exchange.request);
            assert_eq!(
                render_response(&answer.response),
                exchange.response,
                "request {} answered differently the second time",
                i + 1
            );
            assert_eq!(answer.effects, exchange.effects, "request {}", i + 1);
        }
        self.log
    }
}

/// Checks that apply to every response.
pub(super) fn check_shape(response: &HttpResponse) -> Result<(), String> {
    if !STATUSES.contains(&response.status) {
        return Err(format!("status {}", response.status));
    }
    independent::assert_header_values_clean(&response.headers);
    let json = response.header("content-type") == Some("application/json");
    if !response.body.is_empty() && !json {
        return Err("a body that is not declared JSON".into());
    }
    if json && serde_json::from_slice::<serde_json::Value>(&response.body).is_err() {
        return Err("a JSON body that does not parse".into());
    }
    let required = match response.status {
        302 => Some("location"),
        401 => Some("www-authenticate"),
        405 => Some("allow"),
        503 => Some("retry-after"),
        _ => None,
    };
    if let Some(name) = required
        && response.header(name).is_none()
    {
        return Err(format!("a {} without {name}", response.status));
    }
    Ok(())
}
