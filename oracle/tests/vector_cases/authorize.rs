//! The authorization endpoint (RFC 6749 4.1.1, 4.1.2.1, 3.1.2; RFC 7636
//! 4.3; RFC 9207).

use super::*;

/// A valid request of the confidential client, with `extra` parameters.
fn confidential(extra: &str) -> VectorRequest {
    authorize(&format!(
        "response_type=code&client_id=your_client_id&redirect_uri={REDIRECT_ENC}&state=xyz{extra}"
    ))
}

/// A request of the public client with `extra` parameters (no challenge).
fn public(extra: &str) -> VectorRequest {
    authorize(&format!(
        "response_type=code&client_id=public_client_id&redirect_uri={REDIRECT_ENC}&state=xyz{extra}"
    ))
}

/// The S256 challenge parameters.
fn s256() -> String {
    format!("&code_challenge={CHALLENGE}&code_challenge_method=S256")
}

/// The base fixture with one more client.
fn with_client(record: ClientRecord) -> Fixture {
    base_with(|f| f.clients.push(record))
}

/// A confidential client `multi_uri_client` with two redirect URIs.
fn with_two_uris() -> Fixture {
    with_client(
        confidential_client("multi_uri_client", "multi_secret")
            .with_grant_types(&[GrantType::AuthorizationCode])
            .with_scope(scope("read"))
            .with_redirect_uri(redirect_uri(REDIRECT))
            .with_redirect_uri(redirect_uri("https://your-app.com/other")),
    )
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "authorize-client-id-missing-400",
            "client_id missing: no redirect, an error for the user (400)",
            base_fixture(),
            authorize(&format!(
                "response_type=code&redirect_uri={REDIRECT_ENC}&state=xyz"
            )),
        ),
        case(
            "authorize-client-id-unknown-400",
            "client_id unknown: no redirect (400)",
            base_fixture(),
            authorize(&format!(
                "response_type=code&client_id=nobody&redirect_uri={REDIRECT_ENC}&state=xyz"
            )),
        ),
        case(
            "authorize-client-id-repeated-400",
            "client_id repeated: no redirect (400)",
            base_fixture(),
            confidential("&client_id=your_client_id"),
        ),
        case(
            "authorize-redirect-uri-missing-several-registered-400",
            "redirect_uri missing when the client has several registered: no redirect (400)",
            with_two_uris(),
            authorize("response_type=code&client_id=multi_uri_client&state=xyz"),
        ),
        case(
            "authorize-redirect-uri-missing-none-registered-400",
            "redirect_uri missing when the client has none registered: no redirect (400)",
            base_fixture(),
            authorize("response_type=code&client_id=m2m_client_id&state=xyz"),
        ),
        case(
            "authorize-redirect-uri-not-registered-400",
            "redirect_uri not registered: no redirect (400)",
            base_fixture(),
            authorize(
                "response_type=code&client_id=your_client_id&redirect_uri=https%3A%2F%2Fevil.example%2Fcallback&state=xyz",
            ),
        ),
        case(
            "authorize-redirect-uri-not-exact-match-400",
            "redirect_uri not an exact string match (upper-case host): no redirect (400)",
            base_fixture(),
            authorize(
                "response_type=code&client_id=your_client_id&redirect_uri=https%3A%2F%2FYOUR-APP.com%2Fcallback&state=xyz",
            ),
        ),
        case(
            "authorize-redirect-uri-extra-query-400",
            "redirect_uri not an exact string match (extra query): no redirect (400)",
            base_fixture(),
            authorize(&format!(
                "response_type=code&client_id=your_client_id&redirect_uri={REDIRECT_ENC}%3Fnext%3D1&state=xyz"
            )),
        ),
        case(
            "authorize-redirect-uri-repeated-400",
            "redirect_uri repeated: no redirect (400)",
            base_fixture(),
            confidential(&format!("&redirect_uri={REDIRECT_ENC}")),
        ),
        case(
            "authorize-redirect-uri-malformed-400",
            "redirect_uri not decodable as an absolute URI (relative): no redirect (400)",
            base_fixture(),
            authorize(
                "response_type=code&client_id=your_client_id&redirect_uri=%2Fcallback&state=xyz",
            ),
        ),
        case(
            "authorize-redirect-uri-invalid-utf8-400",
            "redirect_uri not decodable (invalid UTF-8): no redirect (400)",
            base_fixture(),
            authorize(&format!(
                "response_type=code&client_id=your_client_id&redirect_uri={REDIRECT_ENC}%E0&state=xyz"
            )),
        ),
        case(
            "authorize-query-bad-percent-escape-400",
            "a query that cannot be decoded (bad % escape): no redirect (400)",
            base_fixture(),
            confidential("&scope=read%zz"),
        ),
        case(
            "authorize-redirect-uri-omitted-single-registered",
            "redirect_uri omitted and exactly one registered: use the registered one",
            base_fixture(),
            authorize("response_type=code&client_id=your_client_id&state=xyz"),
        ),
        case(
            "authorize-unauthorized-client-redirect",
            "client may not use the code grant: redirect unauthorized_client with state and iss",
            with_client(
                confidential_client("cc_redirect_client", "cc_secret")
                    .with_grant_types(&[GrantType::ClientCredentials])
                    .with_scope(scope("read"))
                    .with_redirect_uri(redirect_uri(REDIRECT)),
            ),
            authorize(&format!(
                "response_type=code&client_id=cc_redirect_client&redirect_uri={REDIRECT_ENC}&state=xyz"
            )),
        ),
        case(
            "authorize-access-denied-redirect",
            "resource owner denies: redirect access_denied with state and iss",
            base_with(|f| f.consent.approve = false),
            confidential(""),
        ),
        case(
            "authorize-scope-not-allowed-redirect",
            "scope beyond the client's: redirect invalid_scope with state and iss",
            base_fixture(),
            confidential("&scope=read%20admin"),
        ),
        case(
            "authorize-scope-malformed-redirect",
            "scope malformed (double space): redirect invalid_scope",
            base_fixture(),
            confidential("&scope=read%20%20write"),
        ),
        case(
            "authorize-state-malformed-redirect-without-state",
            "state not 1*VSCHAR: redirect invalid_request (the bad state is not echoed)",
            base_fixture(),
            authorize(&format!(
                "response_type=code&client_id=your_client_id&redirect_uri={REDIRECT_ENC}&state=x%01y"
            )),
        ),
        case(
            "authorize-response-type-missing-redirect",
            "response_type missing: redirect invalid_request",
            base_fixture(),
            authorize(&format!(
                "client_id=your_client_id&redirect_uri={REDIRECT_ENC}&state=xyz"
            )),
        ),
        case(
            "authorize-response-type-token-redirect",
            "response_type=token (no implicit grant): redirect unsupported_response_type",
            base_fixture(),
            authorize(&format!(
                "response_type=token&client_id=your_client_id&redirect_uri={REDIRECT_ENC}&state=xyz"
            )),
        ),
        case(
            "authorize-response-type-code-token-redirect",
            "response_type other than code (code token): redirect unsupported_response_type",
            base_fixture(),
            authorize(&format!(
                "response_type=code%20token&client_id=your_client_id&redirect_uri={REDIRECT_ENC}&state=xyz"
            )),
        ),
        case(
            "authorize-repeated-scope-redirect",
            "any other parameter repeated (scope): redirect invalid_request",
            base_fixture(),
            confidential("&scope=read&scope=write"),
        ),
        case(
            "authorize-repeated-response-type-redirect",
            "any other parameter repeated (response_type): redirect invalid_request",
            base_fixture(),
            confidential("&response_type=code"),
        ),
        case(
            "authorize-repeated-state-redirect",
            "any other parameter repeated (state): redirect invalid_request, no state echoed",
            base_fixture(),
            confidential("&state=abc"),
        ),
        case(
            "authorize-public-client-without-challenge-redirect",
            "public client without code_challenge: redirect invalid_request (PKCE required)",
            base_fixture(),
            public(""),
        ),
        case(
            "authorize-pkce-required-for-all-clients-redirect",
            "PKCE configured for all clients: confidential client without challenge, redirect invalid_request",
            base_with(|f| f.settings.pkce_for_all_clients = true),
            confidential(""),
        ),
        case(
            "authorize-confidential-client-pkce-optional",
            "by default a confidential client may omit the challenge: code issued",
            base_fixture(),
            confidential("&scope=read"),
        ),
        case(
            "authorize-challenge-method-plain-redirect",
            "code_challenge_method=plain (S256 only by default): redirect invalid_request",
            base_fixture(),
            public(&format!(
                "&code_challenge={VERIFIER}&code_challenge_method=plain"
            )),
        ),
        case(
            "authorize-challenge-method-missing-redirect",
            "code_challenge without method (means plain): redirect invalid_request",
            base_fixture(),
            public(&format!("&code_challenge={CHALLENGE}")),
        ),
        case(
            "authorize-challenge-method-plain-enabled",
            "code_challenge_method=plain with plain enabled in configuration: code issued",
            base_with(|f| f.settings.allow_plain_pkce = true),
            public(&format!(
                "&code_challenge={VERIFIER}&code_challenge_method=plain"
            )),
        ),
        case(
            "authorize-challenge-method-unknown-redirect",
            "code_challenge_method unknown (S512): redirect invalid_request",
            base_fixture(),
            public(&format!(
                "&code_challenge={CHALLENGE}&code_challenge_method=S512"
            )),
        ),
        case(
            "authorize-challenge-malformed-redirect",
            "code_challenge not 43-128 unreserved chars: redirect invalid_request",
            base_fixture(),
            public("&code_challenge=short&code_challenge_method=S256"),
        ),
        case(
            "authorize-success-public-s256",
            "success: a single-use code stored as a hash, bound to client, redirect_uri, scope, subject, PKCE, expiry",
            base_fixture(),
            public(&format!("&scope=read{}", s256())),
        ),
        case(
            "authorize-success-consent-narrows-scope",
            "success: the code is bound to the scope the resource owner granted",
            base_with(|f| f.consent.scope = Some(scope("read"))),
            confidential("&scope=read%20write"),
        ),
        case(
            "authorize-success-redirect-uri-query-kept",
            "success: a registered redirect_uri with a query keeps it (RFC 6749 3.1.2)",
            with_client(
                ClientRecord::public(id("tenant_client"))
                    .with_grant_types(&[GrantType::AuthorizationCode])
                    .with_scope(scope("read"))
                    .with_redirect_uri(redirect_uri("https://your-app.com/callback?tenant=acme")),
            ),
            authorize(&format!(
                "response_type=code&client_id=tenant_client&state=xyz{}",
                s256()
            )),
        ),
    ]
}
