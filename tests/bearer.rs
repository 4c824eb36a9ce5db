//! RFC-RULES "Bearer" (RFC 6750, RFC 9068): the check a resource server runs
//! on `Authorization: Bearer <jwt>`, row by row, through the public API.
//!
//! Hostile tokens are crafted by hand (base64url JSON and an HMAC computed
//! here), so each one differs from a good token in exactly one way.
//!
//! Most rows step the [`VerifyBearer`] machine by hand and answer its one
//! question (was the token revoked?) themselves; the rows about the store
//! drive it against a `MemoryStore`.

use grant_engine::bearer::{Access, verify_access_token};
use grant_engine::errors::{BearerError, JwtError};
use grant_engine::parse::parse_bearer_header;
use grant_engine::values::Realm;
use grant_engine::{
    AccessTokenClaims, BearerPolicy, Config, Effect, Endpoint, HttpResponse, KeyRing, Scope, Step,
    VerifyBearer,
};
use grant_engine_testkit::checks::{NO_STORE_JSON, error_body, headers};
use grant_engine_testkit::jwt::{
    b64, craft, good_claims, good_header, hs256, hs384, signing_input,
};
use grant_engine_testkit::requests::{authorize_code, bearer, login, m2m_token};
use grant_engine_testkit::wire::basic;
use grant_engine_testkit::world::*;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn policy(required: &str, leeway: u64) -> BearerPolicy {
    BearerPolicy {
        required_scope: if required.is_empty() {
            Scope::default()
        } else {
            scope(required)
        },
        leeway,
    }
}

/// The claims of a granted request, or the report of a refused one. A
/// refusal's response must be the one its report renders under `config`'s
/// realm and `policy`, and no bearer check has effects.
fn verdict(
    access: Access,
    config: &Config,
    policy: &BearerPolicy,
) -> Result<AccessTokenClaims, BearerError> {
    match access {
        Access::Granted(claims) => Ok(claims),
        Access::Refused(outcome) => {
            let error = *outcome.report();
            assert_eq!(
                outcome.response(),
                &error.to_http_response(config.realm(), &policy.required_scope),
                "the refusal's response"
            );
            assert!(
                outcome.effects().is_empty(),
                "a bearer check has no effects"
            );
            Err(error)
        }
    }
}

/// Answers the revocation question of `step`, if it asks one, with
/// `revoked`, and returns the verdict.
fn answer(
    step: Step<'_, VerifyBearer>,
    revoked: bool,
    config: &Config,
    policy: &BearerPolicy,
) -> Result<AccessTokenClaims, BearerError> {
    let access = match step {
        Step::NeedRevocationStatus(question) => match question.provide(revoked) {
            Step::Done(access) => access,
            other => panic!("a second question: {other:?}"),
        },
        Step::Done(access) => access,
        other => panic!("a bearer check asks only about revocation: {other:?}"),
    };
    verdict(access, config, policy)
}

/// The machine on a raw header value, stepped by hand: the token is
/// answered not revoked.
fn check_header(
    header: Option<&[u8]>,
    config: &Config,
    now: u64,
    policy: &BearerPolicy,
) -> Result<AccessTokenClaims, BearerError> {
    let request = VerifyBearer::new(header, policy);
    answer(request.start(config, &call(now, 0)), false, config, policy)
}

fn check(token: &str, now: u64) -> Result<AccessTokenClaims, BearerError> {
    let header = format!("Bearer {token}");
    check_header(
        Some(header.as_bytes()),
        &config(),
        now,
        &BearerPolicy::default(),
    )
}

fn response(error: BearerError, policy: &BearerPolicy) -> HttpResponse {
    error.to_http_response(&Realm::default(), &policy.required_scope)
}

/// The exact 401 `invalid_token` response with `description`.
fn assert_invalid_token_response(error: BearerError, description: &str) {
    let r = response(error, &BearerPolicy::default());
    assert_eq!(r.status, 401);
    assert_eq!(r.body_str(), error_body("invalid_token", description));
    let challenge = format!(
        r#"Bearer realm="grant-engine", error="invalid_token", error_description="{description}""#
    );
    let mut expected = NO_STORE_JSON.to_vec();
    expected.push(("www-authenticate", challenge.as_str()));
    assert_eq!(headers(&r), expected);
}

