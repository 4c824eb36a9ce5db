//! The authorization endpoint (RFC 6749 4.1.1-4.1.2.1, RFC 7636 4.3,
//! RFC 9207).
//!
//! Parse the query, ask for the client, decide. Errors that concern the
//! client or the redirect URI are shown to the user and never redirected
//! (RFC 6749 4.1.2.1: an attacker must not be able to use the endpoint as an
//! open redirector); every other error is redirected back to the client with
//! `error`, `state` and `iss`. A valid request becomes a
//! [`PendingAuthorization`] that the host keeps while it shows its own login
//! and consent page, then approves or denies.

use core::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::context::IdSource;
use crate::form::Form;
use crate::param::{Param, ParamSet};
use crate::syntax::check_vschars;
use crate::{
    AuthorizationCode, ClientId, ClientRecord, CodeChallenge, CodeChallengeMethod, CodeRecord,
    CodeState, Config, Context, Effect, GrantType, HttpResponse, Lookup, PkceChallenge,
    RedirectUri, Scope, Subject, TokenHash,
};

/// An authorization request that could not be tied to a client and a
/// registered redirect URI: answered to the user (400), never redirected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum AuthorizeRefusal {
    /// The query is too large, has too many parameters, a bad `%` escape,
    /// or is not UTF-8.
    #[error("the authorization request cannot be decoded")]
    MalformedQuery,
    /// No `client_id`.
    #[error("the client_id parameter is missing")]
    MissingClientId,
    /// `client_id` given more than once.
    #[error("the client_id parameter is repeated")]
    RepeatedClientId,
    /// `client_id` is not `1*VSCHAR`.
    #[error("the client_id parameter is malformed")]
    MalformedClientId,
    /// No client has this id.
    #[error("the client is unknown")]
    UnknownClient,
    /// `redirect_uri` given more than once.
    #[error("the redirect_uri parameter is repeated")]
    RepeatedRedirectUri,
    /// `redirect_uri` is not an absolute URI without a fragment.
    #[error("the redirect_uri parameter is malformed")]
    MalformedRedirectUri,
    /// `redirect_uri` omitted, and the client has none or several registered.
    #[error("the redirect_uri parameter is missing")]
    MissingRedirectUri,
    /// `redirect_uri` is not one of the client's, as an exact string.
    #[error("the redirect_uri is not registered for this client")]
    UnregisteredRedirectUri,
}

impl AuthorizeRefusal {
    /// A 400 JSON response for the user agent (a host will usually render
    /// its own page from the variant instead).
    pub fn to_http_response(&self) -> HttpResponse {
        error_json(400, "invalid_request", &self.to_string())
    }
}

fn error_json(status: u16, error: &str, description: &str) -> HttpResponse {
    #[derive(Serialize)]
    struct Body<'a> {
        error: &'a str,
        error_description: &'a str,
    }
    let body = serde_json::to_vec(&Body {
        error,
        error_description: description,
    })
    .unwrap_or_default();
    HttpResponse::no_store_json(status, body)
}

/// The error codes of RFC 6749 4.1.2.1 that travel in a redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthorizeErrorCode {
    /// `invalid_request`.
    InvalidRequest,
    /// `unauthorized_client`.
    UnauthorizedClient,
    /// `access_denied`.
    AccessDenied,
    /// `unsupported_response_type`.
    UnsupportedResponseType,
    /// `invalid_scope`.
    InvalidScope,
    /// `server_error`.
    ServerError,
    /// `temporarily_unavailable`.
    TemporarilyUnavailable,
}

impl AuthorizeErrorCode {
    /// The code on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthorizeErrorCode::InvalidRequest => "invalid_request",
            AuthorizeErrorCode::UnauthorizedClient => "unauthorized_client",
            AuthorizeErrorCode::AccessDenied => "access_denied",
            AuthorizeErrorCode::UnsupportedResponseType => "unsupported_response_type",
            AuthorizeErrorCode::InvalidScope => "invalid_scope",
            AuthorizeErrorCode::ServerError => "server_error",
            AuthorizeErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
        }
    }
}

