//! The token request parsing contract (RFC-RULES: "Token endpoint: request
//! hygiene", the parse-time rows of "Client authentication", and "Scope"),
//! pinned through the public API only.
//!
//! Every refusal is checked twice: the typed [`TokenError`] and the exact
//! [`HttpResponse`](grant_engine::HttpResponse) it renders (status, JSON body
//! bytes, headers).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use grant_engine::errors::{ClientAuthFailure, InvalidScope, TokenError};
use grant_engine::parse::{
    AuthorizationCodeRequest, ClientAuth, ClientCredentialsRequest, ParseLimits,
    RefreshTokenRequest, RequestParts, TokenRequest, parse_token_request, parse_token_request_with,
};
use grant_engine::values::{
    AuthorizationCode, ClientSecret, CodeVerifier, GrantType, Param, Realm, RedirectUri,
    RefreshToken, Scope,
};
use grant_engine_testkit::checks::{self, NO_STORE_JSON, headers};
use grant_engine_testkit::requests::form_post;
use grant_engine_testkit::wire::form;
use grant_engine_testkit::world::{id, scope};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const FORM: &[u8] = b"application/x-www-form-urlencoded";

const NO_EXTRA: &[(&str, &str)] = &[];
const ALLOW_POST: &[(&str, &str)] = &[("allow", "POST")];
/// `www-authenticate: Basic realm="grant-engine"`, the default realm's challenge.
const BASIC_CHALLENGE: &[(&str, &str)] = &[checks::BASIC_CHALLENGE];

const BODY_METHOD: &str =
    r#"{"error":"invalid_request","error_description":"the token endpoint accepts POST only"}"#;
const BODY_CONTENT_TYPE: &str = r#"{"error":"invalid_request","error_description":"the Content-Type must be application/x-www-form-urlencoded"}"#;
const BODY_PERCENT: &str = r#"{"error":"invalid_request","error_description":"the request body has a malformed percent-encoding"}"#;
const BODY_UTF8: &str =
    r#"{"error":"invalid_request","error_description":"the request body is not UTF-8"}"#;
const BODY_TOO_LARGE: &str =
    r#"{"error":"invalid_request","error_description":"the request body is too large"}"#;
const BODY_TOO_MANY: &str =
    r#"{"error":"invalid_request","error_description":"the request has too many parameters"}"#;
const BODY_UNSUPPORTED_GRANT: &str =
    r#"{"error":"unsupported_grant_type","error_description":"the grant type is not supported"}"#;
const BODY_INVALID_CLIENT: &str =
    r#"{"error":"invalid_client","error_description":"client authentication failed"}"#;
const BODY_MULTIPLE_AUTH: &str = r#"{"error":"invalid_request","error_description":"the request uses more than one client authentication method"}"#;
const BODY_CLIENT_ID_MISMATCH: &str = r#"{"error":"invalid_request","error_description":"the client_id parameter does not match the Authorization header"}"#;
const BODY_SCOPE_MALFORMED: &str =
    r#"{"error":"invalid_scope","error_description":"the scope parameter is malformed"}"#;

fn body_repeated(param: &str) -> String {
    format!(
        r#"{{"error":"invalid_request","error_description":"the {param} parameter is repeated"}}"#
    )
}

fn body_missing(param: &str) -> String {
    format!(
        r#"{{"error":"invalid_request","error_description":"the {param} parameter is missing"}}"#
    )
}

fn body_malformed(param: &str) -> String {
    format!(
        r#"{{"error":"invalid_request","error_description":"the {param} parameter is malformed"}}"#
    )
}

/// Parses `body` as a form POST with no Authorization header.
fn parse(body: &str) -> Result<TokenRequest, TokenError> {
    parse_token_request(&form_post(None, body))
}

/// Parses `body` as a form POST with the given Authorization header.
fn parse_with_auth(authorization: &str, body: &str) -> Result<TokenRequest, TokenError> {
    parse_token_request(&form_post(Some(authorization), body))
}

/// `Basic base64(raw)`: `raw` is sent exactly as given (already form-encoded
/// halves, or deliberately broken ones), unlike the testkit's
/// `wire::basic(id, secret)`, which form-encodes each half first.
fn basic(raw: &str) -> String {
    format!("Basic {}", STANDARD.encode(raw))
}

fn secret(value: &str) -> ClientSecret {
    ClientSecret::new(value).unwrap()
}

fn invalid_client(failure: ClientAuthFailure, authorization_header: bool) -> TokenError {
    TokenError::InvalidClient {
        failure,
        authorization_header,
    }
}

/// Asserts that `result` is exactly `expected`, and that it renders (with the
/// default realm) to exactly `status`, `json`, and the no-store JSON headers
/// followed by `extra` and nothing else.
#[track_caller]
fn assert_refused(
    result: Result<TokenRequest, TokenError>,
    expected: TokenError,
    status: u16,
    json: &str,
    extra: &[(&str, &str)],
) {
    let err = match result {
        Ok(request) => panic!("expected {expected:?}, got Ok({request:?})"),
        Err(err) => err,
    };
    assert_eq!(err, expected);
    let response = err.to_http_response(&Realm::default());
    assert_eq!(response.status, status, "status of {err:?}");
    assert_eq!(response.body_str(), json, "body of {err:?}");
    assert_eq!(response.body, json.as_bytes(), "body bytes of {err:?}");
    let mut expected_headers = NO_STORE_JSON.to_vec();
    expected_headers.extend_from_slice(extra);
    assert_eq!(headers(&response), expected_headers, "headers of {err:?}");
}

/// A `client_credentials` body authenticated with client_secret_post, plus `extra`.
fn cc_body(extra: &str) -> String {
    format!("grant_type=client_credentials&client_id=c&client_secret=s{extra}")
}

