//! RFC-RULES "authorization endpoint" (RFC 6749 4.1.1, 4.1.2.1, 3.1.2;
//! RFC 7636 4.3; RFC 9207), one test per row, through the public API only.
//!
//! Refusals are checked by variant and by their exact 400 JSON; redirects by
//! their exact `Location` (the redirect URI kept as a prefix, an existing
//! query kept, then `error`, `error_description`, `state` and `iss`, decoded
//! by an independent form decoder) and `cache-control: no-store`.

use grant_engine::authorize::{AuthorizeFailure, Decide};
use grant_engine::config::{PkcePolicy, PkceRequirement};
use grant_engine::errors::{AuthorizeError, AuthorizeRefusal};
use grant_engine::parse::parse_authorization_request;
use grant_engine::store::{CodeState, PkceChallenge};
use grant_engine::values::{AuthorizationCode, CodeChallenge, CodeChallengeMethod, Param};
use grant_engine::{
    Authorization, Authorize, ClientRecord, CodeRecord, Config, Consent, Effect, Endpoint,
    GrantType, HttpResponse, MemoryStore, Outcome, Scope, Step, TokenHash,
};
use grant_engine_testkit::checks::{
    assert_json_error, form_decode, location, pairs, param, redirect_params,
};
use grant_engine_testkit::requests::{authorize, expect_consent, expect_refused, run, token_post};
use grant_engine_testkit::wire::{form, form_encode};
use grant_engine_testkit::world::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A valid request by the confidential `web` client (no PKCE), with `extra`
/// pairs appended.
fn web_query(extra: &[(&str, &str)]) -> String {
    let mut all = vec![
        ("response_type", "code"),
        ("client_id", WEB),
        ("redirect_uri", REDIRECT),
        ("state", "xyz"),
    ];
    all.extend_from_slice(extra);
    form(&all)
}

fn decide(query: &str) -> Authorization {
    authorize(&mut store(), &config(), query)
}

fn decide_with(config: &Config, query: &str) -> Authorization {
    authorize(&mut store(), config, query)
}

/// The authorization endpoint on a raw (possibly non-UTF-8) query.
fn decide_bytes(query: &[u8]) -> Authorization {
    let config = config();
    let request = Authorize::parse(query, &config);
    run(&mut store(), &config, call(NOW, 0), request)
}

/// Steps `request` by hand, answering its one question (the client) with
/// `record`.
fn answer_client(request: Authorize, record: Option<ClientRecord>) -> Authorization {
    let config = config();
    match request.start(&config, &call(NOW, 0)) {
        Step::NeedClient(question) => {
            assert_eq!(Some(question.client_id()), request.client_id());
            match question.provide(record) {
                Step::Done(authorization) => authorization,
                other => panic!("expected the end, got {other:?}"),
            }
        }
        other => panic!("expected a client question, got {other:?}"),
    }
}

/// Asserts a refusal: the variant, and its exact 400 JSON.
fn assert_refused(authorization: Authorization, expected: AuthorizeRefusal, description: &str) {
    let outcome = expect_refused(authorization);
    assert_eq!(outcome.report(), &AuthorizeFailure::Refused(expected));
    assert_json_error(outcome.response(), 400, "invalid_request", description);
    assert_eq!(outcome.response(), &expected.to_http_response());
    assert!(outcome.effects().is_empty(), "{:?}", outcome.effects());
}

/// Asserts an error redirect to `redirect_uri`: the typed error, then the
/// exact decoded parameters `error`, `error_description`, `state` (if any),
/// `iss`.
fn assert_redirected(
    authorization: Authorization,
    redirect_uri: &str,
    expected: AuthorizeError,
    code: &str,
    description: &str,
    state: Option<&str>,
) {
    let outcome = expect_refused(authorization);
    let AuthorizeFailure::Redirected(error) = *outcome.report() else {
        panic!("expected an error redirect, got {outcome:?}");
    };
    assert_eq!(error, expected);
    assert_eq!(error.code().as_str(), code);
    assert!(outcome.effects().is_empty(), "{:?}", outcome.effects());
    assert_error_params(outcome.response(), redirect_uri, code, description, state);
}

/// The exact decoded parameters of an error redirect.
fn assert_error_params(
    response: &HttpResponse,
    redirect_uri: &str,
    code: &str,
    description: &str,
    state: Option<&str>,
) {
    let mut expected_params = vec![("error", code), ("error_description", description)];
    if let Some(state) = state {
        expected_params.push(("state", state));
    }
    expected_params.push(("iss", ISSUER));
    assert_eq!(
        redirect_params(response, redirect_uri),
        pairs(&expected_params)
    );
}

/// Runs the resource owner's `decision` at [`NOW`] with entropy `seed`
/// against `store` (which the driver applies the effects to).
fn decide_consent(
    store: &mut MemoryStore,
    config: &Config,
    decision: Decide,
    seed: u8,
) -> Outcome<Decide> {
    run(store, config, call(NOW, seed), decision)
}

/// Approves `consent` for [`SUBJECT`] with `granted` at [`NOW`] (entropy
/// `seed`), against a fresh store.
fn approve(consent: Consent, granted: &str, config: &Config, seed: u8) -> Outcome<Decide> {
    let decision = consent.approve(subject(SUBJECT), scope(granted));
    decide_consent(&mut store(), config, decision, seed)
}

