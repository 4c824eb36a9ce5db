//! What every step of one token exchange carries: the configuration, the
//! time, the call's entropy, and how a grant ends.

use crate::config::config::Config;
use crate::errors::token::TokenError;
use crate::machine::call::Call;
use crate::machine::outcome::Outcome;
use crate::machine::security_event::SecurityEvent;
use crate::machine::step::Step;
use crate::mint::claims::MintClaims;
use crate::mint::ids::{IdSeed, IdSource};
use crate::mint::jwt::mint_access_token;
use crate::render::token_response::TokenResponse;
use crate::store::effect::Effect;
use crate::store::refresh_token_record::{RefreshTokenRecord, RefreshTokenState};
use crate::token::exchange::Exchange;
use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;
use crate::values::ids::{FamilyId, Subject, TokenId};
use crate::values::scope::Scope;
use crate::values::secret::{AccessToken, RefreshToken};

/// One run of the token endpoint, from the client lookup to the outcome.
pub(crate) struct Grant<'c> {
    pub(crate) config: &'c Config,
    pub(crate) now: u64,
    /// The call's entropy and time; each grant binds it to what it issues.
    pub(crate) seed: IdSeed,
    client_id: Option<&'c ClientId>,
}

impl<'c> Grant<'c> {
    pub(crate) fn new(config: &'c Config, call: &Call, client_id: Option<&'c ClientId>) -> Self {
        Grant {
            config,
            now: call.now(),
            seed: IdSeed::new(call.entropy(), call.now()),
            client_id,
        }
    }

    /// Ends the exchange with `error` and no state change.
    pub(crate) fn fail(self, error: TokenError) -> Step<'c, Exchange> {
        self.fail_with(error, Vec::new())
    }

    /// Ends the exchange with `error` and the state changes it still makes
    /// (a code burnt, a family revoked).
    pub(crate) fn fail_with(self, error: TokenError, effects: Vec<Effect>) -> Step<'c, Exchange> {
        let outcome = Outcome::token_error(error, effects, self.config, self.client_id);
        Step::Done(outcome)
    }

    /// Ends the exchange with `error`, the state changes it makes and the
    /// security event it is (a reuse).
    pub(crate) fn fail_noting(
        self,
        error: TokenError,
        effects: Vec<Effect>,
        event: SecurityEvent,
    ) -> Step<'c, Exchange> {
        let outcome = Outcome::token_error(error, effects, self.config, self.client_id);
        Step::Done(outcome.noting(event))
    }

    /// Ends the exchange with the tokens issued to `client` and their
    /// state changes.
    pub(crate) fn succeed(
        self,
        client: ClientId,
        tokens: TokenResponse,
        effects: Vec<Effect>,
    ) -> Step<'c, Exchange> {
        let response = tokens.to_http_response();
        Step::Done(Outcome::new(Ok(tokens), effects, response, Some(client)))
    }

    /// Mints an access token for `subject`, its `jti` drawn from `ids`,
    /// and returns it with the `jti`; a signature that failed is
    /// [`TokenError::SigningFailed`].
    pub(crate) fn access_token(
        &self,
        ids: &mut IdSource,
        client_id: &ClientId,
        subject: &str,
        scope: &Scope,
        family: Option<&FamilyId>,
    ) -> Result<(AccessToken, TokenId), TokenError> {
        let jti = TokenId::from_trusted(ids.next_id(b"jti"));
        let claims = MintClaims {
            iss: self.config.issuer(),
            sub: subject,
            aud: self.config.audience(),
            exp: self.now.saturating_add(self.config.access_token_ttl()),
            iat: self.now,
            jti: jti.as_str(),
            client_id: client_id.as_str(),
            scope,
            fam: family.map(FamilyId::as_str),
        };
        let token = mint_access_token(self.config.keys().signing_key(), &claims)
            .map_err(|_| TokenError::SigningFailed)?;
        Ok((token, jti))
    }

    /// The record of a new active refresh token with digest `token_hash`,
    /// living the configured lifetime from now.
    pub(crate) fn refresh_record(
        &self,
        token_hash: TokenHash,
        grant: RefreshGrant<'_>,
    ) -> RefreshTokenRecord {
        RefreshTokenRecord {
            token_hash,
            client_id: grant.client_id.clone(),
            subject: grant.subject.clone(),
            scope: grant.scope.clone(),
            family: grant.family.clone(),
            issued_at: self.now,
            expires_at: self
                .now
                .saturating_add(self.config.refresh_token_ttl())
                .min(grant.family_expires_at),
            family_expires_at: grant.family_expires_at,
            state: RefreshTokenState::Active,
        }
    }

    /// The successful response: the access token, the configured
    /// `expires_in`, the refresh token if any, the granted scope.
    pub(crate) fn tokens(
        &self,
        access_token: AccessToken,
        refresh_token: Option<RefreshToken>,
        scope: Scope,
    ) -> TokenResponse {
        TokenResponse {
            access_token,
            expires_in: self.config.access_token_ttl(),
            refresh_token,
            scope,
        }
    }
}

/// What a refresh token is issued for: the same for every token of a
/// family (RFC 6749 6: the new token keeps the original grant's scope).
pub(crate) struct RefreshGrant<'a> {
    pub(crate) client_id: &'a ClientId,
    pub(crate) subject: &'a Subject,
    pub(crate) scope: &'a Scope,
    pub(crate) family: &'a FamilyId,
    /// When the family ends: from the configuration at its first token,
    /// the predecessor's after.
    pub(crate) family_expires_at: u64,
}
