//! The `engine` fuzz target: a whole authorization server (the reference
//! oracle, feature `oracle`) on an arbitrary small state and a short
//! sequence of arbitrary requests. Shared (through `#[path]`) by
//! `fuzz/fuzz_targets/engine.rs`, the main crate's `tests/fuzz_corpus.rs`
//! replay test and `tests/oracle_props.rs`.
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
//! The structured state is a handful of clients (public or confidential,
//! grant types, scopes, redirect URIs, `introspect_any`), codes (PKCE or
//! not, expired or not, redeemed or not), refresh tokens (active, rotated,
//! revoked, expired or not), revoked families and `jti`s, a clock, settings
//! and entropy, built into an `oracle::Fixture`. Requests come from a
//! grammar (endpoint templates and free-form ones) whose values are drawn
//! from a pool holding the state's real client ids, secrets, codes and
//! refresh tokens and the tokens and codes earlier responses returned, then
//! optionally mutated (body bytes, headers, the raw HTTP bytes).
//!
//! Every response is checked against an independent model of the state
//! (the fixture with each response's effects applied by [`apply_effects`],
//! written from the `Effect` documentation, not from `MemoryStore`):
//!
//! - the status is one of 200, 302, 400, 401, 403, 404, 405, 413; every JSON
//!   body parses; 401 has a challenge, 405 an `Allow`, 302 a `Location`;
//! - a 200 from `/oauth/token` only if [`token_grant`] (written from
//!   RFC-RULES) says the client authenticated and the grant checks passed,
//!   and the tokens are what it says (client, scope, subject, lifetime);
//! - a code from `/oauth/authorize`, a 200 from `/oauth/revoke`, an active
//!   introspection and a 200 from `/api/me` likewise;
//! - conversely, a token, revocation, introspection or `/api/me` request the
//!   rules accept with certainty is not refused, and presenting a redeemed
//!   code or a rotated-out refresh token again revokes what RFC-RULES says;
//! - the oracle's store equals the model after every request (every state
//!   change is reported as an effect), and no refresh token of a revoked
//!   family is active (effects never revive a revoked family);
//! - the same requests on a fresh oracle give byte-identical responses and
//!   the same effects.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use arbitrary::{Arbitrary, Unstructured};
use grant_engine::oracle::{
    Fixture, FixtureConsent, FixtureKey, FixtureSettings, Oracle, RawRequest, Vector,
    render_response,
};
use grant_engine::{
    ClientId, ClientRecord, CodeChallenge, CodeChallengeMethod, CodeRecord, CodeState, Effect,
    FamilyId, GrantType, PkceChallenge, RedirectUri, RefreshTokenRecord, RefreshTokenState, Scope,
    SecretHash, Subject, TokenHash, TokenId,
};

use crate::support;
use crate::support::{
    JwtExpectation, b64url, form_encode, is_pkce_string, is_vschars, parse_form, scope_set,
    sha256_b64url, single, values,
};

pub const BASE_NOW: u64 = 1_800_000_000;
pub const ISSUER: &str = "https://as.example";
pub const AUDIENCE: &str = "https://api.example";
const KEY1: [u8; 32] = [7; 32];
const KEY2: [u8; 32] = [9; 32];

/// Client ids: the state registers the first three, the fourth if asked;
/// `ghost` never.
pub const CLIENT_IDS: [&str; 5] = ["app", "spa", "m2m", "r s:%", "ghost"];
/// Secrets; the last is never registered.
pub const SECRETS: [&str; 4] = ["s3cret", "hunter2", "p%+ :q", "wrong"];
pub const SCOPES: [&str; 4] = ["read", "write", "admin", "openid"];
pub const REDIRECTS: [&str; 4] = [
    "https://app.example/cb",
    "https://app.example/cb?x=1",
    "com.example.app:/cb",
    "https://other.example/cb",
];
pub const CODES: [&str; 4] = ["code-a", "code-b", "code-c", "code-d"];
pub const REFRESH_TOKENS: [&str; 4] = ["rt-a", "rt-b", "rt-c", "rt-d"];
pub const FAMILIES: [&str; 3] = ["fam-1", "fam-2", "fam-3"];
pub const JTIS: [&str; 2] = ["jti-1", "jti-2"];
/// PKCE verifiers; the last one is malformed.
pub const VERIFIERS: [&str; 4] = [
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG-._~",
    "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
    "short",
];
const GRANT_TYPES: [&str; 6] = [
    "authorization_code",
    "refresh_token",
    "client_credentials",
    "password",
    "implicit",
    "AUTHORIZATION_CODE",
];
const RESPONSE_TYPES: [&str; 4] = ["code", "token", "code id_token", "CODE"];
const METHODS: [&str; 4] = ["S256", "plain", "s256", "none"];
const HINTS: [&str; 3] = ["access_token", "refresh_token", "bogus"];
const PARAM_NAMES: [&str; 14] = [
    "grant_type",
    "client_id",
    "client_secret",
    "code",
    "redirect_uri",
    "code_verifier",
    "refresh_token",
    "scope",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
    "token",
    "token_type_hint",
];
const ENDPOINTS: [&str; 8] = [
    "/oauth/token",
    "/oauth/authorize",
    "/oauth/revoke",
    "/oauth/introspect",
    "/.well-known/oauth-authorization-server",
    "/api/me",
    "/nope",
    "/oauth/token/",
];
const HTTP_METHODS: [&str; 6] = ["POST", "GET", "PUT", "post", "HEAD", "DELETE"];
const CONTENT_TYPES: [Option<&str>; 7] = [
    Some("application/x-www-form-urlencoded"),
    Some("application/x-www-form-urlencoded; charset=UTF-8"),
    Some("APPLICATION/X-WWW-FORM-URLENCODED"),
    Some("application/json"),
    None,
    Some("text/plain"),
    Some("application/x-www-form-urlencodedx"),
];
/// Seconds before `now` that records were issued or rotated.
const AGES: [u64; 8] = [0, 1, 59, 300, 599, 600, 601, 86_400];
const CODE_LIFETIMES: [u64; 5] = [600, 0, 1, 300, 3600];
const REFRESH_LIFETIMES: [u64; 5] = [30 * 86_400, 0, 1, 3600, 86_400];
/// Seconds the clock moves before a request.
const ADVANCES: [u64; 8] = [0, 1, 5, 30, 599, 601, 3600, 86_401];
const ACCESS_TTLS: [u64; 4] = [1, 60, 3600, 86_400];
const REFRESH_TTLS: [u64; 3] = [1, 3600, 86_400];
const CODE_TTLS: [u64; 4] = [1, 60, 600, 3600];
const GRACES: [u64; 4] = [0, 5, 60, 3600];
/// Statuses the engine may answer with.
const STATUSES: [u16; 8] = [200, 302, 400, 401, 403, 404, 405, 413];
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
/// Longest byte string a value or name takes from the input.
const MAX_BYTES: usize = 256;

fn pick<T: Copy>(options: &[T], i: u8) -> T {
    options[usize::from(i) % options.len()]
}

// ---------------------------------------------------------------------------
// The input grammar
// ---------------------------------------------------------------------------

/// A whole structured input.
#[derive(Debug, Arbitrary)]
pub struct EngineInput {
    pub state: StateSpec,
    pub first: RequestSpec,
    /// At most three more are used.
    pub more: Vec<RequestSpec>,
}

/// The state. Masks over pools are "denied" bits, so zeros allow everything.
#[derive(Debug, Arbitrary)]
pub struct StateSpec {
    pub clients: [ClientSpec; 3],
    pub fourth_client: Option<ClientSpec>,
    /// At most four are used, as `code-a`..`code-d`.
    pub codes: Vec<CodeSpec>,
    /// At most four are used, as `rt-a`..`rt-d`.
    pub refresh_tokens: Vec<RefreshSpec>,
    pub revoked_families: u8,
    pub revoked_jtis: u8,
    /// `now` is `BASE_NOW` plus this.
    pub clock: u16,
    pub settings: SettingsSpec,
    pub consent: ConsentSpec,
    pub second_key: bool,
    /// The scope `/api/me` requires, bits 0-2 over SCOPES.
    pub api_scope: u8,
    pub entropy: [u8; 32],
}

#[derive(Debug, Arbitrary)]
pub struct ClientSpec {
    pub public: bool,
    pub secret: u8,
    /// Bits 0-2: authorization_code, refresh_token, client_credentials.
    pub denied_grants: u8,
    /// Bits 0-2: read, write, admin.
    pub denied_scopes: u8,
    /// Bits 0-3 over REDIRECTS, with bit 0 flipped (zero: the first only).
    pub redirects: u8,
    pub introspect_any: bool,
}

#[derive(Debug, Arbitrary)]
pub struct CodeSpec {
    /// Index into the registered clients; past them, `ghost`.
    pub client: u8,
    /// 0-3: that redirect URI was given at authorize; 4, 5: none was.
    pub redirect: u8,
    pub denied_scopes: u8,
    pub pkce: PkceSpec,
    pub age: u8,
    pub lifetime: u8,
    pub state: CodeStateSpec,
}

#[derive(Debug, Arbitrary)]
pub enum PkceSpec {
    None,
    S256(u8),
    Plain(u8),
}

#[derive(Debug, Arbitrary)]
pub enum CodeStateSpec {
    Unused,
    Redeemed,
    RedeemedWithTokens,
}

#[derive(Debug, Arbitrary)]
pub struct RefreshSpec {
    pub client: u8,
    pub denied_scopes: u8,
    pub family: u8,
    pub age: u8,
    pub lifetime: u8,
    pub state: RefreshStateSpec,
}

#[derive(Debug, Arbitrary)]
pub enum RefreshStateSpec {
    Active,
    /// Rotated `AGES[ago]` seconds ago, to `REFRESH_TOKENS[successor]` (or
    /// an unknown token past them).
    Rotated {
        ago: u8,
        successor: u8,
    },
    Revoked,
}

#[derive(Debug, Arbitrary)]
pub struct SettingsSpec {
    pub access_ttl: Option<u8>,
    pub refresh_ttl: Option<u8>,
    pub code_ttl: Option<u8>,
    pub grace: Option<u8>,
    pub pkce_for_all: bool,
    pub allow_plain: bool,
}

