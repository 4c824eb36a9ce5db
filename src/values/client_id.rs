//! The client identifier (RFC 6749 2.2).

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::values::syntax::{InvalidValue, check_vschars};

/// A client identifier: `1*VSCHAR` (RFC 6749 A.1). Not a secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct ClientId(String);

impl ClientId {
    /// Wraps `value` after checking its syntax.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidValue> {
        let value = value.into();
        check_vschars(&value, "client_id")?;
        Ok(ClientId(value))
    }

    /// The identifier as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Written as its string form, without an intermediate copy.
impl Serialize for ClientId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl TryFrom<String> for ClientId {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ClientId::new(value)
    }
}

impl From<ClientId> for String {
    fn from(id: ClientId) -> String {
        id.0
    }
}
