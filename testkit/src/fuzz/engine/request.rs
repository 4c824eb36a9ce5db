//! Building requests: each [`RequestSpec`] becomes a raw HTTP request,
//! its values drawn from the pools, the state's secrets and what earlier
//! responses returned, then optionally mutated.

use std::collections::BTreeMap;

use grant_engine_oracle::RawRequest;

use super::grammar::{Auth, EngineInput, Mutation, Name, RequestKind, RequestSpec, Secret, Value};
use super::pools::{
    ADVANCES, CLIENT_IDS, CODES, CONTENT_TYPES, ENDPOINTS, GRANT_TYPES, HINTS, HTTP_METHODS,
    MAX_BYTES, METHODS, PARAM_NAMES, REDIRECTS, REFRESH_TOKENS, RESPONSE_TYPES, SCOPES, SECRETS,
    VERIFIERS, pick,
};
use crate::fuzz::independent;
use crate::fuzz::independent::{form_encode, sha256_b64url};

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
            format!("Basic {}", independent::b64(&joined))
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
                let mut all = vec![("Content-Type".to_owned(), independent::FORM.to_owned())];
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