fn cc(client: ClientAuth, scope: Option<Scope>) -> TokenRequest {
    TokenRequest::ClientCredentials(ClientCredentialsRequest { client, scope })
}

fn post_c_s() -> ClientAuth {
    ClientAuth::Post {
        client_id: id("c"),
        secret: secret("s"),
    }
}

// ---------------------------------------------------------------------------
// The seed's three bodies
// ---------------------------------------------------------------------------

#[test]
fn seed_authorization_code_body_parses_into_its_variant() {
    let parsed = parse(
        "grant_type=authorization_code&code=abc123&client_id=your_client_id\
         &client_secret=your_client_secret&redirect_uri=https%3A%2F%2Fyour-app.com%2Fcallback",
    )
    .unwrap();
    assert_eq!(parsed.grant_type(), GrantType::AuthorizationCode);
    let TokenRequest::AuthorizationCode(request) = &parsed else {
        panic!("not an authorization_code request: {parsed:?}");
    };
    assert_eq!(request.code.expose_secret(), "abc123");
    assert_eq!(
        request.redirect_uri.as_ref().map(RedirectUri::as_str),
        Some("https://your-app.com/callback")
    );
    assert_eq!(request.code_verifier, None);
    assert_eq!(request.client.client_id().as_str(), "your_client_id");
    assert_eq!(
        request.client.secret().map(ClientSecret::expose_secret),
        Some("your_client_secret")
    );
    assert_eq!(request.client.method_name(), "client_secret_post");
    assert_eq!(
        parsed,
        TokenRequest::AuthorizationCode(AuthorizationCodeRequest {
            client: ClientAuth::Post {
                client_id: id("your_client_id"),
                secret: secret("your_client_secret"),
            },
            code: AuthorizationCode::new("abc123").unwrap(),
            redirect_uri: Some(RedirectUri::new("https://your-app.com/callback").unwrap()),
            code_verifier: None,
        })
    );
}

#[test]
fn seed_client_credentials_body_parses_into_its_variant() {
    let parsed = parse(
        "grant_type=client_credentials&client_id=your_client_id\
         &client_secret=your_client_secret&scope=read%20write",
    )
    .unwrap();
    assert_eq!(parsed.grant_type(), GrantType::ClientCredentials);
    let TokenRequest::ClientCredentials(request) = &parsed else {
        panic!("not a client_credentials request: {parsed:?}");
    };
    let scope_tokens: Vec<&str> = request.scope.as_ref().unwrap().iter().collect();
    assert_eq!(scope_tokens, ["read", "write"]);
    assert_eq!(
        parsed,
        cc(
            ClientAuth::Post {
                client_id: id("your_client_id"),
                secret: secret("your_client_secret"),
            },
            Some(scope("read write")),
        )
    );
}

#[test]
fn seed_refresh_token_body_parses_into_its_variant() {
    let parsed = parse(
        "grant_type=refresh_token&refresh_token=def50200641f3e...\
         &client_id=your_client_id&client_secret=your_client_secret",
    )
    .unwrap();
    assert_eq!(parsed.grant_type(), GrantType::RefreshToken);
    let TokenRequest::RefreshToken(request) = &parsed else {
        panic!("not a refresh_token request: {parsed:?}");
    };
    assert_eq!(request.refresh_token.expose_secret(), "def50200641f3e...");
    assert_eq!(request.scope, None);
    assert_eq!(
        parsed,
        TokenRequest::RefreshToken(RefreshTokenRequest {
            client: ClientAuth::Post {
                client_id: id("your_client_id"),
                secret: secret("your_client_secret"),
            },
            refresh_token: RefreshToken::new("def50200641f3e...").unwrap(),
            scope: None,
        })
    );
}

// ---------------------------------------------------------------------------
// Token endpoint: request hygiene
// ---------------------------------------------------------------------------

#[test]
fn hygiene_method_other_than_post_is_405_with_allow_post() {
    let body = cc_body("");
    // Methods are case-sensitive (RFC 9110 9.1): "post" is not POST.
    for method in [
        "GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "post", "", "POST ",
    ] {
        let parts = RequestParts {
            method,
            ..RequestParts::form_post(body.as_bytes())
        };
        assert_refused(
            parse_token_request(&parts),
            TokenError::MethodNotAllowed,
            405,
            BODY_METHOD,
            ALLOW_POST,
        );
    }
    // The method is judged before anything else in the request.
    let parts = RequestParts {
        method: "GET",
        content_type: None,
        authorization: Some(b"garbage"),
        body: b"%zz",
    };
    assert_refused(
        parse_token_request(&parts),
        TokenError::MethodNotAllowed,
        405,
        BODY_METHOD,
        ALLOW_POST,
    );
}

#[test]
fn hygiene_content_type_missing_is_invalid_request() {
    let body = cc_body("");
    let parts = RequestParts {
        content_type: None,
        ..RequestParts::form_post(body.as_bytes())
    };
    assert_refused(
        parse_token_request(&parts),
        TokenError::UnsupportedContentType,
        400,
        BODY_CONTENT_TYPE,
        NO_EXTRA,
    );
}

#[test]
fn hygiene_content_type_other_than_form_urlencoded_is_invalid_request() {
    let body = cc_body("");
    let refused: [&[u8]; 10] = [
        b"text/plain",
        b"text/plain; charset=UTF-8",
        b"application/json",
        b"multipart/form-data; boundary=x",
        b"",
        b"application/x-www-form-urlencodedx",
        b"application/x-www-form",
        b"x-www-form-urlencoded",
        b"application/x-www-form-urlencoded, text/plain",
        b"application/x-www-form-urlencoded\xff",
    ];
    for content_type in refused {
        let parts = RequestParts {
            content_type: Some(content_type),
            ..RequestParts::form_post(body.as_bytes())
        };
        assert_refused(
            parse_token_request(&parts),
            TokenError::UnsupportedContentType,
            400,
            BODY_CONTENT_TYPE,
            NO_EXTRA,
        );
    }
}

