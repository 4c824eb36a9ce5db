//! Token revocation (RFC 7009) as a step machine.
//!
//! Access tokens are recognised and checked without any lookup (they are
//! our JWTs) and revoked by `jti`; refresh tokens are looked up by digest
//! and revoke their whole family, which also revokes every access token
//! minted in it (their `fam` claim).

use crate::exchange::authenticate::authenticate;
use crate::jwt::decode_signed;
use crate::token_reference::{TokenReference, parse_token_reference};
use crate::{
    ClientId, ClientRecord, Config, Effect, HttpResponse, Lookup, Outcome, RefreshTokenRecord,
    RefreshTokenState, RequestParts, TokenError, TokenHash,
};

/// Where a revocation stands.
#[derive(Debug)]
pub enum RevocationStep<'c> {
    /// Look up the calling client.
    NeedClient(RevocationClientQuestion<'c>),
    /// Look up the refresh token with this digest.
    NeedRefreshToken(RevocationRefreshQuestion),
    /// Done: 200 in every case but a refused request or client.
    Done(Outcome<()>),
}

/// Starts a revocation from the raw request.
///
/// ```
/// # use grant_engine::*;
/// # let config = Config::new("https://as.example", "https://api.example",
/// #     KeyRing::new(HmacKey::new("k1", &[1u8; 32]).unwrap()));
/// let mut store = MemoryStore::new();
/// store.add_client(ClientRecord::confidential(ClientId::new("app").unwrap(), "s"));
/// let body = b"token=not-a-token-we-issued&client_id=app&client_secret=s";
/// let step = revocation_endpoint(&RequestParts::form_post(body), &config);
/// let outcome = drive_revocation(step, &mut store).unwrap();
/// assert_eq!(outcome.response().status, 200); // unknown tokens are not an error
/// assert!(outcome.effects().is_empty());
/// ```
pub fn revocation_endpoint<'c>(parts: &RequestParts<'_>, config: &'c Config) -> RevocationStep<'c> {
    match parse_token_reference(parts, config.limits()) {
        Ok(request) => RevocationStep::NeedClient(RevocationClientQuestion { config, request }),
        Err(error) => fail(config, error),
    }
}

fn fail(config: &Config, error: TokenError) -> RevocationStep<'_> {
    let response = error.to_http_response(config.realm());
    RevocationStep::Done(Outcome::new(Err(error), Vec::new(), response))
}

fn revoked(effects: Vec<Effect>) -> RevocationStep<'static> {
    let mut response = HttpResponse::no_store_json(200, Vec::new());
    response.headers.retain(|(name, _)| *name != "content-type");
    RevocationStep::Done(Outcome::new(Ok(()), effects, response))
}

/// Asks for the calling client's record.
#[derive(Debug)]
pub struct RevocationClientQuestion<'c> {
    config: &'c Config,
    request: TokenReference,
}

impl<'c> RevocationClientQuestion<'c> {
    /// The client to look up.
    pub fn client_id(&self) -> &ClientId {
        self.request.client.client_id()
    }

    /// Answers with the client's record, or `None`.
    pub fn provide(self, record: Option<ClientRecord>) -> RevocationStep<'c> {
        let client = match authenticate(&self.request.client, record) {
            Ok(client) => client,
            Err(error) => return fail(self.config, error),
        };
        let Some(token) = self.request.token else {
            return revoked(Vec::new());
        };
        // One of our JWTs (signature and issuer check out, expired or not) is
        // an access token; anything else may be a refresh token, whatever it
        // contains.
        if let Ok(claims) = decode_signed(token.expose_secret(), self.config) {
            return if claims.client_id == client.client_id {
                revoked(vec![Effect::RevokeAccessTokens {
                    token_ids: vec![claims.jti],
                }])
            } else {
                revoked(Vec::new())
            };
        }
        RevocationStep::NeedRefreshToken(RevocationRefreshQuestion {
            token_hash: TokenHash::of(token.expose_secret()),
            client,
        })
    }
}

/// Asks for a refresh token's record.
#[derive(Debug)]
pub struct RevocationRefreshQuestion {
    token_hash: TokenHash,
    client: ClientRecord,
}

impl RevocationRefreshQuestion {
    /// The digest of the presented token.
    pub fn token_hash(&self) -> &TokenHash {
        &self.token_hash
    }

    /// Answers with the record, or `None`. A token of another client is
    /// left alone (and the answer is still 200, RFC 7009 2.2).
    pub fn provide(self, record: Option<RefreshTokenRecord>) -> RevocationStep<'static> {
        match record {
            Some(record)
                if record.token_hash.ct_eq(&self.token_hash)
                    && record.client_id == self.client.client_id
                    && record.state != RefreshTokenState::Revoked =>
            {
                revoked(vec![Effect::RevokeFamily {
                    family: record.family,
                }])
            }
            _ => revoked(Vec::new()),
        }
    }
}

/// Runs a revocation to its outcome against a blocking [`Lookup`].
pub fn drive_revocation<L: Lookup + ?Sized>(
    mut step: RevocationStep<'_>,
    lookup: &mut L,
) -> Result<Outcome<()>, L::Error> {
    loop {
        step = match step {
            RevocationStep::NeedClient(q) => {
                let record = lookup.client(q.client_id())?;
                q.provide(record)
            }
            RevocationStep::NeedRefreshToken(q) => {
                let record = lookup.refresh_token(q.token_hash())?;
                q.provide(record)
            }
            RevocationStep::Done(outcome) => return Ok(outcome),
        }
    }
}