#[derive(Debug, Arbitrary)]
pub struct ConsentSpec {
    pub deny: bool,
    /// A granted scope over SCOPES (bits 0-3 denied); none: as requested.
    pub denied_scopes: Option<u8>,
}

/// One request: what to send, how long after the previous one, and an
/// optional raw mutation.
#[derive(Debug, Arbitrary)]
pub struct RequestSpec {
    pub kind: RequestKind,
    pub advance: u8,
    pub mutation: Option<Mutation>,
}

/// `client` fields index CLIENT_IDS.
#[derive(Debug, Arbitrary)]
pub enum RequestKind {
    AuthorizationCode {
        client: u8,
        auth: Auth,
        code: Value,
        redirect_uri: Option<Value>,
        verifier: Option<Value>,
    },
    RefreshToken {
        client: u8,
        auth: Auth,
        token: Value,
        scope: Option<Value>,
    },
    ClientCredentials {
        client: u8,
        auth: Auth,
        scope: Option<Value>,
    },
    /// `response_type` defaults to `code`.
    Authorize {
        client: Option<u8>,
        redirect_uri: Option<Value>,
        response_type: Option<Value>,
        scope: Option<Value>,
        state: Option<Value>,
        challenge: Option<Value>,
        method: Option<Value>,
    },
    Revoke {
        client: u8,
        auth: Auth,
        token: Option<Value>,
        hint: Option<Value>,
    },
    Introspect {
        client: u8,
        auth: Auth,
        token: Option<Value>,
        hint: Option<Value>,
    },
    ApiMe {
        token: Value,
        lowercase: bool,
    },
    Metadata,
    /// Parameters go to the query for GET, to the body otherwise.
    Free {
        endpoint: u8,
        method: u8,
        content_type: u8,
        authorization: Option<Value>,
        params: Vec<(Name, Value)>,
    },
}

/// How the client authenticates.
#[derive(Debug, Arbitrary)]
pub enum Auth {
    Post(Secret),
    Basic(Secret),
    /// `client_id` alone.
    None,
    BasicAndBodyId(Secret, u8),
    BasicAndBodySecret(Secret),
    /// This value as the Authorization header, and `client_id` in the body.
    Header(Value),
}

#[derive(Debug, Arbitrary)]
pub enum Secret {
    /// The client's registered secret.
    Own,
    Pool(u8),
    Value(Value),
}

/// A parameter value.
#[derive(Debug, Arbitrary)]
pub enum Value {
    ClientId(u8),
    Secret(u8),
    Code(u8),
    RefreshToken(u8),
    /// A token or code an earlier response returned.
    Earlier(u8),
    Verifier(u8),
    /// 0-3: the S256 challenge of that verifier; 4-7: the verifier (plain).
    Challenge(u8),
    RedirectUri(u8),
    /// Bits 0-3 over SCOPES; bit 4 joins them with two spaces.
    Scope(u8),
    GrantType(u8),
    ResponseType(u8),
    Method(u8),
    Hint(u8),
    /// Sent exactly as given (not encoded).
    Bytes(Vec<u8>),
    Empty,
}

#[derive(Debug, Arbitrary)]
pub enum Name {
    Known(u8),
    Bytes(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
pub enum Mutation {
    BodyFlip {
        at: u16,
        xor: u8,
    },
    BodyTruncate {
        at: u16,
    },
    BodyInsert {
        at: u16,
        bytes: Vec<u8>,
    },
    /// Repeat the first parameter of the body (or of the query).
    DuplicateParam,
    DuplicateHeader(u8),
    DropHeader(u8),
    TargetSuffix(Vec<u8>),
    /// Flip a byte of the raw HTTP request and parse it again.
    Wire {
        at: u16,
        xor: u8,
    },
}

// ---------------------------------------------------------------------------
// Building the fixture
// ---------------------------------------------------------------------------

/// The scope made of SCOPES[i] for each bit i of `mask` (`bits` wide).
fn scope_of(mask: u8, bits: usize) -> Scope {
    Scope::from_tokens(
        SCOPES
            .iter()
            .take(bits)
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| *s),
    )
    .expect("pool scopes are valid")
}

/// A fixture built from a [`StateSpec`], and the plaintext secrets.
pub struct Built {
    pub fixture: Fixture,
    /// The secret of each confidential client.
    pub secrets: BTreeMap<String, String>,
}

pub fn build_fixture(spec: &StateSpec) -> Built {
    let now = BASE_NOW + u64::from(spec.clock);
    let mut keys = vec![FixtureKey {
        kid: "k1".into(),
        secret: b64url(&KEY1),
    }];
    if spec.second_key {
        keys.push(FixtureKey {
            kid: "k2".into(),
            secret: b64url(&KEY2),
        });
    }
    let s = &spec.settings;
    let settings = FixtureSettings {
        access_token_ttl: s.access_ttl.map(|i| pick(&ACCESS_TTLS, i)),
        refresh_token_ttl: s.refresh_ttl.map(|i| pick(&REFRESH_TTLS, i)),
        code_ttl: s.code_ttl.map(|i| pick(&CODE_TTLS, i)),
        refresh_grace_period: s.grace.map(|i| pick(&GRACES, i)),
        pkce_for_all_clients: s.pkce_for_all,
        allow_plain_pkce: s.allow_plain,
        realm: None,
    };

    let mut secrets = BTreeMap::new();
    let mut clients = Vec::new();
    for (i, c) in spec
        .clients
        .iter()
        .chain(spec.fourth_client.as_ref())
        .enumerate()
    {
        let id = CLIENT_IDS[i];
        let secret = pick(&SECRETS[..3], c.secret);
        if !c.public {
            secrets.insert(id.to_owned(), secret.to_owned());
        }
        let grant_types = [
            GrantType::AuthorizationCode,
            GrantType::RefreshToken,
            GrantType::ClientCredentials,
        ]
        .into_iter()
        .enumerate()
        .filter(|(bit, _)| c.denied_grants & (1 << bit) == 0)
        .map(|(_, g)| g)
        .collect();
        let redirect_mask = (c.redirects ^ 1) & 0xf;
        clients.push(ClientRecord {
            client_id: ClientId::new(id).expect("a valid id"),
            secret_hash: (!c.public).then(|| SecretHash::of(secret)),
            grant_types,
            scope: scope_of(!c.denied_scopes, 3),
            redirect_uris: REDIRECTS
                .iter()
                .enumerate()
                .filter(|(bit, _)| redirect_mask & (1 << bit) != 0)
                .map(|(_, u)| RedirectUri::new(*u).expect("a valid URI"))
                .collect(),
            introspect_any: c.introspect_any,
        });
    }
    let client_of = |i: u8| {
        let i = usize::from(i) % (clients.len() + 1);
        let id = if i == clients.len() {
            "ghost"
        } else {
            CLIENT_IDS[i]
        };
        ClientId::new(id).expect("a valid id")
    };
    let alice = Subject::new("alice").expect("a subject");

    let codes = spec
        .codes
        .iter()
        .take(CODES.len())
        .enumerate()
        .map(|(i, c)| {
            let issued_at = now - pick(&AGES, c.age);
            let pkce = match c.pkce {
                PkceSpec::None => None,
                PkceSpec::S256(v) => Some(PkceChallenge {
                    challenge: CodeChallenge::new(sha256_b64url(
                        pick(&VERIFIERS[..3], v).as_bytes(),
                    ))
                    .expect("a valid challenge"),
                    method: CodeChallengeMethod::S256,
                }),
                PkceSpec::Plain(v) => Some(PkceChallenge {
                    challenge: CodeChallenge::new(pick(&VERIFIERS[..3], v))
                        .expect("a valid challenge"),
                    method: CodeChallengeMethod::Plain,
                }),
            };
            CodeRecord {
                code_hash: TokenHash::of(CODES[i]),
                client_id: client_of(c.client),
                redirect_uri: REDIRECTS
                    .get(usize::from(c.redirect % 6))
                    .map(|u| RedirectUri::new(*u).expect("a valid URI")),
                scope: scope_of(!c.denied_scopes, 3),
                subject: alice.clone(),
                pkce,
                issued_at,
                expires_at: issued_at + pick(&CODE_LIFETIMES, c.lifetime),
                state: match c.state {
                    CodeStateSpec::Unused => CodeState::Unused,
                    CodeStateSpec::Redeemed => CodeState::Redeemed {
                        access_token_ids: Vec::new(),
                    },
                    CodeStateSpec::RedeemedWithTokens => CodeState::Redeemed {
                        access_token_ids: vec![TokenId::new(JTIS[0]).expect("a jti")],
                    },
                },
            }
        })
        .collect();

    let refresh_tokens = spec
        .refresh_tokens
        .iter()
        .take(REFRESH_TOKENS.len())
        .enumerate()
        .map(|(i, r)| {
            let issued_at = now - pick(&AGES, r.age);
            RefreshTokenRecord {
                token_hash: TokenHash::of(REFRESH_TOKENS[i]),
                client_id: client_of(r.client),
                subject: alice.clone(),
                scope: scope_of(!r.denied_scopes, 3),
                family: FamilyId::new(pick(&FAMILIES, r.family)).expect("a family"),
                issued_at,
                expires_at: issued_at + pick(&REFRESH_LIFETIMES, r.lifetime),
                state: match r.state {
                    RefreshStateSpec::Active => RefreshTokenState::Active,
                    RefreshStateSpec::Rotated { ago, successor } => RefreshTokenState::Rotated {
                        at: now - pick(&AGES, ago),
                        successor: TokenHash::of(
                            REFRESH_TOKENS
                                .get(usize::from(successor % 5))
                                .copied()
                                .unwrap_or("unknown-successor"),
                        ),
                        nonce: "nonce".into(),
                    },
                    RefreshStateSpec::Revoked => RefreshTokenState::Revoked,
                },
            }
        })
        .collect();

    let fixture = Fixture {
        issuer: ISSUER.into(),
        audience: AUDIENCE.into(),
        keys,
        settings,
        now,
        entropy: b64url(&spec.entropy),
        clients,
        codes,
        refresh_tokens,
        revoked_families: FAMILIES
            .iter()
            .enumerate()
            .filter(|(bit, _)| spec.revoked_families & (1 << bit) != 0)
            .map(|(_, f)| FamilyId::new(*f).expect("a family"))
            .collect(),
        revoked_access_tokens: JTIS
            .iter()
            .enumerate()
            .filter(|(bit, _)| spec.revoked_jtis & (1 << bit) != 0)
            .map(|(_, j)| TokenId::new(*j).expect("a jti"))
            .collect(),
        consent: FixtureConsent {
            approve: !spec.consent.deny,
            subject: alice,
            scope: spec.consent.denied_scopes.map(|d| scope_of(!d, 4)),
        },
        scopes_supported: Scope::parse("read write admin").expect("a scope"),
        api_scope: scope_of(spec.api_scope, 3),
    };
    Built { fixture, secrets }
}

// ---------------------------------------------------------------------------
// Building requests
// ---------------------------------------------------------------------------

/// Renders values against the state and the earlier responses.
pub struct RequestBuilder<'a> {
    pub secrets: &'a BTreeMap<String, String>,
    pub earlier: &'a [String],
}

