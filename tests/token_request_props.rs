//! Properties of token request parsing, through the public API only:
//!
//! (a) no input panics: any method, headers and body give `Ok` or a typed error;
//! (b) every valid [`TokenRequest`] survives `encode` then parse unchanged;
//! (c) the order of the body's parameters never changes the result;
//! (d) every error renders to RFC 6749 5.2 JSON with a clean description.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use grant_engine::errors::{ClientAuthFailure, ErrorCode, InvalidGrant, InvalidScope, TokenError};
use grant_engine::parse::{
    AuthorizationCodeRequest, ClientAuth, ClientCredentialsRequest, ParseLimits,
    RefreshTokenRequest, RequestParts, TokenRequest, parse_token_request, parse_token_request_with,
};
use grant_engine::values::{
    AuthorizationCode, ClientId, ClientSecret, CodeVerifier, Param, Realm, RedirectUri,
    RefreshToken, Scope,
};
use grant_engine_testkit::wire::form;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

// ---------------------------------------------------------------------------
// Valid values
// ---------------------------------------------------------------------------

/// `1*VSCHAR`, biased towards the characters that need form-encoding.
fn vschars(max: usize) -> BoxedStrategy<String> {
    prop_oneof![
        proptest::string::string_regex(&format!("[ -~]{{1,{max}}}")).unwrap(),
        proptest::string::string_regex(&format!("[%+&=: a-zA-Z0-9]{{1,{max}}}")).unwrap(),
        proptest::string::string_regex(&format!("[a-z0-9_]{{1,{max}}}")).unwrap(),
        Just("%zz".to_string()),
        Just("a+b c".to_string()),
        Just("=:&%25 ".to_string()),
        Just(" ".to_string()),
    ]
    .boxed()
}

fn client_id() -> impl Strategy<Value = ClientId> {
    vschars(24).prop_map(|s| ClientId::new(s).unwrap())
}

fn client_secret() -> impl Strategy<Value = ClientSecret> {
    vschars(40).prop_map(|s| ClientSecret::new(s).unwrap())
}

fn client_auth() -> BoxedStrategy<ClientAuth> {
    prop_oneof![
        (client_id(), client_secret())
            .prop_map(|(client_id, secret)| ClientAuth::Basic { client_id, secret }),
        (client_id(), client_secret())
            .prop_map(|(client_id, secret)| ClientAuth::Post { client_id, secret }),
        client_id().prop_map(|client_id| ClientAuth::None { client_id }),
    ]
    .boxed()
}

/// A non-empty scope (an empty set is not representable on the wire: see
/// `encode_writes_an_empty_scope_set_as_omitted` in tests/token_request.rs).
fn scope() -> impl Strategy<Value = Scope> {
    vec(r"[\x21\x23-\x5b\x5d-\x7e]{1,10}", 1..5).prop_map(|t| Scope::from_tokens(t).unwrap())
}

fn redirect_uri() -> impl Strategy<Value = RedirectUri> {
    prop_oneof![
        r"[a-zA-Z][a-zA-Z0-9+.-]{0,8}:[\x21\x22\x24-\x7e]{1,40}",
        Just("https://your-app.com/callback?x=1&y=%20".to_string()),
        Just("com.example.app:/cb".to_string()),
    ]
    .prop_map(|s| RedirectUri::new(s).unwrap())
}

fn code_verifier() -> impl Strategy<Value = CodeVerifier> {
    "[A-Za-z0-9._~-]{43,128}".prop_map(|s| CodeVerifier::new(s).unwrap())
}

