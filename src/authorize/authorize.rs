//! The authorization request's decision (RFC 6749 4.1.1-4.1.2.1, RFC 7636
//! 4.3, RFC 9207): ask for the client, then refuse, redirect an error, or
//! ask the resource owner.

use crate::authorize::consent::Consent;
use crate::config::config::Config;
use crate::errors::authorize::{AuthorizeError, AuthorizeRefusal};
use crate::machine::call::Call;
use crate::machine::endpoint::{Endpoint, never_asks, sealed};
use crate::machine::outcome::Outcome;
use crate::machine::step::{ClientQuestion, Step};
use crate::parse::authorization_request::{AuthorizationRequest, parse_authorization_request};
use crate::render::redirect::Target;
use crate::store::client_record::ClientRecord;
use crate::store::code_record::PkceChallenge;
use crate::store::effect::Effect;
use crate::values::client_id::ClientId;
use crate::values::grant_type::GrantType;
use crate::values::pkce::{CodeChallenge, CodeChallengeMethod};
use crate::values::redirect_uri::RedirectUri;
use crate::values::scope::Scope;
use crate::values::syntax::check_vschars;

/// An authorization request (`GET /oauth/authorize`), parsed and ready to
/// run: the authorization endpoint's [`Endpoint`]. Its one question is the
/// client; it ends in an [`Authorization`].
///
/// Errors that concern the client or the redirect URI are shown to the user
/// and never redirected (RFC 6749 4.1.2.1: the endpoint must not be an open
/// redirector); every other error is redirected back to the client with
/// `error`, `state` and `iss`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorize {
    request: Result<AuthorizationRequest, AuthorizeRefusal>,
}

impl Authorize {
    /// Parses the query (the part of the target after `?`) with the
    /// configuration's limits.
    pub fn parse(query: &[u8], config: &Config) -> Authorize {
        Authorize {
            request: parse_authorization_request(query, config.limits()),
        }
    }

    /// The parsed request, or why it could not be parsed.
    pub fn request(&self) -> Result<&AuthorizationRequest, &AuthorizeRefusal> {
        self.request.as_ref()
    }

    /// The client the request names, if it parsed.
    pub fn client_id(&self) -> Option<&ClientId> {
        self.request
            .as_ref()
            .ok()
            .map(AuthorizationRequest::client_id)
    }
}

impl From<AuthorizationRequest> for Authorize {
    fn from(request: AuthorizationRequest) -> Authorize {
        Authorize {
            request: Ok(request),
        }
    }
}

/// What the authorization endpoint decided.
#[derive(Debug)]
#[must_use = "ask for consent, or send the outcome's response"]
pub enum Authorization {
    /// A valid request: authenticate the resource owner, ask for consent,
    /// then run [`Consent::approve`] or [`Consent::deny`].
    Consent(Consent),
    /// An invalid request: send the outcome's response (a 400 for the user,
    /// or a 302 error redirect to the client).
    Refused(Outcome<Authorize>),
}

/// Why an authorization request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthorizeFailure {
    /// Shown to the user, never redirected.
    Refused(AuthorizeRefusal),
    /// Redirected back to the client.
    Redirected(AuthorizeError),
}

impl sealed::Sealed for Authorize {}

impl Endpoint for Authorize {
    type Report = AuthorizeFailure;
    type Output = Authorization;
    type ClientWait<'c> = AwaitClient<'c>;
    never_asks!(code);
    never_asks!(refresh_token);
    never_asks!(revocation);

    fn start<'c>(&'c self, config: &'c Config, _call: &Call) -> Step<'c, Authorize> {
        match &self.request {
            Err(refusal) => Step::Done(refuse(*refusal, None)),
            Ok(request) => Step::NeedClient(ClientQuestion::new(AwaitClient { config, request })),
        }
    }

    fn client_id<'a>(wait: &'a AwaitClient<'_>) -> &'a ClientId {
        wait.request.client_id()
    }

    fn provide_client<'c>(
        wait: Self::ClientWait<'c>,
        record: Option<ClientRecord>,
    ) -> Step<'c, Self> {
        Step::Done(decide(wait.request, record, wait.config))
    }

    fn effects(output: &Authorization) -> &[Effect] {
        match output {
            Authorization::Consent(_) => &[],
            Authorization::Refused(outcome) => outcome.effects(),
        }
    }
}

/// Waiting for the client's record.
pub struct AwaitClient<'c> {
    config: &'c Config,
    request: &'c AuthorizationRequest,
}

