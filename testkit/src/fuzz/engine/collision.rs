//! A 503 from the oracle: its store refused a unit of effects (an
//! expectation did not hold) and the driver gave up. In a session the
//! fuzzer builds that is a finding unless the model predicts the collision:
//! the request is run again on a copy of the oracle's state, recording the
//! unit the store refused, and the model ([`check_expectations`]) must
//! refuse that unit too.
//!
//! The run mirrors the oracle's routing of the form-POST endpoints and the
//! authorization endpoint with its consent; the other endpoints have no
//! effects, so a 503 from them is always a finding.

use std::convert::Infallible;

use grant_engine::store::ApplyError;
use grant_engine::values::{FamilyId, TokenId};
use grant_engine::{
    Authorization, Authorize, Call, ClientId, ClientRecord, CodeRecord, Config, Effect, Exchange,
    HttpResponse, Introspect, MemoryStore, RefreshTokenRecord, RequestParts, Revoke, Store,
    Subject, TokenHash, drive,
};
use grant_engine_oracle::{Fixture, OracleAnswer, RawRequest};

use super::model::check_expectations;

/// A copy of the oracle's store that remembers the first unit it refused.
struct Recorder {
    store: MemoryStore,
    refused: Option<Vec<Effect>>,
}

impl Store for Recorder {
    type Error = Infallible;

    fn client(&mut self, client_id: &ClientId) -> Result<Option<ClientRecord>, Infallible> {
        self.store.client(client_id)
    }

    fn code(&mut self, code_hash: &TokenHash) -> Result<Option<CodeRecord>, Infallible> {
        self.store.code(code_hash)
    }

    fn refresh_token(
        &mut self,
        token_hash: &TokenHash,
    ) -> Result<Option<RefreshTokenRecord>, Infallible> {
        self.store.refresh_token(token_hash)
    }

    fn is_revoked(&mut self, jti: &TokenId, family: Option<&FamilyId>) -> Result<bool, Infallible> {
        self.store.is_revoked(jti, family)
    }

    fn apply(&mut self, effects: &[Effect]) -> Result<(), ApplyError<Infallible>> {
        let applied = self.store.apply(effects);
        if applied.is_err() && self.refused.is_none() {
            self.refused = Some(effects.to_vec());
        }
        applied.map_err(ApplyError::Conflict)
    }
}

/// The unit the store refuses when `request` is run at `call` on `store`,
/// if any; the consent comes from the model.
fn refused_unit(
    store: &MemoryStore,
    config: &Config,
    model: &Fixture,
    call: Call,
    request: &RawRequest,
) -> Option<Vec<Effect>> {
    let mut recorder = Recorder {
        store: store.clone(),
        refused: None,
    };
    let (path, query) = request.path_and_query();
    let get = request.method == "GET";
    match path {
        "/oauth/token" | "/oauth/revoke" | "/oauth/introspect" => {
            let content_type = request.header_values("content-type");
            let authorization = request.header_values("authorization");
            if content_type.len() > 1 || authorization.len() > 1 {
                return None;
            }
            let parts = RequestParts {
                method: &request.method,
                content_type: content_type.first().map(|v| v.as_bytes()),
                authorization: authorization.first().map(|v| v.as_bytes()),
                body: &request.body,
            };
            // Only the recorded unit matters, not the answer.
            let _ = match path {
                "/oauth/token" => {
                    drive(&mut recorder, config, call, Exchange::parse(&parts, config)).map(drop)
                }
                "/oauth/revoke" => {
                    drive(&mut recorder, config, call, Revoke::parse(&parts, config)).map(drop)
                }
                _ => drive(
                    &mut recorder,
                    config,
                    call,
                    Introspect::parse(&parts, config),
                )
                .map(drop),
            };
        }
        "/oauth/authorize" if get => {
            let authorize = Authorize::parse(query.as_bytes(), config);
            if let Ok(Authorization::Consent(consent)) =
                drive(&mut recorder, config, call.clone(), authorize)
            {
                let decide = if model.consent.approve {
                    let subject = Subject::new(model.consent.subject.clone()).ok()?;
                    let scope = model
                        .consent
                        .scope
                        .clone()
                        .unwrap_or_else(|| consent.scope().clone());
                    consent.approve(subject, scope)
                } else {
                    consent.deny()
                };
                let _ = drive(&mut recorder, config, call, decide);
            }
        }
        _ => {}
    }
    recorder.refused
}

