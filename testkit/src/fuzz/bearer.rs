//! The `bearer` fuzz target's input format and assertions. Run by
//! `fuzz/fuzz_targets/bearer.rs` and replayed over the corpus by
//! `testkit/tests/fuzz_corpus.rs`.
//!
//! [`VerifyBearer`] runs on an `Authorization` header (its revocation
//! question answered by the case), and its answer is compared with an
//! independent check written from RFC 6750 2.1, RFC 7515 and RFC 9068
//! ([`independent::bearer_header`] and [`independent::verify_jwt`]): the
//! same class of answer (no credentials, a malformed request, an invalid
//! token, revoked, insufficient scope, or accepted), so a token is accepted
//! only if the independent check accepts it. Every error must render as
//! 400/401/403 with a `WWW-Authenticate: Bearer realm="..."` challenge that
//! names the error.
//!
//! Input format:
//!
//! ```text
//! byte 0 != 0x00   raw mode: the whole input is the header value, checked
//!                  at a time when the engine's own tokens are valid
//! byte 0 == 0x00   structured mode, on a token minted by the engine
//!   byte 1         operation (mod 8): 0 unmodified, 1 flip one byte,
//!                  2 truncate, 3 new header (alg/typ/kid/crit) re-signed
//!                  (HS256 with a ring key, an outsider or a public key's
//!                  PEM; ES256, EdDSA or RS256), 4 re-sign with another key
//!                  (an HS256 key, or an asymmetric key under its own kid
//!                  or another's), 5 edit one claim and re-sign, 6 append
//!                  bytes, 7 replace one part
//!   byte 2         header form (mod 13): see PREFIXES
//!   byte 3         clock (mod 9): see CLOCKS
//!   byte 4         policy bits: 0x01 require "read", 0x02 require "admin",
//!                  0x04 the host says revoked, 0x08 60 s leeway
//!   bytes 5..      the operation's arguments (missing bytes are 0)
//! ```
//!
//! With the `asymmetric` feature the ring also holds the public keys `es1`
//! (ES256), `ed1` (EdDSA) and `rs1` (RS256), verify-only
//! ([`asymmetric_keys`]); without it, the operations that would use them
//! leave the minted token as it is.

use std::sync::OnceLock;

use grant_engine::bearer::Access;
use grant_engine::errors::BearerError;
use grant_engine::mint::SigningKey;
use grant_engine::values::{Entropy, Realm};
use grant_engine::{
    BearerPolicy, Call, Config, Endpoint, Exchange, GrantType, HmacKey, KeyRing, MemoryStore,
    RequestParts, Scope, Step, VerifyBearer, drive,
};

use crate::fuzz::bearer_keys::asymmetric_keys;
use crate::fuzz::independent;
use crate::fuzz::independent::{
    BearerHeader, JwtExpectation, b64url, bearer_header, hmac_sha256, verify_jwt,
};

pub const ISSUER: &str = "https://as.example";
pub const AUDIENCE: &str = "https://api.example";
/// When the engine minted the token (`iat`); it lives an hour.
pub const MINTED_AT: u64 = 1_800_000_000;
const TTL: u64 = 3600;
const K1: [u8; 32] = [7; 32];
const K2: [u8; 32] = [9; 32];
const OUTSIDER: [u8; 32] = [11; 32];
/// The ring the engine verifies with: k1 signs, k2 and the asymmetric
/// keys verify only.
fn ring() -> &'static [independent::JwtKey<'static>] {
    static RING: OnceLock<Vec<independent::JwtKey<'static>>> = OnceLock::new();
    RING.get_or_init(|| {
        let mut ring = vec![
            independent::JwtKey::Hs256("k1", &K1),
            independent::JwtKey::Hs256("k2", &K2),
        ];
        for key in asymmetric_keys() {
            ring.push(independent::JwtKey::Public(key.kid, key.alg, &key.decoding));
        }
        ring
    })
}

/// Header forms: `(before the token, after it)`; `None` is no header.
const PREFIXES: [Option<(&str, &str)>; 13] = [
    Some(("Bearer ", "")),
    Some(("bearer ", "")),
    Some(("BEARER ", "")),
    Some(("Bearer   ", "")),
    Some(("Bearer \t", "")),
    Some(("  Bearer ", "")),
    Some(("Bearer\t", "")),
    Some(("Basic ", "")),
    Some(("Bearer", "")),
    Some(("", "")),
    Some(("DPoP ", "")),
    None,
    Some(("Bearer ", " ")),
];

