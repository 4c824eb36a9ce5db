//! Client authentication (RFC 6749 2.3, 3.2.1; RFC 9700 2.5).

use super::*;

const CC: &str = "grant_type=client_credentials&scope=read";

fn basic_header(value: &str) -> VectorRequest {
    post("/oauth/token", CC, &[("Authorization", value)])
}

/// The base fixture with a refresh token of the public client.
fn with_public_refresh() -> Fixture {
    base_with(|f| {
        f.refresh_tokens.push(refresh_in_family(
            "public-refresh",
            "public_client_id",
            "family-public",
        ));
    })
}

/// A client whose id and secret need form-urlencoding inside Basic.
fn with_special_client() -> Fixture {
    base_with(|f| {
        f.clients.push(
            confidential_client("svc:1", "p@ss w%rd+")
                .with_grant_types(&[GrantType::ClientCredentials])
                .with_scope(scope("read")),
        );
    })
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "client-auth-basic-accepted",
            "Authorization: Basic with the client's id and secret is accepted",
            base_fixture(),
            token_basic(CC, "m2m_client_id", "m2m_client_secret"),
        ),
        case(
            "client-auth-basic-scheme-lowercase",
            "the Basic scheme name is case-insensitive (basic)",
            base_fixture(),
            basic_header(
                &basic("m2m_client_id", "m2m_client_secret").replacen("Basic", "basic", 1),
            ),
        ),
        case(
            "client-auth-basic-scheme-uppercase",
            "the Basic scheme name is case-insensitive (BASIC)",
            base_fixture(),
            basic_header(
                &basic("m2m_client_id", "m2m_client_secret").replacen("Basic", "BASIC", 1),
            ),
        ),
        case(
            "client-auth-basic-form-urlencoded-halves",
            "id and secret are each form-urlencoded before base64: decode both",
            with_special_client(),
            token_basic(CC, "svc:1", "p@ss w%rd+"),
        ),
        case(
            "client-auth-basic-undecoded-secret-fails",
            "a secret sent without form-urlencoding decodes to another secret: 401",
            base_with(|f| {
                f.clients.push(
                    confidential_client("plus_client", "a+b")
                        .with_grant_types(&[GrantType::ClientCredentials])
                        .with_scope(scope("read")),
                );
            }),
            basic_header(&format!("Basic {}", STANDARD.encode("plus_client:a+b"))),
        ),
        case(
            "client-auth-basic-malformed-base64-401",
            "malformed Basic credentials (not base64) are a failed authentication: 401",
            base_fixture(),
            basic_header("Basic !!!"),
        ),
        case(
            "client-auth-basic-no-colon-401",
            "malformed Basic credentials (no colon) are a failed authentication: 401",
            base_fixture(),
            basic_header(&format!("Basic {}", STANDARD.encode("m2m_client_id"))),
        ),
        case(
            "client-auth-basic-bad-percent-escape-401",
            "malformed Basic credentials (bad % escape in a half): 401",
            base_fixture(),
            basic_header(&format!("Basic {}", STANDARD.encode("m2m_client_id:%zz"))),
        ),
        case(
            "client-auth-basic-empty-401",
            "malformed Basic credentials (nothing after the scheme): 401",
            base_fixture(),
            basic_header("Basic"),
        ),
        case(
            "client-auth-authorization-other-scheme-401",
            "an Authorization header with another scheme is a failed authentication: 401",
            base_fixture(),
            post(
                "/oauth/token",
                &format!("{CC}&client_id=m2m_client_id"),
                &[("Authorization", "Bearer abc")],
            ),
        ),
        case(
            "client-auth-body-credentials-accepted",
            "credentials in the body (client_id + client_secret) are accepted",
            base_fixture(),
            token(&format!("{CC}&{M2M}")),
        ),
        case(
            "client-auth-basic-and-body-secret-400",
            "Basic header and a body client_secret together: 400 invalid_request",
            base_fixture(),
            token_basic(
                &format!("{CC}&client_secret=m2m_client_secret"),
                "m2m_client_id",
                "m2m_client_secret",
            ),
        ),
        case(
            "client-auth-basic-and-matching-body-client-id",
            "Basic header and a body client_id that matches it: accepted",
            base_fixture(),
            token_basic(
                &format!("{CC}&client_id=m2m_client_id"),
                "m2m_client_id",
                "m2m_client_secret",
            ),
        ),
        case(
            "client-auth-basic-and-other-body-client-id-400",
            "Basic header and a body client_id naming another client: 400 invalid_request",
            base_fixture(),
            token_basic(
                &format!("{CC}&client_id=your_client_id"),
                "m2m_client_id",
                "m2m_client_secret",
            ),
        ),
        case(
            "client-auth-unknown-client-body-401",
            "unknown client (body credentials): 401 invalid_client",
            base_fixture(),
            token(&format!(
                "{CC}&client_id=nobody&client_secret=m2m_client_secret"
            )),
        ),
        case(
            "client-auth-unknown-client-basic-401",
            "unknown client (Basic): 401 invalid_client, same answer as a wrong secret",
            base_fixture(),
            token_basic(CC, "nobody", "m2m_client_secret"),
        ),
        case(
            "client-auth-wrong-secret-body-401",
            "wrong secret (body credentials): 401 invalid_client",
            base_fixture(),
            token(&format!("{CC}&client_id=m2m_client_id&client_secret=wrong")),
        ),
        case(
            "client-auth-wrong-secret-basic-401",
            "wrong secret (Basic): 401 invalid_client",
            base_fixture(),
            token_basic(CC, "m2m_client_id", "wrong"),
        ),
        case(
            "client-auth-secret-prefix-401",
            "secret comparison is exact: a prefix of the secret is a wrong secret (401)",
            base_fixture(),
            token(&format!(
                "{CC}&client_id=m2m_client_id&client_secret=m2m_client_secre"
            )),
        ),
        case(
            "client-auth-confidential-without-secret-401",
            "confidential client without a secret: 401 invalid_client",
            base_fixture(),
            token(&format!("{CC}&client_id=m2m_client_id")),
        ),
        case(
            "client-auth-confidential-empty-secret-401",
            "client_secret= (empty) is omitted: a confidential client without a secret, 401",
            base_fixture(),
            token(&format!("{CC}&client_id=m2m_client_id&client_secret=")),
        ),
        case(
            "client-auth-public-client-with-secret-body-401",
            "public client sending a client_secret (body): 401 invalid_client",
            with_public_refresh(),
            token(
                "grant_type=refresh_token&refresh_token=public-refresh&client_id=public_client_id&client_secret=anything",
            ),
        ),
        case(
            "client-auth-public-client-with-secret-basic-401",
            "public client sending a client_secret (Basic): 401 invalid_client",
            with_public_refresh(),
            token_basic(
                "grant_type=refresh_token&refresh_token=public-refresh",
                "public_client_id",
                "anything",
            ),
        ),
        case(
            "client-auth-no-credentials-401",
            "no client identification at all: 401 invalid_client with a Basic challenge",
            base_fixture(),
            token(CC),
        ),
        case(
            "client-auth-401-challenge-uses-configured-realm",
            "any 401 carries WWW-Authenticate: Basic realm=\"...\" (the configured realm)",
            base_with(|f| f.settings.realm = Some("example-as".into())),
            token(&format!("{CC}&client_id=m2m_client_id&client_secret=wrong")),
        ),
        case(
            "client-auth-public-client-id-alone",
            "public client identifies with client_id alone (refresh_token grant)",
            with_public_refresh(),
            token(
                "grant_type=refresh_token&refresh_token=public-refresh&client_id=public_client_id",
            ),
        ),
        case(
            "client-auth-public-client-grant-not-allowed-400",
            "public client may only use grants its record allows: 400 unauthorized_client",
            base_fixture(),
            token("grant_type=client_credentials&client_id=public_client_id"),
        ),
        case(
            "client-auth-grant-type-not-allowed-400",
            "client not allowed this grant type (m2m client, refresh_token): 400 unauthorized_client",
            base_with(|f| {
                f.refresh_tokens.push(refresh_in_family(
                    "m2m-refresh",
                    "m2m_client_id",
                    "family-m2m",
                ));
            }),
            token(&format!(
                "grant_type=refresh_token&refresh_token=m2m-refresh&{M2M}"
            )),
        ),
        case(
            "client-auth-grant-type-not-allowed-code-400",
            "client not allowed this grant type (m2m client, authorization_code): 400 unauthorized_client",
            base_with(|f| f.codes.push(code_record("m2m-code", "m2m_client_id"))),
            token(&format!(
                "grant_type=authorization_code&code=m2m-code&redirect_uri={REDIRECT_ENC}&{M2M}"
            )),
        ),
        case(
            "client-auth-retired-pepper-accepted",
            "a verifier keyed by a retired pepper still verifies (the pepper rotates without lockout)",
            with_rotated_pepper(),
            token(&format!("{CC}&{M2M}")),
        ),
        case(
            "client-auth-unknown-pepper-401",
            "a verifier keyed by a pepper the configuration does not hold fails closed: 401 invalid_client",
            base_with(|f| f.peppers[0].id = "p2".into()),
            token(&format!("{CC}&{M2M}")),
        ),
        case(
            "client-auth-other-pepper-same-id-401",
            "a client whose stored secret is keyed by another pepper of the same id does not authenticate: 401",
            base_with(|f| f.peppers[0].secret = URL_SAFE_NO_PAD.encode([14u8; 32])),
            token(&format!("{CC}&{M2M}")),
        ),
    ]
}

/// The base fixture after a pepper rotation: a new current pepper `p2`,
/// and `p1` (which every client's verifier names) retired.
fn with_rotated_pepper() -> Fixture {
    base_with(|f| {
        f.peppers.insert(
            0,
            FixturePepper {
                id: "p2".into(),
                secret: URL_SAFE_NO_PAD.encode([15u8; 32]),
            },
        );
    })
}