/// The one `StoreCode` record of a successful approval, whose digest is the
/// digest of `code`.
fn stored_code<'a>(outcome: &'a Outcome<Decide>, code: &str) -> &'a CodeRecord {
    assert_eq!(outcome.report(), &Ok(()));
    let [Effect::StoreCode(record)] = outcome.effects() else {
        panic!("effects {:?}", outcome.effects());
    };
    assert_eq!(record.code_hash, TokenHash::of(code));
    record
}

/// The code an approval redirected to `redirect_uri` with.
fn code_of(outcome: &Outcome<Decide>, redirect_uri: &str) -> String {
    let params = redirect_params(outcome.response(), redirect_uri);
    param(&params, "code").unwrap().to_owned()
}

const REPEATED: &str = "a parameter is repeated";
const MISSING_RESPONSE_TYPE: &str = "the response_type parameter is missing";
const UNSUPPORTED_RESPONSE_TYPE: &str = "only response_type=code is supported";
const CHALLENGE_REQUIRED: &str = "a code_challenge is required";
const METHOD_UNSUPPORTED: &str = "the code_challenge_method is not supported";
const CHALLENGE_MALFORMED: &str = "the code_challenge parameter is malformed";
const SCOPE_MALFORMED: &str = "the scope parameter is malformed";
const SCOPE_NOT_ALLOWED: &str = "the requested scope exceeds what the client may have";
const SCOPE_NOT_REQUESTED: &str = "the granted scope exceeds the requested scope";

// ---------------------------------------------------------------------------
// Row 1: no redirect, an error for the user (400)
// ---------------------------------------------------------------------------

#[test]
fn client_id_missing_is_refused() {
    let query = form(&[
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("state", "xyz"),
    ]);
    assert_refused(
        decide(&query),
        AuthorizeRefusal::MissingClientId,
        "the client_id parameter is missing",
    );
    // An empty value is an omitted one.
    assert_refused(
        decide(&format!("{query}&client_id=")),
        AuthorizeRefusal::MissingClientId,
        "the client_id parameter is missing",
    );
    // The parser alone says the same.
    assert_eq!(
        parse_authorization_request(query.as_bytes(), config().limits()).unwrap_err(),
        AuthorizeRefusal::MissingClientId
    );
}

#[test]
fn client_id_unknown_is_refused() {
    let query = form(&[
        ("response_type", "code"),
        ("client_id", "nobody"),
        ("redirect_uri", REDIRECT),
        ("state", "xyz"),
    ]);
    assert_refused(
        decide(&query),
        AuthorizeRefusal::UnknownClient,
        "the client is unknown",
    );
    // Through the two-step API: no record, or a record for another client
    // (a host bug), is an unknown client.
    let request = parse_authorization_request(query.as_bytes(), config().limits()).unwrap();
    assert_eq!(request.client_id().as_str(), "nobody");
    assert_refused(
        answer_client(Authorize::from(request.clone()), None),
        AuthorizeRefusal::UnknownClient,
        "the client is unknown",
    );
    assert_refused(
        answer_client(Authorize::from(request), Some(client(WEB))),
        AuthorizeRefusal::UnknownClient,
        "the client is unknown",
    );
}

#[test]
fn unknown_client_is_refused_even_when_other_parameters_are_wrong() {
    // Nothing is redirected for a client we cannot identify.
    let query = form(&[
        ("response_type", "token"),
        ("client_id", "nobody"),
        ("redirect_uri", "https://attacker.example/cb"),
        ("scope", "\"bad\""),
    ]);
    assert_refused(
        decide(&query),
        AuthorizeRefusal::UnknownClient,
        "the client is unknown",
    );
}

#[test]
fn client_id_repeated_is_refused() {
    for query in [
        format!("{}&client_id={WEB}", web_query(&[])),
        format!("{}&client_id=other", web_query(&[])),
    ] {
        assert_refused(
            decide(&query),
            AuthorizeRefusal::RepeatedClientId,
            "the client_id parameter is repeated",
        );
    }
}

#[test]
fn client_id_malformed_is_refused() {
    let query =
        "response_type=code&client_id=we%01b&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb";
    assert_refused(
        decide(query),
        AuthorizeRefusal::MalformedClientId,
        "the client_id parameter is malformed",
    );
}

#[test]
fn redirect_uri_missing_with_none_registered_is_refused() {
    let query = form(&[("response_type", "code"), ("client_id", NO_URI)]);
    assert_refused(
        decide(&query),
        AuthorizeRefusal::MissingRedirectUri,
        "the redirect_uri parameter is missing",
    );
}

#[test]
fn redirect_uri_missing_with_two_registered_is_refused() {
    let query = form(&[
        ("response_type", "code"),
        ("client_id", MULTI),
        ("state", "xyz"),
    ]);
    assert_refused(
        decide(&query),
        AuthorizeRefusal::MissingRedirectUri,
        "the redirect_uri parameter is missing",
    );
    // Either registered URI, sent exactly, is fine.
    for redirect in [REDIRECT, REDIRECT_2] {
        let query = form(&[
            ("response_type", "code"),
            ("client_id", MULTI),
            ("redirect_uri", redirect),
        ]);
        let consent = expect_consent(decide(&query));
        assert_eq!(consent.redirect_uri().as_str(), redirect);
    }
}

