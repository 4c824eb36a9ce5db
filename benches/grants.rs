//! The three grants end to end against their floor.
//!
//! `grant/*` runs the whole token endpoint, from request bytes to the
//! `HttpResponse` with the effects applied, through `Exchange::parse` and
//! `drive` against a `MemoryStore`. Where an exchange consumes state (codes are single-use,
//! refresh tokens rotate) each iteration gets a fresh clone of a prepared
//! store, made and dropped outside the timing by `iter_batched`.
//!
//! `floor/*` is the bare work no implementation can skip, done with the same
//! crates directly and not through grant-engine: a `serde_urlencoded` decode
//! into a plain struct, one constant-time compare of the client secret
//! (`subtle`, a normal dependency of the crate and so usable here), the
//! HS256 JWT over the same claims (header and claims JSON with `serde_json`,
//! base64url with `base64`, HMAC-SHA256 with a pre-keyed `Hmac<Sha256>`
//! cloned per token), the PKCE S256 check for authorization_code, the
//! SHA-256 of the presented token for refresh_token, and the JSON response.
//! Goal: each `grant/*` at most 1.2x its `floor/*`.

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use grant_engine::{
    Call, Config, Entropy, Exchange, HttpResponse, MemoryStore, Outcome, RequestParts, drive,
};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use grant_engine_testkit::bench::{
    AC_BODY, ACCESS_TTL, AUDIENCE, CC_BODY, CLIENT_SECRET, ENTROPY, FAMILY, ISSUER, KEY, KID, NOW,
    RT_BODY, SCOPE, SUBJECT, VERIFIER, config, store,
};

// ---------------------------------------------------------------------------
// grant/*: the engine
// ---------------------------------------------------------------------------

/// The engine's configuration and a store holding one client, one unused
/// code (with an S256 challenge) and one active refresh token.
struct Fixture {
    config: Config,
    store: MemoryStore,
    /// The `fam` claim of the engine's authorization_code and
    /// refresh_token access tokens (derived from the code; stored).
    code_family: String,
    refresh_family: String,
    /// The access-token `jti` of the engine's first token, so that the floor
    /// signs claims of the same length.
    jti: String,
    /// A refresh token as the engine mints one (same length), for the
    /// floor's response bodies.
    minted_refresh: String,
}

fn fixture() -> Fixture {
    let config = config();
    let store = store();
    // One real run per grant, outside any timing: each must succeed, and
    // its tokens give the floor values of the same lengths.
    let ac = Issued::of(run(&config, &mut store.clone(), AC_BODY).response());
    let rt = Issued::of(run(&config, &mut store.clone(), RT_BODY).response());
    let _ = run(&config, &mut store.clone(), CC_BODY); // `run` asserts the 200
    assert_eq!(rt.claim("fam"), FAMILY);
    Fixture {
        config,
        store,
        code_family: ac.claim("fam"),
        refresh_family: rt.claim("fam"),
        jti: ac.claim("jti"),
        minted_refresh: ac.refresh_token,
    }
}

fn context() -> Call {
    Call::new(NOW, Entropy::from_bytes(ENTROPY))
}

/// One exchange, checked to succeed.
fn run(config: &Config, store: &mut MemoryStore, body: &[u8]) -> Outcome<Exchange> {
    let outcome = exchange(config, store, body, context());
    let response = outcome.response();
    assert_eq!(response.status, 200, "{}", response.body_str());
    outcome
}

/// What `grant/*` times: request bytes to outcome (response and effects,
/// applied to the store).
/// Never inlined, so that a profiler sees one call per iteration.
#[inline(never)]
fn exchange(
    config: &Config,
    store: &mut MemoryStore,
    body: &[u8],
    call: Call,
) -> Outcome<Exchange> {
    let request = Exchange::parse(&RequestParts::form_post(body), config);
    drive(store, config, call, request).expect("the memory store applies it")
}