fn token_request() -> BoxedStrategy<TokenRequest> {
    prop_oneof![
        (
            client_auth(),
            vschars(40),
            proptest::option::of(redirect_uri()),
            proptest::option::of(code_verifier()),
        )
            .prop_map(|(client, code, redirect_uri, code_verifier)| {
                TokenRequest::AuthorizationCode(AuthorizationCodeRequest {
                    client,
                    code: AuthorizationCode::new(code).unwrap(),
                    redirect_uri,
                    code_verifier,
                })
            }),
        (client_auth(), proptest::option::of(scope())).prop_map(|(client, scope)| {
            TokenRequest::ClientCredentials(ClientCredentialsRequest { client, scope })
        }),
        (client_auth(), vschars(40), proptest::option::of(scope())).prop_map(
            |(client, token, scope)| {
                TokenRequest::RefreshToken(RefreshTokenRequest {
                    client,
                    refresh_token: RefreshToken::new(token).unwrap(),
                    scope,
                })
            }
        ),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------
// Arbitrary and near-valid inputs
// ---------------------------------------------------------------------------

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..max)
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => Just("POST".to_string()),
        1 => prop_oneof![Just("GET"), Just("post"), Just("PUT"), Just("")].prop_map(String::from),
        1 => any::<String>(),
    ]
}

fn content_type() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        16 => Just(Some(b"application/x-www-form-urlencoded".to_vec())),
        1 => Just(Some(b"APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8".to_vec())),
        1 => Just(Some(b"text/plain".to_vec())),
        1 => Just(None),
        1 => bytes(64).prop_map(Some),
        1 => bytes(16).prop_map(|tail| {
            let mut value = b"application/x-www-form-urlencoded".to_vec();
            value.extend(tail);
            Some(value)
        }),
    ]
}

fn authorization() -> BoxedStrategy<Option<Vec<u8>>> {
    prop_oneof![
        8 => Just(None),
        4 => (vschars(12), vschars(12)).prop_map(|(id, secret)| {
            Some(format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))).into_bytes())
        }),
        1 => bytes(48).prop_map(|raw| {
            Some(format!("basic {}", STANDARD.encode(raw)).into_bytes())
        }),
        1 => bytes(48).prop_map(|raw| {
            let mut value = b"Basic ".to_vec();
            value.extend(raw);
            Some(value)
        }),
        1 => bytes(64).prop_map(Some),
        1 => Just(Some(b"Bearer abc".to_vec())),
        1 => Just(Some(b"Basic Yzpz".to_vec())),
    ]
    .boxed()
}

fn pair(
    name: &'static str,
    value: impl Strategy<Value = &'static str> + 'static,
) -> BoxedStrategy<Vec<u8>> {
    value
        .prop_map(move |value| format!("{name}={value}").into_bytes())
        .boxed()
}

/// A `grant_type` pair, mostly supported ones.
fn grant_type_segment() -> BoxedStrategy<Vec<u8>> {
    pair(
        "grant_type",
        prop_oneof![
            4 => Just("client_credentials"),
            4 => Just("authorization_code"),
            4 => Just("refresh_token"),
            1 => Just("password"),
            1 => Just("implicit"),
            1 => Just("AUTHORIZATION_CODE"),
            1 => Just(""),
        ],
    )
}

/// A `client_id` or `client_secret` pair, mostly well-formed.
fn client_segment() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        4 => pair(
            "client_id",
            prop_oneof![
                4 => Just("c"),
                1 => Just("my+app%3A1"),
                1 => Just("d"),
                1 => Just("%7F"),
                1 => Just(""),
            ],
        ),
        3 => pair(
            "client_secret",
            prop_oneof![4 => Just("s"), 1 => Just("s%2B%25+x"), 1 => Just("%0A"), 1 => Just("")],
        ),
    ]
    .boxed()
}

