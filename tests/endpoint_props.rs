//! Properties of the authorization endpoint and the JWT verifier:
//!
//! - any query string, arbitrary bytes or nearly valid, gives a typed
//!   outcome (never a panic), and never redirects anywhere but to a URI
//!   registered for the named client;
//! - for any VSCHAR `state`, the redirect's `state`, form-decoded from the
//!   Location, equals the state given (success, error and deny redirects);
//! - the verifier refuses a token with any single character changed (this
//!   relies on canonical base64url decoding).

use std::sync::OnceLock;

use grant_engine::authorize::AuthorizeFailure;
use grant_engine::bearer::{Access, verify_access_token};
use grant_engine::errors::AuthorizeError;
use grant_engine::parse::parse_authorization_request;
use grant_engine::{
    Authorization, Authorize, BearerPolicy, Config, Effect, Endpoint, MemoryStore, Step, TokenHash,
    VerifyBearer,
};
use grant_engine_testkit::checks::{location, param, redirect_params};
use grant_engine_testkit::jwt::{craft, good_claims, good_header};
use grant_engine_testkit::requests::{
    authorize, expect_consent, expect_refused, login, pkce_query, run,
};
use grant_engine_testkit::wire::form;
use grant_engine_testkit::world::*;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};

// ---------------------------------------------------------------------------
// Local helpers
// ---------------------------------------------------------------------------

/// Percent-encodes everything but RFC 3986 unreserved characters (a space
/// is `%20`, so that [`encode_value`] can choose `+` instead).
fn enc(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `GET /oauth/authorize?query` for any bytes, decided against `store`.
fn decide(store: &mut MemoryStore, config: &Config, query: &[u8]) -> Authorization {
    run(store, config, call(NOW, 0), Authorize::parse(query, config))
}

/// Whether two decisions are the same (`Authorization` is not `PartialEq`;
/// its parts are).
fn same_decision(a: &Authorization, b: &Authorization) -> bool {
    match (a, b) {
        (Authorization::Consent(a), Authorization::Consent(b)) => a == b,
        (Authorization::Refused(a), Authorization::Refused(b)) => a == b,
        _ => false,
    }
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// `1*VSCHAR` (%x20-7E), biased towards the characters that need encoding.
fn vschar_string(max: usize) -> impl Strategy<Value = String> {
    let special = select(vec![
        ' ', '&', '=', '+', '%', '#', '"', '\'', '?', '/', ';', '\\',
    ]);
    let any_vschar = (0x20u8..=0x7e).prop_map(char::from);
    vec(prop_oneof![any_vschar, special], 1..=max).prop_map(|chars| chars.into_iter().collect())
}

/// Encodes a query value the ways a client might: everything escaped, or
/// spaces as `+`.
fn encode_value(value: &str, plus_for_space: bool) -> String {
    let encoded = enc(value);
    if plus_for_space {
        encoded.replace("%20", "+")
    } else {
        encoded
    }
}

fn percent_all(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

fn name() -> BoxedStrategy<String> {
    prop_oneof![
        select(vec![
            "client_id",
            "redirect_uri",
            "response_type",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method",
            "client_secret",
            "code",
            "foo",
            "",
        ])
        .prop_map(str::to_owned),
        "[a-z_%+=]{0,12}",
    ]
    .boxed()
}

fn value() -> BoxedStrategy<String> {
    prop_oneof![
        select(vec![
            WEB,
            SPA,
            MULTI,
            NO_URI,
            QUERY,
            M2M,
            "nobody",
            "code",
            "token",
            "read",
            "read write",
            "admin",
            "S256",
            "plain",
            CHALLENGE,
            REDIRECT,
            REDIRECT_2,
            REDIRECT_QUERY,
            "https://attacker.example/cb",
            "",
        ])
        .prop_map(enc),
        vschar_string(40).prop_map(|v| enc(&v)),
        vec(any::<u8>(), 0..16).prop_map(|b| percent_all(&b)),
        select(vec![
            "%", "%4", "%zz", "%C3", "%ff", "+", "%00", "%25", "&", "="
        ])
        .prop_map(str::to_owned),
    ]
    .boxed()
}

fn segment() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        8 => (name(), value()).prop_map(|(n, v)| format!("{n}={v}").into_bytes()),
        1 => name().prop_map(String::into_bytes),
        1 => vec(any::<u8>(), 0..8),
    ]
    .boxed()
}

/// A hostile or unusual value, already encoded for a query.
fn hostile_value() -> BoxedStrategy<String> {
    prop_oneof![
        3 => value(),
        2 => vschar_string(24).prop_map(|v| enc(&v)),
        1 => select(vec!["token", "admin", "read  write", "plain", "short", "\u{1}", "/cb"])
            .prop_map(enc),
    ]
    .boxed()
}

/// One change to a valid request.
#[derive(Debug, Clone)]
enum Mutation {
    Remove(Index),
    Replace(Index, String),
    Repeat(Index),
    Noise(Vec<u8>),
}

fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Remove),
        (any::<Index>(), hostile_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        any::<Index>().prop_map(Mutation::Repeat),
        prop_oneof![
            6 => ("[a-z_]{1,8}", vschar_string(16))
                .prop_map(|(n, v)| format!("{n}={}", enc(&v)).into_bytes()),
            1 => segment(),
        ]
        .prop_map(Mutation::Noise),
    ]
    .boxed()
}

