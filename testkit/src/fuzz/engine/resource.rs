//! The checks of revocation, introspection, the protected resource
//! (`/api/me`) and the metadata document: each answers as the model says,
//! and conversely a request RFC-RULES accept with certainty is not refused.

use grant_engine::store::RefreshTokenState;
use grant_engine::{ClientRecord, Effect, HttpResponse};
use grant_engine_oracle::{Fixture, RawRequest};

use super::rules::{
    RingKey, access_revoked, authenticate, authenticate_certainly, form_post, hash_matches,
    header_values, jwt_keys, ring, set_of, verify_access,
};
use crate::fuzz::independent;
use crate::fuzz::independent::{is_vschars, single};

const REFERENCE_PARAMS: [&str; 4] = ["client_id", "client_secret", "token", "token_type_hint"];

pub(super) fn check_revoke(
    model: &Fixture,
    request: &RawRequest,
    response: &HttpResponse,
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
    let ring = ring(model);
    let keys = jwt_keys(&ring);
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
                let claims = independent::jwt_signed_claims(token, &keys)
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
    if let Some(claims) = independent::jwt_signed_claims(token, &keys)
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

pub(super) fn check_introspect(
    model: &Fixture,
    now: u64,
    request: &RawRequest,
    response: &HttpResponse,
    body: Option<&serde_json::Value>,
) -> Result<(), String> {
    if response.status != 200 {
        return match reference_request(model, request) {
            Some(caller) if caller.secret_verifier.is_some() => {
                Err("an introspection the rules accept is refused".into())
            }
            _ => Ok(()),
        };
    }
    let pairs = form_post(request, &REFERENCE_PARAMS)
        .map_err(|why| format!("an introspection answered although {why}"))?;
    let caller = authenticate(model, request, &pairs)
        .map_err(|why| format!("an introspection answered although {why}"))?;
    if caller.secret_verifier.is_none() {
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

pub(super) fn check_api_me(
    model: &Fixture,
    now: u64,
    request: &RawRequest,
    response: &HttpResponse,
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
            && let independent::BearerHeader::Token(token) =
                independent::bearer_header(Some(header.as_bytes()))
            && let Ok(claims) = verify_access(model, &token, now)
            && !access_revoked(model, &claims)
            && set_of(&model.api_scope).is_subset(&independent::rendered_scope_set(
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
    let independent::BearerHeader::Token(token) =
        independent::bearer_header(Some(header.as_bytes()))
    else {
        return Err("accepted without Bearer credentials".into());
    };
    let claims =
        verify_access(model, &token, now).map_err(|why| format!("accepted a token: {why}"))?;
    if access_revoked(model, &claims) {
        return Err("accepted a revoked token".into());
    }
    let scope = independent::rendered_scope_set(claims["scope"].as_str().unwrap_or_default());
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

pub(super) fn check_metadata(
    model: &Fixture,
    request: &RawRequest,
    response: &HttpResponse,
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
    // RFC 8414 2: a jwks_uri exactly when there are public keys to publish.
    let public = ring(model)
        .iter()
        .any(|key| matches!(key, RingKey::Public(..)));
    if body.get("jwks_uri").is_some() != public {
        return Err(format!("metadata jwks_uri with public keys {public}"));
    }
    Ok(())
}

/// `GET /.well-known/jwks.json` (RFC 7517 5): the public keys of the ring,
/// each once with `kty`, `kid`, `alg` and `use: "sig"`, and no private or
/// symmetric member; the HS256 secrets never.
pub(super) fn check_jwk_set(
    model: &Fixture,
    request: &RawRequest,
    response: &HttpResponse,
    body: Option<&serde_json::Value>,
) -> Result<(), String> {
    match (request.method.as_str(), response.status) {
        ("GET", 200) => {}
        (_, 405) if request.method != "GET" => return Ok(()),
        (method, status) => return Err(format!("{method} of the JWK Set answered {status}")),
    }
    let keys = body
        .and_then(|b| b["keys"].as_array())
        .ok_or("the JWK Set has no keys array")?;
    let mut kids = Vec::new();
    for key in keys {
        let text = |name: &str| key[name].as_str().unwrap_or_default();
        let private = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
        if private.iter().any(|m| key.get(m).is_some()) || text("use") != "sig" {
            return Err(format!("a JWK with private members or no use sig: {key}"));
        }
        if text("kty").is_empty() || text("alg").is_empty() {
            return Err(format!("a JWK without kty or alg: {key}"));
        }
        kids.push(text("kid").to_owned());
    }
    let mut public: Vec<String> = ring(model)
        .into_iter()
        .filter_map(|key| match key {
            RingKey::Public(kid, _, _) => Some(kid),
            RingKey::Hs256(..) => None,
        })
        .collect();
    kids.sort();
    public.sort();
    if kids != public {
        return Err(format!(
            "the JWK Set has {kids:?}, the ring's public keys are {public:?}"
        ));
    }
    Ok(())
}