#[test]
fn redirect_uri_not_registered_is_refused() {
    for redirect in [
        "https://attacker.example/cb",
        REDIRECT_2, // registered for another client only
    ] {
        let query = form(&[
            ("response_type", "code"),
            ("client_id", WEB),
            ("redirect_uri", redirect),
        ]);
        assert_refused(
            decide(&query),
            AuthorizeRefusal::UnregisteredRedirectUri,
            "the redirect_uri is not registered for this client",
        );
    }
    // A client with none registered refuses any.
    let query = form(&[
        ("response_type", "code"),
        ("client_id", NO_URI),
        ("redirect_uri", REDIRECT),
    ]);
    assert_refused(
        decide(&query),
        AuthorizeRefusal::UnregisteredRedirectUri,
        "the redirect_uri is not registered for this client",
    );
}

#[test]
fn redirect_uri_not_an_exact_match_is_refused() {
    for redirect in [
        "https://app.example.com/cb/",        // trailing slash
        "https://APP.example.com/cb",         // host case
        "HTTPS://app.example.com/cb",         // scheme case
        "https://app.example.com/CB",         // path case
        "https://app.example.com:443/cb",     // explicit default port
        "https://app.example.com/c%62",       // percent-encoded "b"
        "https://app.example.com/cb?x=1",     // added query
        "https://app.example.com/cb/../cb",   // dot segments
        "https://app.example.com/cbextra",    // prefix match
        "https://app.example.com.evil.io/cb", // host suffix
    ] {
        let query = form(&[
            ("response_type", "code"),
            ("client_id", WEB),
            ("redirect_uri", redirect),
            ("state", "xyz"),
        ]);
        assert_refused(
            decide(&query),
            AuthorizeRefusal::UnregisteredRedirectUri,
            "the redirect_uri is not registered for this client",
        );
    }
    // The registered URI with a query must be matched with its query.
    let query = form(&[
        ("response_type", "code"),
        ("client_id", QUERY),
        ("redirect_uri", "https://app.example.com/cb"),
    ]);
    assert_refused(
        decide(&query),
        AuthorizeRefusal::UnregisteredRedirectUri,
        "the redirect_uri is not registered for this client",
    );
}

#[test]
fn redirect_uri_repeated_is_refused() {
    for second in [REDIRECT, "https://attacker.example/cb"] {
        let query = format!("{}&redirect_uri={}", web_query(&[]), form_encode(second));
        assert_refused(
            decide(&query),
            AuthorizeRefusal::RepeatedRedirectUri,
            "the redirect_uri parameter is repeated",
        );
    }
}

#[test]
fn redirect_uri_malformed_is_refused() {
    for redirect in [
        "/cb",                          // relative
        "app.example.com/cb",           // no scheme
        "https://app.example.com/cb#x", // fragment
        "https://app.example.com/c b",  // space
        "https:",                       // nothing after the scheme
        "1https://app.example.com/cb",  // scheme starts with a digit
    ] {
        let query = form(&[
            ("response_type", "code"),
            ("client_id", WEB),
            ("redirect_uri", redirect),
        ]);
        assert_refused(
            decide(&query),
            AuthorizeRefusal::MalformedRedirectUri,
            "the redirect_uri parameter is malformed",
        );
    }
}

#[test]
fn undecodable_query_is_refused() {
    let valid = web_query(&[]);
    let too_large = format!("{valid}&x={}", "a".repeat(16 * 1024));
    let too_many = format!("{valid}{}", "&x=1".repeat(40));
    let cases: Vec<Vec<u8>> = vec![
        format!("{valid}&scope=%zz").into_bytes(),
        format!("{valid}&scope=%4").into_bytes(),
        format!("{valid}&scope=%ff").into_bytes(), // not UTF-8 once decoded
        format!("{valid}&redirect_uri=%E9").into_bytes(),
        [valid.as_bytes(), b"&state=\xff"].concat(), // raw non-UTF-8
        b"client_id=web&\xc3\x28=1".to_vec(),
        too_large.into_bytes(),
        too_many.into_bytes(),
    ];
    for query in cases {
        assert_refused(
            decide_bytes(&query),
            AuthorizeRefusal::MalformedQuery,
            "the authorization request cannot be decoded",
        );
        assert_eq!(
            parse_authorization_request(&query, config().limits()).unwrap_err(),
            AuthorizeRefusal::MalformedQuery
        );
    }
}

// ---------------------------------------------------------------------------
// Row 2: redirect_uri omitted, exactly one registered
// ---------------------------------------------------------------------------

#[test]
fn redirect_uri_omitted_with_one_registered_uses_it() {
    let query = form(&[
        ("response_type", "code"),
        ("client_id", WEB),
        ("state", "xyz"),
    ]);
    let consent = expect_consent(decide(&query));
    assert_eq!(consent.redirect_uri().as_str(), REDIRECT);
    let outcome = approve(consent, SCOPE, &config(), 1);
    let code = code_of(&outcome, REDIRECT);
    // The record is the code's, and says the request had no redirect_uri.
    let record = stored_code(&outcome, &code);
    assert_eq!(record.redirect_uri, None);

    // Error redirects go there too.
    let query = form(&[("client_id", WEB), ("state", "xyz")]);
    assert_redirected(
        decide(&query),
        REDIRECT,
        AuthorizeError::MissingResponseType,
        "invalid_request",
        MISSING_RESPONSE_TYPE,
        Some("xyz"),
    );
}

// ---------------------------------------------------------------------------
// Row 3 and the rows after it: error redirects
// ---------------------------------------------------------------------------