fn json_str(response: &HttpResponse, field: &str) -> String {
    let body: serde_json::Value = serde_json::from_slice(&response.body).expect("json body");
    body.get(field)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_else(|| panic!("no {field} in {}", response.body_str()))
        .to_owned()
}

/// What a successful response issued: the access token's claims and the
/// refresh token (empty if none).
struct Issued {
    claims: serde_json::Value,
    refresh_token: String,
}

impl Issued {
    fn of(response: &HttpResponse) -> Issued {
        let token = json_str(response, "access_token");
        let payload = token.split('.').nth(1).expect("three parts");
        let claims = URL_SAFE_NO_PAD.decode(payload).expect("base64url");
        let body: serde_json::Value = serde_json::from_slice(&response.body).expect("json body");
        Issued {
            claims: serde_json::from_slice(&claims).expect("claims"),
            refresh_token: body
                .get("refresh_token")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        }
    }

    fn claim(&self, name: &str) -> String {
        self.claims
            .get(name)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_else(|| panic!("no {name} claim"))
            .to_owned()
    }
}

fn grant(c: &mut Criterion) {
    let fx = fixture();
    let mut group = c.benchmark_group("grant");

    // Nothing is consumed: one store serves every iteration. Every grant/*
    // and floor/* bench times up to its response, not the response's drop.
    let mut store = fx.store.clone();
    group.bench_function("client_credentials", |b| {
        b.iter_with_large_drop(|| exchange(&fx.config, &mut store, black_box(CC_BODY), context()))
    });

    // The code is single-use and the refresh token rotates: a fresh clone
    // per iteration. The store is handed back so that its drop is untimed.
    for (name, body) in [("authorization_code", AC_BODY), ("refresh_token", RT_BODY)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || (fx.store.clone(), context()),
                |(mut store, ctx)| {
                    let outcome = exchange(&fx.config, &mut store, black_box(body), ctx);
                    (store, outcome)
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

// ---------------------------------------------------------------------------
// floor/*: the same work with the same crates, no engine
// ---------------------------------------------------------------------------

type HmacSha256 = Hmac<Sha256>;

/// The request as a plain struct: no validation.
#[derive(Deserialize)]
#[allow(dead_code)] // Decoded like the engine's form; not every field is read.
struct BareForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    typ: &'a str,
    kid: &'a str,
}

/// The engine's claims, in its order.
#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: u64,
    iat: u64,
    jti: &'a str,
    client_id: &'a str,
    scope: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fam: Option<&'a str>,
}

#[derive(Serialize)]
struct Response<'a> {
    access_token: &'a str,
    token_type: &'a str,
    expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    scope: &'a str,
}

/// What the floor knows in advance: the pre-keyed MAC and the stored values.
struct Floor {
    mac: HmacSha256,
    secret: Vec<u8>,
    challenge: String,
    code_family: String,
    refresh_family: String,
    jti: String,
    minted_refresh: String,
}

