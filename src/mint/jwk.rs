//! One JWK's members, read as RFC 7517 and RFC 7518 type them: the shared
//! reader of public keys (the JWK Set) and private keys (`SigningKey::from_jwk`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::errors::key::KeyError;

/// The members that are strings wherever they appear (RFC 7517 4, RFC
/// 7518 6): one of another JSON type makes the key malformed, never
/// silently absent.
const STRING_MEMBERS: [&str; 16] = [
    "kty", "use", "alg", "kid", "crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "k",
];

/// A JWK object whose members have their RFC types.
pub(crate) struct Jwk<'j> {
    members: &'j Map<String, Value>,
}

impl<'j> Jwk<'j> {
    /// The JWK `value`: an object whose string members are strings and
    /// whose `key_ops`, if any, is an array of distinct strings.
    pub(crate) fn new(value: &'j Value) -> Result<Jwk<'j>, KeyError> {
        let members = value.as_object().ok_or(KeyError::MalformedJwk("a key"))?;
        for name in STRING_MEMBERS {
            if members.get(name).is_some_and(|v| !v.is_string()) {
                return Err(KeyError::MalformedJwk(name));
            }
        }
        if let Some(ops) = members.get("key_ops") {
            let ops = ops.as_array().ok_or(KeyError::MalformedJwk("key_ops"))?;
            let distinct = ops
                .iter()
                .enumerate()
                .all(|(i, op)| op.is_string() && !ops.iter().take(i).any(|earlier| earlier == op));
            if !distinct {
                return Err(KeyError::MalformedJwk("key_ops"));
            }
        }
        Ok(Jwk { members })
    }

    /// A text member.
    pub(crate) fn text(&self, name: &'static str) -> Option<&'j str> {
        self.members.get(name).and_then(Value::as_str)
    }

    /// Whether the member is present.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.members.contains_key(name)
    }

    /// Whether `key_ops` is absent or holds `op`.
    pub(crate) fn allows(&self, op: &str) -> bool {
        self.members
            .get("key_ops")
            .and_then(Value::as_array)
            .is_none_or(|ops| ops.iter().any(|o| o == op))
    }

    /// A required base64url member (unpadded, RFC 7515 2), decoded.
    pub(crate) fn bytes(&self, name: &'static str) -> Result<Vec<u8>, KeyError> {
        let text = self.text(name).ok_or(KeyError::MalformedJwk(name))?;
        URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| KeyError::MalformedJwk(name))
    }

    /// A required Base64urlUInt member (RFC 7518 2): the minimum number of
    /// octets, so no leading zero (zero itself is one zero octet).
    pub(crate) fn uint(&self, name: &'static str) -> Result<Vec<u8>, KeyError> {
        let bytes = self.bytes(name)?;
        match bytes.as_slice() {
            [] | [0, _, ..] => Err(KeyError::MalformedJwk(name)),
            _ => Ok(bytes),
        }
    }
}
