//! Token introspection (RFC 7662) as a step machine.
//!
//! Only confidential clients may ask. A client sees its own tokens; a client
//! whose record has `introspect_any` (a resource server) sees every token.
//! Anything else (unknown, expired, tampered, revoked, or not the caller's
//! to see) is exactly `{"active":false}`.

use crate::authenticate::authenticate;
use crate::config::config::Config;
use crate::errors::token::{ClientAuthFailure, TokenError};
use crate::introspection::introspection::Introspection;
use crate::machine::call::Call;
use crate::machine::endpoint::{Endpoint, never_asks};
use crate::machine::outcome::Outcome;
use crate::machine::request_type::form_post_request;
use crate::machine::step::{ClientQuestion, RefreshTokenQuestion, RevocationQuestion, Step};
use crate::mint::claims::AccessTokenClaims;
use crate::mint::verify::{check_claims, decode_signed};
use crate::parse::token_reference::{TokenReference, parse_token_reference};
use crate::store::client_record::ClientRecord;
use crate::store::effect::Effect;
use crate::store::refresh_token_record::{RefreshTokenRecord, RefreshTokenState};
use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;
use crate::values::ids::{FamilyId, TokenId};

form_post_request! {
    /// An introspection request (`POST /oauth/introspect`), parsed and ready to
    /// run. It asks for the caller; then for a refresh token's record, or
    /// whether a verified access token was revoked. It changes nothing.
    Introspect,
    TokenReference,
    TokenError,
    parse_token_reference
}

impl Endpoint for Introspect {
    type Report = Result<Introspection, TokenError>;
    type Output = Outcome<Introspect>;
    type ClientWait<'c> = AwaitClient<'c>;
    type RefreshTokenWait<'c> = AwaitRefreshToken<'c>;
    type RevocationWait<'c> = AwaitRevocation<'c>;
    never_asks!(code);

    fn start<'c>(&'c self, config: &'c Config, call: &Call) -> Step<'c, Introspect> {
        match &self.request {
            Ok(request) => Step::NeedClient(ClientQuestion::new(AwaitClient {
                config,
                now: call.now(),
                request,
            })),
            Err(error) => fail(config, *error, None),
        }
    }

    fn client_id<'a>(wait: &'a AwaitClient<'_>) -> &'a ClientId {
        wait.request.client.client_id()
    }

    fn provide_client<'c>(
        wait: Self::ClientWait<'c>,
        record: Option<ClientRecord>,
    ) -> Step<'c, Self> {
        let AwaitClient {
            config,
            now,
            request,
        } = wait;
        let caller = match authenticate(&request.client, record, config.client_secrets()) {
            Ok(caller) if caller.is_public() => Err(TokenError::InvalidClient {
                failure: ClientAuthFailure::NotConfidential,
                authorization_header: request.client.used_authorization_header(),
            }),
            other => other,
        };
        match caller {
            Ok(client) => examine(
                Caller {
                    config,
                    now,
                    client,
                },
                request,
            ),
            Err(error) => fail(config, error, Some(request.client.client_id())),
        }
    }

    fn token_hash<'a>(wait: &'a AwaitRefreshToken<'_>) -> &'a TokenHash {
        &wait.token_hash
    }

    fn provide_refresh_token<'c>(
        wait: Self::RefreshTokenWait<'c>,
        record: Option<RefreshTokenRecord>,
    ) -> Step<'c, Self> {
        let AwaitRefreshToken { caller, token_hash } = wait;
        let active = record.filter(|record| {
            record.token_hash.ct_eq(&token_hash)
                && record.state == RefreshTokenState::Active
                && caller.now < record.expires_at
                && caller.may_see(&record.client_id)
        });
        let issuer = caller.config.issuer();
        caller.answer(active.map_or_else(Introspection::inactive, |record| {
            Introspection::of_refresh_token(record, issuer)
        }))
    }

    fn revocation_of<'a>(wait: &'a AwaitRevocation<'_>) -> (&'a TokenId, Option<&'a FamilyId>) {
        (&wait.claims.jti, wait.claims.fam.as_ref())
    }

    fn provide_revocation<'c>(wait: Self::RevocationWait<'c>, revoked: bool) -> Step<'c, Self> {
        let AwaitRevocation { caller, claims } = wait;
        if revoked {
            caller.answer(Introspection::inactive())
        } else {
            caller.answer(Introspection::of_access_token(claims))
        }
    }

    fn effects(output: &Outcome<Introspect>) -> &[Effect] {
        output.effects()
    }
}

/// An authenticated caller's token: one of our JWTs (signature and issuer
/// check out) is an access token; anything else may be a refresh token,
/// whatever it contains.
fn examine<'c>(caller: Caller<'c>, request: &TokenReference) -> Step<'c, Introspect> {
    let Some(token) = &request.token else {
        return caller.answer(Introspection::inactive());
    };
    let config = caller.config;
    match decode_signed(token.expose_secret(), config.keys().keys(), config.issuer()) {
        Ok(claims) => {
            let live = check_claims(&claims, config.audience(), caller.now, 0).is_ok();
            if live && caller.may_see(&claims.client_id) {
                let wait = AwaitRevocation { caller, claims };
                Step::NeedRevocationStatus(RevocationQuestion::new(wait))
            } else {
                caller.answer(Introspection::inactive())
            }
        }
        Err(_) => {
            let token_hash = TokenHash::of(token.expose_secret());
            let wait = AwaitRefreshToken { caller, token_hash };
            Step::NeedRefreshToken(RefreshTokenQuestion::new(wait))
        }
    }
}

fn fail<'c>(config: &Config, error: TokenError, caller: Option<&ClientId>) -> Step<'c, Introspect> {
    Step::Done(Outcome::token_error(error, Vec::new(), config, caller))
}

/// An authenticated confidential caller.
struct Caller<'c> {
    config: &'c Config,
    now: u64,
    client: ClientRecord,
}

impl<'c> Caller<'c> {
    /// A client sees its own tokens; a resource server sees every token.
    fn may_see(&self, owner: &ClientId) -> bool {
        self.client.introspect_any || &self.client.client_id == owner
    }

    fn answer(self, introspection: Introspection) -> Step<'c, Introspect> {
        let response = introspection.to_http_response();
        let client_id = Some(self.client.client_id);
        Step::Done(Outcome::new(
            Ok(introspection),
            Vec::new(),
            response,
            client_id,
        ))
    }
}

/// Waiting for the caller's record.
pub struct AwaitClient<'c> {
    config: &'c Config,
    now: u64,
    request: &'c TokenReference,
}

/// Waiting for a refresh token's record.
pub struct AwaitRefreshToken<'c> {
    caller: Caller<'c>,
    token_hash: TokenHash,
}

/// Waiting to hear whether a verified access token was revoked.
pub struct AwaitRevocation<'c> {
    caller: Caller<'c>,
    claims: AccessTokenClaims,
}
