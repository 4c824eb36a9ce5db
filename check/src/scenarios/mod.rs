//! The scenarios: flows, not single requests, each recording the verdicts
//! of the checks it covers. Every scenario runs once against the reference
//! and once against the server under test, each side with its own codes
//! and tokens.

pub mod authorize;
pub mod bearer;
pub mod client_auth;
pub mod client_credentials;
pub mod code;
pub mod hygiene;
pub mod introspection;
pub mod metadata;
pub mod pkce;
pub mod races;
pub mod refresh;
pub mod revocation;

use std::future::Future;
use std::pin::Pin;

use crate::config::ClientConfig;
use crate::observe::Observations;
use crate::side::Side;

/// A scenario's future.
pub type Running<'s> = Pin<Box<dyn Future<Output = Observations> + Send + 's>>;

/// A scenario.
pub type Scenario = for<'s, 'a> fn(&'s Side<'a>) -> Running<'s>;

/// Every scenario, in the order they run. The client-authentication
/// failures come last: a server that throttles them (RFC 6749 2.3.1) then
/// slows no other scenario.
pub const SCENARIOS: &[(&str, Scenario)] = &[
    ("metadata", |s| Box::pin(metadata::run(s))),
    ("hygiene", |s| Box::pin(hygiene::run(s))),
    ("client_credentials", |s| {
        Box::pin(client_credentials::run(s))
    }),
    ("authorize", |s| Box::pin(authorize::run(s))),
    ("code", |s| Box::pin(code::run(s))),
    ("pkce", |s| Box::pin(pkce::run(s))),
    ("refresh", |s| Box::pin(refresh::run(s))),
    ("revocation", |s| Box::pin(revocation::run(s))),
    ("introspection", |s| Box::pin(introspection::run(s))),
    ("bearer", |s| Box::pin(bearer::run(s))),
    ("races", |s| Box::pin(races::run(s))),
    ("client_auth", |s| Box::pin(client_auth::run(s))),
];

/// The client that uses `client_credentials`: the machine role, else the
/// confidential client when it may.
pub fn machine<'c>(side: &Side<'c>) -> Option<&'c ClientConfig> {
    let clients = &side.config.clients;
    clients
        .machine
        .as_ref()
        .filter(|c| c.allows("client_credentials"))
        .or_else(|| Some(&clients.confidential).filter(|c| c.allows("client_credentials")))
}

/// The confidential client, when it may use `authorization_code` and the
/// server has an authorization endpoint.
pub fn code_client<'c>(side: &Side<'c>) -> Option<&'c ClientConfig> {
    let confidential = &side.config.clients.confidential;
    (confidential.allows("authorization_code") && side.endpoints.authorization.is_some())
        .then_some(confidential)
}

/// The public client, when configured and the server has an
/// authorization endpoint.
pub fn public<'c>(side: &Side<'c>) -> Option<&'c ClientConfig> {
    side.config
        .clients
        .public
        .as_ref()
        .filter(|c| c.allows("authorization_code") && side.endpoints.authorization.is_some())
}