fn refuse(refusal: AuthorizeRefusal, client_id: Option<ClientId>) -> Authorization {
    let response = refusal.to_http_response();
    let report = AuthorizeFailure::Refused(refusal);
    Authorization::Refused(Outcome::new(report, Vec::new(), response, client_id))
}

/// Ties the request to the client and a registered redirect URI (or
/// refuses), then validates the rest (or redirects the error).
fn decide(
    request: &AuthorizationRequest,
    client: Option<ClientRecord>,
    config: &Config,
) -> Authorization {
    let client_id = Some(request.client_id.clone());
    let Some(client) = client.filter(|c| c.client_id == request.client_id) else {
        return refuse(AuthorizeRefusal::UnknownClient, client_id);
    };
    let redirect_uri = match resolve_redirect_uri(request, &client) {
        Ok(uri) => uri,
        Err(refusal) => return refuse(refusal, client_id),
    };
    // From here on every error is redirected. `state` is echoed only if it
    // is well-formed and was sent once.
    let state_ok = !request.state_repeated
        && request
            .state
            .as_deref()
            .is_none_or(|s| check_vschars(s, "state").is_ok());
    let state = request.state.clone().filter(|_| state_ok);
    match validate(request, &client, config, state_ok) {
        Ok((scope, pkce)) => Authorization::Consent(Consent {
            client_id: client.client_id,
            redirect_uri,
            redirect_uri_sent: request.redirect_uri.is_some(),
            scope,
            state,
            pkce,
        }),
        Err(error) => {
            let target = Target {
                redirect_uri: &redirect_uri,
                state: state.as_deref(),
                issuer: config.issuer(),
            };
            let response = target.error_response(error);
            let report = AuthorizeFailure::Redirected(error);
            Authorization::Refused(Outcome::new(report, Vec::new(), response, client_id))
        }
    }
}

/// The redirect URI sent, if a registered one admits it (an exact string,
/// or a loopback literal with any port: [`RedirectUri::admits`]); or the
/// only one registered, if none was sent (RFC 6749 3.1.2.3).
fn resolve_redirect_uri(
    request: &AuthorizationRequest,
    client: &ClientRecord,
) -> Result<RedirectUri, AuthorizeRefusal> {
    match &request.redirect_uri {
        Some(uri) if client.redirect_uris.iter().any(|r| r.admits(uri)) => Ok(uri.clone()),
        Some(_) => Err(AuthorizeRefusal::UnregisteredRedirectUri),
        None => match client.redirect_uris.as_slice() {
            [only] => Ok(only.clone()),
            _ => Err(AuthorizeRefusal::MissingRedirectUri),
        },
    }
}

/// Every redirected check, in the order the errors are reported.
fn validate(
    request: &AuthorizationRequest,
    client: &ClientRecord,
    config: &Config,
    state_ok: bool,
) -> Result<(Scope, Option<PkceChallenge>), AuthorizeError> {
    if let Some(param) = request.repeated {
        return Err(AuthorizeError::RepeatedParameter(param));
    }
    if !state_ok {
        return Err(AuthorizeError::MalformedState);
    }
    match request.response_type.as_deref() {
        None => return Err(AuthorizeError::MissingResponseType),
        Some("code") => {}
        Some(_) => return Err(AuthorizeError::UnsupportedResponseType),
    }
    if !client.allows(GrantType::AuthorizationCode) {
        return Err(AuthorizeError::UnauthorizedClient);
    }
    let scope = match request.scope.as_deref() {
        None => client.scope.clone(),
        Some(raw) => Scope::parse(raw).map_err(|_| AuthorizeError::MalformedScope)?,
    };
    if !scope.is_subset_of(&client.scope) {
        return Err(AuthorizeError::ScopeNotAllowed);
    }
    let pkce = pkce(request, client, config)?;
    Ok((scope, pkce))
}

/// The PKCE challenge (RFC 7636 4.3), as the policy allows it.
fn pkce(
    request: &AuthorizationRequest,
    client: &ClientRecord,
    config: &Config,
) -> Result<Option<PkceChallenge>, AuthorizeError> {
    let policy = config.pkce();
    let Some(challenge) = request.code_challenge.as_deref() else {
        if request.code_challenge_method.is_some() {
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
    let method = match request.code_challenge_method.as_deref() {
        None => CodeChallengeMethod::Plain,
        Some(name) => CodeChallengeMethod::from_name(name)
            .ok_or(AuthorizeError::UnsupportedCodeChallengeMethod)?,
    };
    if method == CodeChallengeMethod::Plain && !policy.allow_plain {
        return Err(AuthorizeError::UnsupportedCodeChallengeMethod);
    }
    Ok(Some(PkceChallenge { challenge, method }))
}
