//! The clients the demo server seeds.

use std::error::Error;

use grant_engine::client_secret::ClientSecrets;
use grant_engine::values::ClientSecret;
use grant_engine::{ClientId, ClientRecord, GrantType, RedirectUri, Scope};

/// The demo's clients (the seed's platform's), secrets stored as verifiers
/// keyed by `secrets`' current pepper. Only `resource_server_id` may
/// introspect any token (the resource-server right, RFC 7662 2.1); every
/// other client, the engine's default, only its own.
pub fn demo_clients(
    secrets: &ClientSecrets,
) -> Result<Vec<ClientRecord>, Box<dyn Error + Send + Sync>> {
    let confidential = |id: &str, secret: &str| -> Result<_, Box<dyn Error + Send + Sync>> {
        let id = ClientId::new(id)?;
        let verifier = secrets.verifier(&id, &ClientSecret::new(secret)?)?;
        Ok(ClientRecord::confidential(id, verifier))
    };
    let callback = RedirectUri::new("https://your-app.com/callback")?;
    let read_write = Scope::parse("read write")?;
    let web = confidential("your_client_id", "your_client_secret")?
        .with_grant_types(&[
            GrantType::AuthorizationCode,
            GrantType::ClientCredentials,
            GrantType::RefreshToken,
        ])
        .with_scope(read_write.clone())
        .with_redirect_uri(callback.clone());
    // Public: PKCE is required by the engine's default policy.
    let public = ClientRecord::public(ClientId::new("public_client_id")?)
        .with_grant_types(&[GrantType::AuthorizationCode, GrantType::RefreshToken])
        .with_scope(read_write)
        .with_redirect_uri(callback);
    let m2m = confidential("m2m_client_id", "m2m_client_secret")?
        .with_grant_types(&[GrantType::ClientCredentials])
        .with_scope(Scope::parse("read")?);
    // A resource server: it only introspects, and obtains no tokens.
    let mut resource_server = confidential("resource_server_id", "resource_server_secret")?;
    resource_server.introspect_any = true;
    Ok(vec![web, public, m2m, resource_server])
}
