//! The `authorize_request` fuzz target's assertions. Run by
//! `fuzz/fuzz_targets/authorize_request.rs` and replayed over the corpus by
//! `testkit/tests/fuzz_corpus.rs`.
//!
//! Input format: the whole input is the query of `GET /oauth/authorize`
//! (the part after `?`). It is run as an [`Authorize`] against the fixed
//! clients below, under two configurations (the default one, and PKCE for
//! every client with `plain` allowed), both through [`drive`] and by hand
//! (`parse_authorization_request`, then the client question answered from
//! the fixed records), which must agree.
//!
//! What is expected is worked out independently from RFC-RULES
//! ([`independent`] decodes the query): whether the request must be refused
//! without a redirect, which redirect errors apply, which `state` must be
//! echoed. A refusal must be a 400 JSON; a redirect a 302 to a registered
//! redirect URI (its query kept) with an RFC 6749 4.1.2.1 `error`, `iss` and
//! the exact `state`; a valid request is approved (302 with `code`, `state`,
//! `iss`, and a `StoreCode` effect whose `code_hash` is the code's digest),
//! denied (`access_denied`), and refused if approved with a scope it did not
//! request (`access_denied`, nothing stored).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use grant_engine::authorize::{AuthorizeFailure, Decide};
use grant_engine::config::{PkcePolicy, PkceRequirement};
use grant_engine::errors::AuthorizeError;
use grant_engine::parse::parse_authorization_request;
use grant_engine::store::CodeState;
use grant_engine::values::{CodeChallengeMethod, Entropy};
use grant_engine::{
    Authorization, Authorize, Call, ClientId, ClientRecord, Config, Consent, Effect, Endpoint,
    GrantType, HmacKey, KeyRing, MemoryStore, Outcome, RedirectUri, Scope, Step, Subject,
    TokenHash, drive,
};

use crate::fuzz::independent;
use crate::fuzz::independent::{
    is_description, is_pkce_string, is_vschars, parse_form, scope_set, values,
};

/// `iss` of every redirect.
pub const ISSUER: &str = "https://as.example";
/// The time of every approval.
const NOW: u64 = 1_800_000_000;

/// The error codes of RFC 6749 4.1.2.1.
const REDIRECT_ERRORS: [&str; 7] = [
    "invalid_request",
    "unauthorized_client",
    "access_denied",
    "unsupported_response_type",
    "invalid_scope",
    "server_error",
    "temporarily_unavailable",
];

/// The parameters whose repetition is redirected as `invalid_request`.
const REDIRECTED_PARAMS: [&str; 5] = [
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
];

/// A fixed client: `(id, secret, grant types, scope, redirect URIs)`.
type FixedClient = (
    &'static str,
    Option<&'static str>,
    &'static [GrantType],
    &'static str,
    &'static [&'static str],
);

/// The fixed clients.
pub const CLIENTS: &[FixedClient] = &[
    (
        "app",
        Some("s3cret"),
        &[GrantType::AuthorizationCode, GrantType::RefreshToken],
        "read write",
        &["https://app.example/cb"],
    ),
    (
        "spa",
        None,
        &[GrantType::AuthorizationCode],
        "read",
        &["com.example.app:/cb"],
    ),
    (
        "multi",
        Some("m"),
        &[GrantType::AuthorizationCode],
        "read write admin",
        &["https://a.example/cb", "https://b.example/cb2"],
    ),
    (
        "q",
        None,
        &[GrantType::AuthorizationCode],
        "read",
        &["https://q.example/cb?tenant=1&x=a%20b"],
    ),
    (
        "qq",
        Some("q"),
        &[GrantType::AuthorizationCode],
        "read write",
        &["https://qq.example/cb?a=1&", "https://qq.example/cb?"],
    ),
    (
        "m2m",
        Some("m2m"),
        &[GrantType::ClientCredentials],
        "read",
        &["https://m2m.example/cb"],
    ),
    (
        "nowhere",
        None,
        &[GrantType::AuthorizationCode],
        "read",
        &[],
    ),
];

