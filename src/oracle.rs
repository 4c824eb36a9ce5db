//! The reference oracle: a whole authorization server as a pure function
//! from a described state and a raw HTTP request to the raw response and the
//! effects (feature `oracle`).
//!
//! Test harnesses in any language describe a state as a JSON [`Fixture`],
//! send a raw HTTP/1.1 request, and compare their own server's answer with
//! the oracle's. Endpoints are routed by path as in the demo server:
//! `POST /oauth/token`, `GET /oauth/authorize`, `POST /oauth/revoke`,
//! `POST /oauth/introspect`, `GET /.well-known/oauth-authorization-server`
//! and `GET /api/me` (a resource protected by bearer verification).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::{
    AuthorizeDecision, BearerError, BearerPolicy, ClientRecord, CodeRecord, Config, Context,
    Effect, Endpoints, Entropy, FamilyId, HmacKey, HttpResponse, KeyRing, MemoryStore, PkcePolicy,
    PkceRequirement, Realm, RefreshTokenRecord, RequestParts, Scope, Subject, TokenError, TokenId,
    authenticate_bearer, authorize_with, drive_introspection, drive_revocation,
    introspection_endpoint, metadata_document, revocation_endpoint,
};

/// One key of the fixture's ring; the first key signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureKey {
    /// The key id.
    pub kid: String,
    /// The secret, unpadded base64url (at least 32 bytes decoded).
    pub secret: String,
}

/// Policy settings; every field has the engine's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FixtureSettings {
    /// Access-token lifetime (default 86400).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_ttl: Option<u64>,
    /// Refresh-token lifetime (default 30 days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_ttl: Option<u64>,
    /// Code lifetime (default and cap 600).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_ttl: Option<u64>,
    /// Refresh grace period (default 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_grace_period: Option<u64>,
    /// PKCE required for every client, not only public ones.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pkce_for_all_clients: bool,
    /// Accept `code_challenge_method=plain`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_plain_pkce: bool,
    /// The challenge realm (default `grant-engine`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
}

/// What the resource owner does at `GET /oauth/authorize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureConsent {
    /// Whether the request is approved (else `access_denied`).
    pub approve: bool,
    /// The resource owner.
    pub subject: Subject,
    /// The scope granted; absent: everything requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
}

/// A described state: configuration, time, entropy, and stored records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// `iss` of tokens and metadata.
    pub issuer: String,
    /// `aud` of access tokens.
    pub audience: String,
    /// The key ring; the first key signs.
    pub keys: Vec<FixtureKey>,
    /// Policy settings.
    #[serde(default)]
    pub settings: FixtureSettings,
    /// Unix time of the (first) request.
    pub now: u64,
    /// 32 bytes of entropy, unpadded base64url, for the first request; later
    /// requests of a session use SHA-256(entropy ‖ n) for the n-th.
    pub entropy: String,
    /// Registered clients.
    #[serde(default)]
    pub clients: Vec<ClientRecord>,
    /// Stored codes.
    #[serde(default)]
    pub codes: Vec<CodeRecord>,
    /// Stored refresh tokens.
    #[serde(default)]
    pub refresh_tokens: Vec<RefreshTokenRecord>,
    /// Revoked families.
    #[serde(default)]
    pub revoked_families: Vec<FamilyId>,
    /// Revoked access-token ids.
    #[serde(default)]
    pub revoked_access_tokens: Vec<TokenId>,
    /// The consent decision for authorization requests.
    #[serde(default = "default_consent")]
    pub consent: FixtureConsent,
    /// Scopes advertised in the metadata.
    #[serde(default)]
    pub scopes_supported: Scope,
    /// The scope `GET /api/me` requires of a bearer token (default: none).
    #[serde(default, skip_serializing_if = "Scope::is_empty")]
    pub api_scope: Scope,
}

fn default_consent() -> FixtureConsent {
    FixtureConsent {
        approve: true,
        subject: Subject::from_trusted(String::from("demo-user")),
        scope: None,
    }
}

