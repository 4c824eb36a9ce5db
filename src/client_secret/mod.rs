//! Client secrets (RFC 6749 2.3.1): how a confidential client's secret is
//! stored, checked, generated and rotated.
//!
//! A host stores a [`SecretVerifier`], never the secret: HMAC-SHA256 keyed
//! by a [`Pepper`] that lives in the configuration ([`ClientSecrets`]), over
//! the client id and the secret's SHA-256. A leaked client table is then
//! useless without the pepper (no dictionary lookup of `your_client_secret`),
//! and two clients with one secret have different verifiers. With the
//! `pbkdf2` cargo feature a verifier may also be slow (PBKDF2-HMAC-SHA256),
//! for secrets people chose: a leaked table *and* pepper then cost an
//! attacker that many iterations per guess and client.
//!
//! Peppers have ids, written into each verifier: a new pepper becomes
//! current while the old one is kept as retired until no verifier names it.
//! A table of unkeyed SHA-256 digests (the format before peppers) upgrades
//! in place with [`ClientSecrets::upgrade`]. [`generate`] makes secrets of
//! 256 bits from the host's entropy.

pub(crate) mod client_secrets;
pub(crate) mod generate;
pub(crate) mod pepper;
pub(crate) mod verifier;

pub use client_secrets::{
    ClientSecrets, RECOMMENDED_MINIMUM_LENGTH, RECOMMENDED_PBKDF2_ITERATIONS,
};
pub use generate::generate;
pub use pepper::{MAX_PEPPER_ID_LEN, Pepper};
pub use verifier::{MAX_PBKDF2_ITERATIONS, MIN_PBKDF2_ITERATIONS, SecretVerifier, VerifierKind};
