//! The `engine` fuzz target: a whole authorization server (the reference
//! oracle, `grant-engine-oracle`) on an arbitrary small state and a short
//! sequence of arbitrary requests. Run by `fuzz/fuzz_targets/engine.rs`,
//! replayed over the corpus by `testkit/tests/fuzz_corpus.rs`, and the
//! grammar of `oracle/tests/oracle_props.rs`.
//!
//! Input format:
//!
//! ```text
//! 'V' then JSON   vector mode: a conformance vector (tests/vectors/*.json);
//!                 its fixture, and its request sent twice
//! anything else   structured mode: the bytes are an `arbitrary` encoding of
//!                 `EngineInput` (a state, then 1-4 requests)
//! ```
//!
//! The structured state ([`grammar`]) is a handful of clients (public or
//! confidential, grant types, scopes, redirect URIs, `introspect_any`),
//! codes (PKCE or not, expired or not, redeemed or not), refresh tokens
//! (active, rotated, revoked, expired or not), revoked families and `jti`s,
//! a clock, settings and entropy, built into an oracle `Fixture`
//! ([`fixture`]). Requests come from a grammar (endpoint templates and
//! free-form ones) whose values are drawn from a pool ([`pools`]) holding
//! the state's real client ids, secrets, codes and refresh tokens and the
//! tokens and codes earlier responses returned, then optionally mutated
//! (body bytes, headers, the raw HTTP bytes) ([`request`]).
//!
//! Every response is checked ([`session`]) against an independent model of
//! the state ([`model`]: the fixture with each response's effects applied by
//! [`apply_effects`], written from the `Effect` documentation, not from
//! `MemoryStore`, expectations included) and predicates written from
//! RFC-RULES ([`rules`]):
//!
//! - the status is one of 200, 302, 400, 401, 403, 404, 405, 413 (and 503,
//!   below); every JSON body parses; 401 has a challenge, 405 an `Allow`,
//!   302 a `Location`, 503 a `Retry-After`;
//! - a 200 from `/oauth/token` only if [`token_grant`] says the client
//!   authenticated and the grant checks passed, and the tokens are what it
//!   says (client, scope, subject, lifetime) ([`token`]);
//! - a code from `/oauth/authorize` ([`authorize`]), a 200 from
//!   `/oauth/revoke`, an active introspection and a 200 from `/api/me`
//!   ([`resource`]) likewise; `access_denied` only for a denial or an
//!   approval wider than the request;
//! - conversely, a token, revocation, introspection or `/api/me` request the
//!   rules accept with certainty is not refused, and presenting a redeemed
//!   code or a rotated-out refresh token again revokes what RFC-RULES says;
//! - every unit of effects the oracle applied meets its expectations in the
//!   model; a 503 (the store refused a unit) only with no effects and for a
//!   unit the model refuses too ([`collision`]);
//! - the oracle's store equals the model after every request (every state
//!   change is reported as an effect), and no refresh token of a revoked
//!   family is active (effects never revive a revoked family);
//! - the same requests on a fresh oracle give byte-identical responses and
//!   the same effects.

pub mod authorize;
pub mod collision;
pub mod fixture;
pub mod grammar;
pub mod model;
pub mod pools;
pub mod request;
pub mod resource;
pub mod rules;
pub mod session;
pub mod token;

use grant_engine_oracle::Vector;

pub use fixture::{Built, build_fixture};
pub use grammar::{EngineInput, RequestSpec};
pub use model::{ModelConflict, apply_effects, check_expectations, normalize};
pub use pools::{AUDIENCE, BASE_NOW, ISSUER};
pub use request::{advance_of, build_request, specs};
pub use rules::{Grant, token_grant};
pub use session::{Exchange, Session, harvest};

/// Runs a structured input: builds the state and the requests and checks
/// each step. Returns the exchanges.
pub fn run_structured(input: &EngineInput) -> Vec<Exchange> {
    let built = build_fixture(&input.state);
    let mut session = Session::new(&built.fixture).expect("a built fixture loads");
    let mut now = built.fixture.now;
    for spec in specs(input) {
        now = now.saturating_add(advance_of(spec));
        let request = build_request(spec, &built.secrets, &session.earlier);
        session.step(now, request);
    }
    session.finish()
}

/// Runs a vector's fixture and request, the request twice (a replay).
/// `None` if the input is not a vector the oracle loads.
pub fn run_vector(json: &[u8]) -> Option<Vec<Exchange>> {
    let vector: Vector = serde_json::from_slice(json).ok()?;
    let request = vector.request.to_raw()?;
    let mut session = Session::new(&vector.fixture)?;
    let now = vector.fixture.now;
    session.step(now, request.clone());
    session.step(now, request);
    Some(session.finish())
}

/// Decodes and runs one input; `None` if it was not usable (a vector-mode
/// input that is not a loadable vector).
pub fn run(data: &[u8]) -> Option<Vec<Exchange>> {
    match data.split_first() {
        Some((b'V', json)) => run_vector(json),
        _ => {
            let input = EngineInput::from_bytes(data)?;
            Some(run_structured(&input))
        }
    }
}

/// Checks one input; false if it was not usable.
pub fn check(data: &[u8]) -> bool {
    run(data).is_some()
}
