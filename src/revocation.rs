//! Token revocation (RFC 7009) as a step machine.
//!
//! Access tokens are recognised and checked without any lookup (they are
//! our JWTs) and revoked by `jti`; refresh tokens are looked up by digest
//! and revoke their whole family, which also revokes every access token
//! minted in it (their `fam` claim).

use crate::authenticate::authenticate;
use crate::config::config::Config;
use crate::errors::token::TokenError;
use crate::machine::call::Call;
use crate::machine::endpoint::{Endpoint, never_asks};
use crate::machine::outcome::Outcome;
use crate::machine::request_type::form_post_request;
use crate::machine::step::{ClientQuestion, RefreshTokenQuestion, Step};
use crate::mint::verify::decode_signed;
use crate::parse::token_reference::{TokenReference, parse_token_reference};
use crate::render::http_response::HttpResponse;
use crate::store::client_record::ClientRecord;
use crate::store::effect::Effect;
use crate::store::refresh_token_record::{RefreshTokenRecord, RefreshTokenState};
use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;

form_post_request! {
    /// A revocation request (`POST /oauth/revoke`), parsed and ready to run.
    /// The answer is 200 in every case but a refused request or client: an
    /// unknown token, one already revoked, and another client's token alike
    /// (RFC 7009 2.2), so that no other client's token is confirmed to exist.
    ///
    /// ```
    /// use grant_engine::{Call, ClientId, ClientRecord, Config, HmacKey, KeyRing};
    /// use grant_engine::{MemoryStore, RequestParts, Revoke, drive};
    /// use grant_engine::client_secret::{ClientSecrets, Pepper};
    /// use grant_engine::values::{ClientSecret, Entropy};
    /// let secrets = ClientSecrets::new(Pepper::new("p1", &[3u8; 32]).unwrap());
    /// let config = Config::new("https://as.example", "https://api.example",
    ///     KeyRing::new(HmacKey::new("k1", &[1u8; 32]).unwrap()))
    ///     .with_client_secrets(secrets.clone());
    /// let id = ClientId::new("app").unwrap();
    /// let verifier = secrets.verifier(&id, &ClientSecret::new("s").unwrap()).unwrap();
    /// let mut store = MemoryStore::new();
    /// store.add_client(ClientRecord::confidential(id, verifier));
    /// let body = b"token=not-a-token-we-issued&client_id=app&client_secret=s";
    /// let request = Revoke::parse(&RequestParts::form_post(body), &config);
    /// let call = Call::new(1_800_000_000, Entropy::from_bytes([1; 32]));
    /// let outcome = drive(&mut store, &config, call, request).unwrap();
    /// assert_eq!(outcome.response().status, 200); // unknown tokens are not an error
    /// assert!(outcome.effects().is_empty());
    /// ```
    Revoke,
    TokenReference,
    TokenError,
    parse_token_reference
}

impl Endpoint for Revoke {
    type Report = Result<(), TokenError>;
    type Output = Outcome<Revoke>;
    type ClientWait<'c> = AwaitClient<'c>;
    type RefreshTokenWait<'c> = AwaitRefreshToken;
    never_asks!(code);
    never_asks!(revocation);

    fn start<'c>(&'c self, config: &'c Config, _call: &Call) -> Step<'c, Revoke> {
        match &self.request {
            Ok(request) => Step::NeedClient(ClientQuestion::new(AwaitClient { config, request })),
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
        let AwaitClient { config, request } = wait;
        let client = match authenticate(&request.client, record, config.client_secrets()) {
            Ok(client) => client,
            Err(error) => return fail(config, error, Some(request.client.client_id())),
        };
        let Some(token) = &request.token else {
            return revoked(&client, Vec::new());
        };
        // One of our JWTs (signature and issuer check out, expired or not) is
        // an access token; anything else may be a refresh token, whatever it
        // contains.
        match decode_signed(token.expose_secret(), config.keys().keys(), config.issuer()) {
            Ok(claims) if claims.client_id == client.client_id => {
                let revoke = Effect::RevokeAccessTokens {
                    token_ids: vec![claims.jti],
                };
                revoked(&client, vec![revoke])
            }
            Ok(_) => revoked(&client, Vec::new()),
            Err(_) => Step::NeedRefreshToken(RefreshTokenQuestion::new(AwaitRefreshToken {
                token_hash: TokenHash::of(token.expose_secret()),
                client,
            })),
        }
    }

    fn token_hash(wait: &AwaitRefreshToken) -> &TokenHash {
        &wait.token_hash
    }

    /// A token of another client, or one already revoked, is left alone
    /// (and the answer is still 200, RFC 7009 2.2).
    fn provide_refresh_token<'c>(
        wait: Self::RefreshTokenWait<'c>,
        record: Option<RefreshTokenRecord>,
    ) -> Step<'c, Self> {
        let AwaitRefreshToken { token_hash, client } = wait;
        match record {
            Some(record)
                if record.token_hash.ct_eq(&token_hash)
                    && record.client_id == client.client_id
                    && record.state != RefreshTokenState::Revoked =>
            {
                let revoke = Effect::RevokeFamily {
                    family: record.family,
                };
                revoked(&client, vec![revoke])
            }
            _ => revoked(&client, Vec::new()),
        }
    }

    fn effects(output: &Outcome<Revoke>) -> &[Effect] {
        output.effects()
    }
}

fn fail<'c>(config: &Config, error: TokenError, client_id: Option<&ClientId>) -> Step<'c, Revoke> {
    Step::Done(Outcome::token_error(error, Vec::new(), config, client_id))
}

/// RFC 7009 2.2: 200 with no content.
fn revoked<'c>(client: &ClientRecord, effects: Vec<Effect>) -> Step<'c, Revoke> {
    let mut response = HttpResponse::no_store_json(200, Vec::new());
    response.headers.retain(|(name, _)| *name != "content-type");
    let client_id = Some(client.client_id.clone());
    Step::Done(Outcome::new(Ok(()), effects, response, client_id))
}

/// Waiting for the calling client's record.
pub struct AwaitClient<'c> {
    config: &'c Config,
    request: &'c TokenReference,
}

/// Waiting for a refresh token's record.
pub struct AwaitRefreshToken {
    token_hash: TokenHash,
    client: ClientRecord,
}
