//! The refresh grace period (RFC 9700 4.14.2): how long after a rotation
//! the rotated-out token, replayed by the same client, still gets the same
//! successor (two tabs racing, a response lost), and the key that lets the
//! engine hand that successor out again without storing it.

use crate::errors::config::ConfigError;
use crate::mint::rotation_key::RotationKey;

/// The longest grace period (hardening): a thief replaying a stolen
/// rotated-out token gains at most this window once, and the next
/// collision revokes the family.
pub const MAX_REFRESH_GRACE: u64 = 60;

/// A grace period of 1 to [`MAX_REFRESH_GRACE`] seconds, with its
/// [`RotationKey`]. Without one ([`Config`](crate::Config)'s default) a
/// rotated-out token replayed at any time is reuse.
///
/// ```
/// use grant_engine::config::RefreshGrace;
/// use grant_engine::mint::RotationKey;
/// let key = RotationKey::new(&[9u8; 32]).unwrap();
/// assert_eq!(RefreshGrace::new(30, key.clone()).unwrap().seconds(), 30);
/// assert!(RefreshGrace::new(61, key.clone()).is_err());
/// assert!(RefreshGrace::new(0, key).is_err());
/// ```
#[derive(Debug, Clone)]
pub struct RefreshGrace {
    seconds: u64,
    key: RotationKey,
}

impl RefreshGrace {
    /// A grace period of `seconds`, refused unless 1 to
    /// [`MAX_REFRESH_GRACE`].
    pub fn new(seconds: u64, key: RotationKey) -> Result<RefreshGrace, ConfigError> {
        if !(1..=MAX_REFRESH_GRACE).contains(&seconds) {
            return Err(ConfigError::GraceOutOfRange {
                seconds,
                max: MAX_REFRESH_GRACE,
            });
        }
        Ok(RefreshGrace { seconds, key })
    }

    /// The window in seconds.
    pub fn seconds(&self) -> u64 {
        self.seconds
    }

    /// The key successors are derived with.
    pub(crate) fn key(&self) -> &RotationKey {
        &self.key
    }
}
