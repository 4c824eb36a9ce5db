//! The client_credentials grant (RFC 6749 4.4).

use super::*;

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "client-credentials-public-client-400",
            "confidential client only: a public client gets 400 unauthorized_client",
            base_fixture(),
            token("grant_type=client_credentials&client_id=public_client_id"),
        ),
        case(
            "client-credentials-public-client-even-if-allowed-400",
            "confidential client only, even when the public client's record lists the grant: 400 unauthorized_client",
            base_with(|f| {
                f.clients.push(
                    ClientRecord::public(id("public_cc_client"))
                        .with_grant_types(&[GrantType::ClientCredentials])
                        .with_scope(scope("read")),
                );
            }),
            token("grant_type=client_credentials&client_id=public_cc_client"),
        ),
        case(
            "client-credentials-no-credentials-401",
            "no credentials sent: 401 invalid_client",
            base_fixture(),
            token("grant_type=client_credentials&scope=read"),
        ),
        case(
            "client-credentials-scope-omitted-all-allowed",
            "scope omitted: the client's allowed scopes",
            base_fixture(),
            token(&format!("grant_type=client_credentials&{CONFIDENTIAL}")),
        ),
        case(
            "client-credentials-scope-subset-granted",
            "scope a subset of the allowed scopes: exactly that scope",
            base_fixture(),
            token(&format!(
                "grant_type=client_credentials&{CONFIDENTIAL}&scope=write"
            )),
        ),
        case(
            "client-credentials-scope-not-allowed-400",
            "scope not a subset of the allowed scopes: 400 invalid_scope",
            base_fixture(),
            token(&format!(
                "grant_type=client_credentials&{M2M}&scope=read%20write"
            )),
        ),
        case(
            "client-credentials-no-refresh-token",
            "response: access token only, no refresh token, even for a client allowed refresh_token",
            base_fixture(),
            token_basic(
                "grant_type=client_credentials&scope=read",
                "your_client_id",
                "your_client_secret",
            ),
        ),
    ]
}
