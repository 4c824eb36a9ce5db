//! Bearer use (RFC 6750) at `GET /api/me`.

use super::*;

fn bearer(token: &str) -> VectorRequest {
    api_me(&format!("Bearer {token}"))
}

/// A token signed with the ring's key under `header`, with valid claims.
fn signed_with_header(header: &str) -> String {
    hs256_jwt(header, &claims_json(ISSUER, AUDIENCE), &KEY)
}

/// A token of the ring's key with valid claims but `iss`/`aud` as given.
fn signed_for(iss: &str, aud: &str) -> String {
    hs256_jwt(HEADER_K1, &claims_json(iss, aud), &KEY)
}

pub fn cases() -> Vec<Case> {
    vec![
        {
            let (fixture, access_token) = client_credentials_session();
            case(
                "bearer-valid-token-200",
                "bearer: a valid access token is accepted",
                fixture,
                bearer(&access_token),
            )
        },
        case(
            "bearer-insufficient-scope-403",
            "bearer: missing scope is 403 error=\"insufficient_scope\" with scope=",
            base_with(|f| f.api_scope = scope("admin read")),
            bearer(&signed_with_header(HEADER_K1)),
        ),
        case(
            "bearer-hand-signed-token-200",
            "bearer: the control for the forged tokens below (HS256, at+jwt, k1, valid claims) is accepted",
            base_fixture(),
            bearer(&signed_with_header(HEADER_K1)),
        ),
        case(
            "bearer-scheme-lowercase",
            "bearer: the scheme name is case-insensitive (bearer)",
            base_fixture(),
            api_me(&format!("bearer {}", signed_with_header(HEADER_K1))),
        ),
        case(
            "bearer-scheme-uppercase",
            "bearer: the scheme name is case-insensitive (BEARER)",
            base_fixture(),
            api_me(&format!("BEARER {}", signed_with_header(HEADER_K1))),
        ),
        case(
            "bearer-missing-credentials-401",
            "bearer: missing credentials: 401 WWW-Authenticate: Bearer realm=... without an error code",
            base_fixture(),
            get("/api/me", &[]),
        ),
        case(
            "bearer-other-scheme-401",
            "bearer: another scheme (Basic) is missing bearer credentials: 401 without an error code",
            base_fixture(),
            api_me(&basic("your_client_id", "your_client_secret")),
        ),
        case(
            "bearer-no-token-400",
            "bearer: malformed request (scheme without a token): 400 invalid_request",
            base_fixture(),
            api_me("Bearer"),
        ),
        case(
            "bearer-two-tokens-400",
            "bearer: malformed request (not a single token68): 400 invalid_request",
            base_fixture(),
            api_me("Bearer abc def"),
        ),
        case(
            "bearer-repeated-header-400",
            "bearer: malformed request (Authorization header repeated): 400 invalid_request",
            base_fixture(),
            get(
                "/api/me",
                &[
                    (
                        "Authorization",
                        &format!("Bearer {}", signed_with_header(HEADER_K1)),
                    ),
                    (
                        "Authorization",
                        &format!("Bearer {}", signed_with_header(HEADER_K1)),
                    ),
                ],
            ),
        ),
        case(
            "bearer-bad-signature-401",
            "bearer: bad signature (another key under kid k1): 401 invalid_token",
            base_fixture(),
            bearer(&hs256_jwt(
                HEADER_K1,
                &claims_json(ISSUER, AUDIENCE),
                &[8; 32],
            )),
        ),
        case(
            "bearer-alg-none-401",
            "bearer: alg other than the ring's (none): 401 invalid_token",
            base_fixture(),
            bearer(&format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"at+jwt","kid":"k1"}"#),
                URL_SAFE_NO_PAD.encode(claims_json(ISSUER, AUDIENCE)),
            )),
        ),
        case(
            "bearer-alg-hs384-401",
            "bearer: alg other than the ring's (HS384 header): 401 invalid_token",
            base_fixture(),
            bearer(&signed_with_header(
                r#"{"alg":"HS384","typ":"at+jwt","kid":"k1"}"#,
            )),
        ),
        case(
            "bearer-typ-jwt-401",
            "bearer: typ other than at+jwt (JWT): 401 invalid_token",
            base_fixture(),
            bearer(&signed_with_header(
                r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#,
            )),
        ),
        case(
            "bearer-typ-missing-401",
            "bearer: typ other than at+jwt (absent): 401 invalid_token",
            base_fixture(),
            bearer(&signed_with_header(r#"{"alg":"HS256","kid":"k1"}"#)),
        ),
        case(
            "bearer-unknown-kid-401",
            "bearer: a kid the ring does not have: 401 invalid_token",
            base_fixture(),
            bearer(&signed_with_header(
                r#"{"alg":"HS256","typ":"at+jwt","kid":"k9"}"#,
            )),
        ),
        {
            let (mut fixture, access_token) = client_credentials_session();
            fixture.now = NOW + 86_400;
            case(
                "bearer-expired-401",
                "bearer: expired (at exp exactly): 401 invalid_token",
                fixture,
                bearer(&access_token),
            )
        },
        case(
            "bearer-wrong-issuer-401",
            "bearer: wrong issuer (signed by the ring's key): 401 invalid_token",
            base_fixture(),
            bearer(&signed_for("https://other.example", AUDIENCE)),
        ),
        case(
            "bearer-wrong-audience-401",
            "bearer: wrong audience (signed by the ring's key): 401 invalid_token",
            base_fixture(),
            bearer(&signed_for(ISSUER, "https://other-api.example")),
        ),
        case(
            "bearer-revoked-jti-401",
            "bearer: revoked (jti revoked in the state): 401 invalid_token",
            base_with(|f| {
                f.revoked_access_tokens
                    .push(TokenId::new("hand-signed-1").unwrap());
            }),
            bearer(&signed_with_header(HEADER_K1)),
        ),
        {
            let issued = issued_by(&base_fixture(), &[seed_code_exchange()]);
            case(
                "bearer-refresh-token-presented-401",
                "bearer: a refresh token presented as bearer: 401 invalid_token",
                issued.fixture,
                bearer(&issued.refresh_token),
            )
        },
    ]
}
