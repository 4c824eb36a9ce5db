//! Client authentication against the client's record (RFC 6749 2.3,
//! 3.2.1): shared by the token, revocation and introspection endpoints.

use crate::client_secret::client_secrets::ClientSecrets;
use crate::errors::token::{ClientAuthFailure, TokenError};
use crate::parse::client_auth::ClientAuth;
use crate::store::client_record::ClientRecord;

/// Checks what the client presented against its record, with the
/// configuration's peppers.
pub(crate) fn authenticate(
    presented: &ClientAuth,
    record: Option<ClientRecord>,
    secrets: Option<&ClientSecrets>,
) -> Result<ClientRecord, TokenError> {
    let fail = |failure| TokenError::InvalidClient {
        failure,
        authorization_header: presented.used_authorization_header(),
    };
    // A record for another id (a host bug) is treated as no record at all.
    let record = record.filter(|r| &r.client_id == presented.client_id());
    let Some(record) = record else {
        // An unknown client costs the same check as a known one.
        if let (Some(secrets), Some(secret)) = (secrets, presented.secret()) {
            secrets.spend_dummy(presented.client_id(), secret);
        }
        return Err(fail(ClientAuthFailure::UnknownClient));
    };
    let checked = match (&record.secret_verifier, presented.secret()) {
        (Some(verifier), Some(secret)) => secrets
            .ok_or(ClientAuthFailure::UnknownPepper)
            .and_then(|secrets| secrets.check(&record.client_id, verifier, secret)),
        (Some(_), None) => Err(ClientAuthFailure::MissingSecret),
        (None, Some(secret)) => {
            // The same cost as a check: a public client is not told apart.
            if let Some(secrets) = secrets {
                secrets.spend_dummy(&record.client_id, secret);
            }
            Err(ClientAuthFailure::UnexpectedSecret)
        }
        (None, None) => Ok(()),
    };
    checked.map(|()| record).map_err(fail)
}
