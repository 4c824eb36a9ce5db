//! Every row of the team's behaviour contract (RFC-RULES), mapped to the
//! checks that observe it from outside, or to why a black box cannot.
//! The test holds the map to the catalog: every id named exists, and every
//! check answers to some row.

use std::collections::BTreeSet;

use grant_engine_check::catalog::CHECKS;

/// (the row, the checks; empty with a reason when none can see it)
const MAP: &[(&str, &[&str], &str)] = &[
    // Token endpoint: request hygiene.
    ("method other than POST", &["rfc6749-3.2-post-only"], ""),
    (
        "Content-Type not form-urlencoded",
        &["rfc6749-3.2-form-encoded-only"],
        "",
    ),
    (
        "client credentials in the query never used",
        &["rfc6749-3.2-post-only"],
        "",
    ),
    (
        "body not UTF-8 or a malformed % escape",
        &[],
        "no rule of the RFCs fixes it beyond refusal; planned",
    ),
    (
        "body over the size limit: 413",
        &[],
        "the limit is the server's choice",
    ),
    (
        "a parameter given twice",
        &["rfc6749-3.2-repeated-parameter"],
        "",
    ),
    (
        "a parameter with an empty value",
        &["rfc6749-3.2-empty-parameter-omitted"],
        "",
    ),
    (
        "unknown extra parameters ignored",
        &["rfc6749-3.2-unknown-parameter-ignored"],
        "",
    ),
    (
        "grant_type missing",
        &["rfc6749-5.2-missing-grant-type"],
        "",
    ),
    (
        "grant_type not supported",
        &["rfc6749-5.2-unsupported-grant-type"],
        "",
    ),
    (
        "a required parameter missing",
        &["rfc6749-5.2-missing-code"],
        "",
    ),
    // Client authentication.
    ("Authorization: Basic", &["rfc6749-2.3.1-basic"], ""),
    ("credentials in the body", &["rfc6749-2.3.1-post"], ""),
    (
        "Basic and a body client_secret together",
        &["rfc6749-2.3-one-method"],
        "",
    ),
    (
        "Basic and a matching body client_id",
        &[],
        "allowed, not required: planned as a MAY",
    ),
    (
        "Basic and a body client_id naming another client",
        &[],
        "planned",
    ),
    (
        "unknown client, wrong secret",
        &[
            "rfc6749-5.2-wrong-secret-basic",
            "rfc6749-5.2-wrong-secret-post",
            "rfc6749-5.2-unknown-client",
        ],
        "",
    ),
    (
        "any 401 carries WWW-Authenticate",
        &["rfc6749-5.2-wrong-secret-basic"],
        "",
    ),
    (
        "public client identifies with client_id alone",
        &["rfc7636-4.2-s256"],
        "",
    ),
    (
        "secret comparison in constant time, stored keyed",
        &[],
        "not observable over HTTP",
    ),
    (
        "repeated failed authentication throttled",
        &[],
        "the means are the server's (429, delays, lockout); the checker honours 429",
    ),
    (
        "client not allowed this grant type",
        &["rfc6749-4.4-public-client-credentials"],
        "",
    ),
    // authorization_code.
    (
        "code unknown, expired or another client's",
        &["rfc6749-4.1.3-unknown-code", "rfc6749-4.1.3-other-client"],
        "",
    ),
    (
        "code presented a second time",
        &[
            "rfc6749-4.1.2-code-reuse",
            "rfc6749-4.1.2-code-reuse-revokes",
            "rfc6749-4.1.2-code-reuse-revokes-access",
            "rfc6749-10.5-code-race",
        ],
        "",
    ),
    (
        "redirect_uri missing or different",
        &[
            "rfc6749-4.1.3-redirect-uri-mismatch",
            "rfc6749-4.1.3-redirect-uri-missing",
        ],
        "",
    ),
    (
        "challenge without verifier",
        &["rfc9700-2.1.1-missing-verifier"],
        "",
    ),
    (
        "verifier without challenge (downgrade)",
        &["rfc9700-2.1.1-pkce-downgrade"],
        "",
    ),
    (
        "verifier outside the syntax",
        &["rfc7636-4.1-malformed-verifier"],
        "",
    ),
    (
        "S256(verifier) != challenge",
        &["rfc7636-4.6-wrong-verifier"],
        "",
    ),
    (
        "success",
        &["rfc6749-4.1.3-code-exchange", "rfc7636-4.2-s256"],
        "",
    ),
    // The authorization endpoint.
    (
        "client_id or redirect_uri that cannot be trusted: no redirect",
        &[
            "rfc6749-4.1.2.1-unknown-client",
            "rfc6749-4.1.2.1-unregistered-redirect",
        ],
        "",
    ),
    (
        "loopback redirect URIs with any port",
        &[],
        "needs a loopback client registered; planned",
    ),
    (
        "redirect_uri omitted, one registered",
        &[],
        "allowed, not required",
    ),
    (
        "everything else: an error redirect with the state",
        &["rfc6749-3.1.1-missing-response-type"],
        "",
    ),
    (
        "response_type missing",
        &["rfc6749-3.1.1-missing-response-type"],
        "",
    ),
    (
        "response_type other than code",
        &[
            "rfc6749-3.1.1-unsupported-response-type",
            "rfc9700-2.1.2-no-implicit",
        ],
        "",
    ),
    ("a parameter repeated", &[], "planned"),
    (
        "public client without code_challenge",
        &["rfc9700-2.1.1-public-pkce-required"],
        "",
    ),
    (
        "plain or no challenge method",
        &[],
        "plain is allowed by RFC 7636; our refusal is a choice",
    ),
    (
        "approved with an empty scope",
        &[],
        "needs a consent the checker can steer",
    ),
    (
        "success: code, state, iss",
        &[
            "rfc6749-4.1.2-code-issued",
            "rfc9207-2-iss",
            "rfc9207-2-iss-on-errors",
        ],
        "",
    ),
    // client_credentials.
    (
        "confidential clients only",
        &["rfc6749-4.4-public-client-credentials"],
        "",
    ),
    (
        "scope omitted: the client's scopes",
        &["rfc6749-3.3-default-scope"],
        "",
    ),
    ("scope not allowed", &["rfc6749-3.3-forbidden-scope"], ""),
    (
        "no refresh token",
        &["rfc6749-4.4.3-token", "rfc6749-4.4.3-no-refresh-token"],
        "",
    ),
    // refresh_token.
    (
        "token unknown or another client's",
        &["rfc6749-6-unknown-token", "rfc6749-6-other-client"],
        "",
    ),
    (
        "scope wider or narrower",
        &["rfc6749-6-wider-scope", "rfc6749-6-narrower-scope"],
        "",
    ),
    (
        "rotation; the new token keeps the scope",
        &[
            "rfc6749-6-refresh",
            "rfc9700-4.14.2-public-rotation",
            "rfc6749-6-refresh-scope-kept",
        ],
        "",
    ),
    (
        "a rotated-out token again revokes the family",
        &[
            "rfc9700-4.14.2-rotated-out",
            "rfc9700-4.14.2-reuse-revokes-family",
        ],
        "",
    ),
    (
        "racing refreshes, grace period",
        &["rfc9700-4.14.2-refresh-race"],
        "",
    ),
    (
        "the family's absolute lifetime",
        &[],
        "90 days: no checker waits that long",
    ),
    // Scope syntax.
    (
        "scope outside the 3.3 grammar",
        &["rfc6749-3.3-malformed-scope"],
        "",
    ),
    // Responses.
    (
        "Content-Type, Cache-Control, Pragma",
        &[
            "rfc6749-5.1-json",
            "rfc6749-5.1-cache-control-no-store",
            "rfc6749-5.1-pragma-no-cache",
        ],
        "",
    ),
    ("error members", &["rfc6749-5.2-error-json"], ""),
    (
        "the access token's claims",
        &[],
        "the format is the server's (RFC 9068 is optional); planned for JWT servers",
    ),
    (
        "refresh tokens and codes opaque and hashed",
        &[],
        "storage is not observable",
    ),
    // Revocation, introspection, bearer, metadata.
    (
        "revocation",
        &[
            "rfc7009-2.1-client-auth",
            "rfc7009-2.2.1-missing-token",
            "rfc7009-2.2-unknown-token",
            "rfc7009-2-refresh-revoked",
            "rfc7009-2.1-hint-searches-all",
            "rfc7009-2.1-other-clients-token",
        ],
        "",
    ),
    (
        "revocation is visible",
        &[
            "rfc7009-2.1-refresh-revokes-access",
            "rfc7009-2-access-revoked",
            "rfc6750-3.1-revoked-token",
        ],
        "",
    ),
    (
        "introspection",
        &[
            "rfc7662-2.1-auth-required",
            "rfc7662-2.2-active",
            "rfc7662-2.2-inactive-unknown",
            "rfc7662-2.3-missing-token",
        ],
        "",
    ),
    (
        "bearer",
        &[
            "rfc6750-3-no-credentials",
            "rfc6750-3.1-no-error-without-credentials",
            "rfc6750-2.1-valid-token",
            "rfc6750-3.1-invalid-token",
            "rfc6750-3.1-invalid-token-challenge",
            "rfc6750-3.1-insufficient-scope",
        ],
        "",
    ),
    (
        "metadata",
        &[
            "rfc8414-3.2-metadata-json",
            "rfc8414-3.3-issuer-match",
            "rfc8414-2-required-members",
            "rfc9700-2.1.1-pkce-advertised",
            "rfc9700-2.1.2-no-implicit-advertised",
        ],
        "",
    ),
    // Never.
    (
        "no panic, no 5xx for a client's mistake",
        &[],
        "every check that expects a 4xx sees a 5xx as a failure",
    ),
    ("no secret in an output", &[], "not observable in general"),
];

#[test]
fn every_row_is_observed_or_says_why_not_and_every_check_answers_to_a_row() {
    let known: BTreeSet<&str> = CHECKS.iter().map(|c| c.id).collect();
    let mut named = BTreeSet::new();
    for (row, ids, why) in MAP {
        assert!(
            ids.is_empty() != why.is_empty(),
            "{row}: checks, or a reason, not both"
        );
        for id in *ids {
            assert!(known.contains(id), "{row}: no check {id}");
            named.insert(*id);
        }
    }
    let orphans: Vec<&&str> = known.difference(&named).collect();
    assert!(orphans.is_empty(), "checks no row names: {orphans:?}");
}
