//! Scope grammar (RFC 6749 3.3): `scope-token *( SP scope-token )`.

use super::*;

/// A client_credentials request of `your_client_id` with this raw (already
/// form-encoded) scope value.
fn with_scope(raw: &str) -> VectorRequest {
    token(&format!(
        "grant_type=client_credentials&{CONFIDENTIAL}&scope={raw}"
    ))
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "scope-double-space-400",
            "double spaces: 400 invalid_scope",
            base_fixture(),
            with_scope("read%20%20write"),
        ),
        case(
            "scope-leading-space-400",
            "leading space: 400 invalid_scope",
            base_fixture(),
            with_scope("%20read"),
        ),
        case(
            "scope-trailing-space-400",
            "trailing space (an empty scope-token): 400 invalid_scope",
            base_fixture(),
            with_scope("read%20"),
        ),
        case(
            "scope-quote-400",
            "a double quote (not NQCHAR): 400 invalid_scope",
            base_fixture(),
            with_scope("%22read%22"),
        ),
        case(
            "scope-backslash-400",
            "a backslash (not NQCHAR): 400 invalid_scope",
            base_fixture(),
            with_scope("read%5Cwrite"),
        ),
        case(
            "scope-control-character-400",
            "a control character (tab): 400 invalid_scope",
            base_fixture(),
            with_scope("read%09write"),
        ),
        case(
            "scope-non-ascii-400",
            "a non-ASCII character (é): 400 invalid_scope",
            base_fixture(),
            with_scope("r%C3%A9ad"),
        ),
        case(
            "scope-only-space-400",
            "a scope of one space: 400 invalid_scope",
            base_fixture(),
            with_scope("+"),
        ),
        case(
            "scope-order-and-duplicates-ignored",
            "order and duplicates do not matter; the response lists the set in a stable order",
            base_fixture(),
            with_scope("write%20read%20write"),
        ),
        case(
            "scope-plus-is-space",
            "form decoding: `+` is a space, so read+write is two scope-tokens",
            base_fixture(),
            with_scope("read+write"),
        ),
        case(
            "scope-all-nqchar-classes-accepted",
            "every NQCHAR range (%x21, %x23-5B, %x5D-7E) is a valid scope-token",
            base_with(|f| f.clients[0].scope = scope("!#[]~ read")),
            with_scope("%21%23%5B%5D%7E"),
        ),
        case(
            "scope-malformed-in-refresh-400",
            "the grammar applies to every grant (refresh_token, double space): 400 invalid_scope",
            base_fixture(),
            token(&format!(
                "grant_type=refresh_token&refresh_token={SEED_REFRESH}&{CONFIDENTIAL}&scope=read%20%20write"
            )),
        ),
    ]
}