/// A grant parameter with a good, bad or empty value.
fn grant_param_segment() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        pair(
            "code",
            prop_oneof![3 => Just("abc123"), 1 => Just("%7F"), 1 => Just("")]
        ),
        pair(
            "redirect_uri",
            prop_oneof![
                3 => Just("https%3A%2F%2Fa%2Fcb"),
                1 => Just("relative"),
                1 => Just("https%3A%2F%2Fa%2F%23f"),
            ],
        ),
        pair(
            "code_verifier",
            prop_oneof![
                3 => Just("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                1 => Just("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                1 => Just("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa%2B"),
            ],
        ),
        pair(
            "refresh_token",
            prop_oneof![3 => Just("def50200641f3e..."), 1 => Just("%00")]
        ),
        pair(
            "scope",
            prop_oneof![
                3 => Just("read+write"),
                1 => Just("write+read+write"),
                1 => Just("read++write"),
                1 => Just("%22read%22"),
                1 => Just("+read"),
                1 => Just(""),
            ],
        ),
    ]
    .boxed()
}

/// Anything else: unknown names, other endpoints' parameters, bad escapes,
/// non-UTF-8, arbitrary values and bytes.
fn noise_segment() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        3 => pair(
            "unknown",
            prop_oneof![Just("1"), Just(""), Just("%C3%A9"), Just("a+b")],
        ),
        2 => pair("state", prop_oneof![Just("xyz"), Just("abc")]),
        1 => pair("token", Just("t")),
        1 => pair("sc%6Fpe", Just("read")),
        1 => pair("scope", Just("%zz")),
        1 => pair("code", Just("%ff")),
        1 => pair("x", Just("%")),
        1 => Just(b"flag".to_vec()),
        1 => Just(b"=v".to_vec()),
        1 => any::<String>().prop_map(|s| {
            form(&[("unknown", s.as_str())]).into_bytes()
        }),
        1 => "[ -~]{0,16}".prop_map(String::into_bytes),
        1 => bytes(12),
    ]
    .boxed()
}

/// One `name=value` pair (or something shaped like one).
fn segment() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        2 => grant_type_segment(),
        3 => client_segment(),
        4 => grant_param_segment(),
        1 => noise_segment(),
    ]
    .boxed()
}

/// The pairs of a request that is right more often than not: usually one
/// grant_type and one client_id, then grant parameters (which may repeat) and
/// a little noise.
fn near_valid_segments() -> BoxedStrategy<Vec<Vec<u8>>> {
    (
        proptest::option::weighted(0.9, grant_type_segment()),
        proptest::option::weighted(0.8, pair("client_id", Just("c"))),
        proptest::option::weighted(0.4, pair("client_secret", Just("s"))),
        vec(grant_param_segment(), 0..3),
        proptest::option::weighted(0.3, noise_segment()),
        proptest::option::weighted(0.25, segment()),
    )
        .prop_map(|(grant_type, id, secret, params, noise, more)| {
            let mut segments: Vec<Vec<u8>> =
                [grant_type, id, secret].into_iter().flatten().collect();
            segments.extend(params);
            segments.extend(noise);
            segments.extend(more);
            segments
        })
        .boxed()
}

fn join(segments: &[Vec<u8>]) -> Vec<u8> {
    segments.join(&b'&')
}

/// Sort keys for [`permute`]: enough for the longest generated body.
fn permutation_keys() -> impl Strategy<Value = Vec<u32>> {
    vec(any::<u32>(), 16)
}

/// `segments` reordered by `keys` (ties and segments beyond the keys keep
/// their relative order): a shuffle that keeps the strategies flat (no
/// `prop_flat_map`) and shrinks towards the identity.
fn permute(segments: &[Vec<u8>], keys: &[u32]) -> Vec<Vec<u8>> {
    let mut order: Vec<usize> = (0..segments.len()).collect();
    order.sort_by_key(|&i| (keys.get(i).copied().unwrap_or(u32::MAX), i));
    order.into_iter().map(|i| segments[i].clone()).collect()
}

fn near_valid_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => near_valid_segments(),
        1 => vec(segment(), 0..12),
    ]
    .prop_map(|segments| join(&segments))
}

fn limits() -> impl Strategy<Value = ParseLimits> {
    prop_oneof![
        4 => Just(ParseLimits::default()),
        1 => (0usize..256, 0usize..12).prop_map(|(max_body_bytes, max_params)| ParseLimits {
            max_body_bytes,
            max_params,
        }),
    ]
}

