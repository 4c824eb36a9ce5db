//! The token endpoint (RFC 6749 3.2) as a step machine: parse, ask for the
//! client and authenticate it, then run its grant.

use crate::authenticate::authenticate;
use crate::config::config::Config;
use crate::errors::token::TokenError;
use crate::machine::call::Call;
use crate::machine::endpoint::{Endpoint, never_asks};
use crate::machine::outcome::Outcome;
use crate::machine::request_type::form_post_request;
use crate::machine::step::{ClientQuestion, CodeQuestion, RefreshTokenQuestion, Step};
use crate::parse::token_request::{
    AuthorizationCodeRequest, RefreshTokenRequest, TokenRequest, parse_token_request_with,
};
use crate::render::token_response::TokenResponse;
use crate::store::client_record::ClientRecord;
use crate::store::code_record::CodeRecord;
use crate::store::effect::Effect;
use crate::store::refresh_token_record::RefreshTokenRecord;
use crate::token::grant::Grant;
use crate::token::refresh_token::RefreshPhase;
use crate::token::{authorization_code, client_credentials, refresh_token};
use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;

form_post_request! {
    /// A token request (`POST /oauth/token`), parsed and ready to run: the
    /// token endpoint's [`Endpoint`]. A request that does not parse still
    /// runs: it ends at once in its error response.
    ///
    /// The first question is always the client; then the code
    /// (`authorization_code`) or the refresh token (`refresh_token`, and its
    /// successor when a rotated-out token is replayed within the grace
    /// period). The report is the issued [`TokenResponse`] or the
    /// [`TokenError`].
    ///
    /// ```
    /// use grant_engine::{Config, Exchange, HmacKey, KeyRing, RequestParts};
    /// let config = Config::new("https://as.example", "https://api.example",
    ///     KeyRing::new(HmacKey::new("k1", &[7u8; 32]).unwrap()));
    /// let exchange = Exchange::parse(&RequestParts::form_post(b"grant_type=password"), &config);
    /// assert!(exchange.request().is_err());
    /// assert_eq!(exchange.client_id(), None);
    /// ```
    Exchange,
    TokenRequest,
    TokenError,
    parse_token_request_with
}

impl Exchange {
    /// The client the request names, if it parsed.
    pub fn client_id(&self) -> Option<&ClientId> {
        self.request.as_ref().ok().map(|r| r.client().client_id())
    }
}

impl Endpoint for Exchange {
    type Report = Result<TokenResponse, TokenError>;
    type Output = Outcome<Exchange>;
    type ClientWait<'c> = AwaitClient<'c>;
    type CodeWait<'c> = AwaitCode<'c>;
    type RefreshTokenWait<'c> = AwaitRefreshToken<'c>;
    never_asks!(revocation);

    fn start<'c>(&'c self, config: &'c Config, call: &Call) -> Step<'c, Exchange> {
        match &self.request {
            Err(error) => Grant::new(config, call, None).fail(*error),
            Ok(request) => {
                let grant = Grant::new(config, call, Some(request.client().client_id()));
                Step::NeedClient(ClientQuestion::new(AwaitClient { grant, request }))
            }
        }
    }

    fn client_id<'a>(wait: &'a AwaitClient<'_>) -> &'a ClientId {
        wait.request.client().client_id()
    }

    fn provide_client<'c>(
        wait: Self::ClientWait<'c>,
        record: Option<ClientRecord>,
    ) -> Step<'c, Self> {
        let AwaitClient { grant, request } = wait;
        let client = match authenticate(request.client(), record, grant.config.client_secrets()) {
            Ok(client) => client,
            Err(error) => return grant.fail(error),
        };
        if !client.allows(request.grant_type()) {
            return grant.fail(TokenError::UnauthorizedClient);
        }
        match request {
            TokenRequest::AuthorizationCode(request) => {
                Step::NeedCode(CodeQuestion::new(AwaitCode {
                    code_hash: TokenHash::of(request.code.expose_secret()),
                    grant,
                    client,
                    request,
                }))
            }
            TokenRequest::ClientCredentials(request) => {
                client_credentials::grant(grant, client, request)
            }
            TokenRequest::RefreshToken(request) => {
                Step::NeedRefreshToken(RefreshTokenQuestion::new(AwaitRefreshToken {
                    token_hash: TokenHash::of(request.refresh_token.expose_secret()),
                    grant,
                    client,
                    request,
                    phase: RefreshPhase::Presented,
                }))
            }
        }
    }

    fn code_hash<'a>(wait: &'a AwaitCode<'_>) -> &'a TokenHash {
        &wait.code_hash
    }

    fn provide_code<'c>(wait: Self::CodeWait<'c>, record: Option<CodeRecord>) -> Step<'c, Self> {
        authorization_code::redeem(wait, record)
    }

    fn token_hash<'a>(wait: &'a AwaitRefreshToken<'_>) -> &'a TokenHash {
        &wait.token_hash
    }

    fn provide_refresh_token<'c>(
        wait: Self::RefreshTokenWait<'c>,
        record: Option<RefreshTokenRecord>,
    ) -> Step<'c, Self> {
        refresh_token::answer(wait, record)
    }

    fn effects(output: &Outcome<Exchange>) -> &[Effect] {
        output.effects()
    }
}

/// Waiting for the client's record.
pub struct AwaitClient<'c> {
    grant: Grant<'c>,
    request: &'c TokenRequest,
}

/// Waiting for the code's record.
pub struct AwaitCode<'c> {
    pub(crate) grant: Grant<'c>,
    pub(crate) client: ClientRecord,
    pub(crate) request: &'c AuthorizationCodeRequest,
    pub(crate) code_hash: TokenHash,
}

/// Waiting for a refresh token's record.
pub struct AwaitRefreshToken<'c> {
    pub(crate) grant: Grant<'c>,
    pub(crate) client: ClientRecord,
    pub(crate) request: &'c RefreshTokenRequest,
    pub(crate) token_hash: TokenHash,
    pub(crate) phase: RefreshPhase,
}