impl RequestBuilder<'_> {
    /// The value as it goes on the wire in a form (encoded, unless it is
    /// raw bytes).
    fn wire(&self, value: &Value) -> Vec<u8> {
        match value {
            Value::Bytes(bytes) => bytes.iter().take(MAX_BYTES).copied().collect(),
            other => form_encode(self.text(other).as_bytes()).into_bytes(),
        }
    }

    /// The value before encoding (raw bytes read as lossy UTF-8).
    fn text(&self, value: &Value) -> String {
        match value {
            Value::ClientId(i) => pick(&CLIENT_IDS, *i).into(),
            Value::Secret(i) => pick(&SECRETS, *i).into(),
            Value::Code(i) => pick(&CODES, *i).into(),
            Value::RefreshToken(i) => pick(&REFRESH_TOKENS, *i).into(),
            Value::Earlier(i) => match self.earlier {
                [] => "nothing-earlier".into(),
                earlier => earlier[usize::from(*i) % earlier.len()].clone(),
            },
            Value::Verifier(i) => pick(&VERIFIERS, *i).into(),
            Value::Challenge(i) => {
                let verifier = VERIFIERS[usize::from(*i % 8) % 4];
                if i % 8 < 4 {
                    sha256_b64url(verifier.as_bytes())
                } else {
                    verifier.into()
                }
            }
            Value::RedirectUri(i) => pick(&REDIRECTS, *i).into(),
            Value::Scope(mask) => {
                let tokens: Vec<&str> = SCOPES
                    .iter()
                    .enumerate()
                    .filter(|(bit, _)| mask & (1 << bit) != 0)
                    .map(|(_, s)| *s)
                    .collect();
                tokens.join(if mask & 0x10 != 0 { "  " } else { " " })
            }
            Value::GrantType(i) => pick(&GRANT_TYPES, *i).into(),
            Value::ResponseType(i) => pick(&RESPONSE_TYPES, *i).into(),
            Value::Method(i) => pick(&METHODS, *i).into(),
            Value::Hint(i) => pick(&HINTS, *i).into(),
            Value::Bytes(bytes) => {
                String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_BYTES)]).into_owned()
            }
            Value::Empty => String::new(),
        }
    }

    fn secret(&self, client: &str, secret: &Secret) -> Vec<u8> {
        match secret {
            Secret::Own => form_encode(
                self.secrets
                    .get(client)
                    .map_or("s3cret", String::as_str)
                    .as_bytes(),
            )
            .into_bytes(),
            Secret::Pool(i) => form_encode(pick(&SECRETS, *i).as_bytes()).into_bytes(),
            Secret::Value(value) => self.wire(value),
        }
    }

    /// Adds the client authentication to `pairs` and `headers`.
    fn auth(
        &self,
        client: u8,
        auth: &Auth,
        pairs: &mut Vec<(Vec<u8>, Vec<u8>)>,
        headers: &mut Vec<(String, String)>,
    ) {
        let id = pick(&CLIENT_IDS, client);
        let id_wire = form_encode(id.as_bytes()).into_bytes();
        let basic = |secret: &[u8]| {
            let joined = [&id_wire[..], b":", secret].concat();
            format!("Basic {}", support::b64(&joined))
        };
        match auth {
            Auth::Post(secret) => {
                pairs.push((b"client_id".to_vec(), id_wire.clone()));
                pairs.push((b"client_secret".to_vec(), self.secret(id, secret)));
            }
            Auth::Basic(secret) => {
                headers.push(("Authorization".into(), basic(&self.secret(id, secret))));
            }
            Auth::None => pairs.push((b"client_id".to_vec(), id_wire.clone())),
            Auth::BasicAndBodyId(secret, other) => {
                headers.push(("Authorization".into(), basic(&self.secret(id, secret))));
                let other = form_encode(pick(&CLIENT_IDS, *other).as_bytes()).into_bytes();
                pairs.push((b"client_id".to_vec(), other));
            }
            Auth::BasicAndBodySecret(secret) => {
                let secret = self.secret(id, secret);
                headers.push(("Authorization".into(), basic(&secret)));
                pairs.push((b"client_secret".to_vec(), secret));
            }
            Auth::Header(value) => {
                headers.push(("Authorization".into(), header_text(&self.text(value))));
                pairs.push((b"client_id".to_vec(), id_wire.clone()));
            }
        }
    }

    fn optional(&self, pairs: &mut Vec<(Vec<u8>, Vec<u8>)>, name: &str, value: &Option<Value>) {
        if let Some(value) = value {
            pairs.push((name.as_bytes().to_vec(), self.wire(value)));
        }
    }

    /// The raw request a spec describes.
    pub fn build(&self, kind: &RequestKind) -> RawRequest {
        let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let mut headers: Vec<(String, String)> = Vec::new();
        let form_post =
            |path: &str, pairs: Vec<(Vec<u8>, Vec<u8>)>, mut headers: Vec<(String, String)>| {
                let mut all = vec![("Content-Type".to_owned(), support::FORM.to_owned())];
                all.append(&mut headers);
                RawRequest {
                    method: "POST".into(),
                    target: path.into(),
                    headers: all,
                    body: join(&pairs),
                }
            };
        match kind {
            RequestKind::AuthorizationCode {
                client,
                auth,
                code,
                redirect_uri,
                verifier,
            } => {
                pairs.push((b"grant_type".to_vec(), b"authorization_code".to_vec()));
                self.auth(*client, auth, &mut pairs, &mut headers);
                pairs.push((b"code".to_vec(), self.wire(code)));
                self.optional(&mut pairs, "redirect_uri", redirect_uri);
                self.optional(&mut pairs, "code_verifier", verifier);
                form_post("/oauth/token", pairs, headers)
            }
            RequestKind::RefreshToken {
                client,
                auth,
                token,
                scope,
            } => {
                pairs.push((b"grant_type".to_vec(), b"refresh_token".to_vec()));
                self.auth(*client, auth, &mut pairs, &mut headers);
                pairs.push((b"refresh_token".to_vec(), self.wire(token)));
                self.optional(&mut pairs, "scope", scope);
                form_post("/oauth/token", pairs, headers)
            }
            RequestKind::ClientCredentials {
                client,
                auth,
                scope,
            } => {
                pairs.push((b"grant_type".to_vec(), b"client_credentials".to_vec()));
                self.auth(*client, auth, &mut pairs, &mut headers);
                self.optional(&mut pairs, "scope", scope);
                form_post("/oauth/token", pairs, headers)
            }
            RequestKind::Authorize {
                client,
                redirect_uri,
                response_type,
                scope,
                state,
                challenge,
                method,
            } => {
                match response_type {
                    None => pairs.push((b"response_type".to_vec(), b"code".to_vec())),
                    Some(value) => pairs.push((b"response_type".to_vec(), self.wire(value))),
                }
                if let Some(client) = client {
                    let id = form_encode(pick(&CLIENT_IDS, *client).as_bytes());
                    pairs.push((b"client_id".to_vec(), id.into_bytes()));
                }
                self.optional(&mut pairs, "redirect_uri", redirect_uri);
                self.optional(&mut pairs, "scope", scope);
                self.optional(&mut pairs, "state", state);
                self.optional(&mut pairs, "code_challenge", challenge);
                self.optional(&mut pairs, "code_challenge_method", method);
                get(&format!(
                    "/oauth/authorize?{}",
                    String::from_utf8_lossy(&join(&pairs))
                ))
            }
            RequestKind::Revoke {
                client,
                auth,
                token,
                hint,
            }
            | RequestKind::Introspect {
                client,
                auth,
                token,
                hint,
            } => {
                self.auth(*client, auth, &mut pairs, &mut headers);
                self.optional(&mut pairs, "token", token);
                self.optional(&mut pairs, "token_type_hint", hint);
                let path = if matches!(kind, RequestKind::Revoke { .. }) {
                    "/oauth/revoke"
                } else {
                    "/oauth/introspect"
                };
                form_post(path, pairs, headers)
            }
            RequestKind::ApiMe { token, lowercase } => {
                let scheme = if *lowercase { "bearer" } else { "Bearer" };
                let mut request = get("/api/me");
                request.headers.push((
                    "Authorization".into(),
                    header_text(&format!("{scheme} {}", self.text(token))),
                ));
                request
            }
            RequestKind::Metadata => get("/.well-known/oauth-authorization-server"),
            RequestKind::Free {
                endpoint,
                method,
                content_type,
                authorization,
                params,
            } => {
                for (name, value) in params.iter().take(16) {
                    let name = match name {
                        Name::Known(i) => pick(&PARAM_NAMES, *i).as_bytes().to_vec(),
                        Name::Bytes(bytes) => bytes.iter().take(MAX_BYTES).copied().collect(),
                    };
                    pairs.push((name, self.wire(value)));
                }
                let method = pick(&HTTP_METHODS, *method);
                let mut target = pick(&ENDPOINTS, *endpoint).to_owned();
                let mut body = Vec::new();
                if method == "GET" {
                    if !pairs.is_empty() {
                        target.push('?');
                        target.push_str(&String::from_utf8_lossy(&join(&pairs)));
                    }
                } else {
                    body = join(&pairs);
                }
                if let Some(content_type) = pick(&CONTENT_TYPES, *content_type) {
                    headers.push(("Content-Type".into(), content_type.into()));
                }
                if let Some(value) = authorization {
                    headers.push(("Authorization".into(), header_text(&self.text(value))));
                }
                RawRequest {
                    method: method.into(),
                    target,
                    headers,
                    body,
                }
            }
        }
    }
}

