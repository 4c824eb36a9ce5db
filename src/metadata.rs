//! The public discovery documents: authorization server metadata (RFC 8414),
//! derived from the configuration so that it can never advertise what the
//! engine does not accept, and the JWK Set its `jwks_uri` names.

use serde::Serialize;

use crate::config::config::Config;
use crate::mint::jwk_set::jwk_set;
use crate::render::http_response::HttpResponse;
use crate::values::grant_type::GrantType;
use crate::values::scope::Scope;

/// Where the host serves each endpoint (absolute URLs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrls {
    /// `GET` authorization endpoint, e.g. `https://as.example/oauth/authorize`.
    pub authorization: String,
    /// `POST` token endpoint.
    pub token: String,
    /// `POST` revocation endpoint (RFC 7009).
    pub revocation: String,
    /// `POST` introspection endpoint (RFC 7662).
    pub introspection: String,
    /// The JWK Set (RFC 7517 5), advertised as `jwks_uri` when the key
    /// ring holds a public key.
    pub jwks: String,
}

impl EndpointUrls {
    /// The conventional paths under `base` (`/oauth/authorize`,
    /// `/oauth/token`, `/oauth/revoke`, `/oauth/introspect`,
    /// `/.well-known/jwks.json`).
    pub fn under(base: &str) -> EndpointUrls {
        let base = base.trim_end_matches('/');
        EndpointUrls {
            authorization: format!("{base}/oauth/authorize"),
            token: format!("{base}/oauth/token"),
            revocation: format!("{base}/oauth/revoke"),
            introspection: format!("{base}/oauth/introspect"),
            jwks: format!("{base}/.well-known/jwks.json"),
        }
    }
}

#[derive(Serialize)]
struct Document<'a> {
    issuer: &'a str,
    authorization_endpoint: &'a str,
    token_endpoint: &'a str,
    revocation_endpoint: &'a str,
    introspection_endpoint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    jwks_uri: Option<&'a str>,
    grant_types_supported: Vec<&'static str>,
    response_types_supported: [&'static str; 1],
    response_modes_supported: [&'static str; 1],
    token_endpoint_auth_methods_supported: [&'static str; 3],
    revocation_endpoint_auth_methods_supported: [&'static str; 3],
    introspection_endpoint_auth_methods_supported: [&'static str; 2],
    code_challenge_methods_supported: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scopes_supported: Vec<&'a str>,
    authorization_response_iss_parameter_supported: bool,
}

/// The metadata document as a `200 application/json` response, for
/// `GET /.well-known/oauth-authorization-server`. Implicit and password
/// grants are never advertised because the engine has neither.
///
/// ```
/// use grant_engine::*;
/// let keys = KeyRing::new(HmacKey::new("k1", &[1u8; 32]).unwrap());
/// let config = Config::new("https://as.example", "https://api.example", keys);
/// let response = metadata_document(&config, &EndpointUrls::under("https://as.example"), &Scope::parse("read write").unwrap());
/// let json: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
/// assert_eq!(json["issuer"], "https://as.example");
/// assert_eq!(json["code_challenge_methods_supported"], serde_json::json!(["S256"]));
/// assert_eq!(json["response_types_supported"], serde_json::json!(["code"]));
/// ```
pub fn metadata_document(
    config: &Config,
    endpoints: &EndpointUrls,
    scopes_supported: &Scope,
) -> HttpResponse {
    let mut challenge_methods = vec!["S256"];
    if config.pkce().allow_plain {
        challenge_methods.push("plain");
    }
    let document = Document {
        issuer: config.issuer(),
        authorization_endpoint: &endpoints.authorization,
        token_endpoint: &endpoints.token,
        revocation_endpoint: &endpoints.revocation,
        introspection_endpoint: &endpoints.introspection,
        jwks_uri: config
            .keys()
            .keys()
            .iter()
            .any(|k| k.public_jwk().is_some())
            .then_some(endpoints.jwks.as_str()),
        grant_types_supported: GrantType::ALL.iter().map(|g| g.as_str()).collect(),
        response_types_supported: ["code"],
        response_modes_supported: ["query"],
        token_endpoint_auth_methods_supported: [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        revocation_endpoint_auth_methods_supported: [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        introspection_endpoint_auth_methods_supported: [
            "client_secret_basic",
            "client_secret_post",
        ],
        code_challenge_methods_supported: challenge_methods,
        scopes_supported: scopes_supported.iter().collect(),
        authorization_response_iss_parameter_supported: true,
    };
    let mut response =
        HttpResponse::no_store_json(200, serde_json::to_vec(&document).unwrap_or_default());
    // Metadata is public and cacheable, unlike token responses.
    response.headers.retain(|(name, _)| *name == "content-type");
    response
}

/// The JWK Set of the ring's public keys (RFC 7517 5) as a `200
/// application/json` response, for the `jwks_uri`: public and cacheable
/// like the metadata. Under HS256 alone it is `{"keys":[]}` (a secret is
/// never published) and the metadata names no `jwks_uri`.
///
/// ```
/// use grant_engine::metadata::jwk_set_document;
/// use grant_engine::{Config, HmacKey, KeyRing};
/// let keys = KeyRing::new(HmacKey::new("k1", &[1u8; 32]).unwrap());
/// let config = Config::new("https://as.example", "https://api.example", keys);
/// let response = jwk_set_document(&config);
/// assert_eq!((response.status, response.body_str()), (200, r#"{"keys":[]}"#));
/// assert_eq!(response.header("cache-control"), None);
/// ```
pub fn jwk_set_document(config: &Config) -> HttpResponse {
    let body = jwk_set(config.keys().keys()).into_bytes();
    let mut response = HttpResponse::no_store_json(200, body);
    response.headers.retain(|(name, _)| *name == "content-type");
    response
}