#[test]
fn error_redirect_has_the_exact_location() {
    let query = form(&[
        ("client_id", WEB),
        ("redirect_uri", REDIRECT),
        ("state", "xyz"),
    ]);
    let outcome = expect_refused(decide(&query));
    assert_eq!(
        outcome.report(),
        &AuthorizeFailure::Redirected(AuthorizeError::MissingResponseType)
    );
    assert_eq!(
        location(outcome.response()),
        format!(
            "{REDIRECT}?error=invalid_request&error_description=the+response_type+parameter+is+missing&state=xyz&iss={ISSUER_ENC}"
        )
    );
}

#[test]
fn error_redirect_keeps_an_existing_query() {
    let query = form(&[
        ("response_type", "token"),
        ("client_id", QUERY),
        ("state", "s t&u"),
    ]);
    let outcome = expect_refused(decide(&query));
    assert_eq!(
        outcome.report(),
        &AuthorizeFailure::Redirected(AuthorizeError::UnsupportedResponseType)
    );
    let response = outcome.response();
    assert_eq!(
        location(response),
        format!(
            "{REDIRECT_QUERY}&error=unsupported_response_type&error_description=only+response_type%3Dcode+is+supported&state=s+t%26u&iss={ISSUER_ENC}"
        )
    );
    // Decoded, the client's own parameters come first and are untouched.
    let all = form_decode(location(response).split_once('?').unwrap().1);
    assert_eq!(
        all,
        pairs(&[
            ("tenant", "a b"),
            ("x", "1"),
            ("error", "unsupported_response_type"),
            ("error_description", UNSUPPORTED_RESPONSE_TYPE),
            ("state", "s t&u"),
            ("iss", ISSUER),
        ])
    );
}

#[test]
fn error_redirect_without_state_has_no_state() {
    let query = form(&[("client_id", WEB), ("redirect_uri", REDIRECT)]);
    assert_redirected(
        decide(&query),
        REDIRECT,
        AuthorizeError::MissingResponseType,
        "invalid_request",
        MISSING_RESPONSE_TYPE,
        None,
    );
}

#[test]
fn response_type_missing_redirects_invalid_request() {
    for query in [
        form(&[
            ("client_id", WEB),
            ("redirect_uri", REDIRECT),
            ("state", "xyz"),
        ]),
        form(&[
            ("response_type", ""),
            ("client_id", WEB),
            ("redirect_uri", REDIRECT),
            ("state", "xyz"),
        ]),
    ] {
        assert_redirected(
            decide(&query),
            REDIRECT,
            AuthorizeError::MissingResponseType,
            "invalid_request",
            MISSING_RESPONSE_TYPE,
            Some("xyz"),
        );
    }
}

#[test]
fn response_type_other_than_code_redirects_unsupported_response_type() {
    for response_type in ["token", "code token", "id_token", "CODE", "code ", "none"] {
        let query = form(&[
            ("response_type", response_type),
            ("client_id", WEB),
            ("redirect_uri", REDIRECT),
            ("state", "xyz"),
        ]);
        assert_redirected(
            decide(&query),
            REDIRECT,
            AuthorizeError::UnsupportedResponseType,
            "unsupported_response_type",
            UNSUPPORTED_RESPONSE_TYPE,
            Some("xyz"),
        );
    }
}

#[test]
fn other_parameter_repeated_redirects_invalid_request() {
    let base = web_query(&[]);
    for (param, extra) in [
        (Param::ResponseType, "response_type=code"),
        (Param::Scope, "scope=read&scope=read"),
        (Param::CodeChallenge, "code_challenge=a&code_challenge=b"),
        (
            Param::CodeChallengeMethod,
            "code_challenge_method=S256&code_challenge_method=S256",
        ),
    ] {
        assert_redirected(
            decide(&format!("{base}&{extra}")),
            REDIRECT,
            AuthorizeError::RepeatedParameter(param),
            "invalid_request",
            REPEATED,
            Some("xyz"),
        );
    }
    // A repeated state: which one to echo is unknowable, so none is.
    assert_redirected(
        decide(&format!("{base}&state=abc")),
        REDIRECT,
        AuthorizeError::RepeatedParameter(Param::State),
        "invalid_request",
        REPEATED,
        None,
    );
    // Also when another repeated parameter is the one reported (found by
    // the authorize_request fuzz target).
    assert_redirected(
        decide(&format!("{base}&state=abc&scope=read&scope=read")),
        REDIRECT,
        AuthorizeError::RepeatedParameter(Param::Scope),
        "invalid_request",
        REPEATED,
        None,
    );
    // Unknown parameters, even repeated, are ignored.
    let consent = expect_consent(decide(&format!("{base}&foo=1&foo=2")));
    assert_eq!(consent.state(), Some("xyz"));
}

#[test]
fn malformed_state_redirects_invalid_request_without_state() {
    // state = 1*VSCHAR: a control character or non-ASCII is not.
    for state in ["a\u{1}b", "caf\u{e9}", "tab\there"] {
        let query = form(&[
            ("response_type", "code"),
            ("client_id", WEB),
            ("redirect_uri", REDIRECT),
            ("state", state),
        ]);
        assert_redirected(
            decide(&query),
            REDIRECT,
            AuthorizeError::MalformedState,
            "invalid_request",
            "the state parameter is malformed",
            None,
        );
    }
}

