//! Access-token scope (RFC 6749 3.3).

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::values::syntax::{InvalidValue, is_nqchar};

/// A set of scope tokens. Order and repeats in the input do not matter; the
/// set is kept in one canonical form (sorted, each token once, separated by
/// single spaces), so it renders the same way every time and copying it is
/// one allocation.
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
pub struct Scope(String);

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
        out.sort_unstable();
        out.dedup();
        Ok(Scope(out.join(" ")))
    }

    /// Whether every token of `self` is in `other`: one walk over both
    /// sorted sets.
    pub fn is_subset_of(&self, other: &Scope) -> bool {
        let mut theirs = other.iter();
        self.iter()
            .all(|token| theirs.by_ref().any(|candidate| candidate == token))
    }

    /// Whether `token` is in the set.
    pub fn contains(&self, token: &str) -> bool {
        self.iter().any(|t| t == token)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The tokens in their stable (sorted) order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split(' ').filter(|token| !token.is_empty())
    }

    /// The canonical form: the tokens, sorted, separated by single spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Written as its canonical string, without a copy.
impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
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
        scope.0
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

    #[test]
    fn sets() {
        let all = Scope::parse("read write admin").unwrap();
        let read = Scope::parse("read").unwrap();
        assert!(read.is_subset_of(&all) && !all.is_subset_of(&read));
        assert!(Scope::default().is_subset_of(&read));
        assert!(!read.is_subset_of(&Scope::default()));
        assert!(Scope::parse("admin write").unwrap().is_subset_of(&all));
        assert!(!Scope::parse("a read").unwrap().is_subset_of(&all));
        assert!(all.contains("write") && !all.contains("writ") && !all.contains(""));
        assert_eq!(all.iter().collect::<Vec<_>>(), ["admin", "read", "write"]);
        assert_eq!(Scope::default().iter().count(), 0);
        assert_eq!(Scope::parse("b a").unwrap(), Scope::parse("a b a").unwrap());
    }
}
