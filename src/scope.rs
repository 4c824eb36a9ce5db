//! Access-token scope (RFC 6749 3.3).

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::syntax::{InvalidValue, is_nqchar};

/// A set of scope tokens. Order and repeats in the input do not matter; the
/// set is kept sorted so that it renders the same way every time.
///
/// ```
/// use grant_engine::Scope;
/// let s = Scope::parse("write read write").unwrap();
/// assert_eq!(s.to_string(), "read write");
/// assert!(Scope::parse("read").unwrap().is_subset_of(&s));
/// assert!(Scope::parse("read  write").is_err()); // two spaces
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(try_from = "String")]
pub struct Scope(Vec<String>);

impl Scope {
    /// Parses `scope = scope-token *( SP scope-token )`, `scope-token = 1*NQCHAR`.
    ///
    /// An empty string is refused: an omitted scope is `Option::None`, and the
    /// empty set is [`Scope::default`].
    pub fn parse(value: &str) -> Result<Scope, InvalidValue> {
        // Splitting on single spaces yields an empty token for every
        // leading, trailing or doubled space, which `from_tokens` refuses.
        Scope::from_tokens(value.split(' '))
    }

    /// The set of `tokens`, each checked against the scope-token grammar.
    pub fn from_tokens<I, S>(tokens: I) -> Result<Scope, InvalidValue>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut out = Vec::new();
        for token in tokens {
            let token = token.into();
            if token.is_empty() || !token.bytes().all(is_nqchar) {
                return Err(InvalidValue { what: "scope" });
            }
            out.push(token);
        }
        Ok(Scope::from_sorted(out))
    }

    fn from_sorted(mut tokens: Vec<String>) -> Scope {
        tokens.sort_unstable();
        tokens.dedup();
        Scope(tokens)
    }

    /// Whether every token of `self` is in `other`.
    pub fn is_subset_of(&self, other: &Scope) -> bool {
        self.0.iter().all(|t| other.contains(t))
    }

    /// Whether `token` is in the set.
    pub fn contains(&self, token: &str) -> bool {
        self.0.binary_search_by(|t| t.as_str().cmp(token)).is_ok()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The tokens in their stable (sorted) order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for token in &self.0 {
            if !first {
                f.write_str(" ")?;
            }
            f.write_str(token)?;
            first = false;
        }
        Ok(())
    }
}

/// Written as its string form, without an intermediate copy.
impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl TryFrom<String> for Scope {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        if value.is_empty() {
            Ok(Scope::default())
        } else {
            Scope::parse(&value)
        }
    }
}

impl From<Scope> for String {
    fn from(scope: Scope) -> String {
        scope.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Scope;

    #[test]
    fn grammar() {
        for bad in [
            "",
            " read",
            "read ",
            "read  write",
            "re\"ad",
            "re\\ad",
            "a\tb",
            "é",
        ] {
            assert!(Scope::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Scope::parse("b a b").unwrap().to_string(), "a b");
        assert_eq!(Scope::parse("!#[]~").unwrap().to_string(), "!#[]~");
    }
}
