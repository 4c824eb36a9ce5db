//! Client authentication as presented in a request (RFC 6749 2.3).
//!
//! This module only extracts and decodes what the client sent; checking it
//! against the client's record is the exchange's job.

use std::borrow::Cow;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::errors::token::{ClientAuthFailure, TokenError};
use crate::parse::form::{Form, decode_component};
use crate::values::client_id::ClientId;
use crate::values::param::Param;
use crate::values::secret::ClientSecret;

/// How the client identified (and perhaps authenticated) itself.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_secret_basic`: the `Authorization: Basic` header.
    Basic {
        /// The decoded client id.
        client_id: ClientId,
        /// The decoded secret.
        secret: ClientSecret,
    },
    /// `client_secret_post`: `client_id` and `client_secret` in the body.
    Post {
        /// The body `client_id`.
        client_id: ClientId,
        /// The body `client_secret`.
        secret: ClientSecret,
    },
    /// `none`: a public client names itself with `client_id` alone.
    None {
        /// The body `client_id`.
        client_id: ClientId,
    },
}

impl ClientAuth {
    /// The client the request claims to come from.
    pub fn client_id(&self) -> &ClientId {
        match self {
            ClientAuth::Basic { client_id, .. }
            | ClientAuth::Post { client_id, .. }
            | ClientAuth::None { client_id } => client_id,
        }
    }

    /// The secret presented, if any.
    pub fn secret(&self) -> Option<&ClientSecret> {
        match self {
            ClientAuth::Basic { secret, .. } | ClientAuth::Post { secret, .. } => Some(secret),
            ClientAuth::None { .. } => None,
        }
    }

    /// Whether the credentials came in the `Authorization` header.
    pub fn used_authorization_header(&self) -> bool {
        matches!(self, ClientAuth::Basic { .. })
    }

    /// The method's name in RFC 8414 metadata terms.
    pub fn method_name(&self) -> &'static str {
        match self {
            ClientAuth::Basic { .. } => "client_secret_basic",
            ClientAuth::Post { .. } => "client_secret_post",
            ClientAuth::None { .. } => "none",
        }
    }
}

/// The longest `Authorization: Basic` credentials (the base64 part) read.
pub const MAX_BASIC_CREDENTIALS_LEN: usize = 4096;

/// Standard base64 with or without padding; non-zero trailing bits refused.
const BASIC_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes an `Authorization: Basic` value into a client id and secret.
///
/// The scheme name is case-insensitive; the decoded `id:secret` halves are
/// each form-urlencoded (RFC 6749 2.3.1) and decoded here. Credentials
/// longer than [`MAX_BASIC_CREDENTIALS_LEN`] are refused before decoding.
/// Any flaw is a failed authentication, never a panic.
///
/// ```
/// use grant_engine::errors::ClientAuthFailure;
/// use grant_engine::parse::parse_basic_credentials;
/// // "your_client_id:your_client_secret"
/// let (id, secret) = parse_basic_credentials(
///     b"basic eW91cl9jbGllbnRfaWQ6eW91cl9jbGllbnRfc2VjcmV0",
/// ).unwrap();
/// assert_eq!(id.as_str(), "your_client_id");
/// assert_eq!(secret.expose_secret(), "your_client_secret");
/// assert_eq!(parse_basic_credentials(b"Bearer abc").unwrap_err(), ClientAuthFailure::UnsupportedScheme);
/// ```
pub fn parse_basic_credentials(
    value: &[u8],
) -> Result<(ClientId, ClientSecret), ClientAuthFailure> {
    let value = value.trim_ascii();
    let split = value.iter().position(|b| *b == b' ' || *b == b'\t');
    let (scheme, rest) = match split {
        Some(at) => value.split_at_checked(at).unwrap_or((value, &b""[..])),
        None => (value, &b""[..]),
    };
    if !scheme.eq_ignore_ascii_case(b"basic") {
        return Err(ClientAuthFailure::UnsupportedScheme);
    }
    let malformed = ClientAuthFailure::MalformedBasic;
    let token68 = rest.trim_ascii_start();
    if token68.is_empty() || token68.len() > MAX_BASIC_CREDENTIALS_LEN {
        return Err(malformed);
    }
    let decoded = BASIC_BASE64.decode(token68).map_err(|_| malformed)?;
    let decoded = std::str::from_utf8(&decoded).map_err(|_| malformed)?;
    let (id, secret) = decoded.split_once(':').ok_or(malformed)?;
    let id = decode_component(id).map_err(|_| malformed)?;
    let secret = decode_component(secret).map_err(|_| malformed)?;
    let id = ClientId::new(id).map_err(|_| malformed)?;
    let secret = ClientSecret::new(secret).map_err(|_| malformed)?;
    Ok((id, secret))
}

