//! The request value of a form-POST endpoint: what parsing gave (the
//! request, or the error it ends in at once), ready to start any number of
//! runs.

/// Declares `$name`, the request value of a form-POST endpoint whose
/// parser `$parse` turns [`RequestParts`](crate::RequestParts) into a
/// `$parsed` or a `$error`: `$name::parse`, `$name::request`, and
/// `From<$parsed>` for a host that parsed already.
macro_rules! form_post_request {
    ($(#[$doc:meta])* $name:ident, $parsed:ty, $error:ty, $parse:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            request: Result<$parsed, $error>,
        }

        impl $name {
            /// Parses `parts` with the configuration's limits.
            pub fn parse(
                parts: &crate::parse::request_parts::RequestParts<'_>,
                config: &crate::config::config::Config,
            ) -> $name {
                $name {
                    request: $parse(parts, config.limits()),
                }
            }

            /// The parsed request, or why it did not parse.
            pub fn request(&self) -> Result<&$parsed, &$error> {
                self.request.as_ref()
            }
        }

        impl From<$parsed> for $name {
            fn from(request: $parsed) -> $name {
                $name {
                    request: Ok(request),
                }
            }
        }

        impl crate::machine::endpoint::sealed::Sealed for $name {}
    };
}
pub(crate) use form_post_request;