impl fmt::Display for AuthorizeErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a request tied to a client was refused with a redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum AuthorizeError {
    /// A parameter other than `client_id`/`redirect_uri` is repeated.
    #[error("a parameter is repeated")]
    RepeatedParameter(Param),
    /// `state` is not `1*VSCHAR` (it is then not echoed).
    #[error("the state parameter is malformed")]
    MalformedState,
    /// No `response_type`.
    #[error("the response_type parameter is missing")]
    MissingResponseType,
    /// `response_type` other than `code` (no implicit grant).
    #[error("only response_type=code is supported")]
    UnsupportedResponseType,
    /// The client may not use the authorization code grant.
    #[error("the client is not allowed to use the authorization code grant")]
    UnauthorizedClient,
    /// `scope` is malformed.
    #[error("the scope parameter is malformed")]
    MalformedScope,
    /// `scope` asks for more than the client may have.
    #[error("the requested scope exceeds what the client may have")]
    ScopeNotAllowed,
    /// The client must use PKCE and sent no `code_challenge`.
    #[error("a code_challenge is required")]
    MissingCodeChallenge,
    /// `code_challenge` is not 43-128 unreserved characters.
    #[error("the code_challenge parameter is malformed")]
    MalformedCodeChallenge,
    /// `code_challenge_method` is unknown, or `plain` (or absent, which
    /// means plain) while only S256 is enabled, or sent without a challenge.
    #[error("the code_challenge_method is not supported")]
    UnsupportedCodeChallengeMethod,
    /// The resource owner denied the request.
    #[error("the resource owner denied the request")]
    AccessDenied,
}

impl AuthorizeError {
    /// The code the redirect carries.
    pub const fn code(&self) -> AuthorizeErrorCode {
        match self {
            AuthorizeError::UnsupportedResponseType => AuthorizeErrorCode::UnsupportedResponseType,
            AuthorizeError::UnauthorizedClient => AuthorizeErrorCode::UnauthorizedClient,
            AuthorizeError::MalformedScope | AuthorizeError::ScopeNotAllowed => {
                AuthorizeErrorCode::InvalidScope
            }
            AuthorizeError::AccessDenied => AuthorizeErrorCode::AccessDenied,
            AuthorizeError::RepeatedParameter(_)
            | AuthorizeError::MalformedState
            | AuthorizeError::MissingResponseType
            | AuthorizeError::MissingCodeChallenge
            | AuthorizeError::MalformedCodeChallenge
            | AuthorizeError::UnsupportedCodeChallengeMethod => AuthorizeErrorCode::InvalidRequest,
        }
    }
}

/// A decoded authorization request whose client is still to be looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    client_id: ClientId,
    redirect_uri: Option<RedirectUri>,
    response_type: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    repeated: Option<Param>,
    state_repeated: bool,
}

const AUTHORIZE_PARAMS: ParamSet = ParamSet::of(&[
    Param::ResponseType,
    Param::Scope,
    Param::State,
    Param::CodeChallenge,
    Param::CodeChallengeMethod,
]);

/// Decodes the query of `GET /oauth/authorize` (the part after `?`).
///
/// ```
/// use grant_engine::*;
/// # let config = Config::new("https://as.example", "https://api.example",
/// #     KeyRing::new(HmacKey::new("k1", &[1u8; 32]).unwrap()));
/// let request = parse_authorization_request(
///     b"response_type=code&client_id=app&state=xyz&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
///     &config,
/// ).unwrap();
/// assert_eq!(request.client_id().as_str(), "app");
/// assert_eq!(
///     parse_authorization_request(b"response_type=code", &config).unwrap_err(),
///     AuthorizeRefusal::MissingClientId,
/// );
/// ```
pub fn parse_authorization_request(
    query: &[u8],
    config: &Config,
) -> Result<AuthorizationRequest, AuthorizeRefusal> {
    let mut form = Form::parse_keeping_repeats(query, config.limits())
        .map_err(|_| AuthorizeRefusal::MalformedQuery)?;
    let critical = ParamSet::of(&[Param::ClientId, Param::RedirectUri]);
    match form.first_repeated(critical) {
        Some(Param::ClientId) => return Err(AuthorizeRefusal::RepeatedClientId),
        Some(_) => return Err(AuthorizeRefusal::RepeatedRedirectUri),
        None => {}
    }
    let client_id = form
        .take(Param::ClientId)
        .ok_or(AuthorizeRefusal::MissingClientId)?;
    let client_id = ClientId::new(client_id).map_err(|_| AuthorizeRefusal::MalformedClientId)?;
    let redirect_uri = form
        .take(Param::RedirectUri)
        .map(|uri| RedirectUri::new(uri).map_err(|_| AuthorizeRefusal::MalformedRedirectUri))
        .transpose()?;
    let mut take = |param| form.take(param).map(|value| value.into_owned());
    Ok(AuthorizationRequest {
        client_id,
        redirect_uri,
        response_type: take(Param::ResponseType),
        scope: take(Param::Scope),
        state: take(Param::State),
        code_challenge: take(Param::CodeChallenge),
        code_challenge_method: take(Param::CodeChallengeMethod),
        repeated: form.first_repeated(AUTHORIZE_PARAMS),
        state_repeated: form.first_repeated(ParamSet::of(&[Param::State])).is_some(),
    })
}