/// A header value as a parsed HTTP request could carry it: no CR, LF or
/// NUL, no surrounding whitespace.
fn header_text(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n' | '\0'))
        .collect::<String>()
        .trim_matches([' ', '\t'])
        .to_owned()
}

fn join(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(name);
        out.push(b'=');
        out.extend_from_slice(value);
    }
    out
}

fn get(target: &str) -> RawRequest {
    RawRequest {
        method: "GET".into(),
        target: target.into(),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// Applies a raw mutation.
pub fn mutate(request: &mut RawRequest, mutation: &Mutation) {
    match mutation {
        Mutation::BodyFlip { at, xor } => {
            if !request.body.is_empty() {
                let i = usize::from(*at) % request.body.len();
                request.body[i] ^= (*xor).max(1);
            }
        }
        Mutation::BodyTruncate { at } => {
            let len = usize::from(*at) % (request.body.len() + 1);
            request.body.truncate(len);
        }
        Mutation::BodyInsert { at, bytes } => {
            let i = usize::from(*at) % (request.body.len() + 1);
            let bytes = &bytes[..bytes.len().min(64)];
            request.body.splice(i..i, bytes.iter().copied());
        }
        Mutation::DuplicateParam => {
            if let Some(first) = request
                .body
                .split(|b| *b == b'&')
                .next()
                .map(<[u8]>::to_vec)
                && !first.is_empty()
            {
                request.body.push(b'&');
                request.body.extend_from_slice(&first);
            } else if let Some((_, query)) = request.target.clone().split_once('?')
                && let Some(first) = query.split('&').next()
            {
                request.target.push('&');
                request.target.push_str(first);
            }
        }
        Mutation::DuplicateHeader(i) => {
            if !request.headers.is_empty() {
                let header = request.headers[usize::from(*i) % request.headers.len()].clone();
                request.headers.push(header);
            }
        }
        Mutation::DropHeader(i) => {
            if !request.headers.is_empty() {
                let i = usize::from(*i) % request.headers.len();
                request.headers.remove(i);
            }
        }
        Mutation::TargetSuffix(bytes) => {
            let bytes = &bytes[..bytes.len().min(64)];
            request.target.push_str(&String::from_utf8_lossy(bytes));
        }
        Mutation::Wire { at, xor } => {
            let mut bytes = request.to_bytes();
            let i = usize::from(*at) % bytes.len();
            bytes[i] ^= (*xor).max(1);
            if let Ok(parsed) = RawRequest::parse(&bytes) {
                *request = parsed;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The model: a fixture that effects are applied to
// ---------------------------------------------------------------------------

/// The state a fixture describes once loaded: one client per id, one code
/// and one refresh token per digest (the last given wins), and every refresh
/// token of a revoked family revoked.
pub fn normalize(fixture: &Fixture) -> Fixture {
    fn last_wins<T: Clone, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<T> {
        let mut seen = BTreeSet::new();
        let mut out: Vec<T> = items
            .iter()
            .rev()
            .filter(|item| seen.insert(key(item)))
            .cloned()
            .collect();
        out.reverse();
        out
    }
    let mut model = fixture.clone();
    model.clients = last_wins(&fixture.clients, |c| c.client_id.clone());
    model.codes = last_wins(&fixture.codes, |c| c.code_hash);
    model.refresh_tokens = last_wins(&fixture.refresh_tokens, |r| r.token_hash);
    model.revoked_families = last_wins(&fixture.revoked_families, Clone::clone);
    model.revoked_access_tokens = last_wins(&fixture.revoked_access_tokens, Clone::clone);
    for record in &mut model.refresh_tokens {
        if model.revoked_families.contains(&record.family) {
            record.state = RefreshTokenState::Revoked;
        }
    }
    model
}

/// Applies effects to a fixture, as `Effect`'s documentation says a host
/// must (written from that documentation, independently of `MemoryStore`).
pub fn apply_effects(fixture: &mut Fixture, effects: &[Effect]) {
    for effect in effects {
        match effect {
            Effect::StoreCode(record) => {
                match fixture
                    .codes
                    .iter_mut()
                    .find(|c| c.code_hash == record.code_hash)
                {
                    Some(existing) => *existing = record.clone(),
                    None => fixture.codes.push(record.clone()),
                }
            }
            Effect::RedeemCode {
                code_hash,
                access_token_ids,
            } => {
                if let Some(code) = fixture.codes.iter_mut().find(|c| &c.code_hash == code_hash) {
                    let mut ids = match &code.state {
                        CodeState::Redeemed { access_token_ids } => access_token_ids.clone(),
                        _ => Vec::new(),
                    };
                    ids.extend(access_token_ids.iter().cloned());
                    code.state = CodeState::Redeemed {
                        access_token_ids: ids,
                    };
                }
            }
            Effect::StoreRefreshToken(record) => {
                let mut record = record.clone();
                // "A revoked family stays revoked."
                if fixture.revoked_families.contains(&record.family) {
                    record.state = RefreshTokenState::Revoked;
                }
                match fixture
                    .refresh_tokens
                    .iter_mut()
                    .find(|r| r.token_hash == record.token_hash)
                {
                    Some(existing) => *existing = record,
                    None => fixture.refresh_tokens.push(record),
                }
            }
            Effect::RotateRefreshToken {
                token_hash,
                at,
                successor,
                nonce,
            } => {
                if let Some(record) = fixture
                    .refresh_tokens
                    .iter_mut()
                    .find(|r| &r.token_hash == token_hash)
                    && record.state == RefreshTokenState::Active
                {
                    record.state = RefreshTokenState::Rotated {
                        at: *at,
                        successor: *successor,
                        nonce: nonce.clone(),
                    };
                }
            }
            Effect::RevokeFamily { family } => {
                if !fixture.revoked_families.contains(family) {
                    fixture.revoked_families.push(family.clone());
                }
                for record in &mut fixture.refresh_tokens {
                    if &record.family == family {
                        record.state = RefreshTokenState::Revoked;
                    }
                }
            }
            Effect::RevokeAccessTokens { token_ids } => {
                for id in token_ids {
                    if !fixture.revoked_access_tokens.contains(id) {
                        fixture.revoked_access_tokens.push(id.clone());
                    }
                }
            }
            other => panic!("an effect this model does not know: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------
// Independent predicates (from RFC-RULES)
// ---------------------------------------------------------------------------

fn header_values<'r>(request: &'r RawRequest, name: &str) -> Vec<&'r str> {
    request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

fn path_and_query(request: &RawRequest) -> (&str, &str) {
    request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""))
}

fn set_of(scope: &Scope) -> BTreeSet<String> {
    scope.iter().map(str::to_owned).collect()
}

fn hash_matches(hash: &TokenHash, plaintext: &str) -> bool {
    hash.to_string() == sha256_b64url(plaintext.as_bytes())
}

/// The ring's keys, decoded.
fn ring(model: &Fixture) -> Vec<(String, Vec<u8>)> {
    model
        .keys
        .iter()
        .filter_map(|k| {
            use base64::Engine as _;
            let secret = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&k.secret)
                .ok()?;
            Some((k.kid.clone(), secret))
        })
        .collect()
}

fn verify_access(
    model: &Fixture,
    token: &str,
    now: u64,
) -> Result<serde_json::Map<String, serde_json::Value>, &'static str> {
    let keys = ring(model);
    let keys: Vec<support::JwtKey<'_>> = keys
        .iter()
        .map(|(k, s)| (k.as_str(), s.as_slice()))
        .collect();
    support::verify_jwt(
        token,
        &JwtExpectation {
            keys: &keys,
            issuer: &model.issuer,
            audience: &model.audience,
            now,
            leeway: 0,
        },
    )
}

/// Whether an access token's `jti` or family was revoked in the model.
fn access_revoked(model: &Fixture, claims: &serde_json::Map<String, serde_json::Value>) -> bool {
    let jti = claims["jti"].as_str().unwrap_or_default();
    let family = claims.get("fam").and_then(|f| f.as_str());
    model
        .revoked_access_tokens
        .iter()
        .any(|t| t.as_str() == jti)
        || family.is_some_and(|f| model.revoked_families.iter().any(|r| r.as_str() == f))
}

/// RFC-RULES "request hygiene" for the form-POST endpoints: POST, one form
/// Content-Type, a body within the limits that decodes, no parameter of
/// `params` sent twice. Returns the decoded pairs.
fn form_post(request: &RawRequest, params: &[&str]) -> Result<Vec<(String, String)>, String> {
    if request.method != "POST" {
        return Err(format!("method {:?}", request.method));
    }
    let content_types = header_values(request, "content-type");
    let [content_type] = content_types.as_slice() else {
        return Err(format!("{} Content-Type headers", content_types.len()));
    };
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim_matches(|c: char| c.is_ascii_whitespace());
    if !media_type.eq_ignore_ascii_case(support::FORM) {
        return Err(format!("Content-Type {content_type:?}"));
    }
    if request.body.len() > 16 * 1024 || support::pair_count(&request.body) > 32 {
        return Err("the body is over the limits".into());
    }
    let pairs = parse_form(&request.body).ok_or("the body does not decode")?;
    for name in params {
        if values(&pairs, name).len() > 1 {
            return Err(format!("{name} repeated"));
        }
    }
    Ok(pairs)
}

/// RFC-RULES client authentication: Basic (and no body secret, and a body
/// `client_id` only if it matches) or the body; the client exists; a
/// confidential client sent its secret, a public one none.
fn authenticate<'m>(
    model: &'m Fixture,
    request: &RawRequest,
    pairs: &[(String, String)],
) -> Result<&'m ClientRecord, String> {
    authenticate_certainly(model, request, pairs).map(|(client, _)| client)
}

/// [`authenticate`], and whether the credentials are in their canonical
/// form (canonical base64 within the 4 KiB limit), so that refusing them
/// would be wrong: the decoder here is more lenient than it needs to be.
fn authenticate_certainly<'m>(
    model: &'m Fixture,
    request: &RawRequest,
    pairs: &[(String, String)],
) -> Result<(&'m ClientRecord, bool), String> {
    let mut certain = true;
    let authorizations = header_values(request, "authorization");
    if authorizations.len() > 1 {
        return Err("Authorization repeated".into());
    }
    let body_id = single(pairs, "client_id");
    let body_secret = single(pairs, "client_secret");
    let (id, secret) = match authorizations.first() {
        Some(header) => {
            if body_secret.is_some() {
                return Err("Basic and client_secret".into());
            }
            let (id, secret) =
                support::decode_basic(header.as_bytes()).ok_or("not valid Basic credentials")?;
            certain &= support::basic_is_canonical(header.as_bytes());
            if body_id.is_some_and(|b| b != id) {
                return Err("the body client_id differs from Basic".into());
            }
            (id, Some(secret))
        }
        None => (
            body_id.ok_or("no client_id")?.to_owned(),
            body_secret.map(str::to_owned),
        ),
    };
    if !is_vschars(&id) || secret.as_deref().is_some_and(|s| !is_vschars(s)) {
        return Err("credentials are not VSCHAR".into());
    }
    let client = model
        .clients
        .iter()
        .find(|c| c.client_id.as_str() == id)
        .ok_or_else(|| format!("unknown client {id:?}"))?;
    match (&client.secret_hash, secret) {
        (Some(hash), Some(secret)) if hash.to_string() == sha256_b64url(secret.as_bytes()) => {
            Ok((client, certain))
        }
        (None, None) => Ok((client, certain)),
        (Some(_), Some(_)) => Err("wrong secret".into()),
        (Some(_), None) => Err("a confidential client without its secret".into()),
        (None, Some(_)) => Err("a public client sent a secret".into()),
    }
}

/// What a token request may be granted, if anything.
#[derive(Debug)]
pub struct Grant {
    pub client: ClientRecord,
    pub grant_type: &'static str,
    pub scope: BTreeSet<String>,
    pub subject: String,
    /// Whether a refresh token must be (true) or must not be (false) issued.
    pub refresh_token: bool,
    /// The digest of the code redeemed.
    pub code_hash: Option<TokenHash>,
    /// Whether RFC-RULES leave no room to refuse it: false where this
    /// predicate is more lenient than the rules (a `redirect_uri` sent for
    /// a code whose request had none, a `plain` challenge while plain is
    /// off, a rotated token within the grace period, non-canonical Basic).
    pub certain: bool,
}

const TOKEN_PARAMS: [&str; 8] = [
    "grant_type",
    "client_id",
    "client_secret",
    "code",
    "redirect_uri",
    "code_verifier",
    "refresh_token",
    "scope",
];

/// The requested scope: none, or a valid subset of `allowed`.
fn requested_scope(
    pairs: &[(String, String)],
    allowed: &BTreeSet<String>,
) -> Result<Option<BTreeSet<String>>, String> {
    match single(pairs, "scope") {
        None => Ok(None),
        Some(raw) => {
            let set = scope_set(raw).ok_or("malformed scope")?;
            if set.is_subset(allowed) {
                Ok(Some(set))
            } else {
                Err("scope wider than allowed".into())
            }
        }
    }
}

/// The independent predicate: may this token request be answered with an
/// access token, given the state `model` at `now`? Written from RFC-RULES:
/// hygiene, client authentication, the grant allowed to the client, and the
/// grant's own checks.
pub fn token_grant(model: &Fixture, now: u64, request: &RawRequest) -> Result<Grant, String> {
    let pairs = form_post(request, &TOKEN_PARAMS)?;
    let grant_type = single(&pairs, "grant_type").ok_or("no grant_type")?;
    let grant_type = GRANT_TYPES[..3]
        .iter()
        .copied()
        .find(|g| *g == grant_type)
        .ok_or_else(|| format!("unsupported grant_type {grant_type:?}"))?;
    let (client, mut certain) = authenticate_certainly(model, request, &pairs)?;
    let allows = |name: &str| client.grant_types.iter().any(|g| g.as_str() == name);
    if !allows(grant_type) {
        return Err(format!("{grant_type} not allowed to the client"));
    }
    let client_scope = set_of(&client.scope);
    match grant_type {
        "authorization_code" => {
            let code = single(&pairs, "code").ok_or("no code")?;
            if !is_vschars(code) {
                return Err("a code that is not VSCHAR".into());
            }
            let record = model
                .codes
                .iter()
                .find(|c| hash_matches(&c.code_hash, code))
                .ok_or("unknown code")?;
            if record.state != CodeState::Unused {
                return Err("the code was used".into());
            }
            if record.client_id != client.client_id {
                return Err("the code is another client's".into());
            }
            let ttl = model.settings.code_ttl.unwrap_or(600).min(600);
            if now >= record.expires_at || now >= record.issued_at.saturating_add(ttl) {
                return Err("the code expired".into());
            }
            match (&record.redirect_uri, single(&pairs, "redirect_uri")) {
                (Some(uri), sent) if sent != Some(uri.as_str()) => {
                    return Err("redirect_uri differs from the authorization request's".into());
                }
                // RFC 6749 4.1.3 asks nothing then; the engine compares it
                // with the only registered URI.
                (None, Some(_)) => certain = false,
                _ => {}
            }
            let verifier = single(&pairs, "code_verifier");
            match (&record.pkce, verifier) {
                (Some(pkce), Some(verifier)) => {
                    if !is_pkce_string(verifier) {
                        return Err("malformed code_verifier".into());
                    }
                    let answered = match pkce.method {
                        CodeChallengeMethod::S256 => {
                            sha256_b64url(verifier.as_bytes()) == pkce.challenge.as_str()
                        }
                        _ => {
                            certain &= model.settings.allow_plain_pkce;
                            verifier == pkce.challenge.as_str()
                        }
                    };
                    if !answered {
                        return Err("code_verifier does not answer the challenge".into());
                    }
                }
                (Some(_), None) => return Err("no code_verifier".into()),
                (None, Some(_)) => return Err("a code_verifier for a code without PKCE".into()),
                (None, None) => {
                    if client.secret_hash.is_none() || model.settings.pkce_for_all_clients {
                        return Err("PKCE required".into());
                    }
                }
            }
            Ok(Grant {
                client: client.clone(),
                grant_type,
                scope: set_of(&record.scope),
                subject: record.subject.as_str().to_owned(),
                refresh_token: allows("refresh_token"),
                code_hash: Some(record.code_hash),
                certain,
            })
        }
        "refresh_token" => {
            let token = single(&pairs, "refresh_token").ok_or("no refresh_token")?;
            if !is_vschars(token) {
                return Err("a refresh token that is not VSCHAR".into());
            }
            let record = model
                .refresh_tokens
                .iter()
                .find(|r| hash_matches(&r.token_hash, token))
                .ok_or("unknown refresh token")?;
            if record.client_id != client.client_id {
                return Err("the refresh token is another client's".into());
            }
            if model.revoked_families.contains(&record.family) {
                return Err("the family was revoked".into());
            }
            match &record.state {
                RefreshTokenState::Active => {
                    if now >= record.expires_at {
                        return Err("the refresh token expired".into());
                    }
                }
                RefreshTokenState::Rotated { at, successor, .. } => {
                    let grace = model.settings.refresh_grace_period.unwrap_or(0);
                    if grace == 0 || now > at.saturating_add(grace) {
                        return Err("a rotated refresh token outside the grace period".into());
                    }
                    let successor = model
                        .refresh_tokens
                        .iter()
                        .find(|r| &r.token_hash == successor)
                        .ok_or("the successor is unknown")?;
                    if successor.state != RefreshTokenState::Active
                        || successor.client_id != client.client_id
                        || now >= successor.expires_at
                    {
                        return Err("the successor is not usable".into());
                    }
                    // Only if the successor derives from this token.
                    certain = false;
                }
                _ => return Err("the refresh token was revoked".into()),
            }
            let scope = requested_scope(&pairs, &set_of(&record.scope))?
                .unwrap_or_else(|| set_of(&record.scope));
            Ok(Grant {
                client: client.clone(),
                grant_type,
                scope,
                subject: record.subject.as_str().to_owned(),
                refresh_token: true,
                code_hash: None,
                certain,
            })
        }
        _ => {
            if client.secret_hash.is_none() {
                return Err("client_credentials for a public client".into());
            }
            let scope = requested_scope(&pairs, &client_scope)?.unwrap_or(client_scope);
            Ok(Grant {
                client: client.clone(),
                grant_type,
                scope,
                subject: client.client_id.as_str().to_owned(),
                refresh_token: false,
                code_hash: None,
                certain,
            })
        }
    }
}

/// How an authorization request resolves: the client, the redirect URI,
/// whether it was sent, and the decoded query.
struct AuthorizeTarget<'m> {
    client: &'m ClientRecord,
    uri: String,
    uri_sent: bool,
    pairs: Vec<(String, String)>,
}

/// RFC-RULES: when an authorization request may redirect at all.
fn authorize_target<'m>(model: &'m Fixture, query: &str) -> Result<AuthorizeTarget<'m>, String> {
    if query.len() > 16 * 1024 || support::pair_count(query.as_bytes()) > 32 {
        return Err("the query is over the limits".into());
    }
    let pairs = parse_form(query.as_bytes()).ok_or("the query does not decode")?;
    let [id] = values(&pairs, "client_id")[..] else {
        return Err("client_id missing or repeated".into());
    };
    let client = model
        .clients
        .iter()
        .find(|c| c.client_id.as_str() == id)
        .ok_or("unknown client")?;
    let registered: Vec<&str> = client.redirect_uris.iter().map(|u| u.as_str()).collect();
    let (uri, uri_sent) = match values(&pairs, "redirect_uri")[..] {
        [] => match registered[..] {
            [only] => (only.to_owned(), false),
            _ => return Err("redirect_uri needed".into()),
        },
        [sent] if registered.contains(&sent) => (sent.to_owned(), true),
        _ => return Err("redirect_uri repeated or not registered".into()),
    };
    Ok(AuthorizeTarget {
        client,
        uri,
        uri_sent,
        pairs,
    })
}

