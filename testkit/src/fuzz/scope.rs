//! The `scope` fuzz target's assertions: `Scope::parse` on arbitrary
//! UTF-8. Run by `fuzz/fuzz_targets/scope.rs` and replayed over the corpus
//! by `testkit/tests/fuzz_corpus.rs`.
//!
//! Input format: the whole input, as UTF-8; other inputs are skipped.

use grant_engine::Scope;

/// `NQCHAR = %x21 / %x23-5B / %x5D-7E` (RFC 6749 A).
fn is_nqchar(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x5b | 0x5d..=0x7e)
}

/// Parses one input and checks every invariant the target asserts. Returns
/// false if the input was skipped (not UTF-8).
pub fn check(data: &[u8]) -> bool {
    let Ok(input) = std::str::from_utf8(data) else {
        return false;
    };
    // RFC 6749 3.3: scope = scope-token *( SP scope-token ), 1*NQCHAR each.
    let tokens: Vec<&str> = input.split(' ').collect();
    let valid = tokens
        .iter()
        .all(|t| !t.is_empty() && t.bytes().all(is_nqchar));
    let scope = match Scope::parse(input) {
        Ok(scope) => scope,
        Err(_) => {
            assert!(!valid, "a valid scope is refused");
            return true;
        }
    };
    assert!(valid, "an invalid scope is accepted");

    let rendered = scope.to_string();
    assert!(!rendered.contains("  "), "{rendered:?} has a double space");
    assert!(
        !rendered.is_empty() && !rendered.starts_with(' ') && !rendered.ends_with(' '),
        "{rendered:?} is empty or has an outer space"
    );
    assert_eq!(
        Scope::parse(&rendered).as_ref(),
        Ok(&scope),
        "{rendered:?} does not re-parse to the same scope"
    );

    // The set is the input's tokens, sorted and without repeats.
    let mut expected = tokens;
    expected.sort_unstable();
    expected.dedup();
    assert_eq!(scope.iter().collect::<Vec<_>>(), expected);
    assert!(expected.iter().all(|t| scope.contains(t)));
    assert!(scope.is_subset_of(&scope) && !scope.is_empty());

    // The serde form is the rendered string.
    let json = serde_json::to_string(&scope).expect("a scope serializes");
    assert_eq!(json, serde_json::Value::from(rendered).to_string());
    let back: Scope = serde_json::from_str(&json).expect("a scope deserializes");
    assert_eq!(back, scope);
    true
}