/// The segments of an encoded valid request plus some noise (unknown,
/// duplicated, empty or malformed parameters).
fn valid_segments_with_noise() -> impl Strategy<Value = (Option<String>, Vec<Vec<u8>>)> {
    (
        token_request(),
        proptest::option::weighted(0.3, any::<proptest::sample::Index>()),
        vec(segment(), 0..3),
    )
        .prop_map(|(request, duplicate, noise)| {
            let wire = request.encode();
            let mut segments: Vec<Vec<u8>> = wire
                .body
                .split('&')
                .map(|s| s.as_bytes().to_vec())
                .collect();
            if let Some(index) = duplicate {
                let copy = index.get(&segments).clone();
                segments.push(copy);
            }
            segments.extend(noise);
            (wire.authorization, segments)
        })
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

const RFC6749_CODES: [&str; 6] = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
];

/// RFC 6749 5.2: `error_description` is `%x20-21 / %x23-5B / %x5D-7E`.
fn is_description_char(c: char) -> bool {
    matches!(c, '\x20'..='\x21' | '\x23'..='\x5b' | '\x5d'..='\x7e')
}

/// Checks the rendered error against RFC 6749 5.2 and the response rules.
fn check_error_response(err: &TokenError, realm: &Realm) -> Result<(), TestCaseError> {
    let response = err.to_http_response(realm);
    let json: serde_json::Value = serde_json::from_slice(&response.body)
        .map_err(|e| TestCaseError::fail(format!("{err:?}: body is not JSON: {e}")))?;
    let object = json
        .as_object()
        .ok_or_else(|| TestCaseError::fail(format!("{err:?}: body is not an object")))?;
    for key in object.keys() {
        prop_assert!(
            ["error", "error_description", "error_uri"].contains(&key.as_str()),
            "{err:?}: unexpected key {key}"
        );
    }
    let code = object.get("error").and_then(serde_json::Value::as_str);
    prop_assert!(
        code.is_some_and(|c| RFC6749_CODES.contains(&c)),
        "{err:?}: error {code:?}"
    );
    prop_assert_eq!(code, Some(err.code().as_str()));
    if let Some(description) = object.get("error_description") {
        let description = description
            .as_str()
            .ok_or_else(|| TestCaseError::fail(format!("{err:?}: description not a string")))?;
        prop_assert!(!description.is_empty());
        prop_assert!(
            description.chars().all(is_description_char),
            "{err:?}: description {description:?}"
        );
    }
    // Status: 401 exactly for invalid_client, 405 for a wrong method, 413
    // for an oversized body, otherwise 400; never a 5xx.
    let expected_status = match err {
        TokenError::InvalidClient { .. } => 401,
        TokenError::MethodNotAllowed => 405,
        TokenError::BodyTooLarge | TokenError::TooManyParameters => 413,
        _ => 400,
    };
    prop_assert_eq!(response.status, expected_status, "{:?}", err);
    prop_assert_eq!(response.status == 401, code == Some("invalid_client"));
    prop_assert_eq!(response.header("content-type"), Some("application/json"));
    prop_assert_eq!(response.header("cache-control"), Some("no-store"));
    prop_assert_eq!(response.header("pragma"), Some("no-cache"));
    let allow = (response.status == 405).then_some("POST");
    prop_assert_eq!(response.header("allow"), allow);
    let challenge = (response.status == 401).then(|| format!("Basic realm=\"{realm}\""));
    prop_assert_eq!(response.header("www-authenticate"), challenge.as_deref());
    Ok(())
}

fn parts<'a>(
    method: &'a str,
    content_type: &'a Option<Vec<u8>>,
    authorization: &'a Option<Vec<u8>>,
    body: &'a [u8],
) -> RequestParts<'a> {
    RequestParts {
        method,
        content_type: content_type.as_deref(),
        authorization: authorization.as_deref(),
        body,
    }
}