/// One configuration and what it says about PKCE.
struct Setup {
    config: Config,
    store: MemoryStore,
    clients: Vec<ClientRecord>,
    pkce_for_all: bool,
    allow_plain: bool,
}

fn client_records() -> Vec<ClientRecord> {
    CLIENTS
        .iter()
        .map(|(id, secret, grants, scope, uris)| {
            let id = ClientId::new(*id).expect("a valid client id");
            let mut record = match secret {
                Some(secret) => crate::world::confidential(id.as_str(), secret),
                None => ClientRecord::public(id),
            }
            .with_grant_types(grants)
            .with_scope(Scope::parse(scope).expect("a valid scope"));
            for uri in *uris {
                record = record.with_redirect_uri(RedirectUri::new(*uri).expect("a valid URI"));
            }
            record
        })
        .collect()
}

fn setups() -> &'static [Setup] {
    static SETUPS: OnceLock<Vec<Setup>> = OnceLock::new();
    SETUPS.get_or_init(|| {
        [(false, false), (true, true)]
            .into_iter()
            .map(|(pkce_for_all, allow_plain)| {
                let keys = KeyRing::new(HmacKey::new("k1", &[7u8; 32]).expect("a valid key"));
                let config = Config::new(ISSUER, "https://api.example", keys)
                    .with_client_secrets(crate::world::client_secrets())
                    .with_pkce(PkcePolicy {
                        required_for: if pkce_for_all {
                            PkceRequirement::AllClients
                        } else {
                            PkceRequirement::PublicClients
                        },
                        allow_plain,
                    });
                let clients = client_records();
                let mut store = MemoryStore::new();
                for client in &clients {
                    store.add_client(client.clone());
                }
                Setup {
                    config,
                    store,
                    clients,
                    pkce_for_all,
                    allow_plain,
                }
            })
            .collect()
    })
}

/// Runs one query through both configurations and checks everything.
pub fn check(data: &[u8]) {
    for setup in setups() {
        check_with(data, setup);
    }
}