#[test]
fn hygiene_content_type_compares_case_insensitively_and_allows_parameters() {
    let body = cc_body("");
    let expected = parse(&body).unwrap();
    let accepted: [&[u8]; 6] = [
        FORM,
        b"APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8",
        b"Application/X-Www-Form-Urlencoded",
        b"application/x-www-form-urlencoded;charset=utf-8",
        b"application/x-www-form-urlencoded ; charset=\"UTF-8\"",
        b" application/x-www-form-urlencoded ",
    ];
    for content_type in accepted {
        let parts = RequestParts {
            content_type: Some(content_type),
            ..RequestParts::form_post(body.as_bytes())
        };
        assert_eq!(
            parse_token_request(&parts).as_ref(),
            Ok(&expected),
            "{:?}",
            String::from_utf8_lossy(content_type)
        );
    }
}

#[test]
fn hygiene_client_credentials_in_the_query_string_are_never_used() {
    // The engine has no way to read a query string: `RequestParts` is the
    // method, Content-Type, Authorization and body, and nothing else. This
    // exhaustive destructuring stops compiling if a query field is added.
    let RequestParts {
        method,
        content_type,
        authorization,
        body,
    } = RequestParts::form_post(b"grant_type=client_credentials");
    assert_eq!(
        (method, content_type, authorization, body),
        (
            "POST",
            Some(FORM),
            None,
            &b"grant_type=client_credentials"[..]
        )
    );
    // So a body without credentials is unauthenticated, whatever the URI held.
    assert_refused(
        parse("grant_type=client_credentials"),
        invalid_client(ClientAuthFailure::NoCredentials, false),
        401,
        BODY_INVALID_CLIENT,
        BASIC_CHALLENGE,
    );
}

#[test]
fn hygiene_malformed_percent_escape_is_invalid_request() {
    for tail in [
        "&scope=%4",
        "&scope=%",
        "&scope=%zz",
        "&scope=%g0",
        "&scope=%0g",
        "&scope=%%41",
        "&scope=a%2",
        "&sc%ope=read",
        "&unknown=%2",
        "&%=x",
        "&%",
    ] {
        assert_refused(
            parse(&cc_body(tail)),
            TokenError::InvalidPercentEncoding,
            400,
            BODY_PERCENT,
            NO_EXTRA,
        );
    }
    // A bad escape anywhere outranks a bad UTF-8 sequence anywhere else, in
    // either order.
    for body in ["a=%ff&b=%zz", "b=%zz&a=%ff"] {
        assert_refused(
            parse(body),
            TokenError::InvalidPercentEncoding,
            400,
            BODY_PERCENT,
            NO_EXTRA,
        );
    }
}

#[test]
fn hygiene_body_not_utf8_after_percent_decoding_is_invalid_request() {
    let tails: [&[u8]; 9] = [
        b"&scope=%ff",
        b"&scope=%FF",
        b"&scope=\xff",
        b"&scope=%C3",
        b"&scope=%C3x",
        b"&scope=%C0%AF",    // overlong '/'
        b"&scope=%ED%A0%80", // a UTF-16 surrogate
        b"&%ff=1",           // in a name
        b"&unknown=caf%E9",  // Latin-1, in an ignored parameter
    ];
    for tail in tails {
        let mut body = cc_body("").into_bytes();
        body.extend_from_slice(tail);
        assert_refused(
            parse_token_request(&RequestParts::form_post(&body)),
            TokenError::InvalidUtf8,
            400,
            BODY_UTF8,
            NO_EXTRA,
        );
    }
    // UTF-8, raw or escaped, is fine where the value's grammar allows it.
    let mut body = cc_body("&unknown=caf%C3%A9&other=").into_bytes();
    body.extend_from_slice("café".as_bytes());
    assert_eq!(
        parse_token_request(&RequestParts::form_post(&body)),
        Ok(cc(post_c_s(), None))
    );
}

#[test]
fn hygiene_body_over_16_kib_is_413_invalid_request() {
    let base = cc_body("&pad=");
    let pad = |total: usize| {
        let mut body = base.clone();
        body.push_str(&"a".repeat(total - base.len()));
        body
    };
    let at_limit = pad(16 * 1024);
    assert_eq!(at_limit.len(), 16384);
    assert_eq!(parse(&at_limit), Ok(cc(post_c_s(), None)));

    for size in [16 * 1024 + 1, 64 * 1024, 1024 * 1024] {
        assert_refused(
            parse(&pad(size)),
            TokenError::BodyTooLarge,
            413,
            BODY_TOO_LARGE,
            NO_EXTRA,
        );
    }
    // The size is judged before the content: an oversized body of garbage is
    // still a 413.
    let garbage = vec![0xffu8; 16 * 1024 + 1];
    assert_refused(
        parse_token_request(&RequestParts::form_post(&garbage)),
        TokenError::BodyTooLarge,
        413,
        BODY_TOO_LARGE,
        NO_EXTRA,
    );
    // The limit is configurable.
    let limits = ParseLimits {
        max_body_bytes: 64,
        ..ParseLimits::default()
    };
    assert_eq!(
        parse_token_request_with(&RequestParts::form_post(pad(64).as_bytes()), &limits),
        Ok(cc(post_c_s(), None))
    );
    assert_refused(
        parse_token_request_with(&RequestParts::form_post(pad(65).as_bytes()), &limits),
        TokenError::BodyTooLarge,
        413,
        BODY_TOO_LARGE,
        NO_EXTRA,
    );
}

