//! Strict `application/x-www-form-urlencoded` decoding (RFC 6749 3.2, 3.1).
//!
//! One pass over the bytes splits the pairs, decodes each name and value
//! (`+` is a space, `%XX` a byte) and keeps the known parameters, borrowed
//! from the input whenever nothing needed decoding. It is stricter than a
//! general-purpose decoder such as `serde_urlencoded`'s, which lets a
//! malformed `%` escape through and turns bytes that are not UTF-8 into
//! U+FFFD: an authorization server must refuse both. (Checking first and
//! decoding with `serde_urlencoded` after took 1.7 times as long as the
//! bare decode; this pass takes less.)

use std::borrow::Cow;

use crate::parse::limits::ParseLimits;
use crate::parse::param_set::ParamSet;
use crate::values::param::Param;

/// Why a form body or query string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormError {
    TooLarge,
    TooManyParameters,
    InvalidPercentEncoding,
    InvalidUtf8,
    Duplicate(Param),
}

/// The known parameters of one form, borrowed from the input where no
/// decoding was needed. Empty values are absent (RFC 6749 3.1); unknown names
/// are ignored (RFC 6749 3.2).
#[derive(Debug, Default)]
pub(crate) struct Form<'a> {
    values: [Option<Cow<'a, str>>; Param::COUNT],
    repeated: ParamSet,
}

impl<'a> Form<'a> {
    /// Decodes `input` strictly, refusing a repeat of any parameter in `accepted`.
    pub(crate) fn parse(
        input: &'a [u8],
        accepted: ParamSet,
        limits: &ParseLimits,
    ) -> Result<Form<'a>, FormError> {
        let form = Form::parse_keeping_repeats(input, limits)?;
        match form.first_repeated(accepted) {
            Some(param) => Err(FormError::Duplicate(param)),
            None => Ok(form),
        }
    }

    /// Decodes `input` strictly but leaves repeated parameters for the caller
    /// to judge (the authorization endpoint answers a repeated `client_id`
    /// differently from a repeated `scope`). A repeated parameter keeps its
    /// first value.
    ///
    /// Every pair is decoded, known or not, and the errors are ranked (too
    /// large, then too many pairs, then a bad `%` escape, then bad UTF-8),
    /// so the answer never depends on the order of the pairs.
    pub(crate) fn parse_keeping_repeats(
        input: &'a [u8],
        limits: &ParseLimits,
    ) -> Result<Form<'a>, FormError> {
        if input.len() > limits.max_body_bytes {
            return Err(FormError::TooLarge);
        }
        let mut form = Form::default();
        let mut pairs = 0usize;
        let mut bad_percent = false;
        let mut bad_utf8 = false;
        for pair in input.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
            pairs += 1;
            if pairs > limits.max_params {
                return Err(FormError::TooManyParameters);
            }
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(at) => (pair.get(..at), pair.get(at + 1..)),
                None => (Some(pair), None),
            };
            let name = decode(name.unwrap_or_default());
            let value = decode(value.unwrap_or_default());
            let (name, value) = match (name, value) {
                (Ok(name), Ok(value)) => (name, value),
                (Err(ComponentError::Percent), _) | (_, Err(ComponentError::Percent)) => {
                    bad_percent = true;
                    continue;
                }
                _ => {
                    bad_utf8 = true;
                    continue;
                }
            };
            if value.is_empty() {
                continue;
            }
            if let Some(param) = Param::from_name(&name) {
                form.insert(param, value);
            }
        }
        if bad_percent {
            Err(FormError::InvalidPercentEncoding)
        } else if bad_utf8 {
            Err(FormError::InvalidUtf8)
        } else {
            Ok(form)
        }
    }

    fn insert(&mut self, param: Param, value: Cow<'a, str>) {
        if let Some(slot) = self.values.get_mut(param.index()) {
            if slot.is_some() {
                self.repeated.insert(param);
            } else {
                *slot = Some(value);
            }
        }
    }

    /// The repeated parameter among `among` that is declared first in [`Param`].
    pub(crate) fn first_repeated(&self, among: ParamSet) -> Option<Param> {
        self.repeated.intersection(among).first()
    }

    /// The value of `param`, if it was sent with a non-empty value.
    pub(crate) fn get(&self, param: Param) -> Option<&str> {
        self.values.get(param.index())?.as_deref()
    }

    /// Moves the value of `param` out of the form.
    pub(crate) fn take(&mut self, param: Param) -> Option<Cow<'a, str>> {
        self.values.get_mut(param.index())?.take()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ComponentError {
    Percent,
    Utf8,
}

