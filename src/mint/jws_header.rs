//! The protected header of our access tokens (RFC 9068 2.1: `typ`
//! `at+jwt`), encoded once per key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::errors::key::KeyError;
use crate::mint::algorithm::Algorithm;
use crate::values::syntax::check_vschars;

/// The longest `kid`.
const MAX_KID_LEN: usize = 64;

/// Checks a `kid`: `1*VSCHAR`, at most 64 bytes.
pub(crate) fn check_kid(kid: &str) -> Result<(), KeyError> {
    check_vschars(kid, "kid").map_err(|_| KeyError::InvalidKid)?;
    if kid.len() > MAX_KID_LEN {
        return Err(KeyError::InvalidKid);
    }
    Ok(())
}

/// base64url of `{"alg":..,"typ":"at+jwt","kid":..}`, in the order the
/// RFC 9068 examples use.
pub(crate) fn encoded_header(alg: Algorithm, kid: &str) -> Result<String, KeyError> {
    #[derive(serde::Serialize)]
    struct Header<'a> {
        alg: &'static str,
        typ: &'static str,
        kid: &'a str,
    }
    let header = Header {
        alg: alg.as_str(),
        typ: "at+jwt",
        kid,
    };
    let json = serde_json::to_vec(&header).map_err(|_| KeyError::InvalidKid)?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}