/// Why a fixture could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FixtureError {
    /// No key, or a key that is not a valid HS256 key.
    #[error("the fixture's keys are missing or invalid")]
    Keys,
    /// `entropy` is not 32 bytes of unpadded base64url.
    #[error("the fixture's entropy is not 32 bytes of unpadded base64url")]
    Entropy,
    /// `settings.realm` is not a valid realm.
    #[error("the fixture's realm is invalid")]
    Realm,
    /// A vector's `body_base64` is not unpadded base64url.
    #[error("the vector's body_base64 is invalid")]
    RequestBody,
}

/// A raw HTTP/1.1 request, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawRequest {
    /// The method.
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why bytes are not an HTTP/1.1 request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RawRequestError {
    /// No blank line ends the head, or the request line is malformed.
    #[error("the request line or headers are malformed")]
    Malformed,
    /// Content-Length is not a number or exceeds the bytes given.
    #[error("the Content-Length is invalid")]
    ContentLength,
}

impl RawRequest {
    /// Parses `METHOD SP target SP HTTP/1.x`, header lines, a blank line and
    /// the body (`Content-Length` bytes if given, else the rest). Lines end
    /// with CRLF or LF; the head must be UTF-8.
    pub fn parse(bytes: &[u8]) -> Result<RawRequest, RawRequestError> {
        let (head, rest) = split_head(bytes).ok_or(RawRequestError::Malformed)?;
        let head = std::str::from_utf8(head).map_err(|_| RawRequestError::Malformed)?;
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let request_line = lines.next().ok_or(RawRequestError::Malformed)?;
        let mut words = request_line.split(' ');
        let (Some(method), Some(target), Some(version), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Err(RawRequestError::Malformed);
        };
        if method.is_empty() || target.is_empty() || !version.starts_with("HTTP/1.") {
            return Err(RawRequestError::Malformed);
        }
        let mut headers = Vec::new();
        for line in lines {
            let (name, value) = line.split_once(':').ok_or(RawRequestError::Malformed)?;
            if name.is_empty() || name.contains([' ', '\t']) {
                return Err(RawRequestError::Malformed);
            }
            headers.push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
        }
        let mut request = RawRequest {
            method: method.to_owned(),
            target: target.to_owned(),
            headers,
            body: Vec::new(),
        };
        request.body = match request.header_values("content-length").as_slice() {
            [] => rest.to_vec(),
            [length] => {
                let length: usize = length.parse().map_err(|_| RawRequestError::ContentLength)?;
                rest.get(..length)
                    .ok_or(RawRequestError::ContentLength)?
                    .to_vec()
            }
            _ => return Err(RawRequestError::ContentLength),
        };
        Ok(request)
    }

    /// The request as bytes, with a `Content-Length` if it has none.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, self.target).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        if self.header_values("content-length").is_empty() {
            out.extend_from_slice(format!("Content-Length: {}\r\n", self.body.len()).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }

    fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn path_and_query(&self) -> (&str, &str) {
        self.target.split_once('?').unwrap_or((&self.target, ""))
    }
}

fn split_head(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut at = 0;
    while at < bytes.len() {
        let rest = bytes.get(at..)?;
        if rest.starts_with(b"\r\n\r\n") {
            return Some((bytes.get(..at)?, bytes.get(at + 4..)?));
        }
        if rest.starts_with(b"\n\n") {
            return Some((bytes.get(..at)?, bytes.get(at + 2..)?));
        }
        if rest.starts_with(b"\r\n\n") {
            return Some((bytes.get(..at)?, bytes.get(at + 3..)?));
        }
        at += 1;
    }
    None
}

/// Renders a response as HTTP/1.1 bytes, with `content-length` last.
pub fn render_response(response: &HttpResponse) -> Vec<u8> {
    let reason = match response.status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        _ => "Unknown",
    };
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", response.status).into_bytes();
    for (name, value) in &response.headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", response.body.len()).as_bytes());
    out.extend_from_slice(&response.body);
    out
}