/// What RFC-RULES says the endpoint must do with a query.
#[derive(Debug)]
enum Expected<'s> {
    /// An error shown to the user, no redirect.
    Refuse(&'static str),
    /// Tied to a client and a redirect URI: redirect with one of `errors`,
    /// or (if there are none) ask for consent.
    Redirect {
        client: &'s ClientRecord,
        uri: String,
        uri_sent: bool,
        /// The `state` that must be echoed (sent once, `1*VSCHAR`).
        state: Option<String>,
        errors: BTreeSet<&'static str>,
        /// The scope a consent asks for.
        scope: Option<BTreeSet<String>>,
        /// The PKCE challenge and method a consent binds.
        pkce: Option<(String, &'static str)>,
    },
}

fn expect<'s>(query: &[u8], setup: &'s Setup) -> Expected<'s> {
    let limits = setup.config.limits();
    if query.len() > limits.max_body_bytes || independent::pair_count(query) > limits.max_params {
        return Expected::Refuse("too large");
    }
    let Some(pairs) = parse_form(query) else {
        return Expected::Refuse("does not decode");
    };
    let client_id = match values(&pairs, "client_id").as_slice() {
        [] => return Expected::Refuse("no client_id"),
        [one] => one.to_string(),
        _ => return Expected::Refuse("client_id repeated"),
    };
    let Some(client) = setup
        .clients
        .iter()
        .find(|c| c.client_id.as_str() == client_id)
    else {
        return Expected::Refuse("unknown client");
    };
    let registered: Vec<&str> = client.redirect_uris.iter().map(|u| u.as_str()).collect();
    let (uri, uri_sent) = match values(&pairs, "redirect_uri").as_slice() {
        [] => match registered.as_slice() {
            [only] => (only.to_string(), false),
            _ => return Expected::Refuse("redirect_uri needed"),
        },
        [sent] if registered.contains(sent) => (sent.to_string(), true),
        [_] => return Expected::Refuse("redirect_uri not registered"),
        _ => return Expected::Refuse("redirect_uri repeated"),
    };

    let mut errors = BTreeSet::new();
    for name in REDIRECTED_PARAMS {
        if values(&pairs, name).len() > 1 {
            errors.insert("invalid_request");
        }
    }
    let first = |name: &str| values(&pairs, name).first().map(|v| v.to_string());
    let state = first("state");
    let state_echo = match values(&pairs, "state").as_slice() {
        [one] if is_vschars(one) => Some(one.to_string()),
        _ => None,
    };
    if state.is_some() && state_echo.is_none() {
        errors.insert("invalid_request");
    }
    match first("response_type").as_deref() {
        None => {
            errors.insert("invalid_request");
        }
        Some("code") => {}
        Some(_) => {
            errors.insert("unsupported_response_type");
        }
    }
    if !client.allows(GrantType::AuthorizationCode) {
        errors.insert("unauthorized_client");
    }
    let allowed: BTreeSet<String> = client.scope.iter().map(str::to_owned).collect();
    let scope = match first("scope") {
        None => Some(allowed.clone()),
        Some(raw) => scope_set(&raw),
    };
    match &scope {
        None => {
            errors.insert("invalid_scope");
        }
        Some(set) if !set.is_subset(&allowed) => {
            errors.insert("invalid_scope");
        }
        Some(_) => {}
    }
    let required = client.secret_verifier.is_none() || setup.pkce_for_all;
    let method = first("code_challenge_method");
    let pkce = match first("code_challenge") {
        None => {
            if method.is_some() || required {
                errors.insert("invalid_request");
            }
            None
        }
        Some(challenge) => {
            if !is_pkce_string(&challenge) {
                errors.insert("invalid_request");
            }
            let method = match method.as_deref() {
                Some("S256") => "S256",
                // RFC 7636 4.3: no method means plain.
                None | Some("plain") => "plain",
                Some(_) => {
                    errors.insert("invalid_request");
                    "unknown"
                }
            };
            if method == "plain" && !setup.allow_plain {
                errors.insert("invalid_request");
            }
            Some((challenge, method))
        }
    };
    Expected::Redirect {
        client,
        uri,
        uri_sent,
        state: state_echo,
        errors,
        scope,
        pkce,
    }
}

/// The decision by hand: the query parsed with the configuration's limits,
/// the client question answered from the fixed records.
fn decide_by_hand(query: &[u8], setup: &Setup) -> Authorization {
    let config = &setup.config;
    let call = call(query);
    let parsed = parse_authorization_request(query, config.limits());
    let parsed_again = Authorize::parse(query, config);
    assert_eq!(
        parsed_again.request(),
        parsed.as_ref(),
        "Authorize::parse and parse_authorization_request disagree"
    );
    let request = match parsed {
        Err(refusal) => {
            // Nothing to ask: the run ends at once in the refusal.
            let Step::Done(authorization) = parsed_again.start(config, &call) else {
                panic!("an unparsable request asks a question");
            };
            let Authorization::Refused(outcome) = &authorization else {
                panic!("an unparsable request asks for consent");
            };
            assert_eq!(outcome.report(), &AuthorizeFailure::Refused(refusal));
            return authorization;
        }
        Ok(request) => Authorize::from(request),
    };
    let mut step = request.start(config, &call);
    loop {
        step = match step {
            Step::NeedClient(question) => {
                let client = setup
                    .clients
                    .iter()
                    .find(|c| &c.client_id == question.client_id())
                    .cloned();
                question.provide(client)
            }
            Step::Done(authorization) => return authorization,
            other => panic!("an authorization request asked {other:?}"),
        };
    }
}

