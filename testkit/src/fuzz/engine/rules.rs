//! The independent predicates, written from RFC-RULES and not from the
//! engine: request hygiene, client authentication, what a token request may
//! be granted ([`token_grant`]), when an authorization request may redirect
//! at all, and the verification of access tokens against the model's ring.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grant_engine::store::{CodeState, RefreshTokenState};
use grant_engine::values::CodeChallengeMethod;
use grant_engine::{ClientRecord, Scope, TokenHash};
use grant_engine_oracle::{Fixture, FixtureKey, RawRequest};
use sha2::Digest as _;

use super::pools::GRANT_TYPES;
use crate::fuzz::independent;
use crate::fuzz::independent::{
    JwtExpectation, b64url_canonical, is_pkce_string, is_vschars, keyed_secret_verifier,
    parse_form, scope_set, sha256_b64url, single, values,
};

pub(super) fn header_values<'r>(request: &'r RawRequest, name: &str) -> Vec<&'r str> {
    request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

pub(super) fn path_and_query(request: &RawRequest) -> (&str, &str) {
    request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""))
}

pub(super) fn set_of(scope: &Scope) -> BTreeSet<String> {
    scope.iter().map(str::to_owned).collect()
}

pub(super) fn hash_matches(hash: &TokenHash, plaintext: &str) -> bool {
    hash.to_string() == sha256_b64url(plaintext.as_bytes())
}

/// One key of the model's ring, decoded from the fixture independently of
/// the engine: an HS256 secret, or the public half of a private JWK.
pub(super) enum RingKey {
    Hs256(String, Vec<u8>),
    Public(String, jsonwebtoken::Algorithm, jsonwebtoken::DecodingKey),
}

/// The ring's keys (a key the model cannot read is left out, so its tokens
/// fail the model's checks).
pub(super) fn ring(model: &Fixture) -> Vec<RingKey> {
    model.keys.iter().filter_map(ring_key).collect()
}

fn ring_key(key: &FixtureKey) -> Option<RingKey> {
    let jwk = match key {
        FixtureKey::Hs256 { kid, secret } => {
            return Some(RingKey::Hs256(
                kid.clone(),
                URL_SAFE_NO_PAD.decode(secret).ok()?,
            ));
        }
        FixtureKey::Jwk { jwk } => jwk,
    };
    let text = |name: &str| jwk.get(name).and_then(|v| v.as_str());
    // A key without a kid is named by its RFC 7638 thumbprint.
    let kid = match jwk.get("kid") {
        Some(kid) => kid.as_str()?.to_owned(),
        None => thumbprint(jwk)?,
    };
    use jsonwebtoken::{Algorithm, DecodingKey};
    let (alg, key) = match text("kty")? {
        "oct" => {
            return Some(RingKey::Hs256(
                kid,
                URL_SAFE_NO_PAD.decode(text("k")?).ok()?,
            ));
        }
        "EC" => (
            Algorithm::ES256,
            DecodingKey::from_ec_components(text("x")?, text("y")?),
        ),
        "OKP" => (
            Algorithm::EdDSA,
            DecodingKey::from_ed_components(text("x")?),
        ),
        "RSA" => (
            Algorithm::RS256,
            DecodingKey::from_rsa_components(text("n")?, text("e")?),
        ),
        _ => return None,
    };
    Some(RingKey::Public(kid, alg, key.ok()?))
}

/// The RFC 7638 thumbprint, computed here and not by the engine: SHA-256
/// of the required members, in lexicographic order, without whitespace.
fn thumbprint(jwk: &serde_json::Value) -> Option<String> {
    let members: &[&str] = match jwk.get("kty")?.as_str()? {
        "EC" => &["crv", "kty", "x", "y"],
        "OKP" => &["crv", "kty", "x"],
        "RSA" => &["e", "kty", "n"],
        "oct" => &["k", "kty"],
        _ => return None,
    };
    let mut fields = Vec::new();
    for member in members {
        let value = serde_json::to_string(jwk.get(*member)?.as_str()?).ok()?;
        fields.push(format!("\"{member}\":{value}"));
    }
    let canonical = format!("{{{}}}", fields.join(","));
    Some(URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(canonical.as_bytes())))
}