/// Times of the check, around the token's `iat` and `exp`.
const CLOCKS: [u64; 9] = [
    MINTED_AT + 60,
    MINTED_AT,
    MINTED_AT + TTL - 1,
    MINTED_AT + TTL,
    MINTED_AT + TTL + 30,
    MINTED_AT - 30,
    MINTED_AT - TTL,
    u64::MAX,
    0,
];

const ALGS: [&str; 9] = [
    "HS256", "none", "HS384", "RS256", "hs256", "", "HS256 ", "ES256", "EdDSA",
];
const TYPS: [Option<&str>; 7] = [
    Some("at+jwt"),
    Some("AT+JWT"),
    Some("application/at+jwt"),
    Some("JWT"),
    None,
    Some("jwt"),
    Some("at+jwt2"),
];
const KIDS: [Option<&str>; 9] = [
    Some("k1"),
    Some("k2"),
    Some("k3"),
    None,
    Some(""),
    Some("K1"),
    Some("es1"),
    Some("ed1"),
    Some("rs1"),
];

/// The configuration and a token the engine minted with it.
struct Minted {
    config: Config,
    token: String,
    header_b64: String,
    claims: serde_json::Map<String, serde_json::Value>,
}

fn minted() -> &'static Minted {
    static MINTED: OnceLock<Minted> = OnceLock::new();
    MINTED.get_or_init(|| {
        let key = |kid: &str, secret: &[u8]| HmacKey::new(kid, secret).expect("a valid key");
        let mut ring = KeyRing::new(key("k1", &K1))
            .with_verify_key(key("k2", &K2))
            .expect("distinct kids");
        for asymmetric in asymmetric_keys() {
            let key = SigningKey::from_pkcs8_pem(asymmetric.kid, asymmetric.private_pem)
                .expect("a test key");
            ring = ring
                .with_verify_key(key.verifying_key())
                .expect("distinct kids");
        }
        let config = Config::new(ISSUER, AUDIENCE, ring)
            .with_access_token_ttl(TTL)
            .with_client_secrets(crate::world::client_secrets());
        let mut store = MemoryStore::new();
        store.add_client(
            crate::world::confidential("rs-client", "s3cret")
                .with_grant_types(&[GrantType::ClientCredentials])
                .with_scope(Scope::parse("read write").expect("a scope")),
        );
        let body = b"grant_type=client_credentials&client_id=rs-client&client_secret=s3cret";
        let call = Call::new(MINTED_AT, Entropy::from_bytes([5; 32]));
        let request = Exchange::parse(&RequestParts::form_post(body), &config);
        let outcome = match drive(&mut store, &config, call, request) {
            Ok(outcome) => outcome,
            Err(error) => panic!("minting the token failed: {error:?}"),
        };
        let json: serde_json::Value =
            serde_json::from_slice(&outcome.response().body).expect("a JSON token response");
        let token = json["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned();
        let claims = verify_jwt(&token, &expectation(MINTED_AT + 60, 0))
            .expect("the independent check accepts the engine's own token");
        let header_b64 = token.split('.').next().expect("a header").to_owned();
        Minted {
            config,
            token,
            header_b64,
            claims,
        }
    })
}

fn expectation(now: u64, leeway: u64) -> JwtExpectation<'static> {
    JwtExpectation {
        keys: ring(),
        issuer: ISSUER,
        audience: AUDIENCE,
        now,
        leeway,
    }
}

/// The class of a bearer answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Missing,
    Malformed,
    InvalidToken,
    Revoked,
    InsufficientScope,
    Accepted,
}

/// One case: the header, the clock and the policy.
struct Case {
    header: Option<Vec<u8>>,
    now: u64,
    policy: BearerPolicy,
    revoked: bool,
}

fn at(args: &[u8], i: usize) -> u8 {
    args.get(i).copied().unwrap_or(0)
}

fn u16_at(args: &[u8], i: usize) -> usize {
    usize::from(u16::from_le_bytes([at(args, i), at(args, i + 1)]))
}

fn sign(secret: &[u8], header_b64: &str, payload_b64: &str) -> String {
    let signature = hmac_sha256(secret, format!("{header_b64}.{payload_b64}").as_bytes());
    format!("{header_b64}.{payload_b64}.{}", b64url(&signature))
}

fn payload_b64(claims: &serde_json::Map<String, serde_json::Value>) -> String {
    b64url(&serde_json::to_vec(claims).expect("claims serialize"))
}