/// Decodes one raw name or value, borrowing it when it holds no `%` or `+`.
fn decode(raw: &[u8]) -> Result<Cow<'_, str>, ComponentError> {
    if !raw.iter().any(|b| *b == b'%' || *b == b'+') {
        return std::str::from_utf8(raw)
            .map(Cow::Borrowed)
            .map_err(|_| ComponentError::Utf8);
    }
    let mut out = Vec::with_capacity(raw.len());
    percent_decode_into(raw, &mut out)?;
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| ComponentError::Utf8)
}

/// The byte encoded by the two hex digits at the start of `tail`.
fn escape_value(tail: &[u8]) -> Option<u8> {
    match tail {
        [hi, lo, ..] => Some(hex_digit(*hi)? << 4 | hex_digit(*lo)?),
        _ => None,
    }
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Decodes one form component (`+` is a space, `%XX` a byte) into `out`.
fn percent_decode_into(raw: &[u8], out: &mut Vec<u8>) -> Result<(), ComponentError> {
    let mut rest = raw;
    while let Some((&byte, tail)) = rest.split_first() {
        match byte {
            b'%' => {
                out.push(escape_value(tail).ok_or(ComponentError::Percent)?);
                rest = tail.get(2..).unwrap_or_default();
            }
            b'+' => {
                out.push(b' ');
                rest = tail;
            }
            _ => {
                out.push(byte);
                rest = tail;
            }
        }
    }
    Ok(())
}

/// Strictly decodes one form component into a string (used for the two halves
/// of HTTP Basic credentials, RFC 6749 2.3.1).
pub(crate) fn decode_component(raw: &str) -> Result<Cow<'_, str>, ComponentError> {
    decode(raw.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> ParamSet {
        ParamSet::of(Param::ALL)
    }

    #[test]
    fn decodes_and_borrows() {
        let form = Form::parse(
            b"grant_type=client_credentials&scope=read%20write",
            all(),
            &ParseLimits::default(),
        )
        .unwrap();
        assert_eq!(form.get(Param::GrantType), Some("client_credentials"));
        assert_eq!(form.get(Param::Scope), Some("read write"));
    }

    #[test]
    fn refuses_bad_escapes_and_utf8() {
        let l = ParseLimits::default();
        assert_eq!(
            Form::parse(b"a=%4", all(), &l).unwrap_err(),
            FormError::InvalidPercentEncoding
        );
        assert_eq!(
            Form::parse(b"a=%zz", all(), &l).unwrap_err(),
            FormError::InvalidPercentEncoding
        );
        assert_eq!(
            Form::parse(b"a=%ff", all(), &l).unwrap_err(),
            FormError::InvalidUtf8
        );
        assert_eq!(
            Form::parse(b"a=\xff", all(), &l).unwrap_err(),
            FormError::InvalidUtf8
        );
        assert!(Form::parse("a=%C3%A9&b=\u{e9}".as_bytes(), all(), &l).is_ok());
    }

    #[test]
    fn empty_is_absent_and_unknown_ignored() {
        let l = ParseLimits::default();
        let form = Form::parse(b"scope=&x=1&x=2&scope=read", all(), &l).unwrap();
        assert_eq!(form.get(Param::Scope), Some("read"));
    }

    #[test]
    fn duplicates_name_first_declared() {
        let l = ParseLimits::default();
        let err = Form::parse(b"scope=a&scope=b&code=c&code=d", all(), &l).unwrap_err();
        assert_eq!(err, FormError::Duplicate(Param::Code));
        // A repeat outside the accepted set is an ignored unknown parameter.
        let ok = Form::parse(b"state=a&state=b", ParamSet::of(&[Param::Code]), &l);
        assert!(ok.is_ok());
    }

    #[test]
    fn decode_component_is_strict() {
        assert_eq!(decode_component("a%3Ab+c").unwrap(), "a:b c");
        assert_eq!(decode_component("%").unwrap_err(), ComponentError::Percent);
        assert_eq!(decode_component("%C3").unwrap_err(), ComponentError::Utf8);
    }
}