/// What the endpoint decided.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthorizeDecision {
    /// Show the user an error; do not redirect.
    Refuse(AuthorizeRefusal),
    /// Redirect back to the client with an error (a 302 response).
    Redirect {
        /// Why.
        error: AuthorizeError,
        /// The 302 to send.
        response: HttpResponse,
    },
    /// A valid request: authenticate the user, ask for consent, then
    /// [`PendingAuthorization::approve`] or [`PendingAuthorization::deny`].
    Consent(PendingAuthorization),
}

impl AuthorizationRequest {
    /// The client to look up.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// Decides, given the client's record (or `None` if there is no such client).
    pub fn decide(self, client: Option<ClientRecord>, config: &Config) -> AuthorizeDecision {
        let Some(client) = client.filter(|c| c.client_id == self.client_id) else {
            return AuthorizeDecision::Refuse(AuthorizeRefusal::UnknownClient);
        };
        let redirect_uri = match &self.redirect_uri {
            Some(uri) if client.redirect_uris.contains(uri) => uri.clone(),
            Some(_) => return AuthorizeDecision::Refuse(AuthorizeRefusal::UnregisteredRedirectUri),
            None => match client.redirect_uris.as_slice() {
                [only] => only.clone(),
                _ => return AuthorizeDecision::Refuse(AuthorizeRefusal::MissingRedirectUri),
            },
        };
        // From here on every error is redirected. `state` is echoed only if
        // it is well-formed and was sent once.
        let state_ok = !self.state_repeated
            && self
                .state
                .as_deref()
                .is_none_or(|s| check_vschars(s, "state").is_ok());
        let target = Target {
            redirect_uri: redirect_uri.clone(),
            state: self.state.clone().filter(|_| state_ok),
        };
        match self.validate(&client, config, state_ok) {
            Ok((scope, pkce)) => AuthorizeDecision::Consent(PendingAuthorization {
                client_id: client.client_id,
                redirect_uri,
                redirect_uri_sent: self.redirect_uri.is_some(),
                scope,
                state: target.state,
                pkce,
            }),
            Err(error) => AuthorizeDecision::Redirect {
                error,
                response: target.error_response(error, config),
            },
        }
    }

    fn validate(
        &self,
        client: &ClientRecord,
        config: &Config,
        state_ok: bool,
    ) -> Result<(Scope, Option<PkceChallenge>), AuthorizeError> {
        if let Some(param) = self.repeated {
            return Err(AuthorizeError::RepeatedParameter(param));
        }
        if !state_ok {
            return Err(AuthorizeError::MalformedState);
        }
        match self.response_type.as_deref() {
            None => return Err(AuthorizeError::MissingResponseType),
            Some("code") => {}
            Some(_) => return Err(AuthorizeError::UnsupportedResponseType),
        }
        if !client.allows(GrantType::AuthorizationCode) {
            return Err(AuthorizeError::UnauthorizedClient);
        }
        let scope = match self.scope.as_deref() {
            None => client.scope.clone(),
            Some(raw) => Scope::parse(raw).map_err(|_| AuthorizeError::MalformedScope)?,
        };
        if !scope.is_subset_of(&client.scope) {
            return Err(AuthorizeError::ScopeNotAllowed);
        }
        let pkce = self.pkce(client, config)?;
        Ok((scope, pkce))
    }

    fn pkce(
        &self,
        client: &ClientRecord,
        config: &Config,
    ) -> Result<Option<PkceChallenge>, AuthorizeError> {
        let policy = config.pkce();
        let Some(challenge) = self.code_challenge.as_deref() else {
            if self.code_challenge_method.is_some() {
                return Err(AuthorizeError::UnsupportedCodeChallengeMethod);
            }
            if policy.requires(client.is_public()) {
                return Err(AuthorizeError::MissingCodeChallenge);
            }
            return Ok(None);
        };
        let challenge =
            CodeChallenge::new(challenge).map_err(|_| AuthorizeError::MalformedCodeChallenge)?;
        // RFC 7636 4.3: an absent method means plain.
        let method = match self.code_challenge_method.as_deref() {
            None => CodeChallengeMethod::Plain,
            Some(name) => CodeChallengeMethod::from_name(name)
                .ok_or(AuthorizeError::UnsupportedCodeChallengeMethod)?,
        };
        if method == CodeChallengeMethod::Plain && !policy.allow_plain {
            return Err(AuthorizeError::UnsupportedCodeChallengeMethod);
        }
        Ok(Some(PkceChallenge { challenge, method }))
    }
}

/// Where responses go: the resolved redirect URI and the state to echo.
struct Target {
    redirect_uri: RedirectUri,
    state: Option<String>,
}

impl Target {
    fn error_response(&self, error: AuthorizeError, config: &Config) -> HttpResponse {
        let description = error.to_string();
        let mut params = vec![
            ("error", error.code().as_str()),
            ("error_description", description.as_str()),
        ];
        if let Some(state) = &self.state {
            params.push(("state", state));
        }
        params.push(("iss", config.issuer()));
        redirect(&self.redirect_uri, &params)
    }
}