/// The parameters appended to `uri` in a Location.
fn appended(location: &str, uri: &str) -> Vec<(String, String)> {
    let rest = location
        .strip_prefix(uri)
        .unwrap_or_else(|| panic!("{location:?} does not start with {uri:?}"));
    let query = if !uri.contains('?') {
        rest.strip_prefix('?')
    } else if uri.ends_with('?') || uri.ends_with('&') {
        Some(rest)
    } else {
        rest.strip_prefix('&')
    }
    .unwrap_or_else(|| panic!("{location:?} does not append a query to {uri:?}"));
    parse_form(query.as_bytes())
        .unwrap_or_else(|| panic!("{location:?}: the appended query does not decode"))
}

// ---------------------------------------------------------------------------
// Running a session
// ---------------------------------------------------------------------------

/// What a response hands out that a later request may present: the access
/// and refresh tokens of a token response, the code of a redirect.
pub fn harvest(response: &grant_engine::HttpResponse) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(body) = serde_json::from_slice::<serde_json::Value>(&response.body) {
        for name in ["access_token", "refresh_token"] {
            if let Some(token) = body.get(name).and_then(|t| t.as_str()) {
                out.push(token.to_owned());
            }
        }
    }
    if let Some(location) = response.header("location")
        && let Some((_, query)) = location.split_once('?')
        && let Some(pairs) = parse_form(query.as_bytes())
        && let Some(code) = single(&pairs, "code")
    {
        out.push(code.to_owned());
    }
    out
}