/// The token of a structured case.
fn structured_token(op: u8, args: &[u8]) -> Vec<u8> {
    let m = minted();
    let token = m.token.as_str();
    let resigned = match op % 8 {
        0 => token.to_owned(),
        1 => {
            let mut bytes = token.as_bytes().to_vec();
            let i = u16_at(args, 0) % bytes.len();
            bytes[i] ^= at(args, 2).max(1);
            return bytes;
        }
        2 => token[..u16_at(args, 0) % token.len()].to_owned(),
        3 => {
            let mut header = serde_json::Map::new();
            header.insert(
                "alg".into(),
                ALGS[usize::from(at(args, 0)) % ALGS.len()].into(),
            );
            if let Some(typ) = TYPS[usize::from(at(args, 1)) % TYPS.len()] {
                header.insert("typ".into(), typ.into());
            }
            if let Some(kid) = KIDS[usize::from(at(args, 2)) % KIDS.len()] {
                header.insert("kid".into(), kid.into());
            }
            let extra = at(args, 3);
            if extra & 1 != 0 {
                header.insert("crit".into(), serde_json::json!(["exp"]));
            }
            if extra & 2 != 0 {
                header.insert("x5u".into(), "https://evil.example/k".into());
            }
            let header_b64 = b64url(&serde_json::to_vec(&header).expect("a header"));
            let payload = payload_b64(&m.claims);
            let asymmetric = asymmetric_keys().get(usize::from(at(args, 5)) % 3);
            match (at(args, 4) % 7, asymmetric) {
                (0, _) => sign(&K1, &header_b64, &payload),
                (1, _) => sign(&K2, &header_b64, &payload),
                (2, _) => sign(&OUTSIDER, &header_b64, &payload),
                (3, _) => format!("{header_b64}.{payload}."),
                (4, _) => format!("{header_b64}.{payload}.{}", b64url(&[0; 32])),
                (5, Some(key)) => key.sign(&header_b64, &payload),
                // Algorithm confusion: HMAC keyed with the public key.
                (6, Some(key)) => sign(key.public_pem.as_bytes(), &header_b64, &payload),
                _ => token.to_owned(),
            }
        }
        4 => {
            let payload = token.split('.').nth(1).expect("a payload");
            let keys = asymmetric_keys();
            let asymmetric = keys.get(usize::from(at(args, 1)) % 3);
            let named = keys.get(usize::from(at(args, 2)) % 3);
            match (at(args, 0) % 6, asymmetric, named) {
                (0, ..) => sign(&K2, &m.header_b64, payload),
                (1, ..) => sign(&OUTSIDER, &m.header_b64, payload),
                // The same claims under k2, announced as k2: valid.
                (2, ..) => {
                    let header = br#"{"alg":"HS256","typ":"at+jwt","kid":"k2"}"#;
                    sign(&K2, &b64url(header), payload)
                }
                (3, ..) => sign(&K1, &m.header_b64, payload),
                // Signed by an asymmetric key and announced with its own
                // alg under its own kid (valid), or another key's kid.
                (4 | 5, Some(key), Some(named)) => {
                    let kid = if at(args, 0) % 6 == 4 {
                        key.kid
                    } else {
                        named.kid
                    };
                    let header = format!(
                        r#"{{"alg":"{}","typ":"at+jwt","kid":"{kid}"}}"#,
                        key.alg_name
                    );
                    key.sign(&b64url(header.as_bytes()), payload)
                }
                _ => token.to_owned(),
            }
        }
        5 => {
            let mut claims = m.claims.clone();
            let value = at(args, 1);
            let pick = |options: Vec<serde_json::Value>| {
                options[usize::from(value) % options.len()].clone()
            };
            let (name, new) = match at(args, 0) % 9 {
                0 => ("iss", pick(vec!["https://evil.example".into(), 5.into()])),
                1 => (
                    "aud",
                    pick(vec![
                        "https://other.example".into(),
                        serde_json::json!([AUDIENCE]),
                    ]),
                ),
                2 => (
                    "exp",
                    pick(vec![
                        MINTED_AT.into(),
                        (MINTED_AT + 10 * TTL).into(),
                        u64::MAX.into(),
                        (-1).into(),
                        1.8e9.into(),
                        "soon".into(),
                    ]),
                ),
                3 => (
                    "iat",
                    pick(vec![(MINTED_AT + 1000).into(), (-5).into(), 0.into()]),
                ),
                4 => (
                    "scope",
                    pick(vec![
                        "admin".into(),
                        "read  write".into(),
                        "".into(),
                        "read write admin".into(),
                        5.into(),
                    ]),
                ),
                5 => ("client_id", pick(vec!["other".into(), "".into()])),
                6 => ("sub", pick(vec!["mallory".into(), "".into()])),
                7 => ("fam", pick(vec!["family-1".into(), "".into()])),
                _ => ("x-extra", pick(vec![true.into()])),
            };
            if value & 0x80 != 0 {
                claims.remove(name);
            } else {
                claims.insert(name.into(), new);
            }
            sign(&K1, &m.header_b64, &payload_b64(&claims))
        }
        6 => return [token.as_bytes(), args].concat(),
        _ => {
            let mut parts: Vec<&[u8]> = token.split('.').map(str::as_bytes).collect();
            let i = usize::from(at(args, 0)) % parts.len();
            parts[i] = args.get(1..).unwrap_or_default();
            return parts.join(&b'.');
        }
    };
    resigned.into_bytes()
}

