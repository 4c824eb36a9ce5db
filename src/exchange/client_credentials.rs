//! The client_credentials grant (RFC 6749 4.4).

use super::{Exchange, Step};
use crate::token_request::ClientCredentialsRequest;
use crate::{ClientRecord, InvalidScope, TokenError, TokenResponse};

/// Issues an access token (and no refresh token, RFC 6749 4.4.3) to an
/// authenticated confidential client.
pub(super) fn grant<'c>(
    mut exchange: Exchange<'c>,
    client: &ClientRecord,
    request: ClientCredentialsRequest,
) -> Step<'c> {
    if client.is_public() {
        return exchange.fail(TokenError::UnauthorizedClient);
    }
    let scope = match request.scope {
        None => client.scope.clone(),
        Some(scope) if scope.is_subset_of(&client.scope) => scope,
        Some(_) => return exchange.fail(TokenError::InvalidScope(InvalidScope::NotAllowed)),
    };
    // The client acts on its own behalf: it is the subject.
    let subject = client.client_id.as_str();
    let (access_token, _) = exchange.access_token(&client.client_id, subject, &scope, None);
    let expires_in = exchange.config.access_token_ttl();
    exchange.succeed(TokenResponse {
        access_token,
        expires_in,
        refresh_token: None,
        scope,
    })
}
