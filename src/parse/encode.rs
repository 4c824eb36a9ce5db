//! Encoding a token request for the wire, as a client sends it: the inverse
//! of parsing, for tests, fuzzers and client-side tools.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::parse::client_auth::ClientAuth;
use crate::parse::request_parts::RequestParts;
use crate::parse::token_request::TokenRequest;
use crate::values::scope::Scope;

/// A token request encoded for the wire: the inverse of
/// [`parse_token_request`](crate::parse::parse_token_request).
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
    /// Encodes the request as a client would send it: the form body, and the
    /// Basic header for `client_secret_basic` (each half form-urlencoded
    /// before base64, RFC 6749 2.3.1). Parsing the result gives `self` back,
    /// with two exceptions:
    ///
    /// - a scope of `Some` empty set cannot be sent (the grammar needs one
    ///   token, and an empty value means "omitted"), so it is written as
    ///   omitted and parses back as `None`;
    /// - percent-encoding can make the encoding longer than the parser reads:
    ///   a body over [`ParseLimits::max_body_bytes`](crate::parse::ParseLimits::max_body_bytes) is refused with
    ///   [`TokenError::BodyTooLarge`](crate::errors::TokenError::BodyTooLarge), Basic credentials over
    ///   [`MAX_BASIC_CREDENTIALS_LEN`](crate::parse::MAX_BASIC_CREDENTIALS_LEN) with
    ///   `invalid_client`.
    ///
    /// ```
    /// use grant_engine::parse::{ClientAuth, ClientCredentialsRequest, TokenRequest, parse_token_request};
    /// use grant_engine::values::ClientSecret;
    /// use grant_engine::{ClientId, Scope};
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
                authorization = Some(basic(client_id.as_str(), secret.expose_secret()));
            }
            ClientAuth::Post { client_id, secret } => {
                pairs.push(("client_id", client_id.as_str().into()));
                pairs.push(("client_secret", secret.expose_secret().into()));
            }
            ClientAuth::None { client_id } => pairs.push(("client_id", client_id.as_str().into())),
        }
        self.grant_pairs(&mut pairs);
        EncodedTokenRequest {
            authorization,
            body: serde_urlencoded::to_string(&pairs).unwrap_or_default(),
        }
    }

    /// The grant's own parameters, after `grant_type` and the client's.
    fn grant_pairs<'a>(&'a self, pairs: &mut Vec<(&'a str, String)>) {
        let scope = |scope: &Option<Scope>| {
            scope
                .as_ref()
                .filter(|s| !s.is_empty())
                .map(|s| ("scope", s.to_string()))
        };
        match self {
            TokenRequest::AuthorizationCode(r) => {
                pairs.push(("code", r.code.expose_secret().into()));
                pairs.extend(
                    r.redirect_uri
                        .as_ref()
                        .map(|u| ("redirect_uri", u.as_str().into())),
                );
                pairs.extend(
                    r.code_verifier
                        .as_ref()
                        .map(|v| ("code_verifier", v.expose_secret().into())),
                );
            }
            TokenRequest::ClientCredentials(r) => pairs.extend(scope(&r.scope)),
            TokenRequest::RefreshToken(r) => {
                pairs.push(("refresh_token", r.refresh_token.expose_secret().into()));
                pairs.extend(scope(&r.scope));
            }
        }
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 2.3.1).
fn basic(client_id: &str, secret: &str) -> String {
    let id = serde_urlencoded::to_string([("", client_id)]).unwrap_or_default();
    let secret = serde_urlencoded::to_string([("", secret)]).unwrap_or_default();
    // Each `to_string` renders "=value"; drop the "=".
    let joined = format!(
        "{}:{}",
        id.get(1..).unwrap_or_default(),
        secret.get(1..).unwrap_or_default()
    );
    format!("Basic {}", STANDARD.encode(joined))
}
