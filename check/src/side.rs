//! One server as the scenarios talk to it: its endpoints, its clients, and
//! the requests of the protocol.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use crate::config::{AuthorizeMode, CheckConfig, ClientConfig};
use crate::discovery::Endpoints;
use crate::http::{Reply, Request, Transport};

/// How a request authenticates its client.
#[derive(Debug, Clone, Copy)]
pub enum Auth<'a> {
    /// As the client is configured to (Basic or the body; a public client
    /// sends its `client_id` alone).
    Client(&'a ClientConfig),
    /// HTTP Basic with this id and secret.
    Basic(&'a str, &'a str),
    /// `client_id` and `client_secret` in the body.
    Post(&'a str, &'a str),
    /// `client_id` alone in the body.
    IdOnly(&'a str),
    /// No client authentication at all.
    Nothing,
}

/// Where an authorization request ended.
#[derive(Debug, Clone)]
pub enum Authorized {
    /// A redirect: to the client's redirect URI or elsewhere.
    Redirect {
        /// Whether it goes to the redirect URI the request named.
        to_client: bool,
        /// The query parameters.
        query: BTreeMap<String, String>,
        /// The fragment parameters.
        fragment: BTreeMap<String, String>,
    },
    /// No redirect: the status (0 when no response came) and a description.
    Stayed(u16, String),
}

/// A code and what its redemption needs.
#[derive(Debug, Clone)]
pub struct Code {
    /// The code.
    pub code: String,
    /// The PKCE verifier, if a challenge was sent.
    pub verifier: Option<String>,
    /// The redirect URI of the request.
    pub redirect_uri: String,
}

/// A server under test or the reference.
pub struct Side<'a> {
    /// `server` or `reference`.
    pub name: &'static str,
    /// Its transport.
    pub transport: &'a dyn Transport,
    /// Its endpoints.
    pub endpoints: Endpoints,
    /// The configuration (the same clients on both sides).
    pub config: &'a CheckConfig,
    /// How this side approves authorization requests.
    pub authorize_mode: AuthorizeMode,
    counter: AtomicU64,
    nonce: String,
}

impl Code {
    /// The fields of its redemption (RFC 6749 4.1.3, RFC 7636 4.5).
    pub fn fields(&self) -> Vec<(&str, &str)> {
        let mut fields = vec![
            ("grant_type", "authorization_code"),
            ("code", self.code.as_str()),
            ("redirect_uri", self.redirect_uri.as_str()),
        ];
        if let Some(verifier) = &self.verifier {
            fields.push(("code_verifier", verifier));
        }
        fields
    }
}

fn form_encoded(value: &str) -> String {
    let pair = serde_urlencoded::to_string([("", value)]).unwrap_or_default();
    pair.strip_prefix('=').unwrap_or_default().to_owned()
}

/// `Authorization: Basic` as RFC 6749 2.3.1 has it: id and secret each
/// form-urlencoded, then base64.
pub fn basic(id: &str, secret: &str) -> String {
    let pair = format!("{}:{}", form_encoded(id), form_encoded(secret));
    format!("Basic {}", STANDARD.encode(pair))
}

/// The S256 challenge of a verifier (RFC 7636 4.2).
pub fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn pairs(text: &str) -> BTreeMap<String, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(text)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