#[test]
fn client_not_allowed_the_code_grant_redirects_unauthorized_client() {
    let query = form(&[
        ("response_type", "code"),
        ("client_id", M2M),
        ("redirect_uri", REDIRECT),
        ("state", "xyz"),
    ]);
    assert_redirected(
        decide(&query),
        REDIRECT,
        AuthorizeError::UnauthorizedClient,
        "unauthorized_client",
        "the client is not allowed to use the authorization code grant",
        Some("xyz"),
    );
}

#[test]
fn scope_malformed_redirects_invalid_scope() {
    for bad in [
        "read  write",
        " read",
        "read ",
        "\"read\"",
        "re\\ad",
        "read\twrite",
    ] {
        assert_redirected(
            decide(&web_query(&[("scope", bad)])),
            REDIRECT,
            AuthorizeError::MalformedScope,
            "invalid_scope",
            SCOPE_MALFORMED,
            Some("xyz"),
        );
    }
}

#[test]
fn scope_not_allowed_redirects_invalid_scope() {
    for wide in ["admin", "read admin", "read write admin"] {
        assert_redirected(
            decide(&web_query(&[("scope", wide)])),
            REDIRECT,
            AuthorizeError::ScopeNotAllowed,
            "invalid_scope",
            SCOPE_NOT_ALLOWED,
            Some("xyz"),
        );
    }
}

#[test]
fn scope_omitted_or_reordered_is_the_allowed_set() {
    let consent = expect_consent(decide(&web_query(&[])));
    assert_eq!(consent.scope(), &scope(SCOPE));
    let consent = expect_consent(decide(&web_query(&[("scope", "write read write")])));
    assert_eq!(consent.scope(), &scope(SCOPE));
    let consent = expect_consent(decide(&web_query(&[("scope", "read")])));
    assert_eq!(consent.scope(), &scope("read"));
}

// ---------------------------------------------------------------------------
// PKCE
// ---------------------------------------------------------------------------

fn spa_query(extra: &[(&str, &str)]) -> String {
    let mut all = vec![
        ("response_type", "code"),
        ("client_id", SPA),
        ("redirect_uri", REDIRECT),
        ("state", "xyz"),
    ];
    all.extend_from_slice(extra);
    form(&all)
}

#[test]
fn public_client_without_code_challenge_redirects_invalid_request() {
    assert_redirected(
        decide(&spa_query(&[])),
        REDIRECT,
        AuthorizeError::MissingCodeChallenge,
        "invalid_request",
        CHALLENGE_REQUIRED,
        Some("xyz"),
    );
    // Also with plain enabled: PKCE itself is still required.
    let lenient = config().with_pkce(PkcePolicy {
        required_for: PkceRequirement::PublicClients,
        allow_plain: true,
    });
    assert_redirected(
        decide_with(&lenient, &spa_query(&[])),
        REDIRECT,
        AuthorizeError::MissingCodeChallenge,
        "invalid_request",
        CHALLENGE_REQUIRED,
        Some("xyz"),
    );
}

#[test]
fn public_client_with_s256_is_accepted() {
    let query = spa_query(&[
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]);
    let consent = expect_consent(decide(&query));
    assert_eq!(
        consent.pkce(),
        Some(&PkceChallenge {
            challenge: CodeChallenge::new(CHALLENGE).unwrap(),
            method: CodeChallengeMethod::S256,
        })
    );
}

#[test]
fn plain_or_missing_method_redirects_invalid_request_by_default() {
    for extra in [
        vec![
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "plain"),
        ],
        vec![("code_challenge", CHALLENGE)],
    ] {
        // Public and confidential clients alike.
        for query in [spa_query(&extra), web_query(&extra)] {
            assert_redirected(
                decide(&query),
                REDIRECT,
                AuthorizeError::UnsupportedCodeChallengeMethod,
                "invalid_request",
                METHOD_UNSUPPORTED,
                Some("xyz"),
            );
        }
    }
}

#[test]
fn plain_or_missing_method_is_accepted_when_enabled() {
    let lenient = config().with_pkce(PkcePolicy {
        required_for: PkceRequirement::PublicClients,
        allow_plain: true,
    });
    let verifier = "a".repeat(43);
    for extra in [
        vec![
            ("code_challenge", verifier.as_str()),
            ("code_challenge_method", "plain"),
        ],
        vec![("code_challenge", verifier.as_str())],
    ] {
        let consent = expect_consent(decide_with(&lenient, &spa_query(&extra)));
        assert_eq!(
            consent.pkce(),
            Some(&PkceChallenge {
                challenge: CodeChallenge::new(verifier.as_str()).unwrap(),
                method: CodeChallengeMethod::Plain,
            })
        );
    }
    // S256 still works.
    let consent = expect_consent(decide_with(
        &lenient,
        &spa_query(&[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ]),
    ));
    assert_eq!(consent.pkce().unwrap().method, CodeChallengeMethod::S256);
}

#[test]
fn unknown_code_challenge_method_redirects_invalid_request() {
    for method in ["s256", "S512", "SHA256", "PLAIN"] {
        let query = spa_query(&[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", method),
        ]);
        assert_redirected(
            decide(&query),
            REDIRECT,
            AuthorizeError::UnsupportedCodeChallengeMethod,
            "invalid_request",
            METHOD_UNSUPPORTED,
            Some("xyz"),
        );
    }
    // A method without a challenge.
    assert_redirected(
        decide(&web_query(&[("code_challenge_method", "S256")])),
        REDIRECT,
        AuthorizeError::UnsupportedCodeChallengeMethod,
        "invalid_request",
        METHOD_UNSUPPORTED,
        Some("xyz"),
    );
}

