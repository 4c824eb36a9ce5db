//! The "Never" section, where one request can show it: hostile input gets a
//! 4xx (never a 5xx or a panic), no secret is echoed, and every state
//! change is reported.

use super::*;

/// `depth` nested JSON arrays.
fn nested_json(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "never-huge-token-body-413",
            "never a 5xx or unbounded allocation: a 64 KiB token request is 413",
            base_fixture(),
            token(&format!(
                "grant_type=client_credentials&{CONFIDENTIAL}&scope={}",
                "a".repeat(64 * 1024)
            )),
        ),
        case(
            "never-huge-revocation-body-413",
            "never a 5xx: an oversized revocation request is 413",
            base_fixture(),
            revoke(
                &format!("{CONFIDENTIAL}&token={}", "a".repeat(20 * 1024)),
                &[],
            ),
        ),
        case(
            "never-huge-introspection-body-413",
            "never a 5xx: an oversized introspection request is 413",
            base_fixture(),
            introspect(
                &format!("{CONFIDENTIAL}&token={}", "a".repeat(20 * 1024)),
                &[],
            ),
        ),
        case(
            "never-huge-authorize-query-400",
            "never a 5xx: an oversized authorization query is a 400 for the user",
            base_fixture(),
            authorize(&format!(
                "response_type=code&client_id=your_client_id&state={}",
                "a".repeat(20 * 1024)
            )),
        ),
        case(
            "never-many-parameters-authorize-400",
            "never a 5xx: an authorization query with too many parameters is a 400",
            base_fixture(),
            authorize(&format!(
                "response_type=code&client_id=your_client_id{}",
                "&x=1".repeat(100)
            )),
        ),
        case(
            "never-binary-body-400",
            "never a 5xx or a panic: a body of binary garbage is 400",
            base_fixture(),
            with_body_bytes(
                token(""),
                &(0u8..=255).rev().cycle().take(600).collect::<Vec<u8>>(),
            ),
        ),
        case(
            "never-nul-in-client-id-400",
            "never a 5xx: a NUL byte in client_id is a 400",
            base_fixture(),
            token("grant_type=client_credentials&client_id=your%00client&client_secret=x"),
        ),
        case(
            "never-oversized-bearer-token-401",
            "never unbounded work: a 16 KiB bearer token is refused (401 invalid_token)",
            base_fixture(),
            api_me(&format!("Bearer {}", "a".repeat(16 * 1024))),
        ),
        case(
            "never-deeply-nested-jwt-401",
            "never a panic (stack): a JWT header with a member nested 2500 deep is 401 invalid_token",
            base_fixture(),
            api_me(&format!(
                "Bearer {}.{}.sig",
                URL_SAFE_NO_PAD.encode(format!(
                    r#"{{"alg":"HS256","typ":"at+jwt","kid":"k1","x":{}}}"#,
                    nested_json(2500)
                )),
                URL_SAFE_NO_PAD.encode(claims_json(ISSUER, AUDIENCE)),
            )),
        ),
        case(
            "never-secret-not-echoed",
            "never a secret in an error description: a wrong secret gets fixed text",
            base_fixture(),
            token(
                "grant_type=client_credentials&client_id=your_client_id&client_secret=hunter2-SECRET-VALUE",
            ),
        ),
        case(
            "never-token-not-echoed",
            "never a token in an error description: an unknown refresh token gets fixed text",
            base_fixture(),
            token(&format!(
                "grant_type=refresh_token&refresh_token=SECRET-REFRESH-TOKEN-VALUE&{CONFIDENTIAL}"
            )),
        ),
        case(
            "never-code-not-echoed",
            "never a code in an error description: a malformed code gets fixed text",
            base_fixture(),
            token(&format!(
                "grant_type=authorization_code&code=SECRET%01CODE&{CONFIDENTIAL}"
            )),
        ),
        case(
            "never-burnt-code-reported",
            "never an unreported state change: a failed redemption burns the code and says so",
            base_fixture(),
            token(&format!(
                "grant_type=authorization_code&code=abc123&{CONFIDENTIAL}&redirect_uri=https%3A%2F%2Fother.example%2F"
            )),
        ),
        case(
            "never-2xx-for-refused-request",
            "never a 2xx for a refused request: right secret, wrong grant checks (code of another client)",
            base_with(|f| f.codes.push(code_record("public-code", "public_client_id"))),
            token_basic(
                &format!(
                    "grant_type=authorization_code&code=public-code&redirect_uri={REDIRECT_ENC}"
                ),
                "your_client_id",
                "your_client_secret",
            ),
        ),
    ]
}
