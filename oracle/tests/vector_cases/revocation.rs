//! Revocation (RFC 7009) and its visibility to introspection and bearer use.

use super::*;

/// `POST /oauth/revoke` of `token` by `your_client_id` (Basic).
fn revoke_basic(token: &str, extra: &str) -> VectorRequest {
    revoke(
        &format!("token={}{extra}", form_encode(token)),
        &[(
            "Authorization",
            &basic("your_client_id", "your_client_secret"),
        )],
    )
}

/// Introspection of `token` by `your_client_id`.
fn introspect_own(token: &str) -> VectorRequest {
    introspect(&token_param(token, CONFIDENTIAL), &[])
}

fn bearer(token: &str) -> VectorRequest {
    api_me(&format!("Bearer {token}"))
}

/// A client_credentials token of `your_client_id`, then its revocation.
fn revoked_jti() -> (Fixture, String) {
    let (fixture, access_token) = client_credentials_session();
    let (fixture, _) = session(&fixture, &[revoke_basic(&access_token, "")]);
    (fixture, access_token)
}

/// The seed token rotated (an access token minted in family-1), then the
/// new refresh token revoked: the family is revoked.
fn revoked_family() -> (Fixture, String) {
    let rotation = issued_by(&base_fixture(), &[seed_refresh()]);
    let (fixture, _) = session(
        &rotation.fixture,
        &[revoke_basic(&rotation.refresh_token, "")],
    );
    (fixture, rotation.access_token)
}

/// The seed code exchanged twice (reuse): the first exchange's tokens.
fn code_reused() -> Issued {
    let first = issued_by(&base_fixture(), &[seed_code_exchange()]);
    let (fixture, _) = session(&first.fixture, &[seed_code_exchange()]);
    Issued { fixture, ..first }
}

