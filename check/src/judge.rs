//! Judging replies against the answers an RFC allows, and saying what came
//! back without repeating a token or a secret.

use std::collections::BTreeSet;

use crate::http::Reply;

/// What a reply was, in a few words: the status, the `error` member or
/// the JSON member names (never their values: they may be tokens).
pub fn describe(reply: &Reply) -> String {
    if reply.status == 0 {
        return format!("no response ({})", String::from_utf8_lossy(&reply.body));
    }
    if (300..400).contains(&reply.status) {
        let to = reply.header("location").unwrap_or("nowhere");
        let to = to.split(['?', '#']).next().unwrap_or_default();
        return format!("{} to {to}", reply.status);
    }
    match reply.json() {
        Some(map) => match map.get("error").and_then(|e| e.as_str()) {
            Some(error) => format!("{} {error}", reply.status),
            None => {
                let members: Vec<&str> = map.keys().map(String::as_str).collect();
                format!("{} {{{}}}", reply.status, members.join(", "))
            }
        },
        None => format!("{} (no JSON object)", reply.status),
    }
}

fn alternatives(items: &[impl std::fmt::Display]) -> String {
    let items: Vec<String> = items.iter().map(ToString::to_string).collect();
    items.join(" or ")
}

/// A refusal: one of `statuses`, a JSON body whose `error` is one of
/// `errors` (any code when `errors` is empty).
pub fn refused(reply: &Reply, statuses: &[u16], errors: &[&str]) -> Result<(), String> {
    let expected = || {
        let codes = if errors.is_empty() {
            String::from("an error")
        } else {
            alternatives(errors)
        };
        format!("expected {} with {codes}", alternatives(statuses))
    };
    if !statuses.contains(&reply.status) {
        return Err(format!("{}; got {}", expected(), describe(reply)));
    }
    let error = reply.member("error");
    match error {
        Some(code) if errors.is_empty() || errors.contains(&code.as_str()) => Ok(()),
        _ => Err(format!("{}; got {}", expected(), describe(reply))),
    }
}

/// A refusal of any 4xx status (what a rule that fixes no code allows).
pub fn refused_4xx(reply: &Reply) -> Result<(), String> {
    if (400..500).contains(&reply.status) {
        Ok(())
    } else {
        Err(format!("expected a 4xx refusal; got {}", describe(reply)))
    }
}

/// A successful token response (RFC 6749 5.1).
#[derive(Debug, Clone)]
pub struct Tokens {
    /// `access_token`.
    pub access: String,
    /// `refresh_token`, if issued.
    pub refresh: Option<String>,
    /// `scope`, if given.
    pub scope: Option<String>,
}

/// A 200 with `access_token` and a `token_type` of Bearer
/// (case-insensitive, RFC 6749 5.1 and 7.1).
pub fn tokens(reply: &Reply) -> Result<Tokens, String> {
    let fail = |what: &str| Err(format!("expected 200 with {what}; got {}", describe(reply)));
    if reply.status != 200 {
        return fail("an access token");
    }
    let Some(access) = reply.member("access_token").filter(|t| !t.is_empty()) else {
        return fail("an access_token string");
    };
    let bearer = reply
        .member("token_type")
        .is_some_and(|t| t.eq_ignore_ascii_case("bearer"));
    if !bearer {
        return fail("token_type Bearer");
    }
    Ok(Tokens {
        access,
        refresh: reply.member("refresh_token"),
        scope: reply.member("scope"),
    })
}

/// The scope tokens of a space-separated scope.
pub fn scope_set(scope: &str) -> BTreeSet<&str> {
    scope.split(' ').filter(|s| !s.is_empty()).collect()
}

/// The granted scope (the response's, or the requested one when the
/// response leaves it out, RFC 6749 5.1) lies within `allowed`.
pub fn granted_within(tokens: &Tokens, requested: &str, allowed: &str) -> Result<(), String> {
    let granted = tokens.scope.as_deref().unwrap_or(requested);
    let allowed_set = scope_set(allowed);
    let extra: Vec<&str> = scope_set(granted)
        .into_iter()
        .filter(|s| !allowed_set.contains(s))
        .collect();
    if extra.is_empty() {
        Ok(())
    } else {
        let how = if tokens.scope.is_some() {
            "granted"
        } else {
            "granted (no scope member: the requested scope)"
        };
        Err(format!("{how} {}, beyond {allowed:?}", extra.join(" ")))
    }
}

/// The reply is 401 with a `WWW-Authenticate` challenge of `scheme`.
pub fn challenged(reply: &Reply, scheme: &str) -> Result<(), String> {
    if reply.status != 401 {
        return Err(format!("expected 401; got {}", describe(reply)));
    }
    // One header value may hold several challenges (RFC 9110 11.6.1):
    // a scheme is a comma-separated item's first word.
    let offered = reply.header_values("www-authenticate").iter().any(|v| {
        v.split(',').any(|item| {
            let word = item.trim().split(' ').next().unwrap_or_default();
            word.eq_ignore_ascii_case(scheme)
        })
    });
    if offered {
        Ok(())
    } else {
        Err(format!("401 without a WWW-Authenticate {scheme} challenge"))
    }
}

/// Both results must hold; the first failure is reported.
pub fn both(a: Result<(), String>, b: Result<(), String>) -> Result<(), String> {
    a.and(b)
}

/// `Ok` when `ok`, else the failure `why` describes.
pub fn holds(ok: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(why()) }
}