impl Floor {
    fn new(fx: &Fixture) -> Floor {
        Floor {
            mac: HmacSha256::new_from_slice(&KEY).expect("key"),
            secret: CLIENT_SECRET.as_bytes().to_vec(),
            challenge: URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes())),
            code_family: fx.code_family.clone(),
            refresh_family: fx.refresh_family.clone(),
            jti: fx.jti.clone(),
            minted_refresh: fx.minted_refresh.clone(),
        }
    }

    /// Decode and the one constant-time compare of the secret.
    fn decode_and_authenticate(&self, body: &[u8]) -> Option<BareForm> {
        let form: BareForm = serde_urlencoded::from_bytes(body).ok()?;
        let presented = form.client_secret.as_deref()?.as_bytes();
        let ok: bool = presented.ct_eq(&self.secret).into();
        ok.then_some(form)
    }

    /// The HS256 JWT over the engine's claims.
    fn jwt(&self, sub: &str, client_id: &str, scope: &str, fam: Option<&str>) -> String {
        let header = serde_json::to_vec(&Header {
            alg: "HS256",
            typ: "at+jwt",
            kid: KID,
        })
        .expect("header json");
        let claims = serde_json::to_vec(&Claims {
            iss: ISSUER,
            sub,
            aud: AUDIENCE,
            exp: NOW + ACCESS_TTL,
            iat: NOW,
            jti: &self.jti,
            client_id,
            scope,
            fam,
        })
        .expect("claims json");
        let mut token = String::with_capacity(64 + claims.len() * 4 / 3 + 48);
        URL_SAFE_NO_PAD.encode_string(&header, &mut token);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&claims, &mut token);
        let signature: [u8; 32] = self
            .mac
            .clone()
            .chain_update(token.as_bytes())
            .finalize()
            .into_bytes()
            .into();
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        token
    }

    fn respond(&self, access_token: &str, refresh_token: Option<&str>, scope: &str) -> Vec<u8> {
        serde_json::to_vec(&Response {
            access_token,
            token_type: "Bearer",
            expires_in: ACCESS_TTL,
            refresh_token,
            scope,
        })
        .expect("response json")
    }

    #[inline(never)]
    fn client_credentials(&self, body: &[u8]) -> Option<Vec<u8>> {
        let form = self.decode_and_authenticate(body)?;
        let client_id = form.client_id.as_deref()?;
        let scope = form.scope.as_deref().unwrap_or(SCOPE);
        let token = self.jwt(client_id, client_id, scope, None);
        Some(self.respond(&token, None, scope))
    }

    #[inline(never)]
    fn authorization_code(&self, body: &[u8]) -> Option<Vec<u8>> {
        let form = self.decode_and_authenticate(body)?;
        let client_id = form.client_id.as_deref()?;
        let verifier = form.code_verifier.as_deref()?;
        let digest: [u8; 32] = Sha256::digest(verifier.as_bytes()).into();
        let mut expected = [0u8; 43];
        URL_SAFE_NO_PAD
            .encode_slice(digest, &mut expected)
            .expect("43 bytes");
        let ok: bool = expected.ct_eq(self.challenge.as_bytes()).into();
        if !ok {
            return None;
        }
        let token = self.jwt(SUBJECT, client_id, SCOPE, Some(&self.code_family));
        Some(self.respond(&token, Some(&self.minted_refresh), SCOPE))
    }

    #[inline(never)]
    fn refresh_token(&self, body: &[u8]) -> Option<Vec<u8>> {
        let form = self.decode_and_authenticate(body)?;
        let client_id = form.client_id.as_deref()?;
        let presented = form.refresh_token.as_deref()?;
        black_box(Sha256::digest(presented.as_bytes()));
        let token = self.jwt(SUBJECT, client_id, SCOPE, Some(&self.refresh_family));
        Some(self.respond(&token, Some(&self.minted_refresh), SCOPE))
    }
}

fn floor(c: &mut Criterion) {
    let fx = fixture();
    let floor = Floor::new(&fx);
    type Run = fn(&Floor, &[u8]) -> Option<Vec<u8>>;
    let runs: [(&str, Run, &[u8]); 3] = [
        ("client_credentials", Floor::client_credentials, CC_BODY),
        ("authorization_code", Floor::authorization_code, AC_BODY),
        ("refresh_token", Floor::refresh_token, RT_BODY),
    ];
    // The floor must do the work for real: every run succeeds, and its
    // response is as long as the engine's.
    for (name, run_floor, body) in runs {
        let bare = run_floor(&floor, body).unwrap_or_else(|| panic!("floor {name} fails"));
        let engine = run(&fx.config, &mut fx.store.clone(), body);
        assert_eq!(
            bare.len(),
            engine.response().body.len(),
            "{name}: floor {} vs engine {}",
            String::from_utf8_lossy(&bare),
            engine.response().body_str()
        );
    }
    let mut group = c.benchmark_group("floor");
    for (name, run_floor, body) in runs {
        group.bench_function(name, |b| {
            b.iter_with_large_drop(|| run_floor(&floor, black_box(body)))
        });
    }
    group.finish();
}

criterion_group!(benches, grant, floor);
criterion_main!(benches);