/// A crafted token with `header` and `claims`, signed HS256 with the ring's key.
fn crafted(header: &Value, claims: &Value) -> String {
    craft(header, claims, SIGNING_SECRET)
}

fn claims_with(field: &str, value: Value) -> Value {
    let mut claims = good_claims();
    claims[field] = value;
    claims
}

fn header_with(field: &str, value: Value) -> Value {
    let mut header = good_header();
    header[field] = value;
    header
}

fn assert_refused(token: &str, now: u64, expected: JwtError, description: &str) {
    assert_eq!(check(token, now), Err(BearerError::InvalidToken(expected)));
    assert_eq!(
        verify_access_token(token, &config(), now, 0),
        Err(expected),
        "verify_access_token"
    );
    assert_invalid_token_response(BearerError::InvalidToken(expected), description);
}

const AT: u64 = NOW + 60;

// ---------------------------------------------------------------------------
// Control: the crafted good token verifies
// ---------------------------------------------------------------------------

#[test]
fn a_crafted_good_token_verifies() {
    let token = crafted(&good_header(), &good_claims());
    let claims = check(&token, AT).unwrap();
    assert_eq!(serde_json::to_value(&claims).unwrap(), good_claims());
    // So does one minted by the engine.
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    assert_eq!(check(&issued.access_token, AT), Ok(issued.claims.clone()));
    assert_eq!(
        bearer(&mut store, &config(), &issued.access_token, AT),
        Ok(issued.claims)
    );
}

// ---------------------------------------------------------------------------
// Scheme
// ---------------------------------------------------------------------------

#[test]
fn the_scheme_name_is_case_insensitive() {
    let token = crafted(&good_header(), &good_claims());
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let header = format!("{scheme} {token}");
        assert!(
            check_header(
                Some(header.as_bytes()),
                &config(),
                AT,
                &BearerPolicy::default()
            )
            .is_ok(),
            "{scheme}"
        );
        assert_eq!(
            parse_bearer_header(Some(header.as_bytes())),
            Ok(token.as_str())
        );
    }
    // Several spaces (1*SP) and surrounding whitespace are fine.
    for header in [format!("Bearer   {token}"), format!("  Bearer {token}  ")] {
        assert!(
            check_header(
                Some(header.as_bytes()),
                &config(),
                AT,
                &BearerPolicy::default()
            )
            .is_ok()
        );
        assert_eq!(
            parse_bearer_header(Some(header.as_bytes())),
            Ok(token.as_str())
        );
    }
}