impl<'a> Side<'a> {
    /// A side; `nonce` makes its states and verifiers unique to the run.
    pub fn new(
        name: &'static str,
        transport: &'a dyn Transport,
        endpoints: Endpoints,
        config: &'a CheckConfig,
        authorize_mode: AuthorizeMode,
        nonce: &str,
    ) -> Side<'a> {
        Side {
            name,
            transport,
            endpoints,
            config,
            authorize_mode,
            counter: AtomicU64::new(0),
            nonce: nonce.to_owned(),
        }
    }

    /// A value no earlier request of the run used: 43 base64url
    /// characters, so also a valid PKCE verifier.
    pub fn unique(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let digest = Sha256::new()
            .chain_update(self.nonce.as_bytes())
            .chain_update(self.name.as_bytes())
            .chain_update(n.to_be_bytes())
            .finalize();
        URL_SAFE_NO_PAD.encode(digest)
    }

    /// Sends a request.
    pub async fn send(&self, request: Request) -> Reply {
        self.transport.send(request).await
    }

    /// A form POST to `url`, authenticated as `auth` says.
    pub fn post(&self, url: &str, auth: Auth<'_>, fields: &[(&str, &str)]) -> Request {
        let mut fields = fields.to_vec();
        let mut header = None;
        match auth {
            Auth::Client(client) => match (&client.secret, client.auth_method.as_str()) {
                (None, _) => fields.push(("client_id", &client.id)),
                (Some(secret), "client_secret_post") => {
                    fields.push(("client_id", &client.id));
                    fields.push(("client_secret", secret));
                }
                (Some(secret), _) => header = Some(basic(&client.id, secret)),
            },
            Auth::Basic(id, secret) => header = Some(basic(id, secret)),
            Auth::Post(id, secret) => {
                fields.push(("client_id", id));
                fields.push(("client_secret", secret));
            }
            Auth::IdOnly(id) => fields.push(("client_id", id)),
            Auth::Nothing => {}
        }
        let request = Request::form(url, &fields);
        match header {
            Some(value) => request.header("authorization", value),
            None => request,
        }
    }

    /// A token request.
    pub async fn token(&self, auth: Auth<'_>, fields: &[(&str, &str)]) -> Reply {
        let request = self.post(&self.endpoints.token, auth, fields);
        self.send(request).await
    }

    /// Redeems a code as `client`.
    pub async fn exchange(&self, client: &ClientConfig, code: &Code) -> Reply {
        self.token(Auth::Client(client), &code.fields()).await
    }

    /// Tokens from a fresh code of `client`, their access token then
    /// revoked by `client` (whatever the revocation answers).
    pub async fn revoked_access(&self, client: &ClientConfig) -> Result<String, String> {
        let issued = self.code_tokens(client, true).await?;
        let fields = [
            ("token", issued.access.as_str()),
            ("token_type_hint", "access_token"),
        ];
        let _ = self.revoke(Auth::Client(client), &fields).await;
        Ok(issued.access)
    }

    /// Refreshes as `client`, with an optional scope.
    pub async fn refresh(&self, client: &ClientConfig, token: &str, scope: Option<&str>) -> Reply {
        let mut fields = vec![("grant_type", "refresh_token"), ("refresh_token", token)];
        if let Some(scope) = scope {
            fields.push(("scope", scope));
        }
        self.token(Auth::Client(client), &fields).await
    }

    /// A revocation request, or `None` when the server has no endpoint.
    pub async fn revoke(&self, auth: Auth<'_>, fields: &[(&str, &str)]) -> Option<Reply> {
        let url = self.endpoints.revocation.as_deref()?;
        Some(self.send(self.post(url, auth, fields)).await)
    }

    /// An introspection request, or `None` when there is no endpoint.
    pub async fn introspect(&self, auth: Auth<'_>, fields: &[(&str, &str)]) -> Option<Reply> {
        let url = self.endpoints.introspection.as_deref()?;
        Some(self.send(self.post(url, auth, fields)).await)
    }

    /// Whether an access token is active, asked by the introspector role
    /// (or else by `owner`); `None` without an introspection endpoint or
    /// when the answer is no introspection answer.
    pub async fn active(&self, owner: &ClientConfig, token: &str) -> Option<bool> {
        let asker = self.config.clients.introspector.as_ref().unwrap_or(owner);
        let reply = self
            .introspect(Auth::Client(asker), &[("token", token)])
            .await?;
        if reply.status != 200 {
            return None;
        }
        reply.json()?.get("active")?.as_bool()
    }

    /// A GET of the protected resource, or `None` when none is configured.
    pub async fn resource(&self, authorization: Option<&str>) -> Option<Reply> {
        let url = self.endpoints.resource.as_deref()?;
        let mut request = Request::get(url);
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        Some(self.send(request).await)
    }

    /// Sends an authorization request with these parameters and reports
    /// where it ended; `redirect_uri` is where the client expects it.
    pub async fn authorize(&self, params: &[(&str, &str)], redirect_uri: &str) -> Authorized {
        let Some(endpoint) = &self.endpoints.authorization else {
            return Authorized::Stayed(0, String::from("no authorization endpoint"));
        };
        let query = serde_urlencoded::to_string(params).unwrap_or_default();
        let url = format!(
            "{endpoint}{}{query}",
            if endpoint.contains('?') { '&' } else { '?' }
        );
        let location = match &self.authorize_mode {
            AuthorizeMode::Redirect => {
                let reply = self.send(Request::get(url)).await;
                match reply.header("location") {
                    Some(location) if (300..400).contains(&reply.status) => location.to_owned(),
                    _ => return Authorized::Stayed(reply.status, crate::judge::describe(&reply)),
                }
            }
            AuthorizeMode::Command { argv } => match crate::login::run(argv, &url).await {
                Ok(Some(location)) => location,
                Ok(None) => {
                    return Authorized::Stayed(0, String::from("the login ended elsewhere"));
                }
                Err(why) => return Authorized::Stayed(0, why),
            },
        };
        let (rest, fragment) = location.split_once('#').unwrap_or((&location, ""));
        let (target, query) = rest.split_once('?').unwrap_or((rest, ""));
        let expected = redirect_uri.split('?').next().unwrap_or_default();
        Authorized::Redirect {
            to_client: target == expected,
            query: pairs(query),
            fragment: pairs(fragment),
        }
    }

    /// The parameters of a valid authorization request of `client`.
    pub fn code_request(&self, client: &ClientConfig, state: &str) -> Vec<(String, String)> {
        vec![
            (String::from("response_type"), String::from("code")),
            (String::from("client_id"), client.id.clone()),
            (
                String::from("redirect_uri"),
                client.redirect_uri.clone().unwrap_or_default(),
            ),
            (String::from("scope"), client.scope.clone()),
            (String::from("state"), state.to_owned()),
        ]
    }

    /// Obtains a code for `client` with `scope` (default: all of its
    /// scopes), with an S256 challenge when `pkce`.
    pub async fn code(
        &self,
        client: &ClientConfig,
        pkce: bool,
        scope: Option<&str>,
    ) -> Result<Code, String> {
        let verifier = pkce.then(|| self.unique());
        self.code_for(client, verifier, scope).await
    }

    /// Obtains a code whose S256 challenge is that of `verifier` (none
    /// without one).
    pub async fn code_for(
        &self,
        client: &ClientConfig,
        verifier: Option<String>,
        scope: Option<&str>,
    ) -> Result<Code, String> {
        let state = self.unique();
        let mut params = self.code_request(client, &state);
        if let Some(scope) = scope {
            params.retain(|(n, _)| n != "scope");
            params.push((String::from("scope"), scope.to_owned()));
        }
        if let Some(verifier) = &verifier {
            params.push((String::from("code_challenge"), s256(verifier)));
            params.push((String::from("code_challenge_method"), String::from("S256")));
        }
        let redirect_uri = client.redirect_uri.clone().unwrap_or_default();
        let borrowed: Vec<(&str, &str)> = params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        match self.authorize(&borrowed, &redirect_uri).await {
            Authorized::Redirect {
                to_client: true,
                query,
                ..
            } => match query.get("code") {
                Some(code) if query.get("state") == Some(&state) => Ok(Code {
                    code: code.clone(),
                    verifier,
                    redirect_uri,
                }),
                Some(_) => Err(String::from("the redirect did not echo the state")),
                None => Err(format!(
                    "no code in the redirect (error {})",
                    query.get("error").map_or("none", String::as_str)
                )),
            },
            Authorized::Redirect { .. } => {
                Err(String::from("redirected elsewhere than the redirect_uri"))
            }
            Authorized::Stayed(status, what) => {
                Err(format!("no redirect: {what} (status {status})"))
            }
        }
    }

    /// A code for `client`, redeemed: its tokens, or why there are none.
    pub async fn code_tokens(
        &self,
        client: &ClientConfig,
        pkce: bool,
    ) -> Result<crate::judge::Tokens, String> {
        let code = self
            .code(client, pkce, None)
            .await
            .map_err(|e| format!("no code: {e}"))?;
        crate::judge::tokens(&self.exchange(client, &code).await)
            .map_err(|e| format!("no tokens: {e}"))
    }
}