#[test]
fn hygiene_more_parameters_than_the_limit_is_413_invalid_request() {
    // Three real parameters plus `extra` unknown ones.
    let with_params = |total: usize| {
        let mut body = cc_body("");
        for i in 0..total - 3 {
            body.push_str(&format!("&x{i}=1"));
        }
        body
    };
    assert_eq!(ParseLimits::default().max_params, 32);
    assert_eq!(parse(&with_params(32)), Ok(cc(post_c_s(), None)));
    for total in [33, 100, 1000] {
        assert_refused(
            parse(&with_params(total)),
            TokenError::TooManyParameters,
            413,
            BODY_TOO_MANY,
            NO_EXTRA,
        );
    }
    // Valueless and repeated unknown names count too.
    let flood = format!("{}{}", cc_body(""), "&x".repeat(30));
    assert_refused(
        parse(&flood),
        TokenError::TooManyParameters,
        413,
        BODY_TOO_MANY,
        NO_EXTRA,
    );
    // The limit is configurable.
    let limits = ParseLimits {
        max_params: 3,
        ..ParseLimits::default()
    };
    let three = cc_body("");
    let four = cc_body("&scope=read");
    assert_eq!(
        parse_token_request_with(&RequestParts::form_post(three.as_bytes()), &limits),
        Ok(cc(post_c_s(), None))
    );
    assert_refused(
        parse_token_request_with(&RequestParts::form_post(four.as_bytes()), &limits),
        TokenError::TooManyParameters,
        413,
        BODY_TOO_MANY,
        NO_EXTRA,
    );
}

#[test]
fn hygiene_parameter_given_twice_is_invalid_request_naming_it() {
    let verifier = "v".repeat(43);
    let cases: [(Param, String); 8] = [
        (
            Param::GrantType,
            "grant_type=client_credentials&grant_type=client_credentials&client_id=c".into(),
        ),
        (
            Param::ClientId,
            "grant_type=client_credentials&client_id=c&client_id=d".into(),
        ),
        (
            Param::ClientSecret,
            "grant_type=client_credentials&client_id=c&client_secret=s&client_secret=s".into(),
        ),
        (
            Param::Code,
            "grant_type=authorization_code&client_id=c&code=a&code=b".into(),
        ),
        (
            Param::RedirectUri,
            "grant_type=authorization_code&client_id=c&code=a\
             &redirect_uri=https%3A%2F%2Fa%2Fcb&redirect_uri=https%3A%2F%2Fa%2Fcb"
                .into(),
        ),
        (
            Param::CodeVerifier,
            format!(
                "grant_type=authorization_code&client_id=c&code=a\
                 &code_verifier={verifier}&code_verifier={verifier}"
            ),
        ),
        (
            Param::RefreshToken,
            "grant_type=refresh_token&client_id=c&refresh_token=r&refresh_token=q".into(),
        ),
        (
            Param::Scope,
            "grant_type=client_credentials&client_id=c&scope=a&scope=b".into(),
        ),
    ];
    for (param, body) in cases {
        assert_refused(
            parse(&body),
            TokenError::DuplicateParameter(param),
            400,
            &body_repeated(param.as_str()),
            NO_EXTRA,
        );
    }
    // A repeat is refused even for a parameter this grant does not read
    // (RFC 6749 3.2: parameters MUST NOT be included more than once)...
    assert_refused(
        parse(&cc_body("&code=a&code=a")),
        TokenError::DuplicateParameter(Param::Code),
        400,
        &body_repeated("code"),
        NO_EXTRA,
    );
    // ...before the grant type or the client is looked at...
    assert_refused(
        parse("grant_type=password&scope=a&scope=b"),
        TokenError::DuplicateParameter(Param::Scope),
        400,
        &body_repeated("scope"),
        NO_EXTRA,
    );
    // ...and, when several are repeated, the one named does not depend on the
    // order they were sent in.
    for body in [
        "grant_type=authorization_code&client_id=c&scope=a&scope=b&code=a&code=b",
        "grant_type=authorization_code&client_id=c&code=a&code=b&scope=a&scope=b",
        "code=b&scope=b&grant_type=authorization_code&scope=a&client_id=c&code=a",
    ] {
        assert_refused(
            parse(body),
            TokenError::DuplicateParameter(Param::Code),
            400,
            &body_repeated("code"),
            NO_EXTRA,
        );
    }
    // The name is compared after decoding.
    assert_refused(
        parse(&cc_body("&scope=a&sc%6Fpe=b")),
        TokenError::DuplicateParameter(Param::Scope),
        400,
        &body_repeated("scope"),
        NO_EXTRA,
    );
}

