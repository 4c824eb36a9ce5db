//! Randomness for RSA blinding without an RNG: a keyed stream, in the
//! spirit of RFC 6979's deterministic nonces. Blinding hides the private
//! operation's timing from whoever chooses the message; it must be
//! unpredictable to them, not fresh. Here it is HMAC-SHA256 under a key
//! derived from the private exponent, over the message digest and a
//! counter: no one without the private key can predict it, and src/ draws
//! no OS randomness. The signature itself does not depend on it.

use core::convert::Infallible;

use hmac::{KeyInit, Mac};
use rsa::rand_core::{TryCryptoRng, TryRng};
use sha2::{Digest, Sha256};

use crate::mint::keys::HmacSha256;

/// The key of a private key's blinding streams: a keyed HMAC state, wiped
/// on drop (the `rs256` feature turns on `hmac`'s and `sha2`'s zeroize).
#[derive(Clone)]
pub(crate) struct BlindingKey {
    mac: HmacSha256,
}

impl BlindingKey {
    /// The key for the private exponent `d` (big-endian): SHA-256 of a
    /// label and `d`, so it is secret exactly when the key is.
    pub(crate) fn for_exponent(d: &[u8]) -> Option<BlindingKey> {
        let seed = Sha256::new()
            .chain_update(b"grant-engine rs256 blinding v1")
            .chain_update(d)
            .finalize();
        let mac = HmacSha256::new_from_slice(&seed).ok()?;
        Some(BlindingKey { mac })
    }

    /// The stream for signing the message with SHA-256 digest `digest`.
    pub(crate) fn stream(&self, digest: &[u8]) -> BlindingStream {
        BlindingStream {
            mac: self.mac.clone().chain_update(digest),
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }
}

/// HMAC(key, digest ‖ counter) for counter 0, 1, 2, ..., as bytes.
pub(crate) struct BlindingStream {
    mac: HmacSha256,
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl BlindingStream {
    fn next_byte(&mut self) -> u8 {
        if self.used >= self.block.len() {
            let block = self.mac.clone().chain_update(self.counter.to_be_bytes());
            self.block = block.finalize().into_bytes().into();
            self.counter = self.counter.wrapping_add(1);
            self.used = 0;
        }
        let byte = self.block.get(self.used).copied().unwrap_or_default();
        self.used = self.used.saturating_add(1);
        byte
    }
}

impl TryRng for BlindingStream {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Infallible> {
        for byte in dest.iter_mut() {
            *byte = self.next_byte();
        }
        Ok(())
    }
}

impl TryCryptoRng for BlindingStream {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_depends_on_the_key_and_the_message_and_never_repeats_a_block() {
        let key = BlindingKey::for_exponent(b"d one").unwrap();
        let other = BlindingKey::for_exponent(b"d two").unwrap();
        let draw = |key: &BlindingKey, digest: &[u8]| {
            let mut bytes = [0u8; 96];
            key.stream(digest).try_fill_bytes(&mut bytes).unwrap();
            bytes
        };
        let bytes = draw(&key, b"message");
        assert_eq!(bytes, draw(&key, b"message"));
        assert_ne!(bytes, draw(&key, b"another"));
        assert_ne!(bytes, draw(&other, b"message"));
        assert_ne!(bytes[..32], bytes[32..64]);
        let mut expected = HmacSha256::new_from_slice(
            &Sha256::new()
                .chain_update(b"grant-engine rs256 blinding v1")
                .chain_update(b"d one")
                .finalize(),
        )
        .unwrap();
        expected.update(b"message");
        expected.update(&1u64.to_be_bytes());
        assert_eq!(bytes[32..64], expected.finalize().into_bytes()[..]);
    }
}
