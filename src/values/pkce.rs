//! Proof Key for Code Exchange (RFC 7636).

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::values::secret::secret_string;
use crate::values::syntax::{InvalidValue, is_unreserved};

/// `43*128unreserved` (RFC 7636 4.1 and 4.2).
fn check_pkce_string(value: &str, what: &'static str) -> Result<(), InvalidValue> {
    if (43..=128).contains(&value.len()) && value.bytes().all(is_unreserved) {
        Ok(())
    } else {
        Err(InvalidValue { what })
    }
}

secret_string! {
    /// The PKCE `code_verifier` (RFC 7636 4.1): 43 to 128 unreserved characters.
    CodeVerifier, "code_verifier", check_pkce_string
}

/// How a `code_challenge` was derived from the verifier (RFC 7636 4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CodeChallengeMethod {
    /// `BASE64URL(SHA256(ASCII(code_verifier)))`.
    S256,
    /// The verifier itself; accepted only when the configuration enables it.
    #[serde(rename = "plain")]
    Plain,
}

impl CodeChallengeMethod {
    /// The method's name on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            CodeChallengeMethod::S256 => "S256",
            CodeChallengeMethod::Plain => "plain",
        }
    }

    /// The method with this wire name (case-sensitive, RFC 7636 4.3).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "S256" => Some(CodeChallengeMethod::S256),
            "plain" => Some(CodeChallengeMethod::Plain),
            _ => None,
        }
    }
}

impl fmt::Display for CodeChallengeMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `code_challenge` (RFC 7636 4.2): 43 to 128 unreserved characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// Wraps `value` after checking its syntax.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidValue> {
        let value = value.into();
        check_pkce_string(&value, "code_challenge")?;
        Ok(CodeChallenge(value))
    }

    /// The S256 challenge of `verifier`, as a client computes it.
    pub fn s256(verifier: &CodeVerifier) -> CodeChallenge {
        let digest = Sha256::digest(verifier.expose_secret().as_bytes());
        CodeChallenge(URL_SAFE_NO_PAD.encode(digest))
    }

    /// The challenge as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `verifier` answers this challenge under `method`, compared in
    /// constant time (RFC 7636 4.6).
    pub fn is_answered_by(&self, verifier: &CodeVerifier, method: CodeChallengeMethod) -> bool {
        match method {
            CodeChallengeMethod::S256 => {
                // 32 bytes are 43 unpadded base64url characters; no allocation.
                let digest = Sha256::digest(verifier.expose_secret().as_bytes());
                let mut expected = [0u8; 43];
                match URL_SAFE_NO_PAD.encode_slice(digest, &mut expected) {
                    Ok(43) => expected.ct_eq(self.0.as_bytes()).into(),
                    _ => false,
                }
            }
            CodeChallengeMethod::Plain => verifier
                .expose_secret()
                .as_bytes()
                .ct_eq(self.0.as_bytes())
                .into(),
        }
    }
}

/// Written as its string form, without an intermediate copy.
impl Serialize for CodeChallenge {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl TryFrom<String> for CodeChallenge {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CodeChallenge::new(value)
    }
}

impl From<CodeChallenge> for String {
    fn from(c: CodeChallenge) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        let verifier = CodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        let challenge = CodeChallenge::s256(&verifier);
        assert_eq!(
            challenge.as_str(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(challenge.is_answered_by(&verifier, CodeChallengeMethod::S256));
        assert!(!challenge.is_answered_by(&verifier, CodeChallengeMethod::Plain));
    }

    #[test]
    fn verifier_syntax() {
        assert!(CodeVerifier::new("a".repeat(42)).is_err());
        assert!(CodeVerifier::new("a".repeat(43)).is_ok());
        assert!(CodeVerifier::new("a".repeat(128)).is_ok());
        assert!(CodeVerifier::new("a".repeat(129)).is_err());
        assert!(CodeVerifier::new(format!("{}+", "a".repeat(43))).is_err());
    }
}
