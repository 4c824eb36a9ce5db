//! Responses (RFC 6749 5.1, 5.2; RFC 9068).

use super::*;

/// The base fixture signing with `k2`, with `k1` kept to verify.
fn rotated_keys() -> Fixture {
    base_with(|f| {
        f.keys = vec![fixture_key("k2", [9; 32]), fixture_key("k1", KEY)];
    })
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "response-success-fields-and-headers",
            "success: access_token, token_type Bearer, expires_in 86400, scope; JSON, no-store, no-cache",
            base_fixture(),
            token(&format!("grant_type=client_credentials&{M2M}")),
        ),
        case(
            "response-error-fields-and-headers",
            "error: error and a fixed error_description; JSON, no-store, no-cache",
            base_fixture(),
            token(&format!(
                "grant_type=authorization_code&code=no-such-code&{CONFIDENTIAL}&redirect_uri={REDIRECT_ENC}"
            )),
        ),
        case(
            "response-401-headers",
            "every token-endpoint response, a 401 too: JSON, no-store, no-cache",
            base_fixture(),
            token_basic("grant_type=client_credentials", "m2m_client_id", "wrong"),
        ),
        case(
            "response-405-headers",
            "every token-endpoint response, a 405 too: JSON, no-store, no-cache",
            base_fixture(),
            get("/oauth/token?grant_type=client_credentials", &[]),
        ),
        case(
            "response-expires-in-configured",
            "expires_in follows the configured access-token lifetime (3600)",
            base_with(|f| f.settings.access_token_ttl = Some(3600)),
            token(&format!("grant_type=client_credentials&{M2M}")),
        ),
        case(
            "response-error-description-never-echoes-input",
            "error_description is fixed text in %x20-21/%x23-5B/%x5D-7E, never the raw input",
            base_fixture(),
            token(&format!("grant_type=%22%3Cscript%3E%5C%22&{CONFIDENTIAL}")),
        ),
        case(
            "response-access-token-claims",
            "access token: JWT, HS256, typ at+jwt, kid; iss, sub (the user), aud, exp, iat, jti, client_id, scope",
            base_fixture(),
            seed_code_exchange(),
        ),
        case(
            "response-access-token-client-credentials-sub",
            "access token of client_credentials: sub is the client id",
            base_fixture(),
            token_basic(
                "grant_type=client_credentials",
                "m2m_client_id",
                "m2m_client_secret",
            ),
        ),
        case(
            "response-first-key-signs",
            "several keys may verify; the first one signs (kid k2)",
            rotated_keys(),
            token(&format!("grant_type=client_credentials&{M2M}")),
        ),
        {
            let (mut fixture, access_token) = client_credentials_session();
            fixture.keys = rotated_keys().keys;
            case(
                "response-verify-only-key-verifies",
                "several keys may verify: a token signed by the old key (now verify-only) is accepted",
                fixture,
                api_me(&format!("Bearer {access_token}")),
            )
        },
        case(
            "response-refresh-token-opaque",
            "refresh token: opaque, 256 bits of base64url from the entropy, stored only as a SHA-256 hash",
            base_with(|f| {
                f.codes
                    .push(pkce_code_record("public-pkce-code", "public_client_id"))
            }),
            token(&format!(
                "grant_type=authorization_code&code=public-pkce-code&client_id=public_client_id&redirect_uri={REDIRECT_ENC}&code_verifier={VERIFIER}"
            )),
        ),
        case(
            "response-code-opaque",
            "code: opaque, 256 bits of base64url from the entropy, stored only as a SHA-256 hash",
            base_fixture(),
            authorize(&format!(
                "response_type=code&client_id=your_client_id&redirect_uri={REDIRECT_ENC}&state=s1"
            )),
        ),
    ]
}