/// The oracle's answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OracleAnswer {
    /// The response.
    pub response: HttpResponse,
    /// The effects (already applied to the oracle's store).
    pub effects: Vec<Effect>,
}

/// A running oracle: the fixture's state, updated by each request's effects.
#[derive(Debug, Clone)]
pub struct Oracle {
    config: Config,
    store: MemoryStore,
    now: u64,
    entropy: [u8; 32],
    requests: u64,
    consent: FixtureConsent,
    scopes_supported: Scope,
    api_scope: Scope,
}

impl Oracle {
    /// Loads a fixture.
    pub fn from_fixture(fixture: &Fixture) -> Result<Oracle, FixtureError> {
        let mut keys = fixture.keys.iter().map(|k| {
            let secret = URL_SAFE_NO_PAD
                .decode(&k.secret)
                .map_err(|_| FixtureError::Keys)?;
            HmacKey::new(k.kid.clone(), &secret).map_err(|_| FixtureError::Keys)
        });
        let mut ring = KeyRing::new(keys.next().ok_or(FixtureError::Keys)??);
        for key in keys {
            ring = ring.with_verify_key(key?).map_err(|_| FixtureError::Keys)?;
        }
        let s = &fixture.settings;
        let mut config =
            Config::new(&fixture.issuer, &fixture.audience, ring).with_pkce(PkcePolicy {
                required_for: if s.pkce_for_all_clients {
                    PkceRequirement::AllClients
                } else {
                    PkceRequirement::PublicClients
                },
                allow_plain: s.allow_plain_pkce,
            });
        if let Some(ttl) = s.access_token_ttl {
            config = config.with_access_token_ttl(ttl);
        }
        if let Some(ttl) = s.refresh_token_ttl {
            config = config.with_refresh_token_ttl(ttl);
        }
        if let Some(ttl) = s.code_ttl {
            config = config.with_code_ttl(ttl);
        }
        if let Some(grace) = s.refresh_grace_period {
            config = config.with_refresh_grace_period(grace);
        }
        if let Some(realm) = &s.realm {
            config = config.with_realm(Realm::new(realm.clone()).map_err(|_| FixtureError::Realm)?);
        }
        let entropy = URL_SAFE_NO_PAD
            .decode(&fixture.entropy)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or(FixtureError::Entropy)?;
        let mut store = MemoryStore::new();
        let mut effects: Vec<Effect> = fixture
            .revoked_families
            .iter()
            .map(|family| Effect::RevokeFamily {
                family: family.clone(),
            })
            .collect();
        if !fixture.revoked_access_tokens.is_empty() {
            effects.push(Effect::RevokeAccessTokens {
                token_ids: fixture.revoked_access_tokens.clone(),
            });
        }
        for client in &fixture.clients {
            store.add_client(client.clone());
        }
        for code in &fixture.codes {
            store.add_code(code.clone());
        }
        for record in &fixture.refresh_tokens {
            store.add_refresh_token(record.clone());
        }
        store.apply(&effects);
        Ok(Oracle {
            config,
            store,
            now: fixture.now,
            entropy,
            requests: 0,
            consent: fixture.consent.clone(),
            scopes_supported: fixture.scopes_supported.clone(),
            api_scope: fixture.api_scope.clone(),
        })
    }

    /// The configuration built from the fixture.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The current state.
    pub fn store(&self) -> &MemoryStore {
        &self.store
    }

    /// Moves the clock (for sessions of several requests).
    pub fn set_now(&mut self, now: u64) {
        self.now = now;
    }

    fn next_context(&mut self) -> Context {
        let entropy = if self.requests == 0 {
            self.entropy
        } else {
            Sha256::new()
                .chain_update(self.entropy)
                .chain_update(self.requests.to_be_bytes())
                .finalize()
                .into()
        };
        self.requests += 1;
        Context::new(self.now, Entropy::from_bytes(entropy))
    }

