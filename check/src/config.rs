//! The checker's configuration file: the server's clients by role, how a
//! code is obtained, where the endpoints are.
//!
//! ```json
//! {
//!   "clients": {
//!     "confidential": { "id": "web", "secret": "s3cret", "redirect_uri": "https://app.example/cb",
//!                       "scope": "read write",
//!                       "grants": ["authorization_code", "refresh_token", "client_credentials"] },
//!     "public":       { "id": "spa", "redirect_uri": "https://app.example/cb", "scope": "read write",
//!                       "grants": ["authorization_code", "refresh_token"] },
//!     "machine":      { "id": "m2m", "secret": "m2m-secret", "scope": "read",
//!                       "grants": ["client_credentials"], "forbidden_scope": "write" }
//!   },
//!   "authorize": { "mode": "redirect" },
//!   "resource": { "path": "/api/me", "scope": "read" }
//! }
//! ```

use serde::Deserialize;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// The clients the server has registered, by the role they play.
    pub clients: Clients,
    /// How the checker obtains an authorization code.
    #[serde(default)]
    pub authorize: AuthorizeMode,
    /// The endpoints; any left out are read from the server's metadata
    /// (RFC 8414) at `/.well-known/oauth-authorization-server`.
    #[serde(default)]
    pub endpoints: Endpoints,
    /// A resource protected by bearer tokens, if the server has one.
    #[serde(default)]
    pub resource: Option<Resource>,
    /// The server's refresh-token grace period in seconds (default 0):
    /// within it a rotated-out token may legitimately work again.
    #[serde(default)]
    pub refresh_grace_seconds: u64,
    /// Whether the server requires PKCE of confidential clients too (then
    /// the downgrade check has no code without a challenge to try).
    #[serde(default)]
    pub pkce_required_for_all: bool,
    /// How many requests the race checks send at once (default 8).
    #[serde(default = "default_race_width")]
    pub race_width: usize,
}

fn default_race_width() -> usize {
    8
}

/// The clients by role. Only `confidential` is required; the checks that
/// need a missing role are skipped.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clients {
    /// A confidential client with `authorization_code` (and preferably
    /// `refresh_token` and `client_credentials`), two scopes or more.
    pub confidential: ClientConfig,
    /// A public client (no secret) with `authorization_code` and
    /// `refresh_token`.
    #[serde(default)]
    pub public: Option<ClientConfig>,
    /// A confidential client with `client_credentials`, and a scope it may
    /// not have (`forbidden_scope`).
    #[serde(default)]
    pub machine: Option<ClientConfig>,
    /// A client that may introspect every token (a resource server); when
    /// absent, clients introspect their own tokens.
    #[serde(default)]
    pub introspector: Option<ClientConfig>,
}

/// One registered client.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// The client id.
    pub id: String,
    /// The secret; none for a public client.
    #[serde(default)]
    pub secret: Option<String>,
    /// The registered redirect URI, for clients with `authorization_code`.
    #[serde(default)]
    pub redirect_uri: Option<String>,
    /// The scopes the client may have, space-separated.
    #[serde(default)]
    pub scope: String,
    /// The grant types the client may use.
    #[serde(default)]
    pub grants: Vec<String>,
    /// How it authenticates: `client_secret_basic` (the default, which
    /// every server must support, RFC 6749 2.3.1) or `client_secret_post`.
    #[serde(default = "default_auth_method")]
    pub auth_method: String,
    /// A scope the server has but this client may not have.
    #[serde(default)]
    pub forbidden_scope: Option<String>,
}

fn default_auth_method() -> String {
    String::from("client_secret_basic")
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("id", &self.id)
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("redirect_uri", &self.redirect_uri)
            .field("scope", &self.scope)
            .field("grants", &self.grants)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// Whether the client may use a grant type.
    pub fn allows(&self, grant: &str) -> bool {
        self.grants.iter().any(|g| g == grant)
    }

    /// The client's scopes, in the configured order.
    pub fn scopes(&self) -> Vec<&str> {
        self.scope.split(' ').filter(|s| !s.is_empty()).collect()
    }
}

/// How the checker obtains an authorization code.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthorizeMode {
    /// A GET of the authorization URL answers the redirect at once (a test
    /// server that approves every valid request).
    #[default]
    Redirect,
    /// A command that performs the login: it gets the authorization URL as
    /// its last argument and prints the URL the browser was redirected to
    /// (or, when no redirect happened, nothing) as its last line.
    Command {
        /// The program and its first arguments.
        argv: Vec<String>,
    },
}

/// Endpoint URLs, absolute or relative to the base URL.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    /// The issuer identifier.
    pub issuer: Option<String>,
    /// The authorization endpoint.
    pub authorization: Option<String>,
    /// The token endpoint.
    pub token: Option<String>,
    /// The revocation endpoint (RFC 7009).
    pub revocation: Option<String>,
    /// The introspection endpoint (RFC 7662).
    pub introspection: Option<String>,
}

/// A protected resource.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// Its URL, absolute or relative to the base URL (a GET).
    pub path: String,
    /// The scope it requires, if any.
    #[serde(default)]
    pub scope: Option<String>,
}

impl CheckConfig {
    /// Parses and validates a configuration file's text.
    pub fn parse(text: &str) -> Result<CheckConfig, String> {
        let config: CheckConfig =
            serde_json::from_str(text).map_err(|e| format!("the configuration: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        let clients = &self.clients;
        let confidential = &clients.confidential;
        if confidential.secret.is_none() {
            return Err("clients.confidential needs a secret".into());
        }
        if confidential.allows("authorization_code") && confidential.redirect_uri.is_none() {
            return Err("clients.confidential needs a redirect_uri".into());
        }
        if let Some(public) = &clients.public {
            if public.secret.is_some() {
                return Err("clients.public must have no secret".into());
            }
            if public.redirect_uri.is_none() {
                return Err("clients.public needs a redirect_uri".into());
            }
        }
        for client in [&clients.machine, &clients.introspector]
            .into_iter()
            .flatten()
        {
            if client.secret.is_none() {
                return Err(format!("client {} needs a secret", client.id));
            }
        }
        let all = [
            Some(confidential),
            clients.public.as_ref(),
            clients.machine.as_ref(),
        ];
        for client in all.into_iter().flatten() {
            let method = client.auth_method.as_str();
            if method != "client_secret_basic" && method != "client_secret_post" {
                return Err(format!(
                    "client {}: unknown auth_method {method}",
                    client.id
                ));
            }
        }
        if self.race_width < 2 || self.race_width > 64 {
            return Err("race_width must be 2 to 64".into());
        }
        Ok(())
    }
}