/// The request specs of an input, in order: the first and at most three more.
pub fn specs(input: &EngineInput) -> impl Iterator<Item = &RequestSpec> {
    std::iter::once(&input.first).chain(input.more.iter().take(3))
}

/// How many seconds a spec moves the clock before its request.
pub fn advance_of(spec: &RequestSpec) -> u64 {
    pick(&ADVANCES, spec.advance)
}

/// The raw request of a spec, mutation applied.
pub fn build_request(
    spec: &RequestSpec,
    secrets: &BTreeMap<String, String>,
    earlier: &[String],
) -> RawRequest {
    let mut request = RequestBuilder { secrets, earlier }.build(&spec.kind);
    if let Some(mutation) = &spec.mutation {
        mutate(&mut request, mutation);
    }
    request
}

/// One request of a session and what the oracle answered.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub now: u64,
    pub request: RawRequest,
    pub status: u16,
    pub response: Vec<u8>,
    pub effects: Vec<Effect>,
}

/// An oracle, the model beside it, and what was sent so far.
pub struct Session {
    initial: Fixture,
    oracle: Oracle,
    model: Fixture,
    /// Tokens and codes the responses returned, for later requests.
    pub earlier: Vec<String>,
    pub log: Vec<Exchange>,
}

impl Session {
    /// `None` if the oracle refuses the fixture.
    pub fn new(fixture: &Fixture) -> Option<Session> {
        let oracle = Oracle::from_fixture(fixture).ok()?;
        let session = Session {
            initial: fixture.clone(),
            oracle,
            model: normalize(fixture),
            earlier: Vec::new(),
            log: Vec::new(),
        };
        session.compare_store();
        Some(session)
    }

    /// The model of the current state.
    pub fn model(&self) -> &Fixture {
        &self.model
    }

    /// Sends one request at `now` and checks everything about it.
    pub fn step(&mut self, now: u64, request: RawRequest) {
        self.oracle.set_now(now);
        let answer = self.oracle.handle(&request);
        let response = &answer.response;
        let context = || {
            format!(
                "request {} at {now}: {}\nresponse: {}",
                self.log.len() + 1,
                support::shorten(&String::from_utf8_lossy(&request.to_bytes())),
                support::shorten(&String::from_utf8_lossy(&render_response(response)))
            )
        };
        check_shape(response).unwrap_or_else(|e| panic!("{e}\n{}", context()));
        let body: Option<serde_json::Value> = serde_json::from_slice(&response.body).ok();
        let (path, query) = path_and_query(&request);
        let result = match path {
            "/oauth/token" => check_token(&self.model, now, &request, response, &answer.effects),
            "/oauth/authorize" => {
                check_authorize(&self.model, now, &request, query, response, &answer.effects)
            }
            "/oauth/revoke" => check_revoke(&self.model, &request, response, &answer.effects),
            "/oauth/introspect" => {
                check_introspect(&self.model, now, &request, response, body.as_ref())
            }
            "/api/me" => check_api_me(&self.model, now, &request, response, body.as_ref()),
            "/.well-known/oauth-authorization-server" => {
                check_metadata(&self.model, &request, response, body.as_ref())
            }
            _ => {
                if response.status == 404 {
                    Ok(())
                } else {
                    Err(format!("{path:?} answered {}", response.status))
                }
            }
        };
        result.unwrap_or_else(|e| panic!("{e}\n{}", context()));
        let introspect_or_read_only = matches!(
            path,
            "/oauth/introspect" | "/api/me" | "/.well-known/oauth-authorization-server"
        );
        assert!(
            !introspect_or_read_only || answer.effects.is_empty(),
            "a read-only endpoint changed the state: {:?}\n{}",
            answer.effects,
            context()
        );

        apply_effects(&mut self.model, &answer.effects);
        self.compare_store();

        self.earlier.extend(harvest(response));
        self.log.push(Exchange {
            now,
            request,
            status: answer.response.status,
            response: render_response(&answer.response),
            effects: answer.effects,
        });
    }

    /// The oracle's store holds exactly the model (every change was an
    /// effect), and no refresh token of a revoked family is active.
    fn compare_store(&self) {
        let store = self.oracle.store();
        let stored: BTreeMap<TokenHash, &RefreshTokenRecord> = store
            .refresh_token_records()
            .map(|r| (r.token_hash, r))
            .collect();
        let modeled: BTreeMap<TokenHash, &RefreshTokenRecord> = self
            .model
            .refresh_tokens
            .iter()
            .map(|r| (r.token_hash, r))
            .collect();
        assert_eq!(
            stored, modeled,
            "the store's refresh tokens differ from the effects applied; log: {:#?}",
            self.log
        );
        for code in &self.model.codes {
            assert_eq!(
                store.code_record(&code.code_hash),
                Some(code),
                "the store's code differs from the effects applied; log: {:#?}",
                self.log
            );
        }
        for client in &self.model.clients {
            assert_eq!(store.client_record(&client.client_id), Some(client));
        }
        for family in &self.model.revoked_families {
            assert!(store.is_family_revoked(family), "{family} not revoked");
        }
        for jti in &self.model.revoked_access_tokens {
            assert!(store.is_access_token_revoked(jti), "{jti} not revoked");
        }
        for record in store.refresh_token_records() {
            if store.is_family_revoked(&record.family)
                || self.model.revoked_families.contains(&record.family)
            {
                assert_eq!(
                    record.state,
                    RefreshTokenState::Revoked,
                    "a refresh token of revoked family {} is not revoked; log: {:#?}",
                    record.family,
                    self.log
                );
            }
        }
    }

    /// The same requests on a fresh oracle give the same bytes and effects.
    pub fn finish(self) -> Vec<Exchange> {
        let mut oracle = Oracle::from_fixture(&self.initial).expect("it loaded before");
        for (i, exchange) in self.log.iter().enumerate() {
            oracle.set_now(exchange.now);
            let answer = oracle.handle(&exchange.request);
            assert_eq!(
                render_response(&answer.response),
                exchange.response,
                "request {} answered differently the second time",
                i + 1
            );
            assert_eq!(answer.effects, exchange.effects, "request {}", i + 1);
        }
        self.log
    }
}

/// Checks that apply to every response.
fn check_shape(response: &grant_engine::HttpResponse) -> Result<(), String> {
    if !STATUSES.contains(&response.status) {
        return Err(format!("status {}", response.status));
    }
    support::assert_header_values_clean(&response.headers);
    let json = response.header("content-type") == Some("application/json");
    if !response.body.is_empty() && !json {
        return Err("a body that is not declared JSON".into());
    }
    if json && serde_json::from_slice::<serde_json::Value>(&response.body).is_err() {
        return Err("a JSON body that does not parse".into());
    }
    let required = match response.status {
        302 => Some("location"),
        401 => Some("www-authenticate"),
        405 => Some("allow"),
        _ => None,
    };
    if let Some(name) = required
        && response.header(name).is_none()
    {
        return Err(format!("a {} without {name}", response.status));
    }
    Ok(())
}

fn json_error_code(response: &grant_engine::HttpResponse) -> Option<String> {
    let body: serde_json::Value = serde_json::from_slice(&response.body).ok()?;
    body.get("error")?.as_str().map(str::to_owned)
}

