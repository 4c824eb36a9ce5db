//! Storage: the records a host keeps, the [`Effect`]s that change them and
//! what each expects of the stored state (the store contract), the blocking
//! [`Store`] and [`AsyncStore`] traits the drivers answer questions from,
//! and [`MemoryStore`].
//!
//! Codes and refresh tokens appear only as SHA-256 digests, client secrets
//! only as [`SecretVerifier`](crate::client_secret::SecretVerifier)s keyed
//! by the configuration's pepper. Every record
//! serializes with serde, so a host may keep them as JSON if it likes.

pub(crate) mod async_store;
pub(crate) mod client_record;
pub(crate) mod code_record;
pub(crate) mod effect;
pub(crate) mod expectation;
pub(crate) mod memory;
pub(crate) mod refresh_token_record;
#[allow(clippy::module_inception)] // `store::store` defines `Store`.
pub(crate) mod store;

pub use async_store::AsyncStore;
pub use client_record::ClientRecord;
pub use code_record::{CodeRecord, CodeState, PkceChallenge};
pub use effect::Effect;
pub use expectation::{ApplyError, Conflict, Expectation};
pub use memory::MemoryStore;
pub use refresh_token_record::{RefreshTokenRecord, RefreshTokenState};
pub use store::Store;