    /// Answers one request and applies its effects to the state.
    pub fn handle(&mut self, request: &RawRequest) -> OracleAnswer {
        let ctx = self.next_context();
        let (path, query) = request.path_and_query();
        let (response, effects) = match path {
            "/oauth/token" => self.form_post(request, |oracle, parts| {
                let outcome = oracle.store.token_endpoint(parts, &oracle.config, ctx);
                let (response, effects) = outcome.into_parts();
                (response, effects)
            }),
            "/oauth/revoke" => self.form_post(request, |oracle, parts| {
                let step = revocation_endpoint(parts, &oracle.config);
                let outcome = match drive_revocation(step, &mut oracle.store) {
                    Ok(outcome) => outcome,
                    Err(never) => match never {},
                };
                oracle.store.apply(outcome.effects());
                outcome.into_parts()
            }),
            "/oauth/introspect" => self.form_post(request, |oracle, parts| {
                let step = introspection_endpoint(parts, &oracle.config, oracle.now);
                let outcome = match drive_introspection(step, &mut oracle.store) {
                    Ok(outcome) => outcome,
                    Err(never) => match never {},
                };
                outcome.into_parts()
            }),
            "/oauth/authorize" if request.method == "GET" => self.authorize(query.as_bytes(), &ctx),
            "/.well-known/oauth-authorization-server" if request.method == "GET" => {
                let endpoints = Endpoints::under(self.config.issuer());
                (
                    metadata_document(&self.config, &endpoints, &self.scopes_supported),
                    Vec::new(),
                )
            }
            "/api/me" if request.method == "GET" => (self.api_me(request), Vec::new()),
            "/oauth/authorize" | "/.well-known/oauth-authorization-server" | "/api/me" => {
                let mut response = HttpResponse::no_store_json(405, b"{}".to_vec());
                response.headers.push(("allow", String::from("GET")));
                (response, Vec::new())
            }
            _ => (HttpResponse::no_store_json(404, b"{}".to_vec()), Vec::new()),
        };
        OracleAnswer { response, effects }
    }

    fn form_post(
        &mut self,
        request: &RawRequest,
        run: impl FnOnce(&mut Oracle, &RequestParts<'_>) -> (HttpResponse, Vec<Effect>),
    ) -> (HttpResponse, Vec<Effect>) {
        let content_type = request.header_values("content-type");
        let authorization = request.header_values("authorization");
        if content_type.len() > 1 || authorization.len() > 1 {
            let error = TokenError::RepeatedHeader;
            return (error.to_http_response(self.config.realm()), Vec::new());
        }
        let parts = RequestParts {
            method: &request.method,
            content_type: content_type.first().map(|v| v.as_bytes()),
            authorization: authorization.first().map(|v| v.as_bytes()),
            body: &request.body,
        };
        run(self, &parts)
    }

    fn authorize(&mut self, query: &[u8], ctx: &Context) -> (HttpResponse, Vec<Effect>) {
        let decision = match authorize_with(&mut self.store, query, &self.config) {
            Ok(decision) => decision,
            Err(never) => match never {},
        };
        match decision {
            AuthorizeDecision::Refuse(refusal) => (refusal.to_http_response(), Vec::new()),
            AuthorizeDecision::Redirect { response, .. } => (response, Vec::new()),
            AuthorizeDecision::Consent(pending) if self.consent.approve => {
                let scope = self
                    .consent
                    .scope
                    .clone()
                    .unwrap_or_else(|| pending.scope().clone());
                let subject = self.consent.subject.clone();
                match pending.clone().approve(subject, scope, &self.config, ctx) {
                    Ok(approval) => {
                        self.store.apply(&approval.effects);
                        (approval.response, approval.effects)
                    }
                    Err(_) => (pending.deny(&self.config), Vec::new()),
                }
            }
            AuthorizeDecision::Consent(pending) => (pending.deny(&self.config), Vec::new()),
        }
    }

    fn api_me(&mut self, request: &RawRequest) -> HttpResponse {
        let policy = BearerPolicy {
            required_scope: self.api_scope.clone(),
            leeway: 0,
        };
        let authorization = request.header_values("authorization");
        let result = if authorization.len() > 1 {
            Err(BearerError::InvalidRequest)
        } else {
            let header = authorization.first().map(|v| v.as_bytes());
            match authenticate_bearer(&mut self.store, header, &self.config, self.now, &policy) {
                Ok(result) => result,
                Err(never) => match never {},
            }
        };
        match result {
            Ok(claims) => {
                let body = serde_json::json!({
                    "sub": claims.sub,
                    "client_id": claims.client_id,
                    "scope": claims.scope,
                });
                HttpResponse::no_store_json(200, serde_json::to_vec(&body).unwrap_or_default())
            }
            Err(error) => error.to_http_response(self.config.realm(), &policy),
        }
    }
}

/// A request as a conformance vector stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorRequest {
    /// The method.
    pub method: String,
    /// The request target.
    pub target: String,
    /// Header names and values, in order (a `Content-Length` is added when
    /// the raw request is written, unless given here).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body as text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    /// The body as unpadded base64url, for bodies that are not UTF-8
    /// (takes precedence over `body`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

impl VectorRequest {
    /// The request as a [`RawRequest`]; `None` if `body_base64` is invalid.
    pub fn to_raw(&self) -> Option<RawRequest> {
        let body = match &self.body_base64 {
            Some(b64) => URL_SAFE_NO_PAD.decode(b64).ok()?,
            None => self.body.clone().into_bytes(),
        };
        Some(RawRequest {
            method: self.method.clone(),
            target: self.target.clone(),
            headers: self.headers.clone(),
            body,
        })
    }
}

/// A response as a conformance vector stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorResponse {
    /// The status.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (every body the engine writes is UTF-8).
    pub body: String,
}

