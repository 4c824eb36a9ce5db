//! The names of the request parameters the engine understands.
//!
//! Errors name a parameter through this enum rather than through the raw
//! input, so an error description can never echo what a client sent.

use core::fmt;

macro_rules! params {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)+) => {
        /// A request parameter known to the engine, by its RFC name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Param {
            $($(#[$doc])* $variant,)+
        }

        impl Param {
            /// Every known parameter, in declaration order.
            pub const ALL: &'static [Param] = &[$(Param::$variant,)+];

            /// The parameter's name as it appears on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Param::$variant => $name,)+
                }
            }

            /// The parameter with this wire name, if the engine knows it.
            pub fn from_name(name: &str) -> Option<Param> {
                match name {
                    $($name => Some(Param::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

params! {
    /// `grant_type` (RFC 6749 4.1.3, 4.4.2, 6).
    GrantType => "grant_type",
    /// `client_id` (RFC 6749 2.3.1, 4.1.1).
    ClientId => "client_id",
    /// `client_secret` (RFC 6749 2.3.1).
    ClientSecret => "client_secret",
    /// `code` (RFC 6749 4.1.3).
    Code => "code",
    /// `redirect_uri` (RFC 6749 4.1.1, 4.1.3).
    RedirectUri => "redirect_uri",
    /// `code_verifier` (RFC 7636 4.5).
    CodeVerifier => "code_verifier",
    /// `refresh_token` (RFC 6749 6).
    RefreshToken => "refresh_token",
    /// `scope` (RFC 6749 3.3).
    Scope => "scope",
    /// `response_type` (RFC 6749 4.1.1).
    ResponseType => "response_type",
    /// `state` (RFC 6749 4.1.1).
    State => "state",
    /// `code_challenge` (RFC 7636 4.3).
    CodeChallenge => "code_challenge",
    /// `code_challenge_method` (RFC 7636 4.3).
    CodeChallengeMethod => "code_challenge_method",
    /// `token` (RFC 7009 2.1, RFC 7662 2.1).
    Token => "token",
    /// `token_type_hint` (RFC 7009 2.1, RFC 7662 2.1).
    TokenTypeHint => "token_type_hint",
}

impl Param {
    /// The number of known parameters.
    pub const COUNT: usize = Param::ALL.len();

    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    pub(crate) const fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Param::ALL {
            assert_eq!(Param::from_name(p.as_str()), Some(*p));
        }
        assert_eq!(Param::from_name("nonsense"), None);
    }
}
