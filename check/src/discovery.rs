//! Where a server's endpoints are: from the configuration, else from its
//! metadata (RFC 8414 3).

use crate::config;
use crate::http::{Reply, Request, Transport};

/// The endpoints of one server, as absolute URLs.
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// The base URL, without a trailing `/`.
    pub base: String,
    /// The issuer the metadata was fetched for (the configured one, else
    /// the base URL): the metadata's `issuer` must be exactly this.
    pub expected_issuer: String,
    /// The authorization endpoint.
    pub authorization: Option<String>,
    /// The token endpoint.
    pub token: String,
    /// The revocation endpoint.
    pub revocation: Option<String>,
    /// The introspection endpoint.
    pub introspection: Option<String>,
    /// The protected resource.
    pub resource: Option<String>,
    /// The metadata response, if the server answered the metadata request
    /// with a JSON object.
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// What the metadata request got, for the metadata checks.
    pub metadata_reply: Reply,
}

/// The metadata URL of an issuer: the well-known suffix goes between the
/// host and the issuer's path (RFC 8414 3.1).
pub fn metadata_url(issuer: &str) -> String {
    let after_scheme = issuer.find("://").map_or(0, |i| i + 3);
    let path_start = issuer
        .get(after_scheme..)
        .and_then(|rest| rest.find('/'))
        .map_or(issuer.len(), |i| after_scheme + i);
    let (origin, path) = issuer.split_at(path_start);
    let path = path.trim_end_matches('/');
    format!("{origin}/.well-known/oauth-authorization-server{path}")
}

/// An absolute URL, or a path taken relative to `base`.
pub fn absolute(base: &str, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        url.to_owned()
    } else {
        format!("{base}/{}", url.trim_start_matches('/'))
    }
}

/// Reads the metadata and combines it with the configured endpoints (the
/// configuration wins).
pub async fn discover(
    transport: &dyn Transport,
    base: &str,
    configured: &config::Endpoints,
    resource: Option<&str>,
) -> Result<Endpoints, String> {
    let base = base.trim_end_matches('/').to_owned();
    let issuer_guess = configured.issuer.clone().unwrap_or_else(|| base.clone());
    let metadata_reply = transport
        .send(Request::get(metadata_url(&issuer_guess)))
        .await;
    let metadata = (metadata_reply.status == 200)
        .then(|| metadata_reply.json())
        .flatten();
    let from_metadata = |member: &str| {
        let value = metadata.as_ref()?.get(member)?.as_str()?;
        Some(value.to_owned())
    };
    let pick = |configured: &Option<String>, member: &str| match configured {
        Some(url) => Some(absolute(&base, url)),
        None => from_metadata(member),
    };
    let token = pick(&configured.token, "token_endpoint").ok_or_else(|| {
        format!(
            "no token endpoint: configure endpoints.token, or serve metadata at {} (got status {})",
            metadata_url(&issuer_guess),
            metadata_reply.status
        )
    })?;
    Ok(Endpoints {
        authorization: pick(&configured.authorization, "authorization_endpoint"),
        token,
        revocation: pick(&configured.revocation, "revocation_endpoint"),
        introspection: pick(&configured.introspection, "introspection_endpoint"),
        resource: resource.map(|path| absolute(&base, path)),
        expected_issuer: issuer_guess,
        base,
        metadata,
        metadata_reply,
    })
}