/// Runs the query through [`drive`] on a copy of the setup's store.
fn decide_driven(query: &[u8], setup: &Setup) -> Authorization {
    let mut store = setup.store.clone();
    let request = Authorize::parse(query, &setup.config);
    let authorization = match drive(&mut store, &setup.config, call(query), request) {
        Ok(authorization) => authorization,
        Err(error) => panic!("driving an authorization request failed: {error:?}"),
    };
    assert!(
        Authorize::effects(&authorization).is_empty(),
        "an authorization request changed the state"
    );
    assert_eq!(
        store, setup.store,
        "an authorization request changed the store"
    );
    authorization
}

/// Whether two decisions are the same.
fn same(a: &Authorization, b: &Authorization) -> bool {
    match (a, b) {
        (Authorization::Consent(a), Authorization::Consent(b)) => a == b,
        (Authorization::Refused(a), Authorization::Refused(b)) => a == b,
        _ => false,
    }
}

/// A fresh copy of the consent the query asks for (a [`Consent`] is decided
/// once, by value).
fn consent_again(query: &[u8], setup: &Setup) -> Consent {
    match decide_driven(query, setup) {
        Authorization::Consent(consent) => consent,
        other => panic!("the same query decided differently: {other:?}"),
    }
}

/// Runs a decision through [`drive`] on a copy of the setup's store; returns
/// the outcome and the store after it.
fn run_decision(decide: Decide, query: &[u8], setup: &Setup) -> (Outcome<Decide>, MemoryStore) {
    let mut store = setup.store.clone();
    match drive(&mut store, &setup.config, call(query), decide) {
        Ok(outcome) => (outcome, store),
        Err(error) => panic!("driving a consent decision failed: {error:?}"),
    }
}