#[test]
fn malformed_code_challenge_redirects_invalid_request() {
    let short = "a".repeat(42);
    let long = "a".repeat(129);
    let bad_char = format!("{}+", "a".repeat(42));
    for challenge in [short.as_str(), long.as_str(), bad_char.as_str()] {
        let query = spa_query(&[
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ]);
        assert_redirected(
            decide(&query),
            REDIRECT,
            AuthorizeError::MalformedCodeChallenge,
            "invalid_request",
            CHALLENGE_MALFORMED,
            Some("xyz"),
        );
    }
}

#[test]
fn confidential_client_may_omit_pkce_by_default() {
    let consent = expect_consent(decide(&web_query(&[])));
    assert_eq!(consent.pkce(), None);
}

#[test]
fn pkce_required_for_all_clients_when_configured() {
    let strict = config().with_pkce(PkcePolicy {
        required_for: PkceRequirement::AllClients,
        allow_plain: false,
    });
    assert_redirected(
        decide_with(&strict, &web_query(&[])),
        REDIRECT,
        AuthorizeError::MissingCodeChallenge,
        "invalid_request",
        CHALLENGE_REQUIRED,
        Some("xyz"),
    );
    let consent = expect_consent(decide_with(
        &strict,
        &web_query(&[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ]),
    ));
    assert_eq!(consent.pkce().unwrap().method, CodeChallengeMethod::S256);
}

// ---------------------------------------------------------------------------
// Success: approve and deny
// ---------------------------------------------------------------------------

fn spa_pending() -> Consent {
    expect_consent(decide(&spa_query(&[
        ("scope", SCOPE),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ])))
}

#[test]
fn approve_redirects_with_code_state_and_iss() {
    let consent = spa_pending();
    assert_eq!(consent.client_id().as_str(), SPA);
    assert_eq!(consent.state(), Some("xyz"));
    let outcome = approve(consent, SCOPE, &config(), 1);
    let code = code_of(&outcome, REDIRECT);
    stored_code(&outcome, &code);
    assert_eq!(
        location(outcome.response()),
        format!("{REDIRECT}?code={code}&state=xyz&iss={ISSUER_ENC}")
    );
    assert_eq!(
        redirect_params(outcome.response(), REDIRECT),
        pairs(&[("code", &code), ("state", "xyz"), ("iss", ISSUER)])
    );
}

#[test]
fn approve_stores_only_the_code_digest_with_its_bindings() {
    let mut store = store();
    let consent = spa_pending();
    let decision = consent.approve(subject(SUBJECT), scope(SCOPE));
    let outcome = decide_consent(&mut store, &config(), decision, 1);
    let code = code_of(&outcome, REDIRECT);
    let expected = CodeRecord {
        code_hash: TokenHash::of(&code),
        client_id: id(SPA),
        redirect_uri: Some(uri(REDIRECT)),
        scope: scope(SCOPE),
        subject: subject(SUBJECT),
        pkce: Some(PkceChallenge {
            challenge: CodeChallenge::new(CHALLENGE).unwrap(),
            method: CodeChallengeMethod::S256,
        }),
        issued_at: NOW,
        expires_at: NOW + CODE_TTL,
        state: CodeState::Unused,
    };
    assert_eq!(outcome.report(), &Ok(()));
    assert_eq!(outcome.effects(), [Effect::StoreCode(expected.clone())]);
    // The record, however rendered, never holds the code itself.
    let json = serde_json::to_string(&expected).unwrap();
    assert!(!json.contains(&code));
    assert!(!format!("{expected:?}").contains(&code));

    // And the store the driver applied the effect to finds it by digest.
    assert_eq!(store.code_record(&TokenHash::of(&code)), Some(&expected));
}

#[test]
fn approve_code_has_at_least_128_bits_and_is_fresh() {
    let a = code_of(&approve(spa_pending(), SCOPE, &config(), 1), REDIRECT);
    let b = code_of(&approve(spa_pending(), SCOPE, &config(), 2), REDIRECT);
    for code in [a.as_str(), b.as_str()] {
        assert!(
            code.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'),
            "not base64url: {code}"
        );
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(code)
            .unwrap();
        assert!(bytes.len() >= 16);
    }
    assert_ne!(a, b);
    // The code, as the engine's type holds it, never shows in its Debug
    // output.
    assert_eq!(
        format!("{:?}", AuthorizationCode::new(a.as_str()).unwrap()),
        "AuthorizationCode(<redacted>)"
    );
}

#[test]
fn approval_debug_does_not_show_the_code() {
    let outcome = approve(spa_pending(), SCOPE, &config(), 1);
    let code = code_of(&outcome, REDIRECT);
    assert!(
        !format!("{outcome:?}").contains(&code),
        "RFC-RULES Never: a code in a Debug output"
    );
}

#[test]
fn approve_with_the_redirect_uri_omitted_records_none() {
    let query = form(&[
        ("response_type", "code"),
        ("client_id", SPA),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]);
    let outcome = approve(expect_consent(decide(&query)), SCOPE, &config(), 1);
    let code = code_of(&outcome, REDIRECT);
    let record = stored_code(&outcome, &code);
    assert_eq!(record.redirect_uri, None);
    // No state was sent: none is echoed.
    let params = redirect_params(outcome.response(), REDIRECT);
    assert_eq!(params, pairs(&[("code", &code), ("iss", ISSUER)]));
}