#[test]
fn hygiene_empty_value_is_treated_as_omitted() {
    // `scope=` is no scope at all, not an empty (malformed) one.
    assert_eq!(parse(&cc_body("&scope=")), Ok(cc(post_c_s(), None)));
    // An empty copy beside a real one is not a repeat.
    assert_eq!(
        parse(&cc_body("&scope=&scope=read")),
        Ok(cc(post_c_s(), Some(scope("read"))))
    );
    assert_eq!(
        parse(&cc_body("&scope=read&scope=")),
        Ok(cc(post_c_s(), Some(scope("read"))))
    );
    // An empty client_secret leaves a public client naming itself.
    assert_eq!(
        parse("grant_type=client_credentials&client_id=c&client_secret="),
        Ok(cc(ClientAuth::None { client_id: id("c") }, None))
    );
    // An empty redirect_uri and code_verifier are absent.
    assert_eq!(
        parse("grant_type=authorization_code&client_id=c&code=x&redirect_uri=&code_verifier="),
        Ok(TokenRequest::AuthorizationCode(AuthorizationCodeRequest {
            client: ClientAuth::None { client_id: id("c") },
            code: AuthorizationCode::new("x").unwrap(),
            redirect_uri: None,
            code_verifier: None,
        }))
    );
    // An empty grant_type is a missing one.
    assert_refused(
        parse("grant_type=&client_id=c"),
        TokenError::MissingParameter(Param::GrantType),
        400,
        &body_missing("grant_type"),
        NO_EXTRA,
    );
    // An empty code is a missing one.
    assert_refused(
        parse("grant_type=authorization_code&client_id=c&code="),
        TokenError::MissingParameter(Param::Code),
        400,
        &body_missing("code"),
        NO_EXTRA,
    );
    // An empty refresh_token is a missing one.
    assert_refused(
        parse("grant_type=refresh_token&client_id=c&refresh_token="),
        TokenError::MissingParameter(Param::RefreshToken),
        400,
        &body_missing("refresh_token"),
        NO_EXTRA,
    );
    // An empty client_id is no identification.
    assert_refused(
        parse("grant_type=client_credentials&client_id=&client_secret=s"),
        invalid_client(ClientAuthFailure::NoCredentials, false),
        401,
        BODY_INVALID_CLIENT,
        BASIC_CHALLENGE,
    );
    // A name with no `=` at all is an empty value too.
    assert_eq!(parse(&cc_body("&scope")), Ok(cc(post_c_s(), None)));
}

#[test]
fn hygiene_unknown_parameters_are_ignored() {
    let expected = cc(post_c_s(), Some(scope("read")));
    for tail in [
        "&foo=bar",
        "&foo=bar&foo=baz",
        "&foo",
        "&=bare",
        "&Scope=WRITE",
        "&scope%20=x",
        // Parameters of other endpoints: unknown here, so repeats are ignored.
        "&state=a&state=b",
        "&response_type=token&response_type=code",
        "&token=t&token=u&token_type_hint=x",
        "&code_challenge=c&code_challenge_method=plain",
        "&password=hunter2&username=bob",
    ] {
        assert_eq!(
            parse(&cc_body(&format!("&scope=read{tail}"))),
            Ok(expected.clone()),
            "{tail}"
        );
    }
}

#[test]
fn hygiene_grant_type_missing_is_invalid_request() {
    for body in [
        "client_id=c&client_secret=s",
        "",
        "grant_type=",
        "grant_typ=client_credentials&client_id=c",
        "GRANT_TYPE=client_credentials&client_id=c",
    ] {
        assert_refused(
            parse(body),
            TokenError::MissingParameter(Param::GrantType),
            400,
            &body_missing("grant_type"),
            NO_EXTRA,
        );
    }
}

#[test]
fn hygiene_unsupported_grant_type_is_unsupported_grant_type() {
    for grant_type in [
        "password",
        "implicit",
        "token",
        "code",
        "AUTHORIZATION_CODE",
        "Client_Credentials",
        "refresh_token%20",
        "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code",
        "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer",
        "%22client_credentials%22",
    ] {
        let body =
            format!("grant_type={grant_type}&client_id=c&client_secret=s&username=u&password=p");
        assert_refused(
            parse(&body),
            TokenError::UnsupportedGrantType,
            400,
            BODY_UNSUPPORTED_GRANT,
            NO_EXTRA,
        );
    }
    // Judged before client authentication: no credentials needed to learn it.
    assert_refused(
        parse("grant_type=password&username=u&password=p"),
        TokenError::UnsupportedGrantType,
        400,
        BODY_UNSUPPORTED_GRANT,
        NO_EXTRA,
    );
}

#[test]
fn hygiene_missing_code_is_invalid_request_naming_it() {
    for body in [
        "grant_type=authorization_code&client_id=c&client_secret=s",
        "grant_type=authorization_code&client_id=c&redirect_uri=https%3A%2F%2Fa%2Fcb",
    ] {
        assert_refused(
            parse(body),
            TokenError::MissingParameter(Param::Code),
            400,
            &body_missing("code"),
            NO_EXTRA,
        );
    }
    assert_refused(
        parse_with_auth(&basic("c:s"), "grant_type=authorization_code"),
        TokenError::MissingParameter(Param::Code),
        400,
        &body_missing("code"),
        NO_EXTRA,
    );
}

#[test]
fn hygiene_missing_refresh_token_is_invalid_request_naming_it() {
    for body in [
        "grant_type=refresh_token&client_id=c&client_secret=s",
        "grant_type=refresh_token&client_id=c&scope=read",
    ] {
        assert_refused(
            parse(body),
            TokenError::MissingParameter(Param::RefreshToken),
            400,
            &body_missing("refresh_token"),
            NO_EXTRA,
        );
    }
    assert_refused(
        parse_with_auth(&basic("c:s"), "grant_type=refresh_token&code=abc"),
        TokenError::MissingParameter(Param::RefreshToken),
        400,
        &body_missing("refresh_token"),
        NO_EXTRA,
    );
}

#[test]
fn hygiene_client_credentials_has_no_required_parameter_beyond_the_client() {
    assert_eq!(
        parse_with_auth(&basic("c:s"), "grant_type=client_credentials"),
        Ok(cc(
            ClientAuth::Basic {
                client_id: id("c"),
                secret: secret("s"),
            },
            None
        ))
    );
}

fn code_body_with_verifier(verifier_encoded: &str) -> String {
    format!("grant_type=authorization_code&code=abc&client_id=c&code_verifier={verifier_encoded}")
}

