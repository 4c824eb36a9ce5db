//! The authorization_code grant (RFC 6749 4.1.3, 10.5; RFC 7636; RFC 9700
//! 2.1.1, 4.2).

use super::*;

/// An exchange of `code` by `your_client_id` (body credentials) with the
/// registered redirect URI and `extra` parameters.
fn exchange(code: &str, extra: &str) -> VectorRequest {
    token(&format!(
        "grant_type=authorization_code&code={code}&{CONFIDENTIAL}&redirect_uri={REDIRECT_ENC}{extra}"
    ))
}

/// The base fixture with one more code.
fn with_code(record: CodeRecord) -> Fixture {
    base_with(|f| f.codes.push(record))
}

/// A code issued `age` seconds ago whose record expires at `expires_at`.
fn aged_code(code: &str, age: u64, expires_at: u64) -> Fixture {
    with_code(CodeRecord {
        issued_at: NOW - age,
        expires_at,
        ..code_record(code, "your_client_id")
    })
}

/// A code with a `plain` challenge equal to the verifier.
fn plain_code(code: &str) -> CodeRecord {
    CodeRecord {
        pkce: Some(PkceChallenge {
            challenge: CodeChallenge::new(VERIFIER).unwrap(),
            method: CodeChallengeMethod::Plain,
        }),
        ..code_record(code, "your_client_id")
    }
}

