//! The JWS algorithms an access token may be signed with (RFC 7518 3.1,
//! RFC 8037 3.1). Every key is pinned to one: a token is checked only with
//! a key of the algorithm its header names, so an HS256 token "signed" with
//! a public key is refused (algorithm confusion).

/// A JWS `alg`. The names exist whatever the cargo features; signing and
/// verifying ES256, EdDSA or RS256 needs the `es256`, `eddsa` or `rs256`
/// feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA256 (RFC 7518 3.2): a shared secret.
    Hs256,
    /// ECDSA P-256 with SHA-256 (RFC 7518 3.4), RFC 6979 deterministic.
    Es256,
    /// Ed25519 (RFC 8037 3.1).
    EdDsa,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 3.3).
    Rs256,
}

impl Algorithm {
    /// The `alg` header value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::Hs256 => "HS256",
            Algorithm::Es256 => "ES256",
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Rs256 => "RS256",
        }
    }

    /// The algorithm named `name`, exactly (JWS names are case-sensitive).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        [
            Algorithm::Hs256,
            Algorithm::Es256,
            Algorithm::EdDsa,
            Algorithm::Rs256,
        ]
        .into_iter()
        .find(|a| a.as_str() == name)
    }
}