fn check_token(
    model: &Fixture,
    now: u64,
    request: &RawRequest,
    response: &grant_engine::HttpResponse,
    effects: &[Effect],
) -> Result<(), String> {
    if response.header("cache-control") != Some("no-store") {
        return Err("a token response without Cache-Control: no-store".into());
    }
    if response.status != 200 {
        let code = json_error_code(response).ok_or("an error without `error`")?;
        if !matches!(response.status, 400 | 401 | 405 | 413) {
            return Err(format!("a token error with status {}", response.status));
        }
        if !matches!(
            code.as_str(),
            "invalid_request"
                | "invalid_client"
                | "invalid_grant"
                | "unauthorized_client"
                | "unsupported_grant_type"
                | "invalid_scope"
        ) {
            return Err(format!("error {code}"));
        }
        for effect in effects {
            if !matches!(
                effect,
                Effect::RedeemCode { .. }
                    | Effect::RevokeFamily { .. }
                    | Effect::RevokeAccessTokens { .. }
            ) {
                return Err(format!("a failed token request stores {effect:?}"));
            }
        }
        // The converse: a request the rules accept is not refused.
        if let Ok(grant) = token_grant(model, now, request)
            && grant.certain
        {
            return Err(format!(
                "{code}, but the rules grant {} to {}",
                grant.grant_type, grant.client.client_id
            ));
        }
        return check_reuse(model, now, request, effects);
    }
    let grant = token_grant(model, now, request)
        .map_err(|why| format!("an access token was issued although {why}"))?;
    let body: serde_json::Value =
        serde_json::from_slice(&response.body).map_err(|_| "a 200 that is not JSON")?;
    let access = body["access_token"].as_str().ok_or("no access_token")?;
    if body["token_type"] != "Bearer" {
        return Err("token_type is not Bearer".into());
    }
    let ttl = model.settings.access_token_ttl.unwrap_or(86_400);
    if body["expires_in"] != ttl {
        return Err(format!(
            "expires_in {} for a ttl of {ttl}",
            body["expires_in"]
        ));
    }
    // RFC 6749 5.1: `scope` may be omitted only if it is empty here (the
    // grammar has no empty scope).
    let scope = support::rendered_scope_set(body["scope"].as_str().unwrap_or_default());
    if scope != grant.scope {
        return Err(format!("scope {scope:?}, expected {:?}", grant.scope));
    }
    let refresh = body.get("refresh_token").and_then(|r| r.as_str());
    if refresh.is_some() != grant.refresh_token {
        return Err(format!(
            "refresh_token present: {}, expected {}",
            refresh.is_some(),
            grant.refresh_token
        ));
    }
    // Signed by the ring; its times are checked exactly below (a zero
    // lifetime, or a clock at the end of time, makes a token that is
    // already expired when issued, which a fixture may ask for).
    let keys = ring(model);
    let keys: Vec<support::JwtKey<'_>> = keys
        .iter()
        .map(|(k, s)| (k.as_str(), s.as_slice()))
        .collect();
    let claims = support::jwt_signed_claims(access, &keys)
        .ok_or("the access token does not verify with the ring")?;
    let claim = |name: &str| claims[name].as_str().unwrap_or_default().to_owned();
    if claim("iss") != model.issuer
        || claim("aud") != model.audience
        || claim("client_id") != grant.client.client_id.as_str()
        || claim("sub") != grant.subject
        || support::rendered_scope_set(&claim("scope")) != grant.scope
        || claims["iat"] != now
        || claims["exp"] != now.saturating_add(ttl)
    {
        return Err(format!("the access token's claims: {claims:?}"));
    }
    // Every refresh token returned is stored, as a digest, for the client.
    let mut after = model.clone();
    apply_effects(&mut after, effects);
    if let Some(refresh) = refresh {
        let record = after
            .refresh_tokens
            .iter()
            .find(|r| hash_matches(&r.token_hash, refresh))
            .ok_or("the refresh token returned is not stored")?;
        if record.client_id != grant.client.client_id {
            return Err("the refresh token is stored for another client".into());
        }
    }
    if let Some(code_hash) = grant.code_hash {
        let jti = claim("jti");
        let redeemed = effects.iter().any(|e| {
            matches!(e, Effect::RedeemCode { code_hash: h, access_token_ids }
                if *h == code_hash && access_token_ids.iter().any(|t| t.as_str() == jti))
        });
        if !redeemed {
            return Err("the code is not reported redeemed with the token's jti".into());
        }
    }
    Ok(())
}