/// Queries that are mostly well-formed: a valid request of some client
/// (PKCE S256, a VSCHAR state), then up to three changes (a parameter
/// removed, given a hostile or undecodable value, repeated, or noise
/// added), in any order.
fn near_valid_query() -> impl Strategy<Value = Vec<u8>> {
    let client = select(vec![WEB, SPA, MULTI, QUERY, M2M, NO_URI]);
    (
        client,
        vschar_string(24),
        any::<bool>(),
        vec(mutation(), 0..=3),
        vec(any::<u32>(), 16),
        any::<bool>(),
    )
        .prop_map(|(client, state, plus, mutations, keys, shuffle)| {
            let redirect = if client == QUERY {
                REDIRECT_QUERY
            } else {
                REDIRECT
            };
            let mut segments: Vec<(String, String)> = [
                ("client_id", client),
                ("redirect_uri", redirect),
                ("response_type", "code"),
                ("scope", "read"),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ]
            .iter()
            .map(|(n, v)| ((*n).to_owned(), enc(v)))
            .collect();
            segments.push(("state".to_owned(), encode_value(&state, plus)));
            let mut noise = Vec::new();
            for mutation in mutations {
                match mutation {
                    Mutation::Remove(i) if !segments.is_empty() => {
                        segments.remove(i.index(segments.len()));
                    }
                    Mutation::Replace(i, v) if !segments.is_empty() => {
                        let at = i.index(segments.len());
                        segments[at].1 = v;
                    }
                    Mutation::Repeat(i) if !segments.is_empty() => {
                        let again = segments[i.index(segments.len())].clone();
                        segments.push(again);
                    }
                    Mutation::Noise(bytes) => noise.push(bytes),
                    _ => {}
                }
            }
            let mut all: Vec<Vec<u8>> = segments
                .into_iter()
                .map(|(n, v)| format!("{n}={v}").into_bytes())
                .collect();
            all.extend(noise);
            if shuffle {
                let mut keyed: Vec<(u32, Vec<u8>)> = keys.into_iter().zip(all).collect();
                keyed.sort_by_key(|(k, _)| *k);
                all = keyed.into_iter().map(|(_, s)| s).collect();
            }
            all.join(&b'&')
        })
}

// ---------------------------------------------------------------------------
// The typed-outcome check
// ---------------------------------------------------------------------------

/// The registered URI `location` was built on, among `client`'s.
fn base_of(location: &str, client_name: &str) -> Option<String> {
    let record = clients()
        .into_iter()
        .find(|c| c.client_id.as_str() == client_name)?;
    record
        .redirect_uris
        .iter()
        .map(|u| u.as_str().to_owned())
        .find(|u| {
            let separator = if u.contains('?') { '&' } else { '?' };
            location.starts_with(&format!("{u}{separator}"))
        })
}