#[test]
fn hygiene_code_verifier_not_43_to_128_unreserved_chars_is_invalid_request() {
    let unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    let refused = [
        "a".to_string(),
        "a".repeat(42),
        "a".repeat(129),
        "a".repeat(1000),
        format!("{}%2B", "a".repeat(42)),    // '+'
        format!("{}+", "a".repeat(42)),      // a space once decoded
        format!("{}%20", "a".repeat(42)),    // space
        format!("{}%2F", "a".repeat(42)),    // '/'
        format!("{}%3D", "a".repeat(42)),    // '='
        format!("{}%25", "a".repeat(42)),    // '%'
        format!("{}%C3%A9", "a".repeat(42)), // non-ASCII
        format!("{}%00", "a".repeat(43)),    // control
    ];
    for verifier in refused {
        assert_refused(
            parse(&code_body_with_verifier(&verifier)),
            TokenError::MalformedParameter(Param::CodeVerifier),
            400,
            &body_malformed("code_verifier"),
            NO_EXTRA,
        );
    }
    // 43 and 128 characters of the unreserved set are fine.
    for verifier in [
        unreserved[..43].to_string(),
        format!("{unreserved}{}", "~".repeat(128 - unreserved.len())),
    ] {
        let parsed = parse(&code_body_with_verifier(&verifier)).unwrap();
        let TokenRequest::AuthorizationCode(request) = parsed else {
            panic!("not an authorization_code request");
        };
        assert_eq!(
            request
                .code_verifier
                .as_ref()
                .map(CodeVerifier::expose_secret),
            Some(verifier.as_str())
        );
    }
}

// ---------------------------------------------------------------------------
// Client authentication (the rows decidable at parse time)
// ---------------------------------------------------------------------------

#[test]
fn client_auth_basic_scheme_name_is_case_insensitive() {
    let token = STANDARD.encode("your_client_id:your_client_secret");
    let expected = cc(
        ClientAuth::Basic {
            client_id: id("your_client_id"),
            secret: secret("your_client_secret"),
        },
        None,
    );
    for scheme in ["Basic", "basic", "BASIC", "bAsIc"] {
        let header = format!("{scheme} {token}");
        let parsed = parse_with_auth(&header, "grant_type=client_credentials").unwrap();
        assert_eq!(parsed, expected, "{scheme}");
        assert!(parsed.client().used_authorization_header());
        assert_eq!(parsed.client().method_name(), "client_secret_basic");
    }
}

#[test]
fn client_auth_basic_halves_are_form_urlencoded_and_decoded() {
    for (raw, client_id, client_secret) in [
        ("a%3Ab:p%25+q", "a:b", "p% q"),
        ("my+app:s%2Bc%26r%3De%3At", "my app", "s+c&r=e:t"),
        ("id%20x:%7E%21%22", "id x", "~!\""),
        // Only the first raw colon separates; the secret may hold more.
        ("id:a:b", "id", "a:b"),
        ("plain:secret", "plain", "secret"),
    ] {
        assert_eq!(
            parse_with_auth(&basic(raw), "grant_type=client_credentials"),
            Ok(cc(
                ClientAuth::Basic {
                    client_id: id(client_id),
                    secret: secret(client_secret),
                },
                None
            )),
            "{raw}"
        );
    }
}