fn check_with(query: &[u8], setup: &Setup) {
    let decision = decide_by_hand(query, setup);
    let driven = decide_driven(query, setup);
    assert!(
        same(&driven, &decision),
        "drive and the decision by hand disagree: {driven:?} and {decision:?}"
    );

    let expected = expect(query, setup);
    let query_text = String::from_utf8_lossy(query);
    match (decision, expected) {
        (Authorization::Refused(outcome), expected) => {
            assert!(outcome.effects().is_empty(), "a refusal with effects");
            match (*outcome.report(), expected) {
                (AuthorizeFailure::Refused(refusal), Expected::Refuse(_)) => {
                    let response = outcome.response();
                    assert!(
                        response == &refusal.to_http_response(),
                        "{refusal:?}: the outcome's response is not the refusal's rendering"
                    );
                    assert_eq!(response.status, 400, "{refusal:?}");
                    assert!(response.header("location").is_none(), "a refusal redirects");
                    assert_eq!(response.header("content-type"), Some("application/json"));
                    let body: serde_json::Value =
                        serde_json::from_slice(&response.body).expect("a refusal's body is JSON");
                    assert_eq!(body["error"], "invalid_request", "{body}");
                    let description = body["error_description"].as_str().unwrap_or_default();
                    assert!(is_description(description), "{description:?}");
                }
                (AuthorizeFailure::Refused(refusal), Expected::Redirect { .. }) => {
                    panic!("{query_text:?} is refused ({refusal:?}) but must redirect")
                }
                (AuthorizeFailure::Redirected(error), Expected::Refuse(why)) => {
                    panic!("{query_text:?} must be refused ({why}) but redirected {error:?}")
                }
                (
                    AuthorizeFailure::Redirected(error),
                    Expected::Redirect {
                        uri, state, errors, ..
                    },
                ) => {
                    let code = error.code().as_str();
                    assert!(
                        errors.contains(code),
                        "{query_text:?} redirected with {code} ({error:?}); applicable: {errors:?}"
                    );
                    let params = check_redirect(outcome.response(), &uri);
                    assert_error_params(&params, code, state.as_deref());
                }
            }
        }
        (Authorization::Consent(consent), Expected::Refuse(why)) => {
            panic!("{query_text:?} must be refused ({why}) but asks for consent ({consent:?})")
        }
        (Authorization::Consent(consent), Expected::Redirect { errors, .. })
            if !errors.is_empty() =>
        {
            panic!("{query_text:?} asks for consent ({consent:?}) but must fail with {errors:?}")
        }
        (
            Authorization::Consent(consent),
            Expected::Redirect {
                client,
                uri,
                uri_sent,
                state,
                scope,
                pkce,
                ..
            },
        ) => {
            assert_eq!(consent.client_id(), &client.client_id);
            assert_eq!(consent.redirect_uri().as_str(), uri);
            assert_eq!(consent.state(), state.as_deref());
            let scope = scope.expect("a consent has a valid scope");
            let consent_scope: BTreeSet<String> =
                consent.scope().iter().map(str::to_owned).collect();
            assert_eq!(consent_scope, scope);
            let consent_pkce = consent
                .pkce()
                .map(|p| (p.challenge.as_str().to_owned(), p.method.as_str()));
            assert_eq!(consent_pkce, pkce);
            let requested = consent.scope().clone();

            // Deny: access_denied, with state and iss.
            let (denied, _) = run_decision(consent.deny(), query, setup);
            assert_eq!(denied.report(), &Err(AuthorizeError::AccessDenied));
            assert!(denied.effects().is_empty(), "a denial with effects");
            let params = check_redirect(denied.response(), &uri);
            assert_error_params(&params, "access_denied", state.as_deref());

            // A scope the client did not ask for cannot be granted: the
            // approval is refused with access_denied and stores nothing.
            let wider = Scope::parse(format!("{requested} zz-not-requested").trim_start())
                .expect("a valid scope");
            let (refused, store) = run_decision(
                consent_again(query, setup).approve(subject(), wider),
                query,
                setup,
            );
            assert_eq!(
                refused.report(),
                &Err(AuthorizeError::ScopeNotRequested),
                "an approval wider than the request is accepted"
            );
            assert!(
                refused.effects().is_empty(),
                "a refused approval with effects"
            );
            assert_eq!(store, setup.store, "a refused approval changed the store");
            let params = check_redirect(refused.response(), &uri);
            assert_error_params(&params, "access_denied", state.as_deref());
            assert_eq!(
                params
                    .iter()
                    .find(|(n, _)| n == "error_description")
                    .map(|(_, v)| v.as_str()),
                Some("the granted scope exceeds the requested scope")
            );

            // Approving nothing is refused (hardening): no code, no change.
            let (empty, store) = run_decision(
                consent_again(query, setup).approve(subject(), Scope::default()),
                query,
                setup,
            );
            assert_eq!(empty.report(), &Err(AuthorizeError::NothingGranted));
            assert!(empty.effects().is_empty(), "an empty approval with effects");
            assert_eq!(store, setup.store, "an empty approval changed the store");
            if requested.is_empty() {
                return;
            }

            // Approve: code, state, iss, and the record to store.
            let decide = consent_again(query, setup).approve(subject(), requested.clone());
            let (approval, store) = run_decision(decide, query, setup);
            assert_eq!(
                approval.report(),
                &Ok(()),
                "approving the requested scope succeeds"
            );
            let params = check_redirect(approval.response(), &uri);
            let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
            let expected_names: Vec<&str> = if state.is_some() {
                vec!["code", "state", "iss"]
            } else {
                vec!["code", "iss"]
            };
            assert_eq!(names, expected_names, "the approval redirect's parameters");
            let code = params[0].1.as_str();
            assert!(
                code.len() >= 22
                    && code
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "the code {code:?} is not 128 bits of base64url"
            );
            assert_eq!(
                params.iter().find(|(n, _)| n == "state").map(|(_, v)| v),
                state.as_ref()
            );
            assert_eq!(params.last().map(|(_, v)| v.as_str()), Some(ISSUER));

            let [Effect::StoreCode(record)] = approval.effects() else {
                panic!("an approval's effects: {:?}", approval.effects());
            };
            assert_eq!(record.code_hash, TokenHash::of(code));
            assert_eq!(
                record.code_hash.to_string(),
                independent::sha256_b64url(code.as_bytes())
            );
            // `drive` applied it.
            assert_eq!(store.code_record(&record.code_hash), Some(record));
            assert_eq!(record.client_id, client.client_id);
            assert_eq!(
                record.redirect_uri.as_ref().map(|u| u.as_str()),
                uri_sent.then_some(uri.as_str())
            );
            assert_eq!(record.scope, requested);
            assert_eq!(record.subject, subject());
            assert_eq!(
                record
                    .pkce
                    .as_ref()
                    .map(|p| (p.challenge.as_str().to_owned(), p.method.as_str())),
                pkce
            );
            if let Some(p) = &record.pkce {
                assert!(p.method == CodeChallengeMethod::S256 || setup.allow_plain);
            }
            assert_eq!(record.issued_at, NOW);
            assert!(record.expires_at > NOW && record.expires_at <= NOW + 600);
            assert_eq!(record.state, CodeState::Unused);
        }
    }
}