/// RFC-RULES on reuse: a code presented a second time revokes what it
/// issued (a family, and the access tokens recorded with the code); a
/// rotated-out refresh token presented again by its client outside the
/// grace period revokes its family. Checked when the request is otherwise
/// well-formed (hygiene, canonical credentials, the grant allowed, the
/// grant's parameters well-formed), so that the engine got to the lookup.
fn check_reuse(
    model: &Fixture,
    now: u64,
    request: &RawRequest,
    effects: &[Effect],
) -> Result<(), String> {
    let Ok(pairs) = form_post(request, &TOKEN_PARAMS) else {
        return Ok(());
    };
    let Ok((client, true)) = authenticate_certainly(model, request, &pairs) else {
        return Ok(());
    };
    let grant_type = single(&pairs, "grant_type").unwrap_or_default();
    if !client.grant_types.iter().any(|g| g.as_str() == grant_type) {
        return Ok(());
    }
    let revokes_family = |family: Option<&FamilyId>| {
        effects.iter().any(|e| {
            matches!(e, Effect::RevokeFamily { family: f } if family.is_none_or(|family| f == family))
        })
    };
    match grant_type {
        "authorization_code" => {
            let (Some(code), None) = (single(&pairs, "code"), single(&pairs, "redirect_uri"))
            else {
                return Ok(());
            };
            if !is_vschars(code)
                || single(&pairs, "code_verifier").is_some_and(|v| !is_pkce_string(v))
            {
                return Ok(());
            }
            let Some(record) = model
                .codes
                .iter()
                .find(|c| hash_matches(&c.code_hash, code))
            else {
                return Ok(());
            };
            let CodeState::Redeemed { access_token_ids } = &record.state else {
                return Ok(());
            };
            if !revokes_family(None) {
                return Err("a redeemed code presented again does not revoke its family".into());
            }
            let revoked: BTreeSet<&TokenId> = effects
                .iter()
                .flat_map(|e| match e {
                    Effect::RevokeAccessTokens { token_ids } => token_ids.iter().collect(),
                    _ => Vec::new(),
                })
                .collect();
            if !access_token_ids.iter().all(|id| revoked.contains(id)) {
                return Err("a redeemed code presented again does not revoke its tokens".into());
            }
            Ok(())
        }
        "refresh_token" => {
            let Some(token) = single(&pairs, "refresh_token") else {
                return Ok(());
            };
            if !is_vschars(token) || single(&pairs, "scope").is_some_and(|s| scope_set(s).is_none())
            {
                return Ok(());
            }
            let Some(record) = model
                .refresh_tokens
                .iter()
                .find(|r| hash_matches(&r.token_hash, token))
            else {
                return Ok(());
            };
            let RefreshTokenState::Rotated { at, .. } = &record.state else {
                return Ok(());
            };
            let grace = model.settings.refresh_grace_period.unwrap_or(0);
            let outside_grace = grace == 0 || now > at.saturating_add(grace);
            if record.client_id == client.client_id
                && outside_grace
                && !revokes_family(Some(&record.family))
            {
                return Err(
                    "a rotated-out refresh token presented again does not revoke its family".into(),
                );
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

const REDIRECTED_PARAMS: [&str; 5] = [
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
];

fn check_authorize(
    model: &Fixture,
    now: u64,
    request: &RawRequest,
    query: &str,
    response: &grant_engine::HttpResponse,
    effects: &[Effect],
) -> Result<(), String> {
    if request.method != "GET" {
        return if response.status == 405 {
            Ok(())
        } else {
            Err(format!("{} to /oauth/authorize", request.method))
        };
    }
    if response.status != 302 {
        return match (response.status, effects) {
            (400, []) => Ok(()),
            _ => Err(format!("an authorization answer {}", response.status)),
        };
    }
    let target = authorize_target(model, query)
        .map_err(|why| format!("redirected although {why} (an open redirector)"))?;
    let location = response.header("location").ok_or("no Location")?;
    let params = appended(location, &target.uri);
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    if get("iss") != Some(model.issuer.as_str()) {
        return Err("iss missing or wrong".into());
    }
    let sent_state = match values(&target.pairs, "state")[..] {
        [one] if is_vschars(one) => Some(one),
        _ => None,
    };
    if get("state") != sent_state {
        return Err(format!(
            "state {:?} echoed for {sent_state:?}",
            get("state")
        ));
    }
    let Some(code) = get("code") else {
        let error = get("error").ok_or("neither code nor error")?;
        if !REDIRECT_ERRORS.contains(&error) {
            return Err(format!("error {error}"));
        }
        return if effects.is_empty() {
            Ok(())
        } else {
            Err("an error redirect with effects".into())
        };
    };

    // A code: everything RFC-RULES asks of the request was right.
    let pairs = &target.pairs;
    let client = target.client;
    if !model.consent.approve {
        return Err("a code although the resource owner denied".into());
    }
    if !client.grant_types.contains(&GrantType::AuthorizationCode) {
        return Err("a code for a client without the grant".into());
    }
    for name in REDIRECTED_PARAMS {
        if values(pairs, name).len() > 1 {
            return Err(format!("a code although {name} is repeated"));
        }
    }
    if single(pairs, "state").is_some_and(|s| !is_vschars(s)) {
        return Err("a code for a malformed state".into());
    }
    if single(pairs, "response_type") != Some("code") {
        return Err("a code without response_type=code".into());
    }
    let allowed = set_of(&client.scope);
    let requested = match single(pairs, "scope") {
        None => allowed.clone(),
        Some(raw) => scope_set(raw).ok_or("a code for a malformed scope")?,
    };
    if !requested.is_subset(&allowed) {
        return Err("a code for a scope the client may not have".into());
    }
    let challenge = single(pairs, "code_challenge");
    let method = single(pairs, "code_challenge_method");
    match challenge {
        None => {
            if method.is_some() {
                return Err("a code for a method without a challenge".into());
            }
            if client.secret_hash.is_none() || model.settings.pkce_for_all_clients {
                return Err("a code without the PKCE the client must use".into());
            }
        }
        Some(challenge) => {
            if !is_pkce_string(challenge) {
                return Err("a code for a malformed challenge".into());
            }
            match method {
                Some("S256") => {}
                None | Some("plain") if model.settings.allow_plain_pkce => {}
                _ => return Err(format!("a code for code_challenge_method {method:?}")),
            }
        }
    }
    let [Effect::StoreCode(record)] = effects else {
        return Err(format!("a code with effects {effects:?}"));
    };
    if !hash_matches(&record.code_hash, code) {
        return Err("the stored code_hash is not the code's digest".into());
    }
    let expected_pkce = challenge.map(|c| {
        (
            c.to_owned(),
            if method == Some("S256") {
                "S256"
            } else {
                "plain"
            },
        )
    });
    let stored_pkce = record
        .pkce
        .as_ref()
        .map(|p| (p.challenge.as_str().to_owned(), p.method.as_str()));
    if record.client_id != client.client_id
        || record.redirect_uri.as_ref().map(|u| u.as_str())
            != target.uri_sent.then_some(target.uri.as_str())
        || !set_of(&record.scope).is_subset(&requested)
        || stored_pkce != expected_pkce
        || record.issued_at != now
        || record.expires_at > now.saturating_add(600)
        || record.state != CodeState::Unused
        || code.len() < 22
    {
        return Err(format!("the stored code record {record:?}"));
    }
    Ok(())
}

const REFERENCE_PARAMS: [&str; 4] = ["client_id", "client_secret", "token", "token_type_hint"];

fn check_revoke(
    model: &Fixture,
    request: &RawRequest,
    response: &grant_engine::HttpResponse,
    effects: &[Effect],
) -> Result<(), String> {
    if response.status != 200 {
        if !effects.is_empty() {
            return Err("a failed revocation with effects".into());
        }
        return match reference_request(model, request) {
            Some(_) => Err("a revocation the rules accept is refused".into()),
            None => Ok(()),
        };
    }
    let pairs = form_post(request, &REFERENCE_PARAMS)
        .map_err(|why| format!("a revocation succeeded although {why}"))?;
    let caller = authenticate(model, request, &pairs)
        .map_err(|why| format!("a revocation succeeded although {why}"))?;
    let token = single(&pairs, "token").ok_or("a revocation succeeded without a token")?;
    let keys = ring(model);
    let keys: Vec<support::JwtKey<'_>> = keys
        .iter()
        .map(|(k, s)| (k.as_str(), s.as_slice()))
        .collect();
    for effect in effects {
        match effect {
            Effect::RevokeFamily { family } => {
                let owned = model.refresh_tokens.iter().any(|r| {
                    hash_matches(&r.token_hash, token)
                        && r.client_id == caller.client_id
                        && &r.family == family
                });
                if !owned {
                    return Err(format!("revoked family {family} the caller does not own"));
                }
            }
            Effect::RevokeAccessTokens { token_ids } => {
                let claims = support::jwt_signed_claims(token, &keys)
                    .ok_or("revoked an access token that does not verify")?;
                let ok = claims["iss"] == model.issuer.as_str()
                    && claims["client_id"] == caller.client_id.as_str()
                    && token_ids.len() == 1
                    && claims["jti"] == token_ids[0].as_str();
                if !ok {
                    return Err(format!("revoked {token_ids:?} for {claims:?}"));
                }
            }
            other => return Err(format!("a revocation stores {other:?}")),
        }
    }
    // The converse: the caller's own live refresh token revokes its family,
    // the caller's own access token its jti.
    if let Some(record) = model
        .refresh_tokens
        .iter()
        .find(|r| is_vschars(token) && hash_matches(&r.token_hash, token))
        && record.client_id == caller.client_id
        && record.state != RefreshTokenState::Revoked
        && !effects
            .iter()
            .any(|e| matches!(e, Effect::RevokeFamily { family } if *family == record.family))
    {
        return Err("the caller's refresh token was not revoked".into());
    }
    if let Some(claims) = support::jwt_signed_claims(token, &keys)
        && claims["iss"] == model.issuer.as_str()
        && claims["client_id"] == caller.client_id.as_str()
        && !effects.iter().any(|e| {
            matches!(e, Effect::RevokeAccessTokens { token_ids }
                if token_ids.iter().any(|t| claims["jti"] == t.as_str()))
        })
    {
        return Err("the caller's access token was not revoked".into());
    }
    Ok(())
}

/// A revocation or introspection request that RFC-RULES accept with
/// certainty: the hygiene, canonical credentials of an existing client,
/// and a `token`. Returns the caller.
fn reference_request<'m>(model: &'m Fixture, request: &RawRequest) -> Option<&'m ClientRecord> {
    let pairs = form_post(request, &REFERENCE_PARAMS).ok()?;
    let (caller, certain) = authenticate_certainly(model, request, &pairs).ok()?;
    (certain && single(&pairs, "token").is_some()).then_some(caller)
}

fn check_introspect(
    model: &Fixture,
    now: u64,
    request: &RawRequest,
    response: &grant_engine::HttpResponse,
    body: Option<&serde_json::Value>,
) -> Result<(), String> {
    if response.status != 200 {
        return match reference_request(model, request) {
            Some(caller) if caller.secret_hash.is_some() => {
                Err("an introspection the rules accept is refused".into())
            }
            _ => Ok(()),
        };
    }
    let pairs = form_post(request, &REFERENCE_PARAMS)
        .map_err(|why| format!("an introspection answered although {why}"))?;
    let caller = authenticate(model, request, &pairs)
        .map_err(|why| format!("an introspection answered although {why}"))?;
    if caller.secret_hash.is_none() {
        return Err("a public client introspected".into());
    }
    let token = single(&pairs, "token").ok_or("an introspection without a token")?;
    let body = body.ok_or("not JSON")?;
    let may_see = |owner: &str| caller.introspect_any || caller.client_id.as_str() == owner;
    if body["active"] == false {
        if response.body != br#"{"active":false}"# {
            return Err("an inactive answer that is not exactly {\"active\":false}".into());
        }
        // The converse: a live token the caller may see is active.
        let live_refresh = model.refresh_tokens.iter().any(|r| {
            is_vschars(token)
                && hash_matches(&r.token_hash, token)
                && r.state == RefreshTokenState::Active
                && now < r.expires_at
                && !model.revoked_families.contains(&r.family)
                && may_see(r.client_id.as_str())
        });
        let live_access = verify_access(model, token, now).is_ok_and(|claims| {
            !access_revoked(model, &claims)
                && may_see(claims["client_id"].as_str().unwrap_or_default())
        });
        return if live_refresh || live_access {
            Err("a live token the caller may see is reported inactive".into())
        } else {
            Ok(())
        };
    }
    if body["active"] != true {
        return Err("no active member".into());
    }
    let same = |name: &str, expected: serde_json::Value| {
        if body[name] == expected {
            Ok(())
        } else {
            Err(format!("{name} is {}, expected {expected}", body[name]))
        }
    };
    match body["token_type"].as_str() {
        Some("refresh_token") => {
            let record = model
                .refresh_tokens
                .iter()
                .find(|r| hash_matches(&r.token_hash, token))
                .ok_or("an unknown refresh token is active")?;
            if record.state != RefreshTokenState::Active
                || now >= record.expires_at
                || model.revoked_families.contains(&record.family)
                || !may_see(record.client_id.as_str())
            {
                return Err(format!("refresh token {record:?} reported active"));
            }
            same("client_id", record.client_id.as_str().into())?;
            same("sub", record.subject.as_str().into())?;
            same("exp", record.expires_at.into())?;
            same("iat", record.issued_at.into())?;
            same("scope", record.scope.to_string().into())
        }
        Some("Bearer") => {
            let claims = verify_access(model, token, now)
                .map_err(|why| format!("an access token reported active: {why}"))?;
            if access_revoked(model, &claims) {
                return Err("a revoked access token reported active".into());
            }
            if !may_see(claims["client_id"].as_str().unwrap_or_default()) {
                return Err("another client's token reported active".into());
            }
            for name in [
                "client_id",
                "sub",
                "exp",
                "iat",
                "jti",
                "scope",
                "iss",
                "aud",
            ] {
                same(name, claims[name].clone())?;
            }
            Ok(())
        }
        other => Err(format!("token_type {other:?}")),
    }
}

fn check_api_me(
    model: &Fixture,
    now: u64,
    request: &RawRequest,
    response: &grant_engine::HttpResponse,
    body: Option<&serde_json::Value>,
) -> Result<(), String> {
    if request.method != "GET" {
        return if response.status == 405 {
            Ok(())
        } else {
            Err(format!("{} to /api/me", request.method))
        };
    }
    if response.status != 200 {
        let challenge = response.header("www-authenticate").unwrap_or_default();
        if !matches!(response.status, 400 | 401 | 403) || !challenge.starts_with("Bearer realm=\"")
        {
            return Err(format!(
                "a bearer error {} with challenge {challenge:?}",
                response.status
            ));
        }
        // The converse: a live token with the required scope is accepted.
        let headers = header_values(request, "authorization");
        if let [header] = headers[..]
            && let support::BearerHeader::Token(token) =
                support::bearer_header(Some(header.as_bytes()))
            && let Ok(claims) = verify_access(model, &token, now)
            && !access_revoked(model, &claims)
            && set_of(&model.api_scope).is_subset(&support::rendered_scope_set(
                claims["scope"].as_str().unwrap_or_default(),
            ))
        {
            return Err("a live token with the required scope is refused".into());
        }
        return Ok(());
    }
    let headers = header_values(request, "authorization");
    let [header] = headers[..] else {
        return Err("accepted without exactly one Authorization header".into());
    };
    let support::BearerHeader::Token(token) = support::bearer_header(Some(header.as_bytes()))
    else {
        return Err("accepted without Bearer credentials".into());
    };
    let claims =
        verify_access(model, &token, now).map_err(|why| format!("accepted a token: {why}"))?;
    if access_revoked(model, &claims) {
        return Err("accepted a revoked token".into());
    }
    let scope = support::rendered_scope_set(claims["scope"].as_str().unwrap_or_default());
    if !set_of(&model.api_scope).is_subset(&scope) {
        return Err("accepted a token without the required scope".into());
    }
    let body = body.ok_or("not JSON")?;
    for name in ["sub", "client_id", "scope"] {
        if body[name] != claims[name] {
            return Err(format!("{name} differs from the token's"));
        }
    }
    Ok(())
}

fn check_metadata(
    model: &Fixture,
    request: &RawRequest,
    response: &grant_engine::HttpResponse,
    body: Option<&serde_json::Value>,
) -> Result<(), String> {
    match (request.method.as_str(), response.status) {
        ("GET", 200) => {}
        ("GET", status) => return Err(format!("metadata answered {status}")),
        (_, 405) => return Ok(()),
        (method, status) => return Err(format!("{method} metadata answered {status}")),
    }
    let body = body.ok_or("metadata is not JSON")?;
    if body["issuer"] != model.issuer.as_str() {
        return Err("metadata issuer".into());
    }
    let listed = |name: &str, value: &str| {
        body[name]
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v == value))
    };
    if listed("grant_types_supported", "implicit")
        || listed("grant_types_supported", "password")
        || listed("response_types_supported", "token")
    {
        return Err("metadata advertises implicit or password".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------

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
            let input = EngineInput::arbitrary(&mut Unstructured::new(data)).ok()?;
            Some(run_structured(&input))
        }
    }
}

/// Checks one input; false if it was not usable.
pub fn check(data: &[u8]) -> bool {
    run(data).is_some()
}
