//! Asymmetric access tokens (RFC 9068 2.1; RFC 7518 3.3, 3.4; RFC 8037):
//! tokens of each algorithm, their use at a resource, the JWK Set, and
//! algorithm confusion. The keys are the RFCs' own examples
//! (`tests/keys/rfc*.jwk.json`), so that any harness can load them.

use super::*;

/// One asymmetric algorithm's key and the names of its cases.
struct Alg {
    /// The private JWK, with a `kid` added.
    jwk: serde_json::Value,
    kid: &'static str,
    /// What a resource server knows of the public key, as bytes (a
    /// confused verifier's HS256 "secret").
    public_bytes: Vec<u8>,
    response: &'static str,
    code_exchange: &'static str,
    bearer: &'static str,
    confusion: &'static str,
}

fn jwk_file(text: &str, kid: &str) -> serde_json::Value {
    let mut jwk: serde_json::Value = serde_json::from_str(text).unwrap();
    jwk["kid"] = kid.into();
    jwk
}

fn member(jwk: &serde_json::Value, name: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap()
}

fn algs() -> [Alg; 3] {
    let es = jwk_file(
        include_str!("../../../tests/keys/rfc7515-a3.jwk.json"),
        "es256-1",
    );
    let ed = jwk_file(
        include_str!("../../../tests/keys/rfc8037-a1.jwk.json"),
        "eddsa-1",
    );
    let rs = jwk_file(
        include_str!("../../../tests/keys/rfc7515-a2.jwk.json"),
        "rs256-1",
    );
    [
        Alg {
            public_bytes: [vec![4], member(&es, "x"), member(&es, "y")].concat(),
            jwk: es,
            kid: "es256-1",
            response: "response-access-token-es256",
            code_exchange: "response-access-token-es256-code-exchange",
            bearer: "bearer-es256-token-200",
            confusion: "bearer-es256-public-key-as-hs256-secret-401",
        },
        Alg {
            public_bytes: member(&ed, "x"),
            jwk: ed,
            kid: "eddsa-1",
            response: "response-access-token-eddsa",
            code_exchange: "response-access-token-eddsa-code-exchange",
            bearer: "bearer-eddsa-token-200",
            confusion: "bearer-eddsa-public-key-as-hs256-secret-401",
        },
        Alg {
            public_bytes: member(&rs, "n"),
            jwk: rs,
            kid: "rs256-1",
            response: "response-access-token-rs256",
            code_exchange: "response-access-token-rs256-code-exchange",
            bearer: "bearer-rs256-token-200",
            confusion: "bearer-rs256-public-key-as-hs256-secret-401",
        },
    ]
}

/// The base fixture signing with `jwk`, `k1` (HS256) kept to verify.
fn signing_with(jwk: &serde_json::Value) -> Fixture {
    base_with(|f| f.keys = vec![FixtureKey::Jwk { jwk: jwk.clone() }, fixture_key("k1", KEY)])
}

fn per_algorithm(alg: &Alg) -> Vec<Case> {
    let fixture = signing_with(&alg.jwk);
    let (after, answers) = session(
        &fixture,
        &[token(&format!(
            "grant_type=client_credentials&{CONFIDENTIAL}&scope=read"
        ))],
    );
    let access_token = field(&answers[0], "access_token");
    let header = format!(r#"{{"alg":"HS256","typ":"at+jwt","kid":"{}"}}"#, alg.kid);
    let confused = hs256_jwt(&header, &claims_json(ISSUER, AUDIENCE), &alg.public_bytes);
    vec![
        case(
            alg.response,
            "access token: signed with the ring's asymmetric key, deterministic (the same inputs, the same bytes)",
            fixture.clone(),
            token(&format!("grant_type=client_credentials&{M2M}")),
        ),
        case(
            alg.code_exchange,
            "access token of a code exchange: signed with the ring's asymmetric key; the refresh token is opaque as ever",
            fixture,
            seed_code_exchange(),
        ),
        case(
            alg.bearer,
            "bearer: an access token of the asymmetric key is accepted",
            after.clone(),
            api_me(&format!("Bearer {access_token}")),
        ),
        case(
            alg.confusion,
            "bearer: an HS256 token keyed with the public key, under its kid, is refused (algorithm confusion): 401 invalid_token",
            after,
            api_me(&format!("Bearer {confused}")),
        ),
    ]
}

/// The ring of all three asymmetric keys (ES256 signs) and `k1`.
fn all_keys() -> Fixture {
    base_with(|f| {
        f.keys = algs()
            .into_iter()
            .map(|alg| FixtureKey::Jwk { jwk: alg.jwk })
            .collect();
        f.keys.push(fixture_key("k1", KEY));
    })
}

fn mixed_ring() -> Vec<Case> {
    let (hs256_session, hs256_token) = client_credentials_session();
    let mut rotated = hs256_session;
    rotated.keys = all_keys().keys;
    let (after, answers) = session(
        &all_keys(),
        &[token(&format!("grant_type=client_credentials&{M2M}"))],
    );
    let es256_token = field(&answers[0], "access_token");
    let parts: Vec<&str> = es256_token.split('.').collect();
    let other_kid = URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256","typ":"at+jwt","kid":"eddsa-1"}"#);
    let wrong_alg = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"at+jwt","kid":"es256-1"}"#);
    vec![
        case(
            "bearer-old-hs256-key-verifies-beside-asymmetric",
            "several keys may verify: a token of the old HS256 key is accepted after an asymmetric key took over signing",
            rotated,
            api_me(&format!("Bearer {hs256_token}")),
        ),
        case(
            "bearer-kid-of-another-algorithm-401",
            "bearer: an ES256 token whose kid names the ring's EdDSA key is refused: 401 invalid_token",
            after.clone(),
            api_me(&format!("Bearer {other_kid}.{}.{}", parts[1], parts[2])),
        ),
        case(
            "bearer-alg-other-than-the-keys-401",
            "bearer: an alg other than its key's (RS256 under the ES256 key's kid) is refused: 401 invalid_token",
            after,
            api_me(&format!("Bearer {wrong_alg}.{}.{}", parts[1], parts[2])),
        ),
        case(
            "metadata-jwks-uri-with-a-public-key",
            "metadata: jwks_uri is advertised when the ring holds a public key",
            all_keys(),
            get("/.well-known/oauth-authorization-server", &[]),
        ),
        case(
            "metadata-jwk-set-public-keys-only",
            "jwks_uri: the JWK Set holds each public key (kty, kid, alg, use sig, public parameters) and never the HS256 secret; public and cacheable",
            all_keys(),
            get("/.well-known/jwks.json", &[]),
        ),
        case(
            "metadata-jwk-set-empty-under-hs256",
            "jwks_uri: under HS256 alone the JWK Set is empty (and the metadata names no jwks_uri)",
            base_fixture(),
            get("/.well-known/jwks.json", &[]),
        ),
    ]
}

pub fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = algs().iter().flat_map(per_algorithm).collect();
    cases.extend(mixed_ring());
    cases
}