#[test]
fn missing_credentials_are_401_without_an_error_code() {
    let token = crafted(&good_header(), &good_claims());
    let basic_header = basic(WEB, WEB_SECRET);
    let other_scheme = format!("Token {token}");
    let headers_to_try: Vec<Option<&[u8]>> = vec![
        None,
        Some(b""),
        Some(b"   "),
        Some(basic_header.as_bytes()), // another scheme is no bearer credential
        Some(other_scheme.as_bytes()),
        Some(b"Bearertoken"),
    ];
    for header in headers_to_try {
        assert_eq!(
            check_header(header, &config(), AT, &BearerPolicy::default()),
            Err(BearerError::MissingToken),
            "{header:?}"
        );
        assert_eq!(
            parse_bearer_header(header),
            Err(BearerError::MissingToken),
            "{header:?}"
        );
    }
    let r = response(BearerError::MissingToken, &policy("read", 0));
    assert_eq!(r.status, 401);
    assert!(r.body.is_empty());
    assert_eq!(
        headers(&r),
        vec![
            ("cache-control", "no-store"),
            ("pragma", "no-cache"),
            ("www-authenticate", r#"Bearer realm="grant-engine""#),
        ]
    );
    assert_eq!(BearerError::MissingToken.error_code(), None);
}

#[test]
fn the_realm_is_the_hosts() {
    let realm = Realm::new("photos api").unwrap();
    let r = BearerError::MissingToken.to_http_response(&realm, &Scope::default());
    assert_eq!(
        r.header("www-authenticate"),
        Some(r#"Bearer realm="photos api""#)
    );
    // The machine renders its refusals under the configuration's realm.
    let hosted = config().with_realm(realm);
    let request = VerifyBearer::new(None, &BearerPolicy::default());
    let Step::Done(Access::Refused(outcome)) = request.start(&hosted, &call(AT, 0)) else {
        panic!("no token, no access");
    };
    assert_eq!(outcome.response(), &r);
}

#[test]
fn a_malformed_header_is_400_invalid_request() {
    let token = crafted(&good_header(), &good_claims());
    let two = format!("Bearer {token} {token}");
    let comma = format!("Bearer {token},x");
    let quoted = format!("Bearer \"{token}\"");
    let cases: Vec<&[u8]> = vec![
        b"Bearer",
        b"Bearer ",
        b"bearer    ",
        two.as_bytes(),
        comma.as_bytes(),
        quoted.as_bytes(),
        b"Bearer a b",
        b"Bearer ab\"c",
        b"Bearer ab@c",
        b"Bearer ab\x01c",
        "Bearer caf\u{e9}".as_bytes(),
        b"Bearer \xff\xfe",
        b"Bearer =abc", // token68: padding only at the end
        b"Bearer ab=c",
    ];
    for header in cases {
        assert_eq!(
            check_header(Some(header), &config(), AT, &BearerPolicy::default()),
            Err(BearerError::InvalidRequest),
            "{:?}",
            String::from_utf8_lossy(header)
        );
        assert_eq!(
            parse_bearer_header(Some(header)),
            Err(BearerError::InvalidRequest),
            "{:?}",
            String::from_utf8_lossy(header)
        );
    }
    let r = response(BearerError::InvalidRequest, &BearerPolicy::default());
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body_str(),
        error_body("invalid_request", "the Authorization header is malformed")
    );
    let mut expected = NO_STORE_JSON.to_vec();
    expected.push((
        "www-authenticate",
        r#"Bearer realm="grant-engine", error="invalid_request", error_description="the Authorization header is malformed""#,
    ));
    assert_eq!(headers(&r), expected);
}

// ---------------------------------------------------------------------------
// invalid_token
// ---------------------------------------------------------------------------

#[test]
fn a_bad_signature_is_invalid_token() {
    let forged = craft(&good_header(), &good_claims(), &[9u8; 32]);
    assert_refused(
        &forged,
        AT,
        JwtError::BadSignature,
        "the token's signature is invalid",
    );
    // A good signature moved onto other claims.
    let good = crafted(&good_header(), &good_claims());
    let signature = good.rsplit_once('.').unwrap().1;
    let other = signing_input(&good_header(), &claims_with("scope", json!("admin")));
    assert_refused(
        &format!("{other}.{signature}"),
        AT,
        JwtError::BadSignature,
        "the token's signature is invalid",
    );
    // No signature at all.
    let input = signing_input(&good_header(), &good_claims());
    assert_eq!(
        check(&format!("{input}."), AT),
        Err(BearerError::InvalidToken(JwtError::BadSignature))
    );
}

#[test]
fn alg_none_is_invalid_token() {
    for alg in ["none", "None", "NONE"] {
        let header = header_with("alg", json!(alg));
        let unsigned = format!("{}.", signing_input(&header, &good_claims()));
        assert_refused(
            &unsigned,
            AT,
            JwtError::UnsupportedAlgorithm,
            "the token's algorithm is not accepted",
        );
        // Even with a (valid HS256) signature attached.
        assert_refused(
            &crafted(&header, &good_claims()),
            AT,
            JwtError::UnsupportedAlgorithm,
            "the token's algorithm is not accepted",
        );
    }
    // No alg at all is not a valid JWS header.
    let mut header = good_header();
    header.as_object_mut().unwrap().remove("alg");
    assert_refused(
        &crafted(&header, &good_claims()),
        AT,
        JwtError::Malformed,
        "the token is malformed",
    );
}

#[test]
fn alg_hs384_is_invalid_token_even_when_correctly_signed() {
    let header = header_with("alg", json!("HS384"));
    let input = signing_input(&header, &good_claims());
    let token = format!("{input}.{}", b64(&hs384(SIGNING_SECRET, input.as_bytes())));
    assert_refused(
        &token,
        AT,
        JwtError::UnsupportedAlgorithm,
        "the token's algorithm is not accepted",
    );
    for alg in ["HS512", "hs256", "HS256 ", "ES256", "PS256"] {
        assert_refused(
            &crafted(&header_with("alg", json!(alg)), &good_claims()),
            AT,
            JwtError::UnsupportedAlgorithm,
            "the token's algorithm is not accepted",
        );
    }
}

#[test]
fn alg_rs256_is_invalid_token() {
    let header = header_with("alg", json!("RS256"));
    let input = signing_input(&header, &good_claims());
    // A 256-byte "RSA signature".
    let token = format!("{input}.{}", b64(&[0x42u8; 256]));
    assert_refused(
        &token,
        AT,
        JwtError::UnsupportedAlgorithm,
        "the token's algorithm is not accepted",
    );
}

#[test]
fn typ_other_than_at_jwt_is_invalid_token() {
    for typ in [
        json!("JWT"),
        json!("jwt"),
        json!("at+JWS"),
        json!(""),
        json!(null),
    ] {
        assert_refused(
            &crafted(&header_with("typ", typ.clone()), &good_claims()),
            AT,
            JwtError::WrongType,
            "the token is not an access token",
        );
    }
    let mut header = good_header();
    header.as_object_mut().unwrap().remove("typ");
    assert_refused(
        &crafted(&header, &good_claims()),
        AT,
        JwtError::WrongType,
        "the token is not an access token",
    );
    // RFC 9068 2.1: "at+jwt" and "application/at+jwt" are the same type.
    for typ in ["at+jwt", "AT+JWT", "application/at+jwt"] {
        assert!(
            check(
                &crafted(&header_with("typ", json!(typ)), &good_claims()),
                AT
            )
            .is_ok()
        );
    }
    // A `crit` header the verifier does not understand.
    assert_refused(
        &crafted(&header_with("crit", json!(["exp"])), &good_claims()),
        AT,
        JwtError::WrongType,
        "the token is not an access token",
    );
}

#[test]
fn expired_is_invalid_token() {
    let exp = NOW + 3600;
    let token = crafted(&good_header(), &good_claims());
    assert!(check(&token, exp - 1).is_ok());
    assert_refused(&token, exp, JwtError::Expired, "the token has expired");
    assert_refused(&token, exp + 1, JwtError::Expired, "the token has expired");
}

#[test]
fn leeway_extends_exp_and_iat() {
    let exp = NOW + 3600;
    let token = crafted(&good_header(), &good_claims());
    let lenient = policy("", 30);
    let at = |now| {
        let header = format!("Bearer {token}");
        check_header(Some(header.as_bytes()), &config(), now, &lenient)
    };
    assert!(at(exp).is_ok());
    assert!(at(exp + 29).is_ok());
    assert_eq!(
        at(exp + 30),
        Err(BearerError::InvalidToken(JwtError::Expired))
    );
    // iat in the future: refused beyond the leeway only.
    let future = crafted(&good_header(), &claims_with("iat", json!(NOW + 100)));
    assert_refused(
        &future,
        NOW,
        JwtError::NotYetValid,
        "the token is not yet valid",
    );
    let header = format!("Bearer {future}");
    assert!(check_header(Some(header.as_bytes()), &config(), NOW + 70, &lenient).is_ok());
}

#[test]
fn wrong_issuer_is_invalid_token() {
    for iss in ["https://evil.example.com", "https://auth.example.com/", ""] {
        assert_refused(
            &crafted(&good_header(), &claims_with("iss", json!(iss))),
            AT,
            JwtError::WrongIssuer,
            "the token was issued by another issuer",
        );
    }
    // The engine's own token under a configuration with another issuer.
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let other = Config::new("https://other.example.com", AUDIENCE, keys());
    let header = format!("Bearer {}", issued.access_token);
    assert_eq!(
        check_header(
            Some(header.as_bytes()),
            &other,
            AT,
            &BearerPolicy::default()
        ),
        Err(BearerError::InvalidToken(JwtError::WrongIssuer))
    );
}

#[test]
fn wrong_audience_is_invalid_token() {
    for aud in [json!("https://other-api.example.com"), json!("")] {
        assert_refused(
            &crafted(&good_header(), &claims_with("aud", aud)),
            AT,
            JwtError::WrongAudience,
            "the token is for another audience",
        );
    }
    // An audience array is not the engine's format.
    assert_refused(
        &crafted(&good_header(), &claims_with("aud", json!([AUDIENCE]))),
        AT,
        JwtError::Malformed,
        "the token is malformed",
    );
}

#[test]
fn unknown_kid_is_invalid_token() {
    for kid in [json!("nope"), json!(""), json!(null)] {
        assert_refused(
            &crafted(&header_with("kid", kid.clone()), &good_claims()),
            AT,
            JwtError::UnknownKey,
            "the token's key is unknown",
        );
    }
    let mut header = good_header();
    header.as_object_mut().unwrap().remove("kid");
    assert_refused(
        &crafted(&header, &good_claims()),
        AT,
        JwtError::UnknownKey,
        "the token's key is unknown",
    );
}

#[test]
fn malformed_tokens_are_invalid_token() {
    let good = crafted(&good_header(), &good_claims());
    let (input, signature) = good.rsplit_once('.').unwrap();
    let cases = [
        "a.b.c".to_owned(),
        "abc".to_owned(),
        format!("{good}.x"),
        format!("{input}.{signature}="), // padding
        format!("{}.{}.{signature}", b64(b"not json"), b64(b"{}")),
        format!("{}.{}", input, "A".repeat(9000)), // too long
    ];
    for token in cases {
        assert_eq!(
            check(&token, AT),
            Err(BearerError::InvalidToken(JwtError::Malformed)),
            "{token}"
        );
    }
    assert_invalid_token_response(
        BearerError::InvalidToken(JwtError::Malformed),
        "the token is malformed",
    );
    // An empty payload under a signature for something else.
    let header_only = format!("{}..{signature}", input.split('.').next().unwrap());
    assert_eq!(
        check(&header_only, AT),
        Err(BearerError::InvalidToken(JwtError::BadSignature))
    );
}

#[test]
fn a_non_canonical_signature_encoding_is_refused() {
    // 32 signature bytes are 43 base64url characters (258 bits); the last
    // one carries 4 bits and 2 zero bits. Setting a trailing bit must not
    // verify.
    let good = crafted(&good_header(), &good_claims());
    let (input, signature) = good.rsplit_once('.').unwrap();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = *signature.as_bytes().last().unwrap();
    let index = ALPHABET.iter().position(|c| *c == last).unwrap();
    assert_eq!(index & 0x03, 0, "canonical encoding has zero trailing bits");
    for trailing in 1..4 {
        let mut sig = signature.as_bytes().to_vec();
        *sig.last_mut().unwrap() = ALPHABET[index | trailing];
        let token = format!("{input}.{}", String::from_utf8(sig).unwrap());
        assert!(check(&token, AT).is_err(), "{token}");
    }
}

#[test]
fn a_revoked_token_is_invalid_token() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    // The machine stepped by hand: the host says revoked.
    let header = format!("Bearer {}", issued.access_token);
    let (world, policy) = (config(), BearerPolicy::default());
    let request = VerifyBearer::new(Some(header.as_bytes()), &policy);
    for revoked in [true, false] {
        let Step::NeedRevocationStatus(question) = request.start(&world, &call(AT, 0)) else {
            panic!("a verified token's revocation is asked about");
        };
        assert_eq!(question.jti(), &issued.claims.jti);
        assert_eq!(question.family(), issued.claims.fam.as_ref());
        let expected = if revoked {
            Err(BearerError::Revoked)
        } else {
            Ok(issued.claims.clone())
        };
        assert_eq!(
            answer(
                Step::NeedRevocationStatus(question),
                revoked,
                &world,
                &policy
            ),
            expected
        );
    }
    assert_invalid_token_response(BearerError::Revoked, "the token was revoked");

    // Revoked by jti, through the store.
    let mut by_jti = store.clone();
    by_jti
        .apply(&[Effect::RevokeAccessTokens {
            token_ids: vec![issued.claims.jti.clone()],
        }])
        .unwrap();
    assert_eq!(
        bearer(&mut by_jti, &config(), &issued.access_token, AT),
        Err(BearerError::Revoked)
    );
    // Revoked by family.
    let mut by_family = store.clone();
    by_family
        .apply(&[Effect::RevokeFamily {
            family: issued.claims.fam.clone().unwrap(),
        }])
        .unwrap();
    assert_eq!(
        bearer(&mut by_family, &config(), &issued.access_token, AT),
        Err(BearerError::Revoked)
    );
    // Neither: accepted.
    assert_eq!(
        bearer(&mut store, &config(), &issued.access_token, AT),
        Ok(issued.claims)
    );
}

