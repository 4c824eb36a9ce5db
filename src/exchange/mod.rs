//! The token exchange as a sans-io step machine.
//!
//! The engine asks, the host answers: each [`Step`] is either a question
//! (a handle that is consumed by answering it, so a question cannot be
//! answered twice or with the wrong kind of record) or the final
//! [`Outcome`]. An async host awaits its database between steps; a blocking
//! host uses [`drive`](crate::drive). There is one implementation of each
//! grant, and no runtime.

pub(crate) mod authenticate;
mod authorization_code;
mod client_credentials;
mod refresh_token;

use core::fmt;

use crate::context::IdSource;
use crate::jwt::{MintClaims, mint_access_token};
use crate::token_request::{AuthorizationCodeRequest, RefreshTokenRequest};
use crate::{
    AccessToken, ClientId, ClientRecord, CodeRecord, Config, Context, Effect, FamilyId,
    HttpResponse, RefreshTokenRecord, RequestParts, Scope, TokenError, TokenHash, TokenId,
    TokenRequest, TokenResponse, parse_token_request_with,
};

/// Where an exchange stands: a question for the host, or the outcome.
///
/// This enum is deliberately exhaustive: a new kind of question in a later
/// version must be a compile error in every host, not a silent fallthrough.
#[derive(Debug)]
pub enum Step<'c> {
    /// Look up the client named by [`ClientQuestion::client_id`].
    NeedClient(ClientQuestion<'c>),
    /// Take the code whose digest is [`CodeQuestion::code_hash`].
    NeedCode(CodeQuestion<'c>),
    /// Look up the refresh token whose digest is [`RefreshTokenQuestion::token_hash`].
    NeedRefreshToken(RefreshTokenQuestion<'c>),
    /// The exchange is over.
    Done(Outcome),
}

/// The end of an exchange: the response to send and the effects to persist.
///
/// `T` is what a success carries: the issued tokens at the token endpoint,
/// `()` at the revocation endpoint, the claim set at introspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome<T = TokenResponse> {
    result: Result<T, TokenError>,
    effects: Vec<Effect>,
    response: HttpResponse,
}

impl<T> Outcome<T> {
    pub(crate) fn new(
        result: Result<T, TokenError>,
        effects: Vec<Effect>,
        response: HttpResponse,
    ) -> Self {
        Outcome {
            result,
            effects,
            response,
        }
    }

    /// The typed result.
    pub fn result(&self) -> &Result<T, TokenError> {
        &self.result
    }

    /// Every state change, in the order to apply them.
    pub fn effects(&self) -> &[Effect] {
        &self.effects
    }

    /// The HTTP response to send once the effects are persisted.
    pub fn response(&self) -> &HttpResponse {
        &self.response
    }

    /// Splits the outcome into the response and the effects.
    pub fn into_parts(self) -> (HttpResponse, Vec<Effect>) {
        (self.response, self.effects)
    }
}

/// Parses `parts` and starts the exchange: the whole token endpoint.
/// A request that does not parse ends at once in a [`Step::Done`] with its
/// error response.
///
/// ```
/// use grant_engine::*;
///
/// let keys = KeyRing::new(HmacKey::new("k1", &[7u8; 32]).unwrap());
/// let config = Config::new("https://as.example", "https://api.example", keys);
/// let mut store = MemoryStore::new();
/// store.add_client(
///     ClientRecord::confidential(ClientId::new("m2m").unwrap(), "s3cret")
///         .with_grant_types(&[GrantType::ClientCredentials])
///         .with_scope(Scope::parse("read write").unwrap()),
/// );
/// let ctx = Context::new(1_800_000_000, Entropy::from_bytes([1; 32]));
/// let body = b"grant_type=client_credentials&client_id=m2m&client_secret=s3cret&scope=read";
///
/// let step = token_endpoint(&RequestParts::form_post(body), &config, ctx);
/// let outcome = drive(step, &mut store).unwrap();
/// store.apply(outcome.effects());
/// assert_eq!(outcome.response().status, 200);
/// assert!(outcome.response().body_str().contains(r#""scope":"read""#));
/// ```
pub fn token_endpoint<'c>(parts: &RequestParts<'_>, config: &'c Config, ctx: Context) -> Step<'c> {
    match parse_token_request_with(parts, config.limits()) {
        Ok(request) => start_exchange(request, config, ctx),
        Err(error) => Exchange::new(config, &ctx).fail(error),
    }
}

/// Starts the exchange of an already parsed request. The first step is
/// always [`Step::NeedClient`].
pub fn start_exchange<'c>(request: TokenRequest, config: &'c Config, ctx: Context) -> Step<'c> {
    Step::NeedClient(ClientQuestion {
        exchange: Exchange::new(config, &ctx),
        request,
    })
}

/// What every step carries: the configuration, the time, the id source and
/// the effects decided so far.
struct Exchange<'c> {
    config: &'c Config,
    now: u64,
    ids: IdSource,
    effects: Vec<Effect>,
}

impl<'c> Exchange<'c> {
    fn new(config: &'c Config, ctx: &Context) -> Exchange<'c> {
        Exchange {
            config,
            now: ctx.now,
            ids: IdSource::new(&ctx.entropy),
            effects: Vec::new(),
        }
    }

    fn fail(self, error: TokenError) -> Step<'c> {
        let response = error.to_http_response(self.config.realm());
        Step::Done(Outcome {
            result: Err(error),
            effects: self.effects,
            response,
        })
    }

