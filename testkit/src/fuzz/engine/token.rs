//! The token endpoint's checks: a 200 only if [`token_grant`] grants it,
//! with the tokens it says; an error only if the rules do not grant it with
//! certainty, with only the effects a refusal may have; reuse of a code or
//! a rotated-out refresh token revokes what RFC-RULES says.

use std::collections::BTreeSet;

use grant_engine::store::{CodeState, RefreshTokenState};
use grant_engine::values::{FamilyId, TokenId};
use grant_engine::{Effect, HttpResponse};
use grant_engine_oracle::{Fixture, RawRequest};

use super::model::apply_effects;
use super::rules::{
    TOKEN_PARAMS, authenticate_certainly, form_post, hash_matches, jwt_keys, ring, token_grant,
};
use crate::fuzz::independent;
use crate::fuzz::independent::{is_pkce_string, is_vschars, scope_set, single};

fn json_error_code(response: &HttpResponse) -> Option<String> {
    let body: serde_json::Value = serde_json::from_slice(&response.body).ok()?;
    body.get("error")?.as_str().map(str::to_owned)
}

pub(super) fn check_token(
    model: &Fixture,
    now: u64,
    request: &RawRequest,
    response: &HttpResponse,
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
    let scope = independent::rendered_scope_set(body["scope"].as_str().unwrap_or_default());
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
    let ring = ring(model);
    let keys = jwt_keys(&ring);
    let claims = independent::jwt_signed_claims(access, &keys)
        .ok_or("the access token does not verify with the ring")?;
    let claim = |name: &str| claims[name].as_str().unwrap_or_default().to_owned();
    if claim("iss") != model.issuer
        || claim("aud") != model.audience
        || claim("client_id") != grant.client.client_id.as_str()
        || claim("sub") != grant.subject
        || independent::rendered_scope_set(&claim("scope")) != grant.scope
        || claims["iat"] != now
        || claims["exp"] != now.saturating_add(ttl)
    {
        return Err(format!("the access token's claims: {claims:?}"));
    }
    // Every refresh token returned is stored, as a digest, for the client.
    let mut after = model.clone();
    apply_effects(&mut after, effects).map_err(|conflict| {
        format!("the effects {effects:?} do not apply to the model: {conflict}")
    })?;
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
            // After the family's end a replay is refused as expired.
            if record.client_id == client.client_id
                && outside_grace
                && now < record.family_expires_at
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
