//! The authorization endpoint's checks: a redirect only to a registered
//! URI of a known client (never an open redirector), with `iss` and exactly
//! the `state` sent; a code only if everything RFC-RULES asks of the
//! request holds and the resource owner approved, stored with what it is
//! bound to; `access_denied` only for a denial, an approval wider than
//! the request, or one that grants no scope.

use grant_engine::store::CodeState;
use grant_engine::{Effect, GrantType, HttpResponse};
use grant_engine_oracle::{Fixture, RawRequest};

use super::pools::REDIRECT_ERRORS;
use super::rules::{AuthorizeTarget, appended, authorize_target, hash_matches, set_of};
use crate::fuzz::independent::{is_pkce_string, is_vschars, scope_set, single, values};

const REDIRECTED_PARAMS: [&str; 5] = [
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
];

pub(super) fn check_authorize(
    model: &Fixture,
    now: u64,
    request: &RawRequest,
    query: &str,
    response: &HttpResponse,
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
        if error == "access_denied" {
            check_denial(model, &target, get("error_description"))?;
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
            if client.secret_verifier.is_none() || model.settings.pkce_for_all_clients {
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
        || record.scope.is_empty()
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

/// An `access_denied` redirect: the resource owner denied, the host
/// approved a scope the request did not ask for, which the engine refuses
/// ("the granted scope exceeds the requested scope"), or the approval
/// granted no scope at all. Nothing else is `access_denied`.
fn check_denial(
    model: &Fixture,
    target: &AuthorizeTarget<'_>,
    description: Option<&str>,
) -> Result<(), String> {
    let requested = match single(&target.pairs, "scope") {
        None => set_of(&target.client.scope),
        Some(raw) => scope_set(raw).ok_or("access_denied for a malformed scope")?,
    };
    let wider = model
        .consent
        .scope
        .as_ref()
        .is_some_and(|granted| !set_of(granted).is_subset(&requested));
    let nothing = match &model.consent.scope {
        Some(granted) => set_of(granted).is_empty(),
        None => requested.is_empty(),
    };
    let expected = if !model.consent.approve {
        "the resource owner denied the request"
    } else if wider {
        "the granted scope exceeds the requested scope"
    } else if nothing {
        "the resource owner granted no scope"
    } else {
        return Err("access_denied although the resource owner approved the request".into());
    };
    if description == Some(expected) {
        Ok(())
    } else {
        Err(format!(
            "access_denied described as {description:?}, expected {expected:?}"
        ))
    }
}