/// The ring as the independent verifier takes it.
pub(super) fn jwt_keys(ring: &[RingKey]) -> Vec<independent::JwtKey<'_>> {
    ring.iter()
        .map(|key| match key {
            RingKey::Hs256(kid, secret) => independent::JwtKey::Hs256(kid, secret),
            RingKey::Public(kid, alg, key) => independent::JwtKey::Public(kid, *alg, key),
        })
        .collect()
}

pub(super) fn verify_access(
    model: &Fixture,
    token: &str,
    now: u64,
) -> Result<serde_json::Map<String, serde_json::Value>, &'static str> {
    let ring = ring(model);
    let keys = jwt_keys(&ring);
    independent::verify_jwt(
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
pub(super) fn access_revoked(
    model: &Fixture,
    claims: &serde_json::Map<String, serde_json::Value>,
) -> bool {
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
pub(super) fn form_post(
    request: &RawRequest,
    params: &[&str],
) -> Result<Vec<(String, String)>, String> {
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
    if !media_type.eq_ignore_ascii_case(independent::FORM) {
        return Err(format!("Content-Type {content_type:?}"));
    }
    if request.body.len() > 16 * 1024 || independent::pair_count(&request.body) > 32 {
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
pub(super) fn authenticate<'m>(
    model: &'m Fixture,
    request: &RawRequest,
    pairs: &[(String, String)],
) -> Result<&'m ClientRecord, String> {
    authenticate_certainly(model, request, pairs).map(|(client, _)| client)
}

/// [`authenticate`], and whether the credentials are in their canonical
/// form (canonical base64 within the 4 KiB limit), so that refusing them
/// would be wrong: the decoder here is more lenient than it needs to be.
pub(super) fn authenticate_certainly<'m>(
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
            let (id, secret) = independent::decode_basic(header.as_bytes())
                .ok_or("not valid Basic credentials")?;
            certain &= independent::basic_is_canonical(header.as_bytes());
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
    // The verifier names its pepper: any of the model's (current or retired).
    let expected = |secret: &str| {
        let named = client.secret_verifier.as_ref().map(|v| v.pepper_id());
        let pepper = model.peppers.iter().find(|p| Some(p.id.as_str()) == named);
        match pepper.and_then(|p| Some((p, b64url_canonical(&p.secret)?))) {
            Some((p, key)) => keyed_secret_verifier(&p.id, &key, client.client_id.as_str(), secret),
            None => String::new(),
        }
    };
    match (&client.secret_verifier, secret) {
        (Some(verifier), Some(secret)) if verifier.to_string() == expected(&secret) => {
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

pub(super) const TOKEN_PARAMS: [&str; 8] = [
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
                    if client.secret_verifier.is_none() || model.settings.pkce_for_all_clients {
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
            if record.state != RefreshTokenState::Revoked && now >= record.family_expires_at {
                return Err("the family reached its absolute lifetime".into());
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
                        || now >= successor.family_expires_at
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
            if client.secret_verifier.is_none() {
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
pub(super) struct AuthorizeTarget<'m> {
    pub(super) client: &'m ClientRecord,
    pub(super) uri: String,
    pub(super) uri_sent: bool,
    pub(super) pairs: Vec<(String, String)>,
}

/// RFC-RULES: when an authorization request may redirect at all.
pub(super) fn authorize_target<'m>(
    model: &'m Fixture,
    query: &str,
) -> Result<AuthorizeTarget<'m>, String> {
    if query.len() > 16 * 1024 || independent::pair_count(query.as_bytes()) > 32 {
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
pub(super) fn appended(location: &str, uri: &str) -> Vec<(String, String)> {
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
