//! Authorization server metadata (RFC 8414).

use super::*;

const WELL_KNOWN: &str = "/.well-known/oauth-authorization-server";

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "metadata-document",
            "metadata: issuer, endpoints, grant and response types, auth methods, S256, scopes, iss parameter; no implicit or password",
            base_fixture(),
            get(WELL_KNOWN, &[]),
        ),
        case(
            "metadata-plain-pkce-advertised-when-enabled",
            "metadata: code_challenge_methods_supported follows the configuration (plain enabled)",
            base_with(|f| f.settings.allow_plain_pkce = true),
            get(WELL_KNOWN, &[]),
        ),
    ]
}
