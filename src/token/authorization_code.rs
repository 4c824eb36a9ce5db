//! The authorization_code grant (RFC 6749 4.1.3, 10.5; RFC 7636 4.6;
//! RFC 9700 4.2).

use crate::errors::token::{InvalidGrant, TokenError};
use crate::machine::security_event::SecurityEvent;
use crate::machine::step::Step;
use crate::mint::family::family_of_code;
use crate::mint::ids::IdSource;
use crate::parse::token_request::AuthorizationCodeRequest;
use crate::store::client_record::ClientRecord;
use crate::store::code_record::{CodeRecord, CodeState};
use crate::store::effect::Effect;
use crate::token::exchange::{AwaitCode, Exchange};
use crate::token::grant::{Grant, RefreshGrant};
use crate::values::digest::TokenHash;
use crate::values::grant_type::GrantType;
use crate::values::ids::{FamilyId, TokenId};
use crate::values::pkce::CodeChallengeMethod;
use crate::values::secret::RefreshToken;

/// The code's record is in: refuse, revoke on reuse, or issue.
pub(crate) fn redeem(wait: AwaitCode<'_>, record: Option<CodeRecord>) -> Step<'_, Exchange> {
    let AwaitCode {
        grant,
        client,
        request,
        code_hash,
    } = wait;
    let invalid = |reason| TokenError::InvalidGrant(reason);
    // A record for another digest (a host bug) is treated as no record.
    let Some(code) = record.filter(|r| r.code_hash.ct_eq(&code_hash)) else {
        return grant.fail(invalid(InvalidGrant::UnknownCode));
    };
    let family = family_of_code(&code_hash);
    if let CodeState::Redeemed { access_token_ids } = code.state {
        return reuse(grant, &client, family, access_token_ids);
    }
    // From here on the code is spent, whatever the outcome.
    if let Err(reason) = check(&grant, &client, request, &code) {
        return grant.fail_with(invalid(reason), vec![redeemed(code_hash, Vec::new())]);
    }
    let mut ids = code_ids(&grant, &client, &code);
    let minted = grant.access_token(
        &mut ids,
        &client.client_id,
        code.subject.as_str(),
        &code.scope,
        Some(&family),
    );
    // Spent even so (the store contract: every presentation of an unused
    // code redeems it), with nothing issued.
    let (access_token, jti) = match minted {
        Ok(minted) => minted,
        Err(error) => return grant.fail_with(error, vec![redeemed(code_hash, Vec::new())]),
    };
    let mut effects = vec![redeemed(code_hash, vec![jti])];
    let refresh_token = client.allows(GrantType::RefreshToken).then(|| {
        let (token, stored) = first_refresh_token(&grant, &mut ids, &client, &code, &family);
        effects.push(stored);
        token
    });
    let tokens = grant.tokens(access_token, refresh_token, code.scope);
    grant.succeed(client.client_id, tokens, effects)
}

/// The ids of a redemption, bound to the code: a reused entropy still
/// derives this redemption's own tokens.
fn code_ids(grant: &Grant<'_>, client: &ClientRecord, code: &CodeRecord) -> IdSource {
    grant.seed.bind(
        b"authorization_code",
        &[
            client.client_id.as_str().as_bytes(),
            code.subject.as_str().as_bytes(),
            code.code_hash.as_bytes(),
        ],
    )
}

/// The family's first refresh token, and the effect that stores it: the
/// family's absolute end is counted from now.
fn first_refresh_token(
    grant: &Grant<'_>,
    ids: &mut IdSource,
    client: &ClientRecord,
    code: &CodeRecord,
    family: &FamilyId,
) -> (RefreshToken, Effect) {
    let token = RefreshToken::from_trusted(ids.next_secret(b"refresh"));
    let of = RefreshGrant {
        client_id: &client.client_id,
        subject: &code.subject,
        scope: &code.scope,
        family,
        family_expires_at: grant.now.saturating_add(grant.config.family_lifetime()),
    };
    let record = grant.refresh_record(TokenHash::of(token.expose_secret()), of);
    (token, Effect::StoreRefreshToken(record))
}

/// RFC 6749 4.1.2 / RFC 9700 4.2.4: a code presented again revokes what
/// its first redemption issued: the family of refresh tokens, and the
/// access tokens by `jti`. The host hears of it.
fn reuse<'c>(
    grant: Grant<'c>,
    client: &ClientRecord,
    family: FamilyId,
    access_token_ids: Vec<TokenId>,
) -> Step<'c, Exchange> {
    let event = SecurityEvent::CodeReused {
        client_id: client.client_id.clone(),
        family: family.clone(),
    };
    let mut effects = vec![Effect::RevokeFamily { family }];
    if !access_token_ids.is_empty() {
        effects.push(Effect::RevokeAccessTokens {
            token_ids: access_token_ids,
        });
    }
    let error = TokenError::InvalidGrant(InvalidGrant::CodeReused);
    grant.fail_noting(error, effects, event)
}

fn redeemed(code_hash: TokenHash, access_token_ids: Vec<TokenId>) -> Effect {
    Effect::RedeemCode {
        code_hash,
        access_token_ids,
    }
}

/// Every check of RFC 6749 4.1.3 and RFC 7636 4.6 on an unused code.
fn check(
    grant: &Grant<'_>,
    client: &ClientRecord,
    request: &AuthorizationCodeRequest,
    code: &CodeRecord,
) -> Result<(), InvalidGrant> {
    if code.client_id != client.client_id {
        return Err(InvalidGrant::CodeOfAnotherClient);
    }
    let deadline = code
        .expires_at
        .min(code.issued_at.saturating_add(grant.config.code_ttl()));
    if grant.now >= deadline {
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
    check_pkce(grant, client, request, code)
}

/// RFC 7636 4.6, and RFC 9700 2.1.1's downgrade rule.
fn check_pkce(
    grant: &Grant<'_>,
    client: &ClientRecord,
    request: &AuthorizationCodeRequest,
    code: &CodeRecord,
) -> Result<(), InvalidGrant> {
    let pkce = grant.config.pkce();
    match (&code.pkce, &request.code_verifier) {
        (Some(challenge), Some(verifier)) => {
            let method_ok = challenge.method == CodeChallengeMethod::S256 || pkce.allow_plain;
            if method_ok
                && challenge
                    .challenge
                    .is_answered_by(verifier, challenge.method)
            {
                Ok(())
            } else {
                Err(InvalidGrant::CodeVerifierMismatch)
            }
        }
        (Some(_), None) => Err(InvalidGrant::MissingCodeVerifier),
        (None, Some(_)) => Err(InvalidGrant::UnexpectedCodeVerifier),
        (None, None) if pkce.requires(client.is_public()) => Err(InvalidGrant::PkceRequired),
        (None, None) => Ok(()),
    }
}
