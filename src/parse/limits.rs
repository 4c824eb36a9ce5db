//! How much of an untrusted body or query the parsers read.

/// Limits on what the engine reads from an untrusted body or query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseLimits {
    /// Largest accepted body in bytes (default 16 KiB).
    pub max_body_bytes: usize,
    /// Most `name=value` pairs accepted (default 32).
    pub max_params: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_body_bytes: 16 * 1024,
            max_params: 32,
        }
    }
}
