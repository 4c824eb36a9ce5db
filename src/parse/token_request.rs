//! The token request (RFC 6749 4.1.3, 4.4.2, 6): parsing untrusted bytes into
//! one validated value per grant type.

use crate::errors::token::{InvalidScope, TokenError};
use crate::parse::client_auth::{ClientAuth, extract_client_auth};
use crate::parse::form::Form;
use crate::parse::form_post::read_form_post;
use crate::parse::limits::ParseLimits;
use crate::parse::param_set::ParamSet;
use crate::parse::request_parts::RequestParts;
use crate::values::grant_type::GrantType;
use crate::values::param::Param;
use crate::values::pkce::CodeVerifier;
use crate::values::redirect_uri::RedirectUri;
use crate::values::scope::Scope;
use crate::values::secret::{AuthorizationCode, RefreshToken};

/// An `authorization_code` grant request (RFC 6749 4.1.3, RFC 7636 4.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCodeRequest {
    /// Who is asking.
    pub client: ClientAuth,
    /// The code from the authorization response.
    pub code: AuthorizationCode,
    /// The `redirect_uri` of the authorization request, if it had one.
    pub redirect_uri: Option<RedirectUri>,
    /// The PKCE verifier, if the code was issued with a challenge.
    pub code_verifier: Option<CodeVerifier>,
}

/// A `client_credentials` grant request (RFC 6749 4.4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCredentialsRequest {
    /// Who is asking.
    pub client: ClientAuth,
    /// The scope asked for; `None` means every scope the client may have.
    pub scope: Option<Scope>,
}

/// A `refresh_token` grant request (RFC 6749 6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenRequest {
    /// Who is asking.
    pub client: ClientAuth,
    /// The refresh token presented.
    pub refresh_token: RefreshToken,
    /// A narrower scope, or `None` for the original one.
    pub scope: Option<Scope>,
}

/// A validated token request, one variant per grant type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenRequest {
    /// `grant_type=authorization_code`.
    AuthorizationCode(AuthorizationCodeRequest),
    /// `grant_type=client_credentials`.
    ClientCredentials(ClientCredentialsRequest),
    /// `grant_type=refresh_token`.
    RefreshToken(RefreshTokenRequest),
}

/// The parameters the token endpoint reads; a repeat of any of them is refused.
const TOKEN_PARAMS: ParamSet = ParamSet::of(&[
    Param::GrantType,
    Param::ClientId,
    Param::ClientSecret,
    Param::Code,
    Param::RedirectUri,
    Param::CodeVerifier,
    Param::RefreshToken,
    Param::Scope,
]);

/// Parses a token request with the default [`ParseLimits`].
///
/// ```
/// use grant_engine::RequestParts;
/// use grant_engine::parse::{TokenRequest, parse_token_request};
/// let body = b"grant_type=client_credentials&client_id=your_client_id\
///              &client_secret=your_client_secret&scope=read%20write";
/// let request = parse_token_request(&RequestParts::form_post(body)).unwrap();
/// let TokenRequest::ClientCredentials(cc) = request else { unreachable!() };
/// assert_eq!(cc.client.client_id().as_str(), "your_client_id");
/// assert_eq!(cc.scope.unwrap().to_string(), "read write");
/// ```
pub fn parse_token_request(parts: &RequestParts<'_>) -> Result<TokenRequest, TokenError> {
    parse_token_request_with(parts, &ParseLimits::default())
}

/// Parses a token request: method, Content-Type, strict form decoding,
/// client authentication extraction and per-grant validation, in that order.
/// Every check that looks at parameters looks at all of them, so the answer
/// never depends on the order the parameters were sent in.
pub fn parse_token_request_with(
    parts: &RequestParts<'_>,
    limits: &ParseLimits,
) -> Result<TokenRequest, TokenError> {
    let mut form = read_form_post(parts, TOKEN_PARAMS, limits)?;
    let grant_type = form
        .get(Param::GrantType)
        .ok_or(TokenError::MissingParameter(Param::GrantType))?;
    let grant_type = GrantType::from_name(grant_type).ok_or(TokenError::UnsupportedGrantType)?;
    let client = extract_client_auth(parts.authorization, &mut form)?;
    Ok(match grant_type {
        GrantType::AuthorizationCode => TokenRequest::AuthorizationCode(AuthorizationCodeRequest {
            client,
            code: required(&mut form, Param::Code, AuthorizationCode::new)?,
            redirect_uri: optional(&mut form, Param::RedirectUri, RedirectUri::new)?,
            code_verifier: optional(&mut form, Param::CodeVerifier, CodeVerifier::new)?,
        }),
        GrantType::ClientCredentials => TokenRequest::ClientCredentials(ClientCredentialsRequest {
            client,
            scope: scope(&form)?,
        }),
        GrantType::RefreshToken => TokenRequest::RefreshToken(RefreshTokenRequest {
            client,
            refresh_token: required(&mut form, Param::RefreshToken, RefreshToken::new)?,
            scope: scope(&form)?,
        }),
    })
}

fn optional<T, E>(
    form: &mut Form<'_>,
    param: Param,
    build: impl FnOnce(String) -> Result<T, E>,
) -> Result<Option<T>, TokenError> {
    form.take(param)
        .map(|value| build(value.into_owned()).map_err(|_| TokenError::MalformedParameter(param)))
        .transpose()
}

fn required<T, E>(
    form: &mut Form<'_>,
    param: Param,
    build: impl FnOnce(String) -> Result<T, E>,
) -> Result<T, TokenError> {
    optional(form, param, build)?.ok_or(TokenError::MissingParameter(param))
}

fn scope(form: &Form<'_>) -> Result<Option<Scope>, TokenError> {
    form.get(Param::Scope)
        .map(|s| Scope::parse(s).map_err(|_| TokenError::InvalidScope(InvalidScope::Malformed)))
        .transpose()
}

impl TokenRequest {
    /// The grant type of this request.
    pub fn grant_type(&self) -> GrantType {
        match self {
            TokenRequest::AuthorizationCode(_) => GrantType::AuthorizationCode,
            TokenRequest::ClientCredentials(_) => GrantType::ClientCredentials,
            TokenRequest::RefreshToken(_) => GrantType::RefreshToken,
        }
    }

    /// Who is asking.
    pub fn client(&self) -> &ClientAuth {
        match self {
            TokenRequest::AuthorizationCode(r) => &r.client,
            TokenRequest::ClientCredentials(r) => &r.client,
            TokenRequest::RefreshToken(r) => &r.client,
        }
    }
}
