//! The authorization_code grant (RFC 6749 4.1.3, RFC 7636 4.6, RFC 9700 4.2).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::{Exchange, Step};
use crate::token_request::AuthorizationCodeRequest;
use crate::{
    ClientRecord, CodeRecord, CodeState, Effect, FamilyId, InvalidGrant, RefreshToken,
    RefreshTokenRecord, RefreshTokenState, TokenError, TokenHash, TokenResponse,
};

/// The family of every token issued from the code with this digest. It is
/// derived, not stored, so that a second presentation of the code can
/// revoke the family even while the first one is still being answered.
pub(crate) fn family_of_code(code_hash: &TokenHash) -> FamilyId {
    let digest = Sha256::new()
        .chain_update(b"grant-engine/v1/family")
        .chain_update(code_hash.as_bytes())
        .finalize();
    FamilyId::from_trusted(URL_SAFE_NO_PAD.encode(digest.get(..16).unwrap_or_default()))
}

pub(super) fn redeem<'c>(
    mut exchange: Exchange<'c>,
    client: &ClientRecord,
    request: AuthorizationCodeRequest,
    code_hash: TokenHash,
    record: Option<CodeRecord>,
) -> Step<'c> {
    let invalid = |reason| TokenError::InvalidGrant(reason);
    // A record for another digest (a host bug) is treated as no record.
    let Some(code) = record.filter(|r| r.code_hash.ct_eq(&code_hash)) else {
        return exchange.fail(invalid(InvalidGrant::UnknownCode));
    };
    let family = family_of_code(&code_hash);
    if let CodeState::Redeemed { access_token_ids } = code.state {
        // RFC 6749 4.1.2 / RFC 9700 4.2.4: revoke what the code issued.
        exchange.effects.push(Effect::RevokeFamily { family });
        if !access_token_ids.is_empty() {
            exchange.effects.push(Effect::RevokeAccessTokens {
                token_ids: access_token_ids,
            });
        }
        return exchange.fail(invalid(InvalidGrant::CodeReused));
    }
    // From here on the code is spent, whatever the outcome.
    exchange.effects.push(Effect::RedeemCode {
        code_hash,
        access_token_ids: Vec::new(),
    });
    if let Err(reason) = check(&exchange, client, &request, &code) {
        return exchange.fail(invalid(reason));
    }

    let (access_token, jti) = exchange.access_token(
        &client.client_id,
        code.subject.as_str(),
        &code.scope,
        Some(&family),
    );
    if let Some(Effect::RedeemCode {
        access_token_ids, ..
    }) = exchange.effects.last_mut()
    {
        access_token_ids.push(jti);
    }
    let refresh_token = client.allows(crate::GrantType::RefreshToken).then(|| {
        let token = RefreshToken::from_trusted(exchange.ids.next_secret(b"refresh"));
        let now = exchange.now;
        exchange
            .effects
            .push(Effect::StoreRefreshToken(RefreshTokenRecord {
                token_hash: TokenHash::of(token.expose_secret()),
                client_id: client.client_id.clone(),
                subject: code.subject.clone(),
                scope: code.scope.clone(),
                family: family.clone(),
                issued_at: now,
                expires_at: now.saturating_add(exchange.config.refresh_token_ttl()),
                state: RefreshTokenState::Active,
            }));
        token
    });
    let expires_in = exchange.config.access_token_ttl();
    exchange.succeed(TokenResponse {
        access_token,
        expires_in,
        refresh_token,
        scope: code.scope,
    })
}

/// Every check of RFC 6749 4.1.3 and RFC 7636 4.6 on a fresh code.
fn check(
    exchange: &Exchange<'_>,
    client: &ClientRecord,
    request: &AuthorizationCodeRequest,
    code: &CodeRecord,
) -> Result<(), InvalidGrant> {
    if code.client_id != client.client_id {
        return Err(InvalidGrant::CodeOfAnotherClient);
    }
    let deadline = code
        .expires_at
        .min(code.issued_at.saturating_add(exchange.config.code_ttl()));
    if exchange.now >= deadline {
        return Err(InvalidGrant::CodeExpired);
    }
    let redirect_ok = match (&code.redirect_uri, &request.redirect_uri) {
        (Some(authorized), Some(sent)) => authorized == sent,
        (Some(_), None) => false,
        (None, None) => true,
        // The authorization request used the only registered URI implicitly.
        (None, Some(sent)) => client.redirect_uris.as_slice() == std::slice::from_ref(sent),
    };
    if !redirect_ok {
        return Err(InvalidGrant::RedirectUriMismatch);
    }
    let pkce = exchange.config.pkce();
    match (&code.pkce, &request.code_verifier) {
        (Some(challenge), Some(verifier)) => {
            let method_ok =
                challenge.method == crate::CodeChallengeMethod::S256 || pkce.allow_plain;
            if !method_ok
                || !challenge
                    .challenge
                    .is_answered_by(verifier, challenge.method)
            {
                return Err(InvalidGrant::CodeVerifierMismatch);
            }
        }
        (Some(_), None) => return Err(InvalidGrant::MissingCodeVerifier),
        (None, Some(_)) => return Err(InvalidGrant::UnexpectedCodeVerifier),
        (None, None) if pkce.requires(client.is_public()) => {
            return Err(InvalidGrant::PkceRequired);
        }
        (None, None) => {}
    }
    Ok(())
}
