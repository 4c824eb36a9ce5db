//! The request hygiene every form-POST endpoint shares (token, revocation,
//! introspection; RFC 6749 3.2): POST only, a form Content-Type, strict
//! decoding.

use crate::errors::token::TokenError;
use crate::parse::form::{Form, FormError};
use crate::parse::limits::ParseLimits;
use crate::parse::param_set::ParamSet;
use crate::parse::request_parts::RequestParts;

/// Checks the method and Content-Type, then decodes the body strictly,
/// refusing a repeat of any parameter in `accepted`.
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

/// The token endpoint error for a refused form.
pub(crate) fn form_error(error: FormError) -> TokenError {
    match error {
        FormError::TooLarge => TokenError::BodyTooLarge,
        FormError::TooManyParameters => TokenError::TooManyParameters,
        FormError::InvalidPercentEncoding => TokenError::InvalidPercentEncoding,
        FormError::InvalidUtf8 => TokenError::InvalidUtf8,
        FormError::Duplicate(param) => TokenError::DuplicateParameter(param),
    }
}
