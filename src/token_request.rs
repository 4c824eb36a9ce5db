//! The token request (RFC 6749 4.1.3, 4.4.2, 6): parsing untrusted bytes into
//! one validated value per grant type.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::client_auth::{ClientAuth, extract_client_auth};
use crate::error::{InvalidScope, TokenError};
use crate::form::{Form, FormError, ParseLimits};
use crate::param::{Param, ParamSet};
use crate::{
    AuthorizationCode, CodeVerifier, GrantType, RedirectUri, RefreshToken, RequestParts, Scope,
};

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
/// use grant_engine::{parse_token_request, RequestParts, TokenRequest};
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

/// The hygiene every form-POST endpoint shares (token, revocation,
/// introspection): POST only, a form Content-Type, strict decoding.
pub(crate) fn read_form_post<'a>(
    parts: &RequestParts<'a>,
    accepted: ParamSet,
    limits: &ParseLimits,
) -> Result<Form<'a>, TokenError> {
    if parts.method != "POST" {
        return Err(TokenError::MethodNotAllowed);
    }
    if !parts.content_type.is_some_and(is_form_content_type) {
        return Err(TokenError::UnsupportedContentType);
    }
    Form::parse(parts.body, accepted, limits).map_err(form_error)
}

/// `application/x-www-form-urlencoded`, compared case-insensitively, with any
/// parameters (such as `charset`) allowed.
fn is_form_content_type(value: &[u8]) -> bool {
    let media_type = value.split(|b| *b == b';').next().unwrap_or_default();
    media_type
        .trim_ascii()
        .eq_ignore_ascii_case(b"application/x-www-form-urlencoded")
}

pub(crate) fn form_error(error: FormError) -> TokenError {
    match error {
        FormError::TooLarge => TokenError::BodyTooLarge,
        FormError::TooManyParameters => TokenError::TooManyParameters,
        FormError::InvalidPercentEncoding => TokenError::InvalidPercentEncoding,
        FormError::InvalidUtf8 => TokenError::InvalidUtf8,
        FormError::Duplicate(param) => TokenError::DuplicateParameter(param),
    }
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

/// A token request encoded for the wire: the inverse of [`parse_token_request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedTokenRequest {
    /// The `Authorization` header value, for `client_secret_basic`.
    pub authorization: Option<String>,
    /// The form body.
    pub body: String,
}

impl EncodedTokenRequest {
    /// The request as [`RequestParts`] (POST, form Content-Type).
    pub fn parts(&self) -> RequestParts<'_> {
        RequestParts {
            authorization: self.authorization.as_deref().map(str::as_bytes),
            ..RequestParts::form_post(self.body.as_bytes())
        }
    }
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

    /// Encodes the request as a client would send it: the form body, and the
    /// Basic header for `client_secret_basic` (each half form-urlencoded
    /// before base64, RFC 6749 2.3.1). Parsing the result gives `self` back,
    /// with two exceptions:
    ///
    /// - a scope of `Some` empty set cannot be sent (the grammar needs one
    ///   token, and an empty value means "omitted"), so it is written as
    ///   omitted and parses back as `None`;
    /// - percent-encoding can make the encoding longer than the parser reads:
    ///   a body over [`ParseLimits::max_body_bytes`] is refused with
    ///   [`TokenError::BodyTooLarge`], Basic credentials over
    ///   [`MAX_BASIC_CREDENTIALS_LEN`](crate::MAX_BASIC_CREDENTIALS_LEN) with
    ///   `invalid_client`.
    ///
    /// ```
    /// use grant_engine::*;
    /// let request = TokenRequest::ClientCredentials(ClientCredentialsRequest {
    ///     client: ClientAuth::Basic {
    ///         client_id: ClientId::new("m2m:1").unwrap(),
    ///         secret: ClientSecret::new("s3cr3t%").unwrap(),
    ///     },
    ///     scope: Some(Scope::parse("read").unwrap()),
    /// });
    /// let wire = request.encode();
    /// assert_eq!(wire.body, "grant_type=client_credentials&scope=read");
    /// assert_eq!(parse_token_request(&wire.parts()).unwrap(), request);
    /// ```
    pub fn encode(&self) -> EncodedTokenRequest {
        let mut pairs: Vec<(&str, String)> =
            vec![("grant_type", self.grant_type().as_str().into())];
        let mut authorization = None;
        match self.client() {
            ClientAuth::Basic { client_id, secret } => {
                let id =
                    serde_urlencoded::to_string([("", client_id.as_str())]).unwrap_or_default();
                let secret =
                    serde_urlencoded::to_string([("", secret.expose_secret())]).unwrap_or_default();
                // Each `to_string` renders "=value"; drop the "=".
                let joined = format!(
                    "{}:{}",
                    id.get(1..).unwrap_or_default(),
                    secret.get(1..).unwrap_or_default()
                );
                authorization = Some(format!("Basic {}", STANDARD.encode(joined)));
            }
            ClientAuth::Post { client_id, secret } => {
                pairs.push(("client_id", client_id.as_str().into()));
                pairs.push(("client_secret", secret.expose_secret().into()));
            }
            ClientAuth::None { client_id } => pairs.push(("client_id", client_id.as_str().into())),
        }
        match self {
            TokenRequest::AuthorizationCode(r) => {
                pairs.push(("code", r.code.expose_secret().into()));
                if let Some(uri) = &r.redirect_uri {
                    pairs.push(("redirect_uri", uri.as_str().into()));
                }
                if let Some(v) = &r.code_verifier {
                    pairs.push(("code_verifier", v.expose_secret().into()));
                }
            }
            TokenRequest::ClientCredentials(r) => {
                if let Some(scope) = r.scope.as_ref().filter(|s| !s.is_empty()) {
                    pairs.push(("scope", scope.to_string()));
                }
            }
            TokenRequest::RefreshToken(r) => {
                pairs.push(("refresh_token", r.refresh_token.expose_secret().into()));
                if let Some(scope) = r.scope.as_ref().filter(|s| !s.is_empty()) {
                    pairs.push(("scope", scope.to_string()));
                }
            }
        }
        EncodedTokenRequest {
            authorization,
            body: serde_urlencoded::to_string(&pairs).unwrap_or_default(),
        }
    }
}