fn decode(data: &[u8]) -> Case {
    match data.split_first() {
        Some((0, rest)) => {
            let token = structured_token(at(rest, 0), rest.get(4..).unwrap_or_default());
            let header = PREFIXES[usize::from(at(rest, 1)) % PREFIXES.len()]
                .map(|(before, after)| [before.as_bytes(), &token, after.as_bytes()].concat());
            let bits = at(rest, 3);
            let mut required = Vec::new();
            if bits & 1 != 0 {
                required.push("read");
            }
            if bits & 2 != 0 {
                required.push("admin");
            }
            Case {
                header,
                now: CLOCKS[usize::from(at(rest, 2)) % CLOCKS.len()],
                policy: BearerPolicy {
                    required_scope: Scope::from_tokens(required).expect("a scope"),
                    leeway: if bits & 8 != 0 { 60 } else { 0 },
                },
                revoked: bits & 4 != 0,
            }
        }
        _ => Case {
            header: Some(data.to_vec()),
            now: MINTED_AT + 60,
            policy: BearerPolicy::default(),
            revoked: false,
        },
    }
}

/// What the independent check says.
fn expected(case: &Case) -> (Class, Option<serde_json::Map<String, serde_json::Value>>) {
    let token = match bearer_header(case.header.as_deref()) {
        BearerHeader::Missing => return (Class::Missing, None),
        BearerHeader::Malformed => return (Class::Malformed, None),
        BearerHeader::Token(token) => token,
    };
    let Ok(claims) = verify_jwt(&token, &expectation(case.now, case.policy.leeway)) else {
        return (Class::InvalidToken, None);
    };
    if case.revoked {
        return (Class::Revoked, None);
    }
    let scope = independent::rendered_scope_set(claims["scope"].as_str().unwrap_or_default());
    if !case.policy.required_scope.iter().all(|s| scope.contains(s)) {
        return (Class::InsufficientScope, None);
    }
    (Class::Accepted, Some(claims))
}

/// Runs [`VerifyBearer`] on the case by hand: the revocation question (if
/// the machine asks it) is answered with the case's answer.
fn verify(case: &Case, config: &Config) -> Access {
    let request = VerifyBearer::new(case.header.as_deref(), &case.policy);
    let call = Call::new(case.now, Entropy::from_bytes([0; 32]));
    let mut step = request.start(config, &call);
    loop {
        step = match step {
            Step::NeedRevocationStatus(question) => question.provide(case.revoked),
            Step::Done(access) => {
                assert!(
                    VerifyBearer::effects(&access).is_empty(),
                    "verifying a bearer token changes the state"
                );
                return access;
            }
            other => panic!("bearer verification asked {other:?}"),
        };
    }
}

/// Checks one input.
pub fn check(data: &[u8]) {
    let case = decode(data);
    let config = &minted().config;
    let access = verify(&case, config);
    let (class, claims) = expected(&case);
    let header = case
        .header
        .as_deref()
        .map(|h| independent::shorten(&String::from_utf8_lossy(h)));
    match access {
        Access::Granted(got) => {
            assert_eq!(
                class,
                Class::Accepted,
                "{header:?} at {} is accepted; the independent check says {class:?}",
                case.now
            );
            let claims = claims.expect("accepted claims");
            assert_eq!(claims["jti"], got.jti.as_str());
            assert_eq!(claims["client_id"], got.client_id.as_str());
            assert_eq!(claims["sub"], got.sub.as_str());
            assert_eq!(claims["exp"], got.exp);
            assert_eq!(claims["iat"], got.iat);
            assert_eq!(
                independent::rendered_scope_set(claims["scope"].as_str().unwrap_or_default()),
                got.scope.iter().map(str::to_owned).collect(),
            );
        }
        Access::Refused(outcome) => {
            let error = *outcome.report();
            let got = match error {
                BearerError::MissingToken => Class::Missing,
                BearerError::InvalidRequest => Class::Malformed,
                BearerError::InvalidToken(_) => Class::InvalidToken,
                BearerError::Revoked => Class::Revoked,
                BearerError::InsufficientScope => Class::InsufficientScope,
                other => panic!("unknown bearer error {other:?}"),
            };
            assert_eq!(
                got, class,
                "{header:?} at {} (leeway {}) gives {error:?}",
                case.now, case.policy.leeway
            );
            assert!(outcome.effects().is_empty(), "a refusal with effects");
            // The outcome's response is the error's own rendering.
            assert!(
                outcome.response()
                    == &error.to_http_response(config.realm(), &case.policy.required_scope),
                "{error:?}: the outcome's response is not the error's rendering"
            );
            check_error(&error, &case.policy);
        }
    }
}

