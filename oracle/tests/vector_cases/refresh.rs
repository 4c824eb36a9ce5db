//! The refresh_token grant (RFC 6749 6; RFC 9700 4.14).

use super::*;

/// A refresh of `refresh_token` by `your_client_id` (body credentials).
fn refresh(refresh_token: &str, extra: &str) -> VectorRequest {
    token(&format!(
        "grant_type=refresh_token&refresh_token={refresh_token}&{CONFIDENTIAL}{extra}"
    ))
}

/// The base fixture with the seed token's record changed by `edit`.
fn seed_token_with(edit: impl FnOnce(&mut RefreshTokenRecord)) -> Fixture {
    base_with(|f| edit(&mut f.refresh_tokens[0]))
}

/// The seed token rotated once, with `grace` seconds of grace period; the
/// fixture after it and the successor the engine issued.
fn rotated(grace: Option<u64>) -> Issued {
    let fixture = base_with(|f| {
        f.settings.refresh_grace_period = grace;
        f.settings.rotation_key = grace.map(|_| URL_SAFE_NO_PAD.encode(ROTATION_KEY));
    });
    issued_by(&fixture, &[seed_refresh()])
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "refresh-unknown-400",
            "refresh token unknown: 400 invalid_grant",
            base_fixture(),
            refresh("no-such-token", ""),
        ),
        case(
            "refresh-expired-400",
            "refresh token expired (at expires_at exactly): 400 invalid_grant",
            seed_token_with(|r| r.expires_at = NOW),
            seed_refresh(),
        ),
        case(
            "refresh-family-expired-400",
            "refresh token whose family reached its absolute lifetime (at family_expires_at exactly), although the token itself has not expired: 400 invalid_grant",
            seed_token_with(|r| r.family_expires_at = NOW),
            seed_refresh(),
        ),
        case(
            "refresh-revoked-400",
            "refresh token revoked: 400 invalid_grant",
            seed_token_with(|r| r.state = RefreshTokenState::Revoked),
            seed_refresh(),
        ),
        case(
            "refresh-family-revoked-400",
            "refresh token of a revoked family: 400 invalid_grant",
            base_with(|f| f.revoked_families.push(FamilyId::new("family-1").unwrap())),
            seed_refresh(),
        ),
        case(
            "refresh-issued-to-another-client-400",
            "refresh token issued to another client: 400 invalid_grant, nothing rotated",
            seed_token_with(|r| r.client_id = id("public_client_id")),
            seed_refresh(),
        ),
        case(
            "refresh-scope-wider-400",
            "scope wider than originally granted: 400 invalid_scope, nothing rotated",
            seed_token_with(|r| r.scope = scope("read")),
            refresh(SEED_REFRESH, "&scope=read%20write"),
        ),
        case(
            "refresh-scope-narrower-allowed",
            "narrower scope allowed; the new refresh token keeps the original scope",
            base_fixture(),
            refresh(SEED_REFRESH, "&scope=read"),
        ),
        case(
            "refresh-scope-omitted-original",
            "scope omitted = the original scope; success rotates (Basic credentials)",
            base_fixture(),
            token_basic(
                &format!("grant_type=refresh_token&refresh_token={SEED_REFRESH}"),
                "your_client_id",
                "your_client_secret",
            ),
        ),
        {
            let first = rotated(None);
            case(
                "refresh-successor-works",
                "success: the new refresh token works (and is rotated in turn)",
                first.fixture,
                refresh(&first.refresh_token, ""),
            )
        },
        {
            let first = rotated(None);
            case(
                "refresh-rotated-token-reuse-revokes-family",
                "a rotated-out refresh token presented again (grace 0): 400 invalid_grant, whole family revoked",
                first.fixture,
                seed_refresh(),
            )
        },
        {
            let first = rotated(None);
            let (fixture, _) = session(&first.fixture, &[seed_refresh()]);
            case(
                "refresh-after-reuse-newest-token-revoked",
                "after reuse detection the newest token of the family is revoked too: 400 invalid_grant",
                fixture,
                refresh(&first.refresh_token, ""),
            )
        },
        {
            let mut first = rotated(Some(60));
            first.fixture.now = NOW + 30;
            case(
                "refresh-grace-period-same-successor",
                "within the grace period the just-rotated token returns the same successor",
                first.fixture,
                seed_refresh(),
            )
        },
        {
            let mut first = rotated(Some(60));
            first.fixture.now = NOW + 60;
            case(
                "refresh-grace-period-last-second",
                "the grace period includes its last second (rotated at T, grace 60, replay at T+60)",
                first.fixture,
                seed_refresh(),
            )
        },
        {
            let first = rotated(Some(60));
            let (mut fixture, _) = session(&first.fixture, &[refresh(&first.refresh_token, "")]);
            fixture.now = NOW + 30;
            case(
                "refresh-grace-period-successor-used-trips-reuse",
                "within the grace period, but the successor was already used: not the just-rotated token, reuse revokes the family",
                fixture,
                seed_refresh(),
            )
        },
        {
            let mut first = rotated(Some(60));
            first.fixture.now = NOW + 61;
            case(
                "refresh-grace-period-over-trips-reuse",
                "after the grace period the just-rotated token trips reuse detection",
                first.fixture,
                seed_refresh(),
            )
        },
    ]
}