/// A verifier of `len` characters, grammatically fine, not the right one.
fn verifier_of_len(len: usize) -> String {
    "a".repeat(len)
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "code-unknown-400",
            "code unknown: 400 invalid_grant",
            base_fixture(),
            exchange("no-such-code", ""),
        ),
        case(
            "code-expired-400",
            "code expired: 400 invalid_grant (the code is burnt)",
            aged_code("old-code", 700, NOW - 100),
            exchange("old-code", ""),
        ),
        case(
            "code-expired-at-exact-deadline-400",
            "code expired: at expires_at exactly it no longer works",
            aged_code("deadline-code", 600, NOW),
            exchange("deadline-code", ""),
        ),
        case(
            "code-lifetime-capped-at-ten-minutes-400",
            "code lifetime at most 10 min, whatever the record's expires_at says",
            aged_code("long-lived-code", 601, NOW + 3600),
            exchange("long-lived-code", ""),
        ),
        case(
            "code-issued-to-another-client-400",
            "code issued to another client: 400 invalid_grant",
            with_code(code_record("public-code", "public_client_id")),
            exchange("public-code", ""),
        ),
        {
            let (fixture, _) = session(&base_fixture(), &[seed_code_exchange()]);
            case(
                "code-reused-revokes-issued-tokens",
                "code presented a second time: 400 invalid_grant, its family revoked, its access token ids reported",
                fixture,
                seed_code_exchange(),
            )
        },
        case(
            "code-reused-after-failed-attempt",
            "code presented again after a failed first attempt: 400 invalid_grant, family revoked",
            with_code(CodeRecord {
                state: CodeState::Redeemed {
                    access_token_ids: Vec::new(),
                },
                ..code_record("spent-code", "your_client_id")
            }),
            exchange("spent-code", ""),
        ),
        case(
            "code-redirect-uri-missing-400",
            "redirect_uri given at authorize but missing here: 400 invalid_grant",
            base_fixture(),
            token(&format!(
                "grant_type=authorization_code&code=abc123&{CONFIDENTIAL}"
            )),
        ),
        case(
            "code-redirect-uri-different-400",
            "redirect_uri different here (exact string match; trailing slash): 400 invalid_grant",
            base_fixture(),
            token(&format!(
                "grant_type=authorization_code&code=abc123&{CONFIDENTIAL}&redirect_uri={REDIRECT_ENC}%2F"
            )),
        ),
        case(
            "code-redirect-uri-omitted-at-both-accepted",
            "redirect_uri not given at authorize: none needed here",
            with_code(CodeRecord {
                redirect_uri: None,
                ..code_record("implicit-uri-code", "your_client_id")
            }),
            token(&format!(
                "grant_type=authorization_code&code=implicit-uri-code&{CONFIDENTIAL}"
            )),
        ),
        case(
            "code-pkce-verifier-missing-400",
            "code had a code_challenge, no code_verifier sent: 400 invalid_grant",
            with_code(pkce_code_record("pkce-code", "your_client_id")),
            exchange("pkce-code", ""),
        ),
        case(
            "code-pkce-downgrade-400",
            "code_verifier sent but the code had no challenge (PKCE downgrade): 400 invalid_grant",
            base_fixture(),
            exchange("abc123", &format!("&code_verifier={VERIFIER}")),
        ),
        case(
            "code-pkce-verifier-too-short-400",
            "code_verifier of 42 chars (not 43-128): 400 invalid_request, code not burnt",
            with_code(pkce_code_record("pkce-code", "your_client_id")),
            exchange(
                "pkce-code",
                &format!("&code_verifier={}", verifier_of_len(42)),
            ),
        ),
        case(
            "code-pkce-verifier-too-long-400",
            "code_verifier of 129 chars (not 43-128): 400 invalid_request",
            with_code(pkce_code_record("pkce-code", "your_client_id")),
            exchange(
                "pkce-code",
                &format!("&code_verifier={}", verifier_of_len(129)),
            ),
        ),
        case(
            "code-pkce-verifier-bad-character-400",
            "code_verifier with a char outside [A-Za-z0-9-._~] (+): 400 invalid_request",
            with_code(pkce_code_record("pkce-code", "your_client_id")),
            exchange(
                "pkce-code",
                &format!("&code_verifier={}%2B", verifier_of_len(43)),
            ),
        ),
        case(
            "code-pkce-verifier-mismatch-400",
            "S256(verifier) != challenge: 400 invalid_grant",
            with_code(pkce_code_record("pkce-code", "your_client_id")),
            exchange(
                "pkce-code",
                &format!("&code_verifier={}", verifier_of_len(43)),
            ),
        ),
        case(
            "code-pkce-verifier-128-chars-mismatch-400",
            "a 128-char verifier is well-formed; S256 mismatch: 400 invalid_grant",
            with_code(pkce_code_record("pkce-code", "your_client_id")),
            exchange(
                "pkce-code",
                &format!("&code_verifier={}", verifier_of_len(128)),
            ),
        ),
        case(
            "code-pkce-s256-success",
            "S256(verifier) == challenge (RFC 7636 Appendix B): tokens issued",
            with_code(pkce_code_record("pkce-code", "your_client_id")),
            exchange("pkce-code", &format!("&code_verifier={VERIFIER}")),
        ),
        case(
            "code-pkce-plain-challenge-refused-by-default-400",
            "a plain challenge is not accepted unless plain is enabled: 400 invalid_grant",
            with_code(plain_code("plain-code")),
            exchange("plain-code", &format!("&code_verifier={VERIFIER}")),
        ),
        case(
            "code-pkce-plain-accepted-when-enabled",
            "a plain challenge answered by the same verifier, plain enabled: tokens issued",
            base_with(|f| {
                f.settings.allow_plain_pkce = true;
                f.codes.push(plain_code("plain-code"));
            }),
            exchange("plain-code", &format!("&code_verifier={VERIFIER}")),
        ),
        case(
            "code-pkce-required-for-public-client-400",
            "a public client's code without a challenge: 400 invalid_grant (PKCE required)",
            with_code(code_record("public-code", "public_client_id")),
            token(&format!(
                "grant_type=authorization_code&code=public-code&client_id=public_client_id&redirect_uri={REDIRECT_ENC}"
            )),
        ),
        case(
            "code-pkce-required-for-all-clients-400",
            "PKCE configured for all clients: a confidential client's code without challenge, 400 invalid_grant",
            base_with(|f| f.settings.pkce_for_all_clients = true),
            seed_code_exchange(),
        ),
        case(
            "code-success-basic",
            "success: access token + refresh token (client may refresh) + granted scope",
            base_fixture(),
            token_basic(
                &format!("grant_type=authorization_code&code=abc123&redirect_uri={REDIRECT_ENC}"),
                "your_client_id",
                "your_client_secret",
            ),
        ),
        case(
            "code-success-granted-scope",
            "success: the response scope is the scope granted at authorize (read)",
            with_code(CodeRecord {
                scope: scope("read"),
                ..code_record("read-code", "your_client_id")
            }),
            exchange("read-code", ""),
        ),
        case(
            "code-success-no-refresh-grant-no-refresh-token",
            "success for a client not allowed refresh_token: no refresh token",
            base_with(|f| {
                f.clients.push(
                    confidential_client("code_only_client", "code_only_secret")
                        .with_grant_types(&[GrantType::AuthorizationCode])
                        .with_scope(scope("read write"))
                        .with_redirect_uri(redirect_uri(REDIRECT)),
                );
                f.codes.push(code_record("code-only", "code_only_client"));
            }),
            token(&format!(
                "grant_type=authorization_code&code=code-only&client_id=code_only_client&client_secret=code_only_secret&redirect_uri={REDIRECT_ENC}"
            )),
        ),
        case(
            "code-success-public-client-pkce",
            "success for a public client (client_id alone, S256 verifier): tokens issued",
            with_code(pkce_code_record("public-pkce-code", "public_client_id")),
            token(&format!(
                "grant_type=authorization_code&code=public-pkce-code&client_id=public_client_id&redirect_uri={REDIRECT_ENC}&code_verifier={VERIFIER}"
            )),
        ),
    ]
}