/// The seed token rotated, then presented again (reuse): the rotation's
/// access token.
fn refresh_reused() -> (Fixture, String) {
    let rotation = issued_by(&base_fixture(), &[seed_refresh()]);
    let (fixture, _) = session(&rotation.fixture, &[seed_refresh()]);
    (fixture, rotation.access_token)
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "revocation-unauthenticated-401",
            "revocation: the client must authenticate (none sent): 401 invalid_client",
            with_rfc_refresh(|_| {}),
            revoke(&format!("token={RFC_REFRESH}"), &[]),
        ),
        case(
            "revocation-wrong-secret-401",
            "revocation: failed client authentication (wrong secret): 401 invalid_client",
            with_rfc_refresh(|_| {}),
            revoke(
                &format!("token={RFC_REFRESH}"),
                &[("Authorization", &basic("your_client_id", "wrong"))],
            ),
        ),
        case(
            "revocation-token-missing-400",
            "revocation: token missing: 400 invalid_request",
            base_fixture(),
            revoke(CONFIDENTIAL, &[]),
        ),
        case(
            "revocation-unknown-token-200",
            "revocation: 200 for an unknown token, no effect",
            base_fixture(),
            revoke_basic("no-such-token", ""),
        ),
        case(
            "revocation-already-revoked-200",
            "revocation: 200 for an already revoked token, no new effect",
            {
                let mut fixture = with_rfc_refresh(|_| {});
                fixture
                    .revoked_families
                    .push(FamilyId::new("family-2").unwrap());
                fixture
            },
            revoke_basic(RFC_REFRESH, ""),
        ),
        case(
            "revocation-refresh-token-revokes-family",
            "revocation: a refresh token revokes its family (and the access tokens minted in it)",
            with_rfc_refresh(|_| {}),
            revoke_basic(RFC_REFRESH, ""),
        ),
        case(
            "revocation-refresh-token-with-dots-revokes-family",
            "revocation: a stored refresh token revokes its family even if it contains dots (the seed's token)",
            base_fixture(),
            revoke_basic(SEED_REFRESH, ""),
        ),
        case(
            "revocation-rotated-refresh-token-revokes-family",
            "revocation: a rotated-out refresh token still names its family, which is revoked",
            issued_by(&with_rfc_refresh(|_| {}), &[rfc_refresh()]).fixture,
            revoke_basic(RFC_REFRESH, ""),
        ),
        {
            let (fixture, access_token) = client_credentials_session();
            case(
                "revocation-access-token-by-jti",
                "revocation: an access token is revoked by itself (its jti)",
                fixture,
                revoke_basic(&access_token, ""),
            )
        },
        case(
            "revocation-refresh-token-of-another-client-200",
            "revocation: a refresh token of another client is not revoked (still 200)",
            with_rfc_refresh(|r| r.client_id = id("public_client_id")),
            revoke_basic(RFC_REFRESH, ""),
        ),
        {
            let (fixture, answers) = session(
                &base_fixture(),
                &[token(&format!("grant_type=client_credentials&{M2M}"))],
            );
            case(
                "revocation-access-token-of-another-client-200",
                "revocation: an access token of another client is not revoked (still 200)",
                fixture,
                revoke_basic(&field(&answers[0], "access_token"), ""),
            )
        },
        case(
            "revocation-hint-access-token-for-refresh-token",
            "token_type_hint is a hint only: a refresh token hinted as access_token is still revoked",
            with_rfc_refresh(|_| {}),
            revoke_basic(RFC_REFRESH, "&token_type_hint=access_token"),
        ),
        {
            let (fixture, access_token) = client_credentials_session();
            case(
                "revocation-hint-refresh-token-for-access-token",
                "token_type_hint is a hint only: an access token hinted as refresh_token is still revoked",
                fixture,
                revoke_basic(&access_token, "&token_type_hint=refresh_token"),
            )
        },
        case(
            "revocation-unknown-hint-ignored",
            "an unknown token_type_hint is ignored",
            with_rfc_refresh(|_| {}),
            revoke_basic(RFC_REFRESH, "&token_type_hint=id_token"),
        ),
        case(
            "revocation-public-client-own-token",
            "a public client (client_id alone) revokes its own refresh token",
            base_with(|f| {
                f.refresh_tokens.push(refresh_in_family(
                    "public-refresh",
                    "public_client_id",
                    "family-public",
                ));
            }),
            revoke("token=public-refresh&client_id=public_client_id", &[]),
        ),
        {
            let (fixture, access_token) = revoked_jti();
            case(
                "revocation-visible-jti-introspection",
                "once a jti is revoked (revocation), introspection answers inactive",
                fixture,
                introspect_own(&access_token),
            )
        },
        {
            let (fixture, access_token) = revoked_jti();
            case(
                "revocation-visible-jti-bearer",
                "once a jti is revoked (revocation), bearer verification refuses it",
                fixture,
                bearer(&access_token),
            )
        },
        {
            let (fixture, access_token) = revoked_family();
            case(
                "revocation-visible-family-introspection",
                "once a family is revoked (revocation), introspection answers inactive for its access tokens",
                fixture,
                introspect_own(&access_token),
            )
        },
        {
            let (fixture, access_token) = revoked_family();
            case(
                "revocation-visible-family-bearer",
                "once a family is revoked (revocation), bearer verification refuses its access tokens",
                fixture,
                bearer(&access_token),
            )
        },
        {
            let reused = code_reused();
            case(
                "revocation-visible-code-reuse-bearer",
                "once a family is revoked by code reuse, bearer verification refuses its access tokens",
                reused.fixture,
                bearer(&reused.access_token),
            )
        },
        {
            let reused = code_reused();
            case(
                "revocation-visible-code-reuse-introspection",
                "once a family is revoked by code reuse, introspection answers inactive for its refresh token",
                reused.fixture,
                introspect_own(&reused.refresh_token),
            )
        },
        {
            let reused = code_reused();
            case(
                "revocation-visible-code-reuse-refresh",
                "once a family is revoked by code reuse, its refresh token no longer refreshes",
                reused.fixture,
                token(&format!(
                    "grant_type=refresh_token&refresh_token={}&{CONFIDENTIAL}",
                    reused.refresh_token
                )),
            )
        },
        {
            let (fixture, access_token) = refresh_reused();
            case(
                "revocation-visible-refresh-reuse-bearer",
                "once a family is revoked by refresh reuse, bearer verification refuses its access tokens",
                fixture,
                bearer(&access_token),
            )
        },
        {
            let (fixture, access_token) = refresh_reused();
            case(
                "revocation-visible-refresh-reuse-introspection",
                "once a family is revoked by refresh reuse, introspection answers inactive for its access tokens",
                fixture,
                introspect_own(&access_token),
            )
        },
    ]
}