#[test]
fn approve_without_pkce_records_none() {
    let outcome = approve(
        expect_consent(decide(&web_query(&[]))),
        "read",
        &config(),
        1,
    );
    let code = code_of(&outcome, REDIRECT);
    let record = stored_code(&outcome, &code);
    assert_eq!(record.pkce, None);
    assert_eq!(record.client_id, id(WEB));
    assert_eq!(record.scope, scope("read"));
}

#[test]
fn approve_into_a_redirect_uri_with_a_query_keeps_it() {
    let query = form(&[
        ("response_type", "code"),
        ("client_id", QUERY),
        ("state", "xyz"),
    ]);
    let outcome = approve(expect_consent(decide(&query)), SCOPE, &config(), 1);
    let code = code_of(&outcome, REDIRECT_QUERY);
    stored_code(&outcome, &code);
    assert_eq!(
        location(outcome.response()),
        format!("{REDIRECT_QUERY}&code={code}&state=xyz&iss={ISSUER_ENC}")
    );
}

#[test]
fn approve_with_a_narrower_scope_records_it() {
    let outcome = approve(spa_pending(), "read", &config(), 1);
    let code = code_of(&outcome, REDIRECT);
    let record = stored_code(&outcome, &code);
    assert_eq!(record.scope, scope("read"));
}

#[test]
fn approve_with_a_wider_scope_is_refused() {
    // The new engine redirects `access_denied` and issues nothing (the old
    // API returned `ApprovalError::ScopeNotRequested`).
    let narrow = || {
        expect_consent(decide(&spa_query(&[
            ("scope", "read"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ])))
    };
    for wider in ["read write", "write", "read admin"] {
        let outcome = approve(narrow(), wider, &config(), 1);
        assert_eq!(
            outcome.report(),
            &Err(AuthorizeError::ScopeNotRequested),
            "{wider}"
        );
        assert!(outcome.effects().is_empty(), "{:?}", outcome.effects());
        assert_eq!(
            location(outcome.response()),
            format!(
                "{REDIRECT}?error=access_denied&error_description=the+granted+scope+exceeds+the+requested+scope&state=xyz&iss={ISSUER_ENC}"
            )
        );
        assert_error_params(
            outcome.response(),
            REDIRECT,
            "access_denied",
            SCOPE_NOT_REQUESTED,
            Some("xyz"),
        );
    }
}

/// Hardening: an approval of no scope at all issues nothing; a token
/// response without `scope` would mean "everything requested".
#[test]
fn approve_with_an_empty_scope_is_refused() {
    let decision = spa_pending().approve(subject(SUBJECT), Scope::default());
    let outcome = decide_consent(&mut store(), &config(), decision, 1);
    assert_eq!(outcome.report(), &Err(AuthorizeError::NothingGranted));
    assert!(outcome.effects().is_empty(), "{:?}", outcome.effects());
    assert_eq!(
        location(outcome.response()),
        format!(
            "{REDIRECT}?error=access_denied&error_description=the+resource+owner+granted+no+scope&state=xyz&iss={ISSUER_ENC}"
        )
    );
}

#[test]
fn deny_redirects_access_denied() {
    let consent = spa_pending();
    let outcome = decide_consent(&mut store(), &config(), consent.deny(), 1);
    assert_eq!(outcome.report(), &Err(AuthorizeError::AccessDenied));
    assert!(outcome.effects().is_empty(), "{:?}", outcome.effects());
    let response = outcome.response();
    assert_eq!(
        location(response),
        format!(
            "{REDIRECT}?error=access_denied&error_description=the+resource+owner+denied+the+request&state=xyz&iss={ISSUER_ENC}"
        )
    );
    assert_eq!(
        redirect_params(response, REDIRECT),
        pairs(&[
            ("error", "access_denied"),
            ("error_description", "the resource owner denied the request"),
            ("state", "xyz"),
            ("iss", ISSUER),
        ])
    );
}

#[test]
fn pending_authorization_survives_a_session_round_trip() {
    let consent = spa_pending();
    let json = serde_json::to_string(&consent).unwrap();
    let back: Consent = serde_json::from_str(&json).unwrap();
    assert_eq!(back, consent);
}

#[test]
fn code_ttl_is_configurable_and_capped() {
    let short = config().with_code_ttl(60);
    let outcome = approve(spa_pending(), SCOPE, &short, 1);
    let record = stored_code(&outcome, &code_of(&outcome, REDIRECT));
    assert_eq!(record.expires_at, NOW + 60);
    let long = config().with_code_ttl(3_600);
    let outcome = approve(spa_pending(), SCOPE, &long, 1);
    let record = stored_code(&outcome, &code_of(&outcome, REDIRECT));
    assert_eq!(record.expires_at, NOW + CODE_TTL);
}

#[test]
fn a_registered_uri_ending_in_a_separator_gets_no_extra_one() {
    for (registered, joined) in [
        ("https://app.example.com/cb?", "https://app.example.com/cb?"),
        (
            "https://app.example.com/cb?a=1&",
            "https://app.example.com/cb?a=1&",
        ),
    ] {
        let mut store = store();
        store.add_client(
            confidential("sep", "sep-secret")
                .with_grant_types(&[GrantType::AuthorizationCode])
                .with_scope(scope(SCOPE))
                .with_redirect_uri(uri(registered)),
        );
        let query = form(&[
            ("response_type", "code"),
            ("client_id", "sep"),
            ("state", "xyz"),
        ]);
        let consent = expect_consent(authorize(&mut store, &config(), &query));
        let decision = consent.approve(subject(SUBJECT), scope(SCOPE));
        let outcome = decide_consent(&mut store, &config(), decision, 1);
        // The code, read from what follows the registered URI.
        let appended = location(outcome.response())
            .strip_prefix(joined)
            .unwrap_or_else(|| panic!("{:?}", outcome.response()));
        let code = param(&form_decode(appended), "code").unwrap().to_owned();
        stored_code(&outcome, &code);
        assert_eq!(
            location(outcome.response()),
            format!("{joined}code={code}&state=xyz&iss={ISSUER_ENC}")
        );
    }
}

#[test]
fn a_code_issued_for_the_implicit_redirect_uri_is_redeemable() {
    // redirect_uri omitted at authorize (one registered): the token request
    // may omit it or repeat the registered one, nothing else.
    for (sent, status) in [(None, 200), (Some(REDIRECT), 200), (Some(REDIRECT_2), 400)] {
        let mut store = store();
        let query = form(&[
            ("response_type", "code"),
            ("client_id", SPA),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ]);
        let consent = expect_consent(authorize(&mut store, &config(), &query));
        let decision = consent.approve(subject(SUBJECT), scope(SCOPE));
        // The driver stores the code.
        let outcome = decide_consent(&mut store, &config(), decision, 1);
        let code = code_of(&outcome, REDIRECT);
        let mut body = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", SPA),
            ("code_verifier", VERIFIER),
        ];
        if let Some(sent) = sent {
            body.push(("redirect_uri", sent));
        }
        let outcome = token_post(&mut store, &config(), None, &form(&body), call(NOW + 1, 2));
        assert_eq!(outcome.response().status, status, "{sent:?}");
    }
}

