//! Client secrets the server generates: 256 bits from the host's entropy.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::values::entropy::Entropy;
use crate::values::secret::ClientSecret;

/// Domain separation: a secret never equals a code or token derived from
/// the same entropy.
const LABEL: &[u8] = b"grant-engine generated client secret v1\0";

/// A new client secret: 43 base64url characters carrying the 256 bits of
/// `entropy` (fresh bytes from the OS RNG, one value per secret), well past
/// the 128 bits a secret needs. Hand it to the client once; store only
/// [`ClientSecrets::verifier`](crate::client_secret::ClientSecrets::verifier)'s
/// result.
///
/// ```
/// use grant_engine::client_secret::generate;
/// use grant_engine::values::Entropy;
/// let secret = generate(&Entropy::from_bytes([1; 32]));
/// assert_eq!(secret.expose_secret().len(), 43);
/// assert_ne!(secret, generate(&Entropy::from_bytes([2; 32])));
/// ```
pub fn generate(entropy: &Entropy) -> ClientSecret {
    let bytes = Sha256::new()
        .chain_update(LABEL)
        .chain_update(entropy.as_bytes())
        .finalize();
    ClientSecret::from_trusted(URL_SAFE_NO_PAD.encode(bytes))
}