    fn succeed(self, tokens: TokenResponse) -> Step<'c> {
        let response = tokens.to_http_response();
        Step::Done(Outcome {
            result: Ok(tokens),
            effects: self.effects,
            response,
        })
    }

    /// Mints an access token for `subject` and returns it with its `jti`.
    fn access_token(
        &mut self,
        client_id: &ClientId,
        subject: &str,
        scope: &Scope,
        family: Option<&FamilyId>,
    ) -> (AccessToken, TokenId) {
        let jti = TokenId::from_trusted(self.ids.next_id(b"jti"));
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
        (
            mint_access_token(self.config.keys().signing_key(), &claims),
            jti,
        )
    }
}

/// Asks for the client record named in the request.
pub struct ClientQuestion<'c> {
    exchange: Exchange<'c>,
    request: TokenRequest,
}

impl<'c> ClientQuestion<'c> {
    /// The client to look up.
    pub fn client_id(&self) -> &ClientId {
        self.request.client().client_id()
    }

    /// Answers with the client's record, or `None` if there is no such
    /// client. The engine authenticates the client against it.
    pub fn provide(self, record: Option<ClientRecord>) -> Step<'c> {
        let ClientQuestion { exchange, request } = self;
        let client = match authenticate::authenticate(request.client(), record) {
            Ok(client) => client,
            Err(error) => return exchange.fail(error),
        };
        if !client.allows(request.grant_type()) {
            return exchange.fail(TokenError::UnauthorizedClient);
        }
        match request {
            TokenRequest::AuthorizationCode(request) => Step::NeedCode(CodeQuestion {
                code_hash: TokenHash::of(request.code.expose_secret()),
                exchange,
                client,
                request,
            }),
            TokenRequest::ClientCredentials(request) => {
                client_credentials::grant(exchange, &client, request)
            }
            TokenRequest::RefreshToken(request) => Step::NeedRefreshToken(RefreshTokenQuestion {
                token_hash: TokenHash::of(request.refresh_token.expose_secret()),
                exchange,
                client,
                request,
                phase: RefreshPhase::Presented,
            }),
        }
    }
}

/// Asks the host to take the authorization code with this digest.
///
/// Taking is atomic: the host returns the record as it was and, in the same
/// step (or the same transaction as applying the effects), marks an unused
/// code redeemed, so that of two concurrent redemptions exactly one sees it
/// unused.
pub struct CodeQuestion<'c> {
    exchange: Exchange<'c>,
    client: ClientRecord,
    request: AuthorizationCodeRequest,
    code_hash: TokenHash,
}

impl<'c> CodeQuestion<'c> {
    /// The digest of the presented code.
    pub fn code_hash(&self) -> &TokenHash {
        &self.code_hash
    }

    /// The authenticated client.
    pub fn client_id(&self) -> &ClientId {
        &self.client.client_id
    }

    /// Answers with the code's record as it was before this take, or `None`.
    pub fn provide(self, record: Option<CodeRecord>) -> Step<'c> {
        authorization_code::redeem(
            self.exchange,
            &self.client,
            self.request,
            self.code_hash,
            record,
        )
    }
}

/// Asks for the refresh token with this digest: first the presented one;
/// then, when a rotated-out token is replayed within the grace period, its
/// successor (which is handed out again only if it is still unused).
///
/// As with codes, the lookups and the effects must be atomic with respect to
/// other exchanges presenting the same token (a row lock or a serialized
/// transaction), so that a rotation is never decided twice.
pub struct RefreshTokenQuestion<'c> {
    exchange: Exchange<'c>,
    client: ClientRecord,
    request: RefreshTokenRequest,
    token_hash: TokenHash,
    phase: RefreshPhase,
}

/// Which refresh token the question is about.
enum RefreshPhase {
    /// The token the client presented.
    Presented,
    /// The successor of a rotated-out token replayed within the grace period.
    Successor(Box<(RefreshTokenRecord, crate::RefreshToken)>),
}

impl<'c> RefreshTokenQuestion<'c> {
    /// The digest of the presented refresh token.
    pub fn token_hash(&self) -> &TokenHash {
        &self.token_hash
    }

    /// The authenticated client.
    pub fn client_id(&self) -> &ClientId {
        &self.client.client_id
    }

    /// Answers with the token's record, or `None`.
    pub fn provide(self, record: Option<RefreshTokenRecord>) -> Step<'c> {
        match self.phase {
            RefreshPhase::Presented => refresh_token::refresh(
                self.exchange,
                self.client,
                self.request,
                self.token_hash,
                record,
            ),
            RefreshPhase::Successor(successor) => {
                refresh_token::regrant(self.exchange, self.client, self.request, *successor, record)
            }
        }
    }
}

impl fmt::Debug for ClientQuestion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientQuestion")
            .field("client_id", self.client_id())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for CodeQuestion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeQuestion")
            .field("code_hash", &self.code_hash)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RefreshTokenQuestion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshTokenQuestion")
            .field("token_hash", &self.token_hash)
            .finish_non_exhaustive()
    }
}