/// Every `TokenError` value this crate lets a caller name.
fn any_token_error() -> impl Strategy<Value = TokenError> {
    let param = proptest::sample::select(Param::ALL.to_vec());
    let failure = proptest::sample::select(vec![
        ClientAuthFailure::NoCredentials,
        ClientAuthFailure::MalformedBasic,
        ClientAuthFailure::UnsupportedScheme,
        ClientAuthFailure::UnknownClient,
        ClientAuthFailure::WrongSecret,
        ClientAuthFailure::MissingSecret,
        ClientAuthFailure::UnexpectedSecret,
        ClientAuthFailure::NotConfidential,
    ]);
    let grant = proptest::sample::select(vec![
        InvalidGrant::UnknownCode,
        InvalidGrant::CodeExpired,
        InvalidGrant::CodeOfAnotherClient,
        InvalidGrant::CodeReused,
        InvalidGrant::RedirectUriMismatch,
        InvalidGrant::MissingCodeVerifier,
        InvalidGrant::UnexpectedCodeVerifier,
        InvalidGrant::CodeVerifierMismatch,
        InvalidGrant::PkceRequired,
        InvalidGrant::UnknownRefreshToken,
        InvalidGrant::RefreshTokenExpired,
        InvalidGrant::RefreshTokenOfAnotherClient,
        InvalidGrant::RefreshTokenRevoked,
        InvalidGrant::RefreshTokenReused,
    ]);
    prop_oneof![
        proptest::sample::select(vec![
            TokenError::MethodNotAllowed,
            TokenError::UnsupportedContentType,
            TokenError::RepeatedHeader,
            TokenError::BodyTooLarge,
            TokenError::TooManyParameters,
            TokenError::InvalidPercentEncoding,
            TokenError::InvalidUtf8,
            TokenError::UnsupportedGrantType,
            TokenError::MultipleClientAuthentication,
            TokenError::ClientIdMismatch,
            TokenError::UnauthorizedClient,
            TokenError::InvalidScope(InvalidScope::Malformed),
            TokenError::InvalidScope(InvalidScope::NotAllowed),
        ]),
        param.clone().prop_map(TokenError::DuplicateParameter),
        param.clone().prop_map(TokenError::MissingParameter),
        param.prop_map(TokenError::MalformedParameter),
        (failure, any::<bool>()).prop_map(|(failure, authorization_header)| {
            TokenError::InvalidClient {
                failure,
                authorization_header,
            }
        }),
        grant.prop_map(TokenError::InvalidGrant),
    ]
}

