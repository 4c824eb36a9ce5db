//! The request shape shared by revocation (RFC 7009 2.1) and introspection
//! (RFC 7662 2.1): client authentication, a `token`, an optional hint.

use crate::errors::token::TokenError;
use crate::parse::client_auth::{ClientAuth, extract_client_auth};
use crate::parse::form_post::read_form_post;
use crate::parse::limits::ParseLimits;
use crate::parse::param_set::ParamSet;
use crate::parse::request_parts::RequestParts;
use crate::values::param::Param;
use crate::values::secret::PresentedToken;

/// The `token_type_hint` values of RFC 7009 2.1. A hint only orders the
/// search; an unknown hint is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenTypeHint {
    /// `access_token`.
    AccessToken,
    /// `refresh_token`.
    RefreshToken,
}

/// A parsed revocation or introspection request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenReference {
    /// Who is asking.
    pub client: ClientAuth,
    /// The token; `None` when the value cannot be a token of ours (not
    /// `1*VSCHAR`), which is answered like an unknown token.
    pub token: Option<PresentedToken>,
    /// The hint, if a known one was sent.
    pub token_type_hint: Option<TokenTypeHint>,
}

const PARAMS: ParamSet = ParamSet::of(&[
    Param::ClientId,
    Param::ClientSecret,
    Param::Token,
    Param::TokenTypeHint,
]);

/// Parses a revocation or introspection request: POST, form body, the same
/// client authentication rules as the token endpoint, `token` required.
pub fn parse_token_reference(
    parts: &RequestParts<'_>,
    limits: &ParseLimits,
) -> Result<TokenReference, TokenError> {
    let mut form = read_form_post(parts, PARAMS, limits)?;
    let client = extract_client_auth(parts.authorization, &mut form)?;
    let token = form
        .take(Param::Token)
        .ok_or(TokenError::MissingParameter(Param::Token))?;
    let token_type_hint = match form.get(Param::TokenTypeHint) {
        Some("access_token") => Some(TokenTypeHint::AccessToken),
        Some("refresh_token") => Some(TokenTypeHint::RefreshToken),
        _ => None,
    };
    Ok(TokenReference {
        client,
        token: PresentedToken::new(token).ok(),
        token_type_hint,
    })
}
