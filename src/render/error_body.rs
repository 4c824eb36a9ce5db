//! The JSON body every error response shares (RFC 6749 5.2, RFC 6750 3):
//! `error`, then a fixed `error_description`, in that order.

use serde::Serialize;

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

/// `{"error":...,"error_description":...}`. Both strings are the engine's
/// own fixed texts, never input.
pub(crate) fn error_body(error: &str, description: &str) -> Vec<u8> {
    serde_json::to_vec(&ErrorBody {
        error,
        error_description: description,
    })
    .unwrap_or_default()
}