fn realm() -> impl Strategy<Value = Realm> {
    prop_oneof![
        Just(Realm::default()),
        r"[\x20\x21\x23-\x5b\x5d-\x7e]{1,128}".prop_map(|s| Realm::new(s).unwrap()),
    ]
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// (a) Arbitrary bytes everywhere: `Ok` or a typed error, never a panic.
    #[test]
    fn prop_arbitrary_input_never_panics(
        method in any::<String>(),
        content_type in proptest::option::of(bytes(64)),
        authorization in proptest::option::of(bytes(64)),
        body in bytes(512),
        limits in limits(),
    ) {
        let parts = parts(&method, &content_type, &authorization, &body);
        if let Err(err) = parse_token_request_with(&parts, &limits) {
            check_error_response(&err, &Realm::default())?;
        }
    }

    /// (a) Near-valid requests reach every later check: still never a panic,
    /// and (d) every error they produce renders cleanly.
    #[test]
    fn prop_near_valid_input_never_panics(
        method in method(),
        content_type in content_type(),
        authorization in authorization(),
        body in near_valid_body(),
        limits in limits(),
    ) {
        let parts = parts(&method, &content_type, &authorization, &body);
        match parse_token_request_with(&parts, &limits) {
            Ok(request) => {
                // Whatever parses was a POST with a form Content-Type.
                prop_assert_eq!(method.as_str(), "POST");
                // And it re-encodes to itself.
                let wire = request.encode();
                prop_assert_eq!(parse_token_request(&wire.parts()), Ok(request));
            }
            Err(err) => check_error_response(&err, &Realm::default())?,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// (b) Every valid request survives `encode` then parse unchanged.
    #[test]
    fn prop_encode_then_parse_is_identity(request in token_request()) {
        let wire = request.encode();
        prop_assert_eq!(wire.authorization.is_some(), request.client().used_authorization_header());
        prop_assert_eq!(parse_token_request(&wire.parts()), Ok(request.clone()));
        // The same with a Content-Type in another case and with a charset.
        let parts = RequestParts {
            content_type: Some(b"Application/X-WWW-Form-URLEncoded; charset=utf-8"),
            ..wire.parts()
        };
        prop_assert_eq!(parse_token_request(&parts), Ok(request));
    }

    /// (b) Unknown parameters anywhere do not disturb the round trip.
    #[test]
    fn prop_encode_then_parse_ignores_unknown_parameters(
        request in token_request(),
        unknown in vec(("[a-z]{1,8}", "[a-zA-Z0-9]{0,8}"), 0..6),
        seed in any::<u64>(),
    ) {
        let wire = request.encode();
        let mut segments: Vec<String> = wire.body.split('&').map(String::from).collect();
        for (i, (name, value)) in unknown.iter().enumerate() {
            if Param::from_name(name).is_some() {
                continue;
            }
            let at = (seed as usize).wrapping_add(i * 7) % (segments.len() + 1);
            segments.insert(at, format!("{name}={value}"));
        }
        let body = segments.join("&");
        let parts = RequestParts { body: body.as_bytes(), ..wire.parts() };
        prop_assert_eq!(parse_token_request(&parts), Ok(request));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// (c) Permuting near-valid (often invalid: duplicates, several errors,
    /// unknown parameters) bodies never changes the result.
    #[test]
    fn prop_parameter_order_never_changes_the_result(
        segments in prop_oneof![near_valid_segments(), vec(segment(), 0..12)],
        keys in permutation_keys(),
        authorization in authorization(),
        limits in limits(),
    ) {
        let (a, b) = (join(&segments), join(&permute(&segments, &keys)));
        let ct = Some(b"application/x-www-form-urlencoded".to_vec());
        let first = parse_token_request_with(&parts("POST", &ct, &authorization, &a), &limits);
        let second = parse_token_request_with(&parts("POST", &ct, &authorization, &b), &limits);
        prop_assert_eq!(first, second);
    }

    /// (c) The same for valid requests with duplicates and noise mixed in.
    #[test]
    fn prop_parameter_order_never_changes_the_result_of_valid_requests(
        (authorization, segments) in valid_segments_with_noise(),
        keys in permutation_keys(),
        limits in limits(),
    ) {
        let authorization = authorization.map(String::into_bytes);
        let (a, b) = (join(&segments), join(&permute(&segments, &keys)));
        let ct = Some(b"application/x-www-form-urlencoded".to_vec());
        let first = parse_token_request_with(&parts("POST", &ct, &authorization, &a), &limits);
        let second = parse_token_request_with(&parts("POST", &ct, &authorization, &b), &limits);
        prop_assert_eq!(first, second);
    }

    /// (d) Every error value renders to RFC 6749 5.2 JSON under any realm.
    #[test]
    fn prop_every_error_renders_rfc6749_json(err in any_token_error(), realm in realm()) {
        check_error_response(&err, &realm)?;
        // The code is one of the six, and the typed code agrees with it.
        prop_assert!(matches!(
            err.code(),
            ErrorCode::InvalidRequest
                | ErrorCode::InvalidClient
                | ErrorCode::InvalidGrant
                | ErrorCode::UnauthorizedClient
                | ErrorCode::UnsupportedGrantType
                | ErrorCode::InvalidScope
        ));
    }
}
