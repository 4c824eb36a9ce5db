//! Client authentication against the client's record (RFC 6749 2.3,
//! 3.2.1): shared by the token, revocation and introspection endpoints.

use crate::errors::token::{ClientAuthFailure, TokenError};
use crate::parse::client_auth::ClientAuth;
use crate::store::client_record::ClientRecord;
use crate::values::digest::SecretHash;

/// Compared against when the client does not exist, so that an unknown
/// client costs the same hash and compare as a known one.
const DUMMY_HASH: SecretHash = SecretHash::from_bytes([0x5a; 32]);

/// Checks what the client presented against its record.
pub(crate) fn authenticate(
    presented: &ClientAuth,
    record: Option<ClientRecord>,
) -> Result<ClientRecord, TokenError> {
    let fail = |failure| TokenError::InvalidClient {
        failure,
        authorization_header: presented.used_authorization_header(),
    };
    // A record for another id (a host bug) is treated as no record at all.
    let record = record.filter(|r| &r.client_id == presented.client_id());
    let expected = record.as_ref().and_then(|r| r.secret_hash);
    let secret_ok = presented.secret().map(|secret| {
        expected
            .unwrap_or(DUMMY_HASH)
            .matches(secret.expose_secret())
    });
    let Some(record) = record else {
        return Err(fail(ClientAuthFailure::UnknownClient));
    };
    match (record.is_public(), secret_ok) {
        (false, Some(true)) | (true, None) => Ok(record),
        (false, Some(false)) => Err(fail(ClientAuthFailure::WrongSecret)),
        (false, None) => Err(fail(ClientAuthFailure::MissingSecret)),
        (true, Some(_)) => Err(fail(ClientAuthFailure::UnexpectedSecret)),
    }
}