/// The rendered error: status, challenge, body.
fn check_error(error: &BearerError, policy: &BearerPolicy) {
    let realm = Realm::default();
    let response = error.to_http_response(&realm, &policy.required_scope);
    assert!(
        matches!(response.status, 400 | 401 | 403),
        "{error:?} has status {}",
        response.status
    );
    assert_eq!(response.status, error.status());
    independent::assert_header_values_clean(&response.headers);
    let challenges: Vec<&str> = response
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("www-authenticate"))
        .map(|(_, v)| v.as_str())
        .collect();
    let [challenge] = challenges.as_slice() else {
        panic!("{error:?}: {} challenges", challenges.len());
    };
    assert!(
        challenge.starts_with(&format!("Bearer realm=\"{realm}\"")),
        "{challenge}"
    );
    assert_eq!(response.header("cache-control"), Some("no-store"));
    match error.error_code() {
        None => {
            assert_eq!(response.status, 401);
            assert!(!challenge.contains("error="), "{challenge}");
            assert!(response.body.is_empty());
        }
        Some(code) => {
            let expected_code = match response.status {
                400 => "invalid_request",
                401 => "invalid_token",
                _ => "insufficient_scope",
            };
            assert_eq!(code, expected_code);
            assert!(
                challenge.contains(&format!(", error=\"{code}\"")),
                "{challenge}"
            );
            assert_eq!(response.header("content-type"), Some("application/json"));
            let body: serde_json::Value =
                serde_json::from_slice(&response.body).expect("the error body is JSON");
            assert_eq!(body["error"], code);
            let description = body["error_description"].as_str().unwrap_or_default();
            assert!(independent::is_description(description), "{description:?}");
            if response.status == 403 && !policy.required_scope.is_empty() {
                assert!(
                    challenge.ends_with(&format!(", scope=\"{}\"", policy.required_scope)),
                    "{challenge}"
                );
            }
        }
    }
}

#[cfg(all(test, feature = "asymmetric"))]
mod tests {
    use super::*;

    /// A structured case: operation `op` with `args`, default header form,
    /// clock and policy.
    fn case(op: u8, args: &[u8]) -> Vec<u8> {
        [&[0, op, 0, 0, 0][..], args].concat()
    }

    /// The asymmetric operations do what the format says: each key's own
    /// signature is accepted by the engine and the independent check alike,
    /// another key's kid, a foreign alg and the public key as an HS256
    /// secret are refused by both.
    #[test]
    fn asymmetric_operations_mean_what_they_say() {
        let accepted = [
            case(4, &[4, 0, 0]),
            case(4, &[4, 1, 0]),
            case(4, &[4, 2, 0]),
            case(3, &[3, 0, 8, 0, 5, 2]),
            case(3, &[7, 0, 6, 0, 5, 0]),
        ];
        let refused = [
            case(4, &[5, 0, 1]),
            case(4, &[5, 2, 0]),
            case(3, &[0, 0, 6, 0, 6, 0]),
            case(3, &[0, 0, 8, 0, 6, 2]),
            case(3, &[7, 0, 8, 0, 5, 0]),
            case(3, &[8, 0, 6, 0, 5, 1]),
        ];
        for (input, want) in accepted
            .iter()
            .map(|c| (c, true))
            .chain(refused.iter().map(|c| (c, false)))
        {
            check(input);
            let case = decode(input);
            let granted = matches!(verify(&case, &minted().config), Access::Granted(_));
            assert_eq!(granted, want, "{input:?}");
            assert_eq!(expected(&case).0 == Class::Accepted, want, "{input:?}");
        }
    }
}