fn check_outcome(query: &[u8]) -> Result<(), TestCaseError> {
    let config = config();
    let mut store = store();
    let decision = decide(&mut store, &config, query);
    // The same answer every time.
    let again = decide(&mut store, &config, query);
    prop_assert!(
        same_decision(&decision, &again),
        "{:?} then {:?}",
        decision,
        again
    );
    match decision {
        Authorization::Refused(outcome) => match *outcome.report() {
            AuthorizeFailure::Refused(refusal) => {
                let response = outcome.response();
                prop_assert_eq!(response, &refusal.to_http_response());
                prop_assert_eq!(response.status, 400);
                let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
                prop_assert_eq!(&json["error"], "invalid_request");
                prop_assert!(outcome.effects().is_empty());
            }
            AuthorizeFailure::Redirected(error) => {
                let client_id = parse_authorization_request(query, config.limits())
                    .expect("a redirect implies a parsed request")
                    .client_id()
                    .as_str()
                    .to_owned();
                let response = outcome.response();
                let location = location(response).to_owned();
                let base = base_of(&location, &client_id);
                prop_assert!(base.is_some(), "open redirect: {}", location);
                let params = redirect_params(response, &base.unwrap());
                prop_assert_eq!(param(&params, "error"), Some(error.code().as_str()));
                prop_assert_eq!(param(&params, "iss"), Some(ISSUER));
                prop_assert_eq!(param(&params, "code"), None);
                prop_assert!(outcome.effects().is_empty());
            }
        },
        Authorization::Consent(consent) => {
            // `Consent` is not `Clone`: the second, equal decision is denied.
            let Authorization::Consent(again) = again else {
                panic!("the same query gave a consent, then {again:?}");
            };
            let registered = client(consent.client_id().as_str()).redirect_uris;
            prop_assert!(registered.contains(consent.redirect_uri()));
            let redirect = consent.redirect_uri().as_str().to_owned();
            let state = consent.state().map(str::to_owned);
            let client_id = consent.client_id().clone();
            let requested = consent.scope().clone();
            let approval = run(
                &mut store,
                &config,
                call(NOW, 1),
                consent.approve(subject(SUBJECT), requested),
            );
            prop_assert_eq!(approval.report(), &Ok(()));
            let params = redirect_params(approval.response(), &redirect);
            let code = param(&params, "code");
            prop_assert!(code.is_some(), "no code in {:?}", params);
            prop_assert_eq!(param(&params, "state"), state.as_deref());
            prop_assert_eq!(param(&params, "iss"), Some(ISSUER));
            let [Effect::StoreCode(record)] = approval.effects() else {
                panic!("effects {:?}", approval.effects());
            };
            // The code in the Location is the one stored.
            prop_assert!(record.code_hash == TokenHash::of(code.unwrap()));
            prop_assert_eq!(&record.client_id, &client_id);
            let deny = run(&mut store, &config, call(NOW, 2), again.deny());
            prop_assert_eq!(deny.report(), &Err(AuthorizeError::AccessDenied));
            let denied = redirect_params(deny.response(), &redirect);
            prop_assert_eq!(param(&denied, "error"), Some("access_denied"));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_bytes_give_a_typed_outcome(query in vec(any::<u8>(), 0..512)) {
        check_outcome(&query)?;
    }

    #[test]
    fn near_valid_queries_give_a_typed_outcome(query in near_valid_query()) {
        check_outcome(&query)?;
    }

    #[test]
    fn a_valid_request_plus_noise_gives_a_typed_outcome(
        client in select(vec![WEB, SPA, MULTI, QUERY, M2M]),
        extra in vec(segment(), 0..4),
    ) {
        let mut query = pkce_query(client, "xyz").into_bytes();
        for segment in extra {
            query.push(b'&');
            query.extend_from_slice(&segment);
        }
        check_outcome(&query)?;
    }
}

// ---------------------------------------------------------------------------
// state round trip
// ---------------------------------------------------------------------------

fn query_with_state(client: &str, state: &str, plus: bool, extra: &[(&str, &str)]) -> String {
    let mut query = form(&[("client_id", client), ("redirect_uri", REDIRECT)]);
    for (name, value) in extra {
        query.push_str(&format!("&{name}={}", enc(value)));
    }
    query.push_str(&format!("&state={}", encode_value(state, plus)));
    query
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn state_round_trips_through_the_success_redirect(
        state in vschar_string(64),
        plus in any::<bool>(),
        seed in any::<u8>(),
    ) {
        let query = query_with_state(
            SPA,
            &state,
            plus,
            &[
                ("response_type", "code"),
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
            ],
        );
        let mut store = store();
        let consent = expect_consent(authorize(&mut store, &config(), &query));
        prop_assert_eq!(consent.state(), Some(state.as_str()));
        // `Consent` is not `Clone`: the same request again, to deny.
        let again = expect_consent(authorize(&mut store, &config(), &query));
        let decision = consent.approve(subject(SUBJECT), scope(SCOPE));
        let approval = run(&mut store, &config(), call(NOW, seed), decision);
        prop_assert_eq!(approval.report(), &Ok(()));
        let params = redirect_params(approval.response(), REDIRECT);
        prop_assert_eq!(param(&params, "state"), Some(state.as_str()));
        let code = param(&params, "code");
        let [Effect::StoreCode(record)] = approval.effects() else {
            panic!("effects {:?}", approval.effects());
        };
        prop_assert!(code.is_some_and(|code| record.code_hash == TokenHash::of(code)));
        prop_assert_eq!(param(&params, "iss"), Some(ISSUER));

        let deny = run(&mut store, &config(), call(NOW, seed), again.deny());
        let denied = redirect_params(deny.response(), REDIRECT);
        prop_assert_eq!(param(&denied, "state"), Some(state.as_str()));
    }

    #[test]
    fn state_round_trips_through_error_redirects(
        state in vschar_string(64),
        plus in any::<bool>(),
        case in 0usize..6,
    ) {
        let (client, extra, code): (&str, Vec<(&str, &str)>, &str) = match case {
            0 => (WEB, vec![], "invalid_request"),
            1 => (WEB, vec![("response_type", "token")], "unsupported_response_type"),
            2 => (WEB, vec![("response_type", "code"), ("scope", "admin")], "invalid_scope"),
            3 => (SPA, vec![("response_type", "code")], "invalid_request"),
            4 => (M2M, vec![("response_type", "code")], "unauthorized_client"),
            _ => (
                SPA,
                vec![("response_type", "code"), ("code_challenge", CHALLENGE), ("code_challenge_method", "plain")],
                "invalid_request",
            ),
        };
        let query = query_with_state(client, &state, plus, &extra);
        let outcome = expect_refused(authorize(&mut store(), &config(), &query));
        let AuthorizeFailure::Redirected(error) = *outcome.report() else {
            panic!("expected an error redirect for {query}");
        };
        prop_assert_eq!(error.code().as_str(), code);
        let params = redirect_params(outcome.response(), REDIRECT);
        prop_assert_eq!(param(&params, "state"), Some(state.as_str()));
        prop_assert_eq!(param(&params, "error"), Some(code));
        prop_assert_eq!(param(&params, "iss"), Some(ISSUER));
    }
}

// ---------------------------------------------------------------------------
// JWT: any single character changed
// ---------------------------------------------------------------------------

/// One access token minted by the engine (with a `fam` claim) and one
/// crafted by hand, both valid at `NOW + 60`.
fn tokens() -> &'static [String; 2] {
    static TOKENS: OnceLock<[String; 2]> = OnceLock::new();
    TOKENS.get_or_init(|| {
        let mut store = store();
        let minted = login(&mut store, &config(), WEB, NOW, 1).access_token;
        let crafted = craft(&good_header(), &good_claims(), SIGNING_SECRET);
        [minted, crafted]
    })
}

const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

#[test]
fn the_unchanged_tokens_verify() {
    for token in tokens() {
        assert!(verify_access_token(token, &config(), NOW + 60, 0).is_ok());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn any_single_character_change_is_refused(
        which in 0usize..2,
        index in any::<Index>(),
        replacement in select(ALPHABET.chars().collect::<Vec<_>>()),
    ) {
        let token = &tokens()[which];
        let at = index.index(token.len());
        let original = char::from(token.as_bytes()[at]);
        prop_assume!(original != replacement);
        let mut changed = token.clone();
        changed.replace_range(at..=at, replacement.encode_utf8(&mut [0; 4]));
        prop_assert!(
            verify_access_token(&changed, &config(), NOW + 60, 0).is_err(),
            "verified with {:?} -> {:?} at {}",
            original,
            replacement,
            at
        );
        // Refused by the resource before any lookup.
        let header = format!("Bearer {changed}");
        let request = VerifyBearer::new(Some(header.as_bytes()), &BearerPolicy::default());
        let config = config();
        prop_assert!(matches!(
            request.start(&config, &call(NOW + 60, 0)),
            Step::Done(Access::Refused(_))
        ));
    }

    #[test]
    fn every_last_character_of_each_part_is_checked(
        which in 0usize..2,
        part in 0usize..3,
        replacement in select(ALPHABET.chars().collect::<Vec<_>>()),
    ) {
        // The last character of each part carries the padding bits: the
        // place where a lenient decoder would accept a changed token.
        let token = &tokens()[which];
        let ends: Vec<usize> = token
            .char_indices()
            .filter(|(_, c)| *c == '.')
            .map(|(i, _)| i - 1)
            .chain(std::iter::once(token.len() - 1))
            .collect();
        let at = ends[part];
        let original = char::from(token.as_bytes()[at]);
        prop_assume!(original != replacement);
        let mut changed = token.clone();
        changed.replace_range(at..=at, replacement.encode_utf8(&mut [0; 4]));
        prop_assert!(verify_access_token(&changed, &config(), NOW + 60, 0).is_err());
    }
}

/// The near-valid generator is not vacuous: it reaches every kind of
/// decision, each often.
#[test]
fn near_valid_queries_reach_every_decision() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = near_valid_query();
    let (mut refused, mut redirected, mut consented) = (0, 0, 0);
    let mut kinds = std::collections::BTreeMap::new();
    for _ in 0..4000 {
        let query = strategy.new_tree(&mut runner).unwrap().current();
        match decide(&mut store(), &config(), &query) {
            Authorization::Refused(outcome) => match outcome.report() {
                AuthorizeFailure::Refused(r) => {
                    refused += 1;
                    *kinds.entry(format!("{r:?}")).or_insert(0) += 1;
                }
                AuthorizeFailure::Redirected(_) => redirected += 1,
            },
            Authorization::Consent(_) => consented += 1,
        }
    }
    assert!(
        refused > 100 && redirected > 100 && consented > 100,
        "refused {refused} {kinds:?}, redirected {redirected}, consented {consented}"
    );
}