/// Checks a 503: the driver's answer with no effects, and a collision the
/// model predicts. `state` is the oracle's store and configuration (the
/// 503 changed nothing, so it is the state the request ran on); `call` is
/// the call the oracle made.
pub(super) fn check_unavailable(
    state: (&MemoryStore, &Config),
    model: &Fixture,
    call: Call,
    request: &RawRequest,
    answer: &OracleAnswer,
) -> Result<(), String> {
    if answer.response != HttpResponse::unavailable(1) {
        return Err("a 503 that is not the driver's answer to a conflict".into());
    }
    if !answer.effects.is_empty() {
        return Err(format!("a 503 with effects {:?}", answer.effects));
    }
    let (store, config) = state;
    let Some(unit) = refused_unit(store, config, model, call, request) else {
        return Err("a 503, but run again on the same state no unit is refused".into());
    };
    match check_expectations(model, &unit) {
        // The model predicts the collision.
        Err(_) => Ok(()),
        Ok(()) => Err(format!(
            "the store refused the unit {unit:?}, whose expectations hold in the model"
        )),
    }
}

#[cfg(test)]
mod tests {
    use grant_engine::store::CodeState;
    use grant_engine::values::Entropy;
    use grant_engine::{GrantType, RedirectUri, Scope};
    use grant_engine_oracle::{FixtureConsent, FixtureKey, Oracle, render_response};

    use super::*;
    use crate::fuzz::engine::{Session, normalize};
    use crate::fuzz::independent::{b64url, sha256_b64url};

    const NOW: u64 = 1_800_000_000;
    const ENTROPY: [u8; 32] = [3; 32];

    fn fixture() -> Fixture {
        let client = ClientRecord::public(ClientId::new("spa").unwrap())
            .with_grant_types(&[GrantType::AuthorizationCode])
            .with_scope(Scope::parse("read").unwrap())
            .with_redirect_uri(RedirectUri::new("com.example.app:/cb").unwrap());
        Fixture {
            issuer: "https://as.example".into(),
            audience: "https://api.example".into(),
            keys: vec![FixtureKey::Hs256 {
                kid: "k1".into(),
                secret: b64url(&[7; 32]),
            }],
            peppers: Vec::new(),
            settings: Default::default(),
            now: NOW,
            entropy: b64url(&ENTROPY),
            clients: vec![client],
            codes: Vec::new(),
            refresh_tokens: Vec::new(),
            revoked_families: Vec::new(),
            revoked_access_tokens: Vec::new(),
            consent: FixtureConsent {
                approve: true,
                subject: "alice".into(),
                scope: None,
            },
            scopes_supported: Scope::parse("read").unwrap(),
            api_scope: Scope::default(),
        }
    }

    fn authorize() -> RawRequest {
        let challenge = sha256_b64url(b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        RawRequest {
            method: "GET".into(),
            target: format!(
                "/oauth/authorize?response_type=code&client_id=spa\
                 &code_challenge={challenge}&code_challenge_method=S256"
            ),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// The fixture with a (redeemed) code already stored under the digest
    /// of the code the first request mints.
    fn colliding() -> Fixture {
        let mut session = Session::new(&fixture()).unwrap();
        session.step(NOW, authorize());
        let [Effect::StoreCode(record)] = session.log[0].effects.as_slice() else {
            panic!("no code: {:?}", session.log[0]);
        };
        let mut record = record.clone();
        record.state = CodeState::Redeemed {
            access_token_ids: Vec::new(),
        };
        let mut fixture = fixture();
        fixture.codes.push(record);
        fixture
    }

    #[test]
    fn a_collision_the_model_predicts_passes() {
        let fixture = colliding();
        let mut session = Session::new(&fixture).unwrap();
        session.step(NOW, authorize());
        let log = session.finish();
        assert_eq!(
            log[0].response,
            render_response(&HttpResponse::unavailable(1))
        );
        assert!(log[0].effects.is_empty());
    }

    #[test]
    fn a_collision_the_model_does_not_predict_is_a_finding() {
        let fixture = colliding();
        let oracle = Oracle::from_fixture(&fixture).unwrap();
        let call = Call::new(NOW, Entropy::from_bytes(ENTROPY));
        let answer = OracleAnswer {
            response: HttpResponse::unavailable(1),
            effects: Vec::new(),
        };
        // The store holds the code; a model without it expects the unit to
        // apply.
        let model = normalize(&self::fixture());
        let state = (oracle.store(), oracle.config());
        let finding = check_unavailable(state, &model, call.clone(), &authorize(), &answer);
        assert!(
            finding.is_err_and(|e| e.contains("whose expectations hold in the model")),
            "not reported"
        );
        // With the model that holds it, the same answer is predicted.
        let model = normalize(&fixture);
        assert_eq!(
            check_unavailable(state, &model, call, &authorize(), &answer),
            Ok(())
        );
    }
}