/// A 302 to `uri` with `params` appended to its query (RFC 6749 3.1.2:
/// an existing query is kept).
fn redirect(uri: &RedirectUri, params: &[(&str, &str)]) -> HttpResponse {
    let query = serde_urlencoded::to_string(params).unwrap_or_default();
    let uri = uri.as_str();
    let separator = match uri.find('?') {
        None => "?",
        Some(_) if uri.ends_with('?') || uri.ends_with('&') => "",
        Some(_) => "&",
    };
    HttpResponse {
        status: 302,
        headers: vec![
            ("location", format!("{uri}{separator}{query}")),
            ("cache-control", String::from("no-store")),
        ],
        body: Vec::new(),
    }
}

/// A valid authorization request awaiting the resource owner's decision.
/// Serializable, so a host can keep it in its session across the login and
/// consent pages.
///
/// Keep it on the server (or sign it): deserializing does not validate it
/// again, so a copy the user agent could edit would let it choose where the
/// code is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAuthorization {
    client_id: ClientId,
    redirect_uri: RedirectUri,
    redirect_uri_sent: bool,
    scope: Scope,
    state: Option<String>,
    pkce: Option<PkceChallenge>,
}

/// Why an approval was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum ApprovalError {
    /// The granted scope includes a token the client did not request.
    #[error("the granted scope exceeds the requested scope")]
    ScopeNotRequested,
}

/// An approved request: the code, the effect that stores its record, and
/// the redirect carrying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// The code (also in the redirect); never store it, store the effect's record.
    pub code: AuthorizationCode,
    /// `[Effect::StoreCode(record)]`: the record holds only the code's digest.
    pub effects: Vec<Effect>,
    /// The 302 with `code`, `state` and `iss`.
    pub response: HttpResponse,
}

impl PendingAuthorization {
    /// The client that asked.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// Where the user will be sent back.
    pub fn redirect_uri(&self) -> &RedirectUri {
        &self.redirect_uri
    }

    /// The scope requested (the client's allowed scopes if none was asked for).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The `state` to echo, if any.
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// The PKCE challenge, if any.
    pub fn pkce(&self) -> Option<&PkceChallenge> {
        self.pkce.as_ref()
    }

    /// The resource owner `subject` granted `scope` (the requested scope or
    /// part of it): mints a single-use code of 256 bits from `ctx`'s
    /// entropy, bound to the client, redirect URI, scope, subject and PKCE
    /// challenge, living [`Config::code_ttl`] seconds.
    pub fn approve(
        self,
        subject: Subject,
        scope: Scope,
        config: &Config,
        ctx: &Context,
    ) -> Result<Approval, ApprovalError> {
        if !scope.is_subset_of(&self.scope) {
            return Err(ApprovalError::ScopeNotRequested);
        }
        let code =
            AuthorizationCode::from_trusted(IdSource::new(&ctx.entropy).next_secret(b"code"));
        let record = CodeRecord {
            code_hash: TokenHash::of(code.expose_secret()),
            client_id: self.client_id,
            redirect_uri: self.redirect_uri_sent.then(|| self.redirect_uri.clone()),
            scope,
            subject,
            pkce: self.pkce,
            issued_at: ctx.now,
            expires_at: ctx.now.saturating_add(config.code_ttl()),
            state: CodeState::Unused,
        };
        let mut params = vec![("code", code.expose_secret())];
        if let Some(state) = &self.state {
            params.push(("state", state));
        }
        params.push(("iss", config.issuer()));
        let response = redirect(&self.redirect_uri, &params);
        Ok(Approval {
            code,
            effects: vec![Effect::StoreCode(record)],
            response,
        })
    }

    /// The resource owner said no: redirect with `access_denied`.
    pub fn deny(&self, config: &Config) -> HttpResponse {
        self.target()
            .error_response(AuthorizeError::AccessDenied, config)
    }

    fn target(&self) -> Target {
        Target {
            redirect_uri: self.redirect_uri.clone(),
            state: self.state.clone(),
        }
    }
}

/// Parses and decides in one call, asking `lookup` for the client.
/// The outer `Result` is the host's storage error.
pub fn authorize_with<L: Lookup + ?Sized>(
    lookup: &mut L,
    query: &[u8],
    config: &Config,
) -> Result<AuthorizeDecision, L::Error> {
    let request = match parse_authorization_request(query, config) {
        Ok(request) => request,
        Err(refusal) => return Ok(AuthorizeDecision::Refuse(refusal)),
    };
    let client = lookup.client(request.client_id())?;
    Ok(request.decide(client, config))
}