#[test]
fn a_refresh_token_presented_as_bearer_is_invalid_token() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let refresh_token = issued.refresh_token.unwrap();
    assert_eq!(
        bearer(&mut store, &config(), &refresh_token, AT),
        Err(BearerError::InvalidToken(JwtError::Malformed))
    );
    let r = response(
        BearerError::InvalidToken(JwtError::Malformed),
        &BearerPolicy::default(),
    );
    assert_eq!(r.status, 401);
    assert!(
        r.header("www-authenticate")
            .unwrap()
            .contains(r#"error="invalid_token""#)
    );
    // An authorization code neither.
    let code = authorize_code(&mut store, &config(), WEB, NOW, 2);
    assert_eq!(
        bearer(&mut store, &config(), &code, AT),
        Err(BearerError::InvalidToken(JwtError::Malformed))
    );
}

// ---------------------------------------------------------------------------
// insufficient_scope
// ---------------------------------------------------------------------------

#[test]
fn missing_scope_is_403_insufficient_scope() {
    let read_only = crafted(&good_header(), &claims_with("scope", json!("read")));
    for required in ["write", "read write", "admin"] {
        let p = policy(required, 0);
        let header = format!("Bearer {read_only}");
        let error = check_header(Some(header.as_bytes()), &config(), AT, &p).unwrap_err();
        assert_eq!(error, BearerError::InsufficientScope);
        let r = response(error, &p);
        assert_eq!(r.status, 403);
        assert_eq!(
            r.body_str(),
            error_body("insufficient_scope", "the token lacks a required scope")
        );
        let challenge = format!(
            r#"Bearer realm="grant-engine", error="insufficient_scope", error_description="the token lacks a required scope", scope="{}""#,
            scope(required)
        );
        let mut expected = NO_STORE_JSON.to_vec();
        expected.push(("www-authenticate", challenge.as_str()));
        assert_eq!(headers(&r), expected);
    }
    // Enough scope passes; the empty requirement always does.
    for required in ["read", ""] {
        let header = format!("Bearer {read_only}");
        assert!(check_header(Some(header.as_bytes()), &config(), AT, &policy(required, 0)).is_ok());
    }
    // Revocation is decided before scope: a revoked token is 401, not 403.
    let header = format!("Bearer {read_only}");
    let (config, admin) = (config(), policy("admin", 0));
    let request = VerifyBearer::new(Some(header.as_bytes()), &admin);
    let step = request.start(&config, &call(AT, 0));
    assert!(matches!(step, Step::NeedRevocationStatus(_)), "{step:?}");
    assert_eq!(
        answer(step, true, &config, &admin),
        Err(BearerError::Revoked)
    );
}