#[test]
fn client_auth_malformed_basic_credentials_are_401_invalid_client() {
    let mut headers: Vec<Vec<u8>> = [
        "Basic".to_string(),
        "Basic ".to_string(),
        "Basic !!!".to_string(),
        "Basic aWQ6cw== trailing".to_string(),
        basic("nocolon"),
        basic(":secret"),                         // empty id
        basic("id:"),                             // empty secret
        basic(":"),                               // both empty
        basic("id:%zz"),                          // bad escape in the secret
        basic("i%d:s"),                           // bad escape in the id
        basic("id:%C3"),                          // not UTF-8 once decoded
        basic("id:%0A"),                          // a control character in the secret
        basic("i\u{1}d:s"),                       // a control character in the id
        basic("id:caf\u{e9}"),                    // non-ASCII secret (not VSCHAR)
        format!("Basic {}", "QUFB".repeat(4096)), // absurdly long
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    // base64 of bytes that are not UTF-8.
    headers.push(format!("Basic {}", STANDARD.encode([0xff, b':', b's'])).into_bytes());
    for header in headers {
        let parts =
            RequestParts::form_post(b"grant_type=client_credentials").with_authorization(&header);
        assert_refused(
            parse_token_request(&parts),
            invalid_client(ClientAuthFailure::MalformedBasic, true),
            401,
            BODY_INVALID_CLIENT,
            BASIC_CHALLENGE,
        );
    }
}

#[test]
fn client_auth_authorization_scheme_other_than_basic_is_401_invalid_client() {
    let headers: [&[u8]; 5] = [
        b"Bearer abc",
        b"Digest username=\"x\"",
        b"Basicx aWQ6cw==",
        b"",
        b"\xff\xfe",
    ];
    for header in headers {
        let parts = RequestParts::form_post(b"grant_type=client_credentials&client_id=c")
            .with_authorization(header);
        assert_refused(
            parse_token_request(&parts),
            invalid_client(ClientAuthFailure::UnsupportedScheme, true),
            401,
            BODY_INVALID_CLIENT,
            BASIC_CHALLENGE,
        );
    }
}

#[test]
fn client_auth_body_client_id_and_secret_are_accepted_as_client_secret_post() {
    let parsed =
        parse("grant_type=client_credentials&client_id=m2m%3A1&client_secret=s%2B%25+x").unwrap();
    assert_eq!(
        parsed,
        cc(
            ClientAuth::Post {
                client_id: id("m2m:1"),
                secret: secret("s+% x"),
            },
            None
        )
    );
    assert_eq!(parsed.client().method_name(), "client_secret_post");
    assert!(!parsed.client().used_authorization_header());
}

#[test]
fn client_auth_basic_header_with_body_client_secret_is_invalid_request() {
    for body in [
        "grant_type=client_credentials&client_secret=s",
        "grant_type=client_credentials&client_id=c&client_secret=s",
        "grant_type=client_credentials&client_id=c&client_secret=other",
    ] {
        assert_refused(
            parse_with_auth(&basic("c:s"), body),
            TokenError::MultipleClientAuthentication,
            400,
            BODY_MULTIPLE_AUTH,
            NO_EXTRA,
        );
    }
    // Two methods are refused whatever the header holds.
    assert_refused(
        parse_with_auth(
            "Bearer x",
            "grant_type=client_credentials&client_id=c&client_secret=s",
        ),
        TokenError::MultipleClientAuthentication,
        400,
        BODY_MULTIPLE_AUTH,
        NO_EXTRA,
    );
}

#[test]
fn client_auth_basic_header_with_matching_body_client_id_is_accepted() {
    let expected = cc(
        ClientAuth::Basic {
            client_id: id("c"),
            secret: secret("s"),
        },
        None,
    );
    assert_eq!(
        parse_with_auth(&basic("c:s"), "grant_type=client_credentials&client_id=c"),
        Ok(expected)
    );
    // Both sides are compared decoded.
    assert_eq!(
        parse_with_auth(
            &basic("my+app%3A1:s"),
            "grant_type=client_credentials&client_id=my%20app%3A1"
        ),
        Ok(cc(
            ClientAuth::Basic {
                client_id: id("my app:1"),
                secret: secret("s"),
            },
            None
        ))
    );
}

#[test]
fn client_auth_basic_header_with_other_body_client_id_is_invalid_request() {
    for body_id in ["d", "C", "c%20", "cc", "%7F"] {
        assert_refused(
            parse_with_auth(
                &basic("c:s"),
                &format!("grant_type=client_credentials&client_id={body_id}"),
            ),
            TokenError::ClientIdMismatch,
            400,
            BODY_CLIENT_ID_MISMATCH,
            NO_EXTRA,
        );
    }
}

#[test]
fn client_auth_no_credentials_at_all_is_401_invalid_client() {
    for body in [
        "grant_type=client_credentials",
        "grant_type=client_credentials&client_secret=s",
        "grant_type=client_credentials&client_id=&client_secret=s",
        "grant_type=authorization_code&code=abc",
        "grant_type=refresh_token&refresh_token=r",
    ] {
        assert_refused(
            parse(body),
            invalid_client(ClientAuthFailure::NoCredentials, false),
            401,
            BODY_INVALID_CLIENT,
            BASIC_CHALLENGE,
        );
    }
}

#[test]
fn client_auth_public_client_id_alone_parses_as_client_auth_none() {
    let none = ClientAuth::None {
        client_id: id("spa app"),
    };
    let parsed = parse("grant_type=client_credentials&client_id=spa+app").unwrap();
    assert_eq!(parsed, cc(none.clone(), None));
    assert_eq!(parsed.client().secret(), None);
    assert_eq!(parsed.client().method_name(), "none");
    assert_eq!(
        parse("grant_type=authorization_code&code=abc&client_id=spa%20app"),
        Ok(TokenRequest::AuthorizationCode(AuthorizationCodeRequest {
            client: none.clone(),
            code: AuthorizationCode::new("abc").unwrap(),
            redirect_uri: None,
            code_verifier: None,
        }))
    );
    assert_eq!(
        parse("grant_type=refresh_token&refresh_token=r&client_id=spa+app"),
        Ok(TokenRequest::RefreshToken(RefreshTokenRequest {
            client: none,
            refresh_token: RefreshToken::new("r").unwrap(),
            scope: None,
        }))
    );
}

#[test]
fn client_auth_malformed_body_client_id_or_secret_is_invalid_request_naming_it() {
    for (body, param) in [
        (
            "grant_type=client_credentials&client_id=%7F",
            Param::ClientId,
        ),
        (
            "grant_type=client_credentials&client_id=caf%C3%A9&client_secret=s",
            Param::ClientId,
        ),
        (
            "grant_type=client_credentials&client_id=c&client_secret=%0A",
            Param::ClientSecret,
        ),
    ] {
        assert_refused(
            parse(body),
            TokenError::MalformedParameter(param),
            400,
            &body_malformed(param.as_str()),
            NO_EXTRA,
        );
    }
}

#[test]
fn client_auth_every_401_carries_a_basic_challenge() {
    let refusals: Vec<TokenError> = [
        parse("grant_type=client_credentials"),
        parse_with_auth("Basic !!!", "grant_type=client_credentials"),
        parse_with_auth("Bearer x", "grant_type=client_credentials"),
    ]
    .into_iter()
    .map(Result::unwrap_err)
    .chain(
        [
            ClientAuthFailure::NoCredentials,
            ClientAuthFailure::MalformedBasic,
            ClientAuthFailure::UnsupportedScheme,
            ClientAuthFailure::UnknownClient,
            ClientAuthFailure::WrongSecret,
            ClientAuthFailure::MissingSecret,
            ClientAuthFailure::UnexpectedSecret,
            ClientAuthFailure::NotConfidential,
        ]
        .into_iter()
        .flat_map(|failure| {
            [
                invalid_client(failure, true),
                invalid_client(failure, false),
            ]
        }),
    )
    .collect();
    let custom = Realm::new("api.example.com token endpoint").unwrap();
    for err in refusals {
        for (realm, challenge) in [
            (Realm::default(), r#"Basic realm="grant-engine""#),
            (
                custom.clone(),
                r#"Basic realm="api.example.com token endpoint""#,
            ),
        ] {
            let response = err.to_http_response(&realm);
            assert_eq!(response.status, 401, "{err:?}");
            assert_eq!(response.body_str(), BODY_INVALID_CLIENT, "{err:?}");
            assert_eq!(
                headers(&response),
                [
                    ("content-type", "application/json"),
                    ("cache-control", "no-store"),
                    ("pragma", "no-cache"),
                    ("www-authenticate", challenge),
                ],
                "{err:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Scope (RFC 6749 3.3)
// ---------------------------------------------------------------------------

/// Asserts that the form-encoded `scope` is refused as malformed by both
/// grants that read a scope.
#[track_caller]
fn assert_scope_malformed(encoded: &str) {
    for body in [
        cc_body(&format!("&scope={encoded}")),
        format!("grant_type=refresh_token&refresh_token=r&client_id=c&scope={encoded}"),
    ] {
        assert_refused(
            parse(&body),
            TokenError::InvalidScope(InvalidScope::Malformed),
            400,
            BODY_SCOPE_MALFORMED,
            NO_EXTRA,
        );
    }
}

#[test]
fn scope_double_space_is_invalid_scope() {
    for encoded in ["read%20%20write", "read++write", "read+%20write", "a+++b"] {
        assert_scope_malformed(encoded);
    }
}

#[test]
fn scope_leading_or_trailing_space_is_invalid_scope() {
    for encoded in [
        "%20read",
        "+read",
        "read%20",
        "read+",
        "+",
        "%20",
        "+read+write+",
    ] {
        assert_scope_malformed(encoded);
    }
}

#[test]
fn scope_quote_is_invalid_scope() {
    for encoded in ["%22", "re%22ad", "%22read%22", "read+%22write%22"] {
        assert_scope_malformed(encoded);
    }
}

#[test]
fn scope_backslash_is_invalid_scope() {
    for encoded in ["%5C", "re%5Cad", "read+wr%5Cite", "read%5C"] {
        assert_scope_malformed(encoded);
    }
}

#[test]
fn scope_control_characters_are_invalid_scope() {
    for encoded in [
        "read%09write",
        "read%0Awrite",
        "read%0D%0Awrite",
        "read%00",
        "%7F",
        "re%1Bad",
        "read%0B",
    ] {
        assert_scope_malformed(encoded);
    }
}

#[test]
fn scope_non_ascii_is_invalid_scope() {
    for encoded in ["caf%C3%A9", "read+%E2%80%8Bwrite", "%C2%A0read"] {
        assert_scope_malformed(encoded);
    }
}

#[test]
fn scope_every_nqchar_is_accepted() {
    let nqchars: String = (0x21u8..=0x7e)
        .filter(|b| *b != b'"' && *b != b'\\')
        .map(char::from)
        .collect();
    let encoded = form(&[("scope", nqchars.as_str())]);
    let parsed = parse(&cc_body(&format!("&{encoded}"))).unwrap();
    let TokenRequest::ClientCredentials(request) = parsed else {
        panic!("not a client_credentials request");
    };
    let tokens: Vec<&str> = request.scope.as_ref().unwrap().iter().collect();
    assert_eq!(tokens, [nqchars.as_str()]);
}

#[test]
fn scope_order_and_duplicates_do_not_matter() {
    let expected = Some(scope("read write"));
    for encoded in [
        "read+write",
        "write+read",
        "read%20write",
        "write+read+write",
        "read+read+write+read",
    ] {
        assert_eq!(
            parse(&cc_body(&format!("&scope={encoded}"))),
            Ok(cc(post_c_s(), expected.clone())),
            "{encoded}"
        );
        assert_eq!(
            parse(&format!(
                "grant_type=refresh_token&refresh_token=r&client_id=c&client_secret=s\
                 &scope={encoded}"
            )),
            Ok(TokenRequest::RefreshToken(RefreshTokenRequest {
                client: post_c_s(),
                refresh_token: RefreshToken::new("r").unwrap(),
                scope: expected.clone(),
            })),
            "{encoded}"
        );
    }
    // The set renders in one stable order whatever order it came in.
    let TokenRequest::ClientCredentials(request) =
        parse(&cc_body("&scope=write+admin+read+admin")).unwrap()
    else {
        panic!("not a client_credentials request");
    };
    assert_eq!(request.scope.unwrap().to_string(), "admin read write");
}

// ---------------------------------------------------------------------------
// The http feature: a repeated header is refused, not guessed at.
// ---------------------------------------------------------------------------

#[cfg(feature = "http")]
#[test]
fn hygiene_repeated_content_type_or_authorization_header_is_invalid_request() {
    for name in [http::header::CONTENT_TYPE, http::header::AUTHORIZATION] {
        let request = http::Request::builder()
            .method("POST")
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(http::header::AUTHORIZATION, basic("c:s"))
            .header(name, "x")
            .body(b"grant_type=client_credentials".to_vec())
            .unwrap();
        let result = RequestParts::try_from(&request).and_then(|p| parse_token_request(&p));
        assert_refused(
            result,
            TokenError::RepeatedHeader,
            400,
            r#"{"error":"invalid_request","error_description":"a request header is repeated"}"#,
            NO_EXTRA,
        );
    }
}

// ---------------------------------------------------------------------------
// TokenRequest::encode
// ---------------------------------------------------------------------------

#[test]
fn encode_writes_an_empty_scope_set_as_omitted() {
    // An empty scope cannot be sent (RFC 6749 3.3 needs one token; an empty
    // value means omitted, 3.1), so `encode` documents that `Some(empty)`
    // is written as omitted and parses back as `None`.
    for empty in [
        Scope::default(),
        Scope::from_tokens(Vec::<String>::new()).unwrap(),
    ] {
        let request = cc(ClientAuth::None { client_id: id("c") }, Some(empty));
        let wire = request.encode();
        assert_eq!(wire.body, "grant_type=client_credentials&client_id=c");
        assert_eq!(
            parse_token_request(&wire.parts()),
            Ok(cc(ClientAuth::None { client_id: id("c") }, None))
        );
    }
}
