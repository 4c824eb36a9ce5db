//! Character classes from RFC 6749 Appendix A and RFC 7636, and the error a
//! constructor gives for a value outside them.

use thiserror::Error;

/// A value was refused by a constructor because of its syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the {what} is empty, too long or has characters its grammar does not allow")]
pub struct InvalidValue {
    /// What was being built, e.g. "client_id".
    pub what: &'static str,
}

/// `VSCHAR = %x20-7E` (RFC 6749 A): client ids, secrets, codes, tokens.
pub(crate) fn is_vschar(b: u8) -> bool {
    (0x20..=0x7e).contains(&b)
}

/// `NQCHAR = %x21 / %x23-5B / %x5D-7E` (RFC 6749 A): scope tokens.
pub(crate) fn is_nqchar(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x5b | 0x5d..=0x7e)
}

/// `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"` (RFC 3986, RFC 7636 4.1).
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Characters RFC 6749 5.2 allows in `error_description`, and RFC 9110 in a
/// quoted string without escapes: `%x20-21 / %x23-5B / %x5D-7E`.
pub(crate) fn is_description_char(b: u8) -> bool {
    matches!(b, 0x20..=0x21 | 0x23..=0x5b | 0x5d..=0x7e)
}

/// `1*VSCHAR`, the grammar of client ids, secrets, codes and tokens.
pub(crate) fn check_vschars(value: &str, what: &'static str) -> Result<(), InvalidValue> {
    if !value.is_empty() && value.bytes().all(is_vschar) {
        Ok(())
    } else {
        Err(InvalidValue { what })
    }
}
