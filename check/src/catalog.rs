//! Every check: a stable id named after the spec section it enforces, the
//! level of that section's keyword, and what it asks of the server.

use std::fmt;

/// The keyword of the rule a check enforces (RFC 2119).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// MUST, MUST NOT, REQUIRED: a failure fails the run.
    Must,
    /// SHOULD, RECOMMENDED: a failure fails the run under `--strict`.
    Should,
    /// MAY, OPTIONAL: reported, never fails the run.
    May,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        })
    }
}

/// One check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// The stable id: the spec, its section, a name.
    pub id: &'static str,
    /// The level of the rule.
    pub level: Level,
    /// What the server must do, in one line.
    pub rule: &'static str,
}

const fn must(id: &'static str, rule: &'static str) -> Check {
    Check {
        id,
        level: Level::Must,
        rule,
    }
}

const fn should(id: &'static str, rule: &'static str) -> Check {
    Check {
        id,
        level: Level::Should,
        rule,
    }
}

const fn may(id: &'static str, rule: &'static str) -> Check {
    Check {
        id,
        level: Level::May,
        rule,
    }
}

/// The checks, in the order they run and print.
pub const CHECKS: &[Check] = &[
    // Metadata (RFC 8414).
    must(
        "rfc8414-3.2-metadata-json",
        "the metadata is a 200 JSON object",
    ),
    must(
        "rfc8414-3.3-issuer-match",
        "the metadata's issuer is the issuer it was fetched for",
    ),
    must(
        "rfc8414-2-required-members",
        "issuer, response_types_supported and the endpoints the grants need are present",
    ),
    should(
        "rfc9700-2.1.1-pkce-advertised",
        "code_challenge_methods_supported lists S256",
    ),
    may(
        "rfc9700-2.1.2-no-implicit-advertised",
        "response_types_supported offers no token response type",
    ),
    // Token endpoint request hygiene (RFC 6749 3.1, 3.2, 5).
    should(
        "rfc6749-3.2-post-only",
        "a token request by GET, parameters in the query, is refused (the rule binds clients: hardening)",
    ),
    may(
        "rfc6749-3.2-form-encoded-only",
        "a token request with a JSON body is refused",
    ),
    must(
        "rfc6749-3.2-repeated-parameter",
        "a parameter given twice is 400 invalid_request",
    ),
    must(
        "rfc6749-5.2-missing-grant-type",
        "no grant_type is 400 invalid_request (or unsupported_grant_type)",
    ),
    must(
        "rfc6749-5.2-unsupported-grant-type",
        "an unknown grant_type is 400 unsupported_grant_type",
    ),
    must(
        "rfc6749-5.2-missing-code",
        "authorization_code without code is 400 invalid_request",
    ),
    must(
        "rfc6749-3.2-unknown-parameter-ignored",
        "an unknown extra parameter is ignored",
    ),
    must(
        "rfc6749-3.2-empty-parameter-omitted",
        "a parameter with an empty value counts as omitted",
    ),
    must(
        "rfc6749-5.1-cache-control-no-store",
        "token responses carry Cache-Control: no-store",
    ),
    // RFC 6749 5.1 puts Pragma under its MUST; RFC 9111 deprecates Pragma
    // and OAuth 2.1 drops it, so a server without it is not failed.
    should(
        "rfc6749-5.1-pragma-no-cache",
        "token responses carry Pragma: no-cache",
    ),
    must("rfc6749-5.1-json", "token responses are application/json"),
    must(
        "rfc6749-5.2-error-json",
        "error responses are JSON objects with an error member",
    ),
    // Client authentication (RFC 6749 2.3, 5.2).
    must(
        "rfc6749-2.3.1-basic",
        "HTTP Basic client authentication is supported",
    ),
    may(
        "rfc6749-2.3.1-post",
        "client_secret in the body is supported",
    ),
    must(
        "rfc6749-5.2-wrong-secret-basic",
        "a wrong secret in Basic is 401 invalid_client with a WWW-Authenticate challenge",
    ),
    must(
        "rfc6749-5.2-wrong-secret-post",
        "a wrong secret in the body is invalid_client",
    ),
    must(
        "rfc6749-5.2-unknown-client",
        "an unknown client is invalid_client",
    ),
    may(
        "rfc6749-2.3-one-method",
        "Basic and a body secret together are refused",
    ),
    must(
        "rfc6749-4.4-public-client-credentials",
        "a public client cannot use client_credentials",
    ),
    // client_credentials (RFC 6749 4.4, 3.3).
    must(
        "rfc6749-4.4.3-token",
        "client_credentials issues a Bearer access token",
    ),
    should(
        "rfc6749-4.4.3-no-refresh-token",
        "client_credentials issues no refresh token",
    ),
    must(
        "rfc6749-3.3-default-scope",
        "no scope: the default scope, or invalid_scope",
    ),
    must(
        "rfc6749-3.3-forbidden-scope",
        "a scope the client may not have is not granted",
    ),
    may(
        "rfc6749-3.3-malformed-scope",
        "a scope outside the 3.3 syntax is 400 invalid_scope",
    ),
    // The authorization endpoint (RFC 6749 4.1.1, 4.1.2, RFC 9207).
    must(
        "rfc6749-4.1.2-code-issued",
        "a valid authorization request redirects with a code and the state",
    ),
    must(
        "rfc9207-2-iss",
        "the authorization response carries iss when the metadata says so",
    ),
    must(
        "rfc9207-2-iss-on-errors",
        "error redirects carry iss too when the metadata says so",
    ),
    must(
        "rfc6749-4.1.2.1-unknown-client",
        "an unknown client_id is never redirected",
    ),
    must(
        "rfc6749-4.1.2.1-unregistered-redirect",
        "an unregistered redirect_uri is never redirected to",
    ),
    must(
        "rfc6749-3.1.1-missing-response-type",
        "no response_type redirects invalid_request, with the state",
    ),
    must(
        "rfc6749-3.1.1-unsupported-response-type",
        "an unknown response_type redirects unsupported_response_type",
    ),
    may(
        "rfc9700-2.1.2-no-implicit",
        "response_type=token issues no access token",
    ),
    may(
        "rfc9700-2.1.1-public-pkce-required",
        "a public client without code_challenge gets no code",
    ),
    // authorization_code (RFC 6749 4.1.3, 4.1.2).
    must(
        "rfc6749-4.1.3-code-exchange",
        "the code is exchanged for a Bearer access token",
    ),
    must(
        "rfc6749-4.1.2-code-reuse",
        "a code used twice is 400 invalid_grant",
    ),
    should(
        "rfc6749-4.1.2-code-reuse-revokes",
        "after a code's reuse, the refresh token it gave is refused",
    ),
    should(
        "rfc6749-4.1.2-code-reuse-revokes-access",
        "after a code's reuse, the access token it gave is inactive",
    ),
    must(
        "rfc6749-4.1.3-redirect-uri-mismatch",
        "a different redirect_uri is 400 invalid_grant (or invalid_request)",
    ),
    must(
        "rfc6749-4.1.3-redirect-uri-missing",
        "a missing redirect_uri is refused",
    ),
    must(
        "rfc6749-4.1.3-other-client",
        "another client's code is 400 invalid_grant",
    ),
    must(
        "rfc6749-4.1.3-unknown-code",
        "an unknown code is 400 invalid_grant",
    ),
    must(
        "rfc6749-10.5-code-race",
        "of concurrent redemptions of one code, at most one succeeds",
    ),
    // PKCE (RFC 7636, RFC 9700 2.1.1).
    must(
        "rfc7636-4.2-s256",
        "a public client's S256 code is exchanged with its verifier",
    ),
    must(
        "rfc7636-4.6-wrong-verifier",
        "a wrong code_verifier is 400 invalid_grant",
    ),
    must(
        "rfc9700-2.1.1-missing-verifier",
        "no code_verifier for a code with a challenge is refused",
    ),
    may(
        "rfc7636-4.1-malformed-verifier",
        "a code whose verifier is outside 43-128 unreserved chars is refused",
    ),
    must(
        "rfc9700-2.1.1-pkce-downgrade",
        "a code_verifier for a code without challenge is refused",
    ),
    // refresh_token (RFC 6749 6, RFC 9700 4.14).
    must(
        "rfc6749-6-refresh",
        "a refresh token is exchanged for a new access token",
    ),
    must(
        "rfc9700-4.14.2-public-rotation",
        "a public client's refresh issues a new refresh token",
    ),
    must(
        "rfc9700-4.14.2-rotated-out",
        "a rotated-out refresh token is 400 invalid_grant",
    ),
    should(
        "rfc9700-4.14.2-reuse-revokes-family",
        "reuse of a rotated-out token revokes its successor",
    ),
    must(
        "rfc6749-6-wider-scope",
        "a refresh asking more than the original scope is not granted it",
    ),
    must(
        "rfc6749-6-narrower-scope",
        "a refresh asking a narrower scope succeeds, within the original scope",
    ),
    must(
        "rfc6749-6-refresh-scope-kept",
        "after a narrowed refresh, the original scope is granted again",
    ),
    must(
        "rfc6749-6-other-client",
        "another client's refresh token is 400 invalid_grant",
    ),
    must(
        "rfc6749-6-unknown-token",
        "an unknown refresh token is 400 invalid_grant",
    ),
    must(
        "rfc9700-4.14.2-refresh-race",
        "of concurrent refreshes of one public token, at most one succeeds",
    ),
    // Revocation (RFC 7009).
    must(
        "rfc7009-2.1-client-auth",
        "a revocation with a wrong secret is invalid_client",
    ),
    must(
        "rfc7009-2.2.1-missing-token",
        "a revocation without token is 400 invalid_request",
    ),
    must(
        "rfc7009-2.2-unknown-token",
        "revoking an unknown token is 200",
    ),
    must(
        "rfc7009-2-refresh-revoked",
        "a revoked refresh token is refused at the token endpoint",
    ),
    may(
        "rfc7009-2.1-refresh-revokes-access",
        "revoking a refresh token deactivates its access tokens",
    ),
    should(
        "rfc7009-2-access-revoked",
        "a revoked access token is inactive",
    ),
    must(
        "rfc7009-2.1-hint-searches-all",
        "a wrong token_type_hint still revokes the token",
    ),
    must(
        "rfc7009-2.1-other-clients-token",
        "a client cannot revoke another client's token",
    ),
    // Introspection (RFC 7662).
    must(
        "rfc7662-2.1-auth-required",
        "introspection without client authentication is refused",
    ),
    must("rfc7662-2.2-active", "a live access token is active"),
    must(
        "rfc7662-2.2-inactive-unknown",
        "an unknown token is {\"active\":false}",
    ),
    should(
        "rfc7662-2.3-missing-token",
        "an introspection without token is 400 invalid_request",
    ),
    // Bearer use at the resource (RFC 6750).
    must(
        "rfc6750-3-no-credentials",
        "no token: 401 with a Bearer challenge",
    ),
    should(
        "rfc6750-3.1-no-error-without-credentials",
        "no token: the challenge carries no error code",
    ),
    must(
        "rfc6750-2.1-valid-token",
        "a valid access token is accepted",
    ),
    must("rfc6750-3.1-invalid-token", "a tampered token is refused"),
    should(
        "rfc6750-3.1-invalid-token-challenge",
        "a tampered token is 401 with error=\"invalid_token\"",
    ),
    should(
        "rfc6750-3.1-insufficient-scope",
        "a token without the required scope is 403 insufficient_scope",
    ),
    should(
        "rfc6750-3.1-revoked-token",
        "a revoked access token is refused",
    ),
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|check| check.id == id)
}