/// Takes the client's identification out of the header and form, enforcing
/// one authentication method per request (RFC 6749 2.3).
pub(crate) fn extract_client_auth(
    authorization: Option<&[u8]>,
    form: &mut Form<'_>,
) -> Result<ClientAuth, TokenError> {
    let body_id = form.take(Param::ClientId);
    let body_secret = form.take(Param::ClientSecret);
    match authorization {
        Some(header) => {
            if body_secret.is_some() {
                return Err(TokenError::MultipleClientAuthentication);
            }
            let (client_id, secret) =
                parse_basic_credentials(header).map_err(|failure| TokenError::InvalidClient {
                    failure,
                    authorization_header: true,
                })?;
            if body_id.is_some_and(|id| id != client_id.as_str()) {
                return Err(TokenError::ClientIdMismatch);
            }
            Ok(ClientAuth::Basic { client_id, secret })
        }
        None => match (body_id, body_secret) {
            (Some(id), Some(secret)) => Ok(ClientAuth::Post {
                client_id: body_client_id(id)?,
                secret: ClientSecret::new(secret)
                    .map_err(|_| TokenError::MalformedParameter(Param::ClientSecret))?,
            }),
            (Some(id), None) => Ok(ClientAuth::None {
                client_id: body_client_id(id)?,
            }),
            (None, _) => Err(TokenError::InvalidClient {
                failure: ClientAuthFailure::NoCredentials,
                authorization_header: false,
            }),
        },
    }
}

fn body_client_id(id: Cow<'_, str>) -> Result<ClientId, TokenError> {
    ClientId::new(id).map_err(|_| TokenError::MalformedParameter(Param::ClientId))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_decodes_form_encoding() {
        // "a%3Ab:p%25+q" -> id "a:b", secret "p% q"
        let header = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("a%3Ab:p%25+q")
        );
        let (id, secret) = parse_basic_credentials(header.as_bytes()).unwrap();
        assert_eq!(id.as_str(), "a:b");
        assert_eq!(secret.expose_secret(), "p% q");
    }

    #[test]
    fn basic_flaws_are_malformed() {
        let m = Err(ClientAuthFailure::MalformedBasic);
        assert_eq!(parse_basic_credentials(b"Basic").map(|_| ()), m);
        assert_eq!(parse_basic_credentials(b"Basic !!!").map(|_| ()), m);
        // "nocolon"
        assert_eq!(
            parse_basic_credentials(b"Basic bm9jb2xvbg==").map(|_| ()),
            m
        );
        // ":secret" (empty id)
        assert_eq!(
            parse_basic_credentials(b"Basic OnNlY3JldA==").map(|_| ()),
            m
        );
        // "id:" (empty secret)
        assert_eq!(parse_basic_credentials(b"Basic aWQ6").map(|_| ()), m);
        // "id:%zz"
        assert_eq!(parse_basic_credentials(b"Basic aWQ6JXp6").map(|_| ()), m);
    }

    #[test]
    fn basic_padding_optional_and_scheme_case_insensitive() {
        assert!(parse_basic_credentials(b"BASIC aWQ6cw==").is_ok());
        assert!(parse_basic_credentials(b"basic   aWQ6cw").is_ok());
    }
}
