//! The authorization request (RFC 6749 4.1.1, RFC 7636 4.3): the query of
//! `GET /oauth/authorize`, decoded strictly. Which errors are redirected
//! and which are shown to the user is decided later, once the client is
//! known; this module only records what was sent.

use crate::errors::authorize::AuthorizeRefusal;
use crate::parse::form::Form;
use crate::parse::limits::ParseLimits;
use crate::parse::param_set::ParamSet;
use crate::values::client_id::ClientId;
use crate::values::param::Param;
use crate::values::redirect_uri::RedirectUri;

/// A decoded authorization request whose client is still to be looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    pub(crate) client_id: ClientId,
    pub(crate) redirect_uri: Option<RedirectUri>,
    pub(crate) response_type: Option<String>,
    pub(crate) scope: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) code_challenge: Option<String>,
    pub(crate) code_challenge_method: Option<String>,
    /// The first repeated parameter other than `client_id`/`redirect_uri`.
    pub(crate) repeated: Option<Param>,
    pub(crate) state_repeated: bool,
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
/// use grant_engine::errors::AuthorizeRefusal;
/// use grant_engine::parse::{ParseLimits, parse_authorization_request};
/// let limits = ParseLimits::default();
/// let request = parse_authorization_request(
///     b"response_type=code&client_id=app&state=xyz&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
///     &limits,
/// ).unwrap();
/// assert_eq!(request.client_id().as_str(), "app");
/// assert_eq!(
///     parse_authorization_request(b"response_type=code", &limits).unwrap_err(),
///     AuthorizeRefusal::MissingClientId,
/// );
/// ```
pub fn parse_authorization_request(
    query: &[u8],
    limits: &ParseLimits,
) -> Result<AuthorizationRequest, AuthorizeRefusal> {
    let mut form =
        Form::parse_keeping_repeats(query, limits).map_err(|_| AuthorizeRefusal::MalformedQuery)?;
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

impl AuthorizationRequest {
    /// The client to look up.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }
}
