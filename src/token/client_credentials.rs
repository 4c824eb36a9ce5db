//! The client_credentials grant (RFC 6749 4.4).

use crate::errors::token::{InvalidScope, TokenError};
use crate::machine::step::Step;
use crate::parse::token_request::ClientCredentialsRequest;
use crate::store::client_record::ClientRecord;
use crate::token::exchange::Exchange;
use crate::token::grant::Grant;

/// Issues an access token (and no refresh token, RFC 6749 4.4.3) to an
/// authenticated confidential client: for the scope asked, or by default
/// every scope the client may have.
pub(crate) fn grant<'c>(
    grant: Grant<'c>,
    client: ClientRecord,
    request: &ClientCredentialsRequest,
) -> Step<'c, Exchange> {
    if client.is_public() {
        return grant.fail(TokenError::UnauthorizedClient);
    }
    let scope = match &request.scope {
        None => client.scope,
        Some(scope) if scope.is_subset_of(&client.scope) => scope.clone(),
        Some(_) => return grant.fail(TokenError::InvalidScope(InvalidScope::NotAllowed)),
    };
    // The client acts on its own behalf: it is the subject.
    let subject = client.client_id.as_str();
    let mut ids = grant
        .seed
        .bind(b"client_credentials", &[subject.as_bytes()]);
    let minted = grant.access_token(&mut ids, &client.client_id, subject, &scope, None);
    let (access_token, _) = match minted {
        Ok(minted) => minted,
        Err(error) => return grant.fail(error),
    };
    let tokens = grant.tokens(access_token, None, scope);
    grant.succeed(client.client_id, tokens, Vec::new())
}