impl From<&HttpResponse> for VectorResponse {
    fn from(response: &HttpResponse) -> Self {
        VectorResponse {
            status: response.status,
            headers: response
                .headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.clone()))
                .collect(),
            body: String::from_utf8_lossy(&response.body).into_owned(),
        }
    }
}

impl VectorResponse {
    /// The response as HTTP/1.1 bytes, exactly as the oracle CLI prints it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let headers = self
            .headers
            .iter()
            .map(|(n, v)| (static_header_name(n), v.clone()))
            .collect();
        render_response(&HttpResponse {
            status: self.status,
            headers,
            body: self.body.clone().into_bytes(),
        })
    }
}

/// Header names the engine writes; anything else renders as `x-unknown`.
fn static_header_name(name: &str) -> &'static str {
    const NAMES: [&str; 7] = [
        "content-type",
        "cache-control",
        "pragma",
        "www-authenticate",
        "allow",
        "location",
        "content-length",
    ];
    NAMES
        .iter()
        .find(|n| n.eq_ignore_ascii_case(name))
        .copied()
        .unwrap_or("x-unknown")
}

/// A conformance vector: a state, one request, and exactly what a correct
/// server answers and changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    /// A stable name (the file name without `.json`).
    pub name: String,
    /// The RFC-RULES row it pins, in words.
    pub rule: String,
    /// The state before the request.
    pub fixture: Fixture,
    /// The request.
    pub request: VectorRequest,
    /// The expected response.
    pub response: VectorResponse,
    /// The expected effects.
    pub effects: Vec<Effect>,
}

impl Vector {
    /// Runs the vector's request against its fixture and returns what the
    /// engine answers now (to compare with, or regenerate, the expectation).
    pub fn run(&self) -> Result<(VectorResponse, Vec<Effect>), FixtureError> {
        let mut oracle = Oracle::from_fixture(&self.fixture)?;
        let raw = self.request.to_raw().ok_or(FixtureError::RequestBody)?;
        let answer = oracle.handle(&raw);
        Ok((VectorResponse::from(&answer.response), answer.effects))
    }
}
