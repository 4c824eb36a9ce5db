//! Introspection (RFC 7662).

use super::*;

/// Introspection of `token` by `your_client_id` (Basic), with `extra`.
fn introspect_basic(token: &str, extra: &str) -> VectorRequest {
    introspect(
        &format!("token={}{extra}", form_encode(token)),
        &[(
            "Authorization",
            &basic("your_client_id", "your_client_secret"),
        )],
    )
}

/// `token` with its payload replaced by one claiming scope `admin`, the
/// signature kept.
fn tampered(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims = jwt_claims(token);
    claims["scope"] = "admin".into();
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "introspection-unauthenticated-401",
            "introspection: the caller must authenticate (none sent): 401 invalid_client",
            with_rfc_refresh(|_| {}),
            introspect(&format!("token={RFC_REFRESH}"), &[]),
        ),
        case(
            "introspection-wrong-secret-401",
            "introspection: failed client authentication (wrong secret): 401 invalid_client",
            with_rfc_refresh(|_| {}),
            introspect(
                &format!("token={RFC_REFRESH}"),
                &[("Authorization", &basic("your_client_id", "wrong"))],
            ),
        ),
        case(
            "introspection-public-client-401",
            "introspection: a public client (not confidential) gets 401",
            base_with(|f| {
                f.refresh_tokens.push(refresh_in_family(
                    "public-refresh",
                    "public_client_id",
                    "family-public",
                ));
            }),
            introspect("token=public-refresh&client_id=public_client_id", &[]),
        ),
        case(
            "introspection-token-missing-400",
            "introspection: token missing: 400 invalid_request",
            base_fixture(),
            introspect(CONFIDENTIAL, &[]),
        ),
        {
            let (fixture, access_token) = client_credentials_session();
            case(
                "introspection-own-access-token-active",
                "active: active, scope, client_id, sub, exp, iat, token_type, iss, aud, jti",
                fixture,
                introspect_basic(&access_token, ""),
            )
        },
        {
            let (fixture, access_token) = client_credentials_session();
            case(
                "introspection-other-clients-token-inactive",
                "a client may introspect only its own tokens: another client's is {\"active\":false}",
                fixture,
                introspect(&token_param(&access_token, M2M), &[]),
            )
        },
        {
            let (mut fixture, access_token) = client_credentials_session();
            fixture.clients.push(ClientRecord {
                introspect_any: true,
                ..confidential_client("resource_server", "rs_secret")
            });
            case(
                "introspection-resource-server-sees-any",
                "a client the host marks as a resource server may introspect any token",
                fixture,
                introspect(
                    &token_param(
                        &access_token,
                        "client_id=resource_server&client_secret=rs_secret",
                    ),
                    &[],
                ),
            )
        },
        case(
            "introspection-unknown-token-inactive",
            "unknown token: exactly {\"active\":false}",
            base_fixture(),
            introspect_basic("no-such-token", ""),
        ),
        {
            let (mut fixture, access_token) = client_credentials_session();
            fixture.now = NOW + 86_400;
            case(
                "introspection-expired-access-token-inactive",
                "expired access token (at exp exactly): exactly {\"active\":false}",
                fixture,
                introspect_basic(&access_token, ""),
            )
        },
        {
            let (fixture, access_token) = client_credentials_session();
            case(
                "introspection-tampered-access-token-inactive",
                "tampered access token (payload changed, signature kept): exactly {\"active\":false}",
                fixture,
                introspect_basic(&tampered(&access_token), ""),
            )
        },
        {
            let (mut fixture, access_token) = client_credentials_session();
            let jti = jwt_claims(&access_token)["jti"]
                .as_str()
                .unwrap()
                .to_owned();
            fixture
                .revoked_access_tokens
                .push(TokenId::new(jti).unwrap());
            case(
                "introspection-revoked-access-token-inactive",
                "revoked access token (jti revoked in the state): exactly {\"active\":false}",
                fixture,
                introspect_basic(&access_token, ""),
            )
        },
        case(
            "introspection-refresh-token-active",
            "refresh tokens are introspectable too",
            with_rfc_refresh(|_| {}),
            introspect_basic(RFC_REFRESH, "&token_type_hint=refresh_token"),
        ),
        case(
            "introspection-refresh-token-with-dots-active",
            "refresh tokens are introspectable too, even one containing dots (the seed's token)",
            base_fixture(),
            introspect_basic(SEED_REFRESH, "&token_type_hint=refresh_token"),
        ),
        case(
            "introspection-other-clients-refresh-token-inactive",
            "a client may introspect only its own tokens: another client's refresh token is {\"active\":false}",
            with_rfc_refresh(|r| r.client_id = id("public_client_id")),
            introspect_basic(RFC_REFRESH, ""),
        ),
        case(
            "introspection-expired-refresh-token-inactive",
            "expired refresh token: exactly {\"active\":false}",
            with_rfc_refresh(|r| r.expires_at = NOW),
            introspect_basic(RFC_REFRESH, ""),
        ),
        case(
            "introspection-rotated-refresh-token-inactive",
            "a rotated-out refresh token is inactive: exactly {\"active\":false}",
            issued_by(&with_rfc_refresh(|_| {}), &[rfc_refresh()]).fixture,
            introspect_basic(RFC_REFRESH, ""),
        ),
        case(
            "introspection-revoked-refresh-token-inactive",
            "revoked refresh token (family revoked): exactly {\"active\":false}",
            {
                let mut fixture = with_rfc_refresh(|_| {});
                fixture
                    .revoked_families
                    .push(FamilyId::new("family-2").unwrap());
                fixture
            },
            introspect_basic(RFC_REFRESH, ""),
        ),
        {
            let (fixture, access_token) = client_credentials_session();
            case(
                "introspection-hint-is-only-a-hint",
                "token_type_hint is a hint only: an access token hinted as refresh_token is found",
                fixture,
                introspect_basic(&access_token, "&token_type_hint=refresh_token"),
            )
        },
    ]
}