// ---------------------------------------------------------------------------
// Loopback redirect URIs (RFC 8252 7.3, RFC 9700 2.1; hardening)
// ---------------------------------------------------------------------------

#[test]
fn a_registered_loopback_literal_admits_any_port_and_nothing_else() {
    let cases = [
        ("http://127.0.0.1/cb", "http://127.0.0.1:51234/cb", true),
        ("http://[::1]/cb", "http://[::1]:8080/cb", true),
        ("http://127.0.0.1/cb", "http://127.0.0.1/cb", true),
        ("http://127.0.0.1", "http://127.0.0.1:5000", true),
        (
            "http://127.0.0.1?app=1",
            "http://127.0.0.1:65535?app=1",
            true,
        ),
        ("http://127.0.0.1/cb", "http://127.0.0.1:51234/other", false),
        (
            "http://127.0.0.1/cb",
            "http://127.0.0.1:51234/cb?x=1",
            false,
        ),
        ("http://127.0.0.1/cb", "http://127.0.0.1:/cb", false),
        ("http://127.0.0.1/cb", "http://127.0.0.1:0/cb", false),
        ("http://127.0.0.1/cb", "http://127.0.0.1:080/cb", false),
        ("http://127.0.0.1/cb", "http://127.0.0.1:65536/cb", false),
        ("http://127.0.0.1/cb", "http://127.0.0.10:80/cb", false),
        (
            "http://127.0.0.1/cb",
            "http://127.0.0.1:80@evil.example/cb",
            false,
        ),
        (
            "http://127.0.0.1:8080/cb",
            "http://127.0.0.1:9090/cb",
            false,
        ),
        (
            "http://127.0.0.1.evil/cb",
            "http://127.0.0.1.evil:1/cb",
            false,
        ),
        ("http://localhost/cb", "http://localhost:51234/cb", false),
        ("https://127.0.0.1/cb", "https://127.0.0.1:443/cb", false),
        ("http://[::1]/cb", "http://[::1]:8080/cb/", false),
    ];
    for (registered, sent, admitted) in cases {
        assert_eq!(
            uri(registered).admits(&uri(sent)),
            admitted,
            "{registered} admits {sent}"
        );
    }
}

/// A native app registered `http://127.0.0.1/cb` and listens on whatever
/// port it got: the authorization redirects there, and the code redeems
/// with that same URI.
#[test]
fn a_native_app_on_a_loopback_port_completes_the_code_flow() {
    let mut store = store();
    store.add_client(
        ClientRecord::public(id("native"))
            .with_grant_types(&[GrantType::AuthorizationCode])
            .with_scope(scope(SCOPE))
            .with_redirect_uri(uri("http://127.0.0.1/cb")),
    );
    let sent = "http://127.0.0.1:51234/cb";
    let verifier = "a-native-app-verifier-that-is-long-enough-for-rfc-7636";
    let query = form(&[
        ("response_type", "code"),
        ("client_id", "native"),
        ("redirect_uri", sent),
        ("code_challenge", &challenge_of(verifier)),
        ("code_challenge_method", "S256"),
    ]);
    let consent = expect_consent(authorize(&mut store, &config(), &query));
    assert_eq!(consent.redirect_uri().as_str(), sent);
    let approval = consent.approve(subject(SUBJECT), scope(SCOPE));
    let outcome = decide_consent(&mut store, &config(), approval, 1);
    let code = code_of(&outcome, sent);
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", sent),
        ("client_id", "native"),
        ("code_verifier", verifier),
    ]);
    let tokens = token_post(&mut store, &config(), None, &body, call(NOW + 1, 2));
    assert_eq!(
        tokens.response().status,
        200,
        "{}",
        tokens.response().body_str()
    );
}