fn subject() -> Subject {
    Subject::new("alice").expect("a valid subject")
}

/// The call of every run on `query`: the approval time, entropy from the
/// query.
fn call(query: &[u8]) -> Call {
    Call::new(NOW, Entropy::from_bytes(independent::sha256(query)))
}

/// Checks the 302 and returns the parameters appended to `uri`, in order.
fn check_redirect(response: &grant_engine::HttpResponse, uri: &str) -> Vec<(String, String)> {
    assert_eq!(response.status, 302);
    assert!(response.body.is_empty(), "a redirect has a body");
    independent::assert_header_values_clean(&response.headers);
    let locations: Vec<&str> = response
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("location"))
        .map(|(_, v)| v.as_str())
        .collect();
    let [location] = locations.as_slice() else {
        panic!("{} Location headers", locations.len());
    };
    assert_eq!(response.header("cache-control"), Some("no-store"));
    assert!(
        location.bytes().all(|b| (0x21..=0x7e).contains(&b)) && !location.contains('#'),
        "{location:?} has a space, a control character or a fragment"
    );
    let rest = location
        .strip_prefix(uri)
        .unwrap_or_else(|| panic!("{location:?} does not start with {uri:?}"));
    // The registered URI's own query is kept; ours follows it.
    let appended = if !uri.contains('?') {
        rest.strip_prefix('?')
    } else if uri.ends_with('?') || uri.ends_with('&') {
        Some(rest)
    } else {
        rest.strip_prefix('&')
    }
    .unwrap_or_else(|| panic!("{location:?} does not append a query to {uri:?}"));
    let params = parse_form(appended.as_bytes())
        .unwrap_or_else(|| panic!("{location:?}: the appended query does not decode"));
    let names: BTreeSet<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names.len(),
        params.len(),
        "{location:?} repeats a parameter"
    );
    params
}

/// An error redirect's parameters: `error`, a clean `error_description`,
/// exactly the expected `state`, and `iss`.
fn assert_error_params(params: &[(String, String)], code: &str, state: Option<&str>) {
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let error = get("error").expect("an error redirect has `error`");
    assert!(
        REDIRECT_ERRORS.contains(&error),
        "{error} is not RFC 6749 4.1.2.1"
    );
    assert_eq!(error, code);
    if let Some(description) = get("error_description") {
        assert!(is_description(description), "{description:?}");
    }
    assert_eq!(get("state"), state, "the echoed state");
    assert_eq!(get("iss"), Some(ISSUER));
    for (name, _) in params {
        assert!(
            ["error", "error_description", "state", "iss"].contains(&name.as_str()),
            "unexpected parameter {name}"
        );
    }
}