// ---------------------------------------------------------------------------
// Key rotation
// ---------------------------------------------------------------------------

#[test]
fn tokens_signed_by_a_verify_only_key_are_accepted() {
    // Minted under the old ring...
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    assert_eq!(kid_of(&issued.access_token), KID);
    // ...verified under the rotated ring, where the old key only verifies.
    let rotated = KeyRing::new(key(NEXT_KID, NEXT_SECRET))
        .with_verify_key(key(KID, SIGNING_SECRET))
        .unwrap();
    let rotated = config().with_keys(rotated);
    assert_eq!(
        bearer(&mut store, &rotated, &issued.access_token, AT),
        Ok(issued.claims.clone())
    );
    // New tokens are signed with the new key and verify too.
    let fresh = m2m_token(&mut store, &rotated, NOW, 3);
    assert_eq!(kid_of(&fresh.access_token), NEXT_KID);
    assert!(bearer(&mut store, &rotated, &fresh.access_token, AT).is_ok());
    // A crafted token with the verify-only kid and its secret.
    assert!(check_with(&rotated, &crafted(&good_header(), &good_claims())).is_ok());
}

fn kid_of(token: &str) -> String {
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            token.split('.').next().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

fn check_with(config: &Config, token: &str) -> Result<AccessTokenClaims, BearerError> {
    let header = format!("Bearer {token}");
    check_header(
        Some(header.as_bytes()),
        config,
        AT,
        &BearerPolicy::default(),
    )
}

#[test]
fn a_token_whose_kid_was_removed_is_refused() {
    let mut store = store();
    let issued = login(&mut store, &config(), WEB, NOW, 1);
    let dropped = config().with_keys(KeyRing::new(key(NEXT_KID, NEXT_SECRET)));
    assert_eq!(
        bearer(&mut store, &dropped, &issued.access_token, AT),
        Err(BearerError::InvalidToken(JwtError::UnknownKey))
    );
    // The kid of the new key with a token signed by the old secret.
    let impostor = craft(
        &header_with("kid", json!(NEXT_KID)),
        &good_claims(),
        SIGNING_SECRET,
    );
    assert_eq!(
        check_with(&dropped, &impostor),
        Err(BearerError::InvalidToken(JwtError::BadSignature))
    );
}

#[test]
fn a_verify_only_key_with_a_duplicate_kid_is_refused() {
    assert!(
        KeyRing::new(key(KID, SIGNING_SECRET))
            .with_verify_key(key(KID, NEXT_SECRET))
            .is_err()
    );
}

#[test]
fn incomplete_or_ambiguous_claims_are_invalid_token() {
    for missing in [
        "exp",
        "iat",
        "jti",
        "iss",
        "aud",
        "sub",
        "client_id",
        "scope",
    ] {
        let mut claims = good_claims();
        claims.as_object_mut().unwrap().remove(missing);
        assert_eq!(
            check(&crafted(&good_header(), &claims), AT),
            Err(BearerError::InvalidToken(JwtError::Malformed)),
            "without {missing}"
        );
    }
    // A duplicated claim: which one counts is ambiguous, so neither does.
    let input = format!(
        "{}.{}",
        b64(good_header().to_string().as_bytes()),
        b64(format!(
            r#"{{"iss":"https://auth.example.com","sub":"alice","aud":"https://api.example.com","exp":{},"iat":{NOW},"jti":"j","client_id":"web","scope":"read","scope":"read write admin"}}"#,
            NOW + 3600
        )
        .as_bytes())
    );
    let token = format!("{input}.{}", b64(&hs256(SIGNING_SECRET, input.as_bytes())));
    assert_eq!(
        check(&token, AT),
        Err(BearerError::InvalidToken(JwtError::Malformed))
    );
    // Likewise a duplicated header member.
    let header = br#"{"alg":"HS256","alg":"none","typ":"at+jwt","kid":"2026-01"}"#;
    let input = format!(
        "{}.{}",
        b64(header),
        b64(good_claims().to_string().as_bytes())
    );
    let token = format!("{input}.{}", b64(&hs256(SIGNING_SECRET, input.as_bytes())));
    assert!(check(&token, AT).is_err());
}
