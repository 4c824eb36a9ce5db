//! The reference: grant-engine itself (through its oracle, a whole server
//! over a memory store), configured with the same clients as the server
//! under test, so that every scenario runs against both.

use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grant_engine::client_secret::{ClientSecrets, Pepper};
use grant_engine::store::ClientRecord;
use grant_engine::values::{ClientId, ClientSecret, GrantType, RedirectUri, Scope};
use grant_engine_oracle::fixture::{
    Fixture, FixtureConsent, FixtureKey, FixturePepper, FixtureSettings,
};
use grant_engine_oracle::oracle::Oracle;
use grant_engine_oracle::raw::RawRequest;

use crate::config::{CheckConfig, ClientConfig};
use crate::http::{Pending, Reply, Request, Transport};

/// The reference's issuer and base URL: a name that resolves nowhere.
pub const REFERENCE_BASE: &str = "https://reference.invalid";

const PEPPER_ID: &str = "reference";
const PEPPER: &[u8] = b"grant-engine-check reference pepper";
const SIGNING_SECRET: &[u8] = b"grant-engine-check reference signing key";

/// The reference server: answers in-process, one request at a time.
pub struct Reference {
    oracle: Mutex<Oracle>,
}

impl Reference {
    /// The engine with the configuration's clients, its clock at `now`.
    pub fn new(config: &CheckConfig, now: u64) -> Result<Reference, String> {
        let fixture = fixture(config, now)?;
        let oracle = Oracle::from_fixture(&fixture).map_err(|e| format!("the reference: {e}"))?;
        Ok(Reference {
            oracle: Mutex::new(oracle),
        })
    }

    fn answer(&self, request: &Request) -> Reply {
        let target = request
            .url
            .strip_prefix(REFERENCE_BASE)
            .filter(|rest| rest.starts_with('/'))
            .unwrap_or("/");
        let raw = RawRequest {
            method: request.method.to_owned(),
            target: target.to_owned(),
            headers: request.headers.clone(),
            body: request.body.clone(),
        };
        let Ok(mut oracle) = self.oracle.lock() else {
            return Reply::no_response("the reference panicked");
        };
        let response = oracle.handle(&raw).response;
        Reply {
            status: response.status,
            headers: response
                .headers
                .into_iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v))
                .collect(),
            body: response.body,
        }
    }
}

impl Transport for Reference {
    fn send(&self, request: Request) -> Pending<'_> {
        let reply = self.answer(&request);
        Box::pin(async move { reply })
    }
}

fn fixture(config: &CheckConfig, now: u64) -> Result<Fixture, String> {
    let pepper = Pepper::new(PEPPER_ID, PEPPER).map_err(|e| format!("the pepper: {e}"))?;
    let secrets = ClientSecrets::new(pepper);
    let c = &config.clients;
    let all = [Some(&c.confidential), c.public.as_ref(), c.machine.as_ref()];
    let mut clients = Vec::new();
    for client in all.into_iter().flatten() {
        clients.push(record(client, &secrets, false)?);
    }
    if let Some(introspector) = &c.introspector {
        clients.push(record(introspector, &secrets, true)?);
    }
    let mut scopes_supported = Vec::new();
    for client in &clients {
        scopes_supported.extend(client.scope.iter().map(str::to_owned));
    }
    let api_scope = config.resource.as_ref().and_then(|r| r.scope.as_deref());
    Ok(Fixture {
        issuer: REFERENCE_BASE.to_owned(),
        audience: REFERENCE_BASE.to_owned(),
        keys: vec![FixtureKey::Hs256 {
            kid: String::from("reference"),
            secret: URL_SAFE_NO_PAD.encode(SIGNING_SECRET),
        }],
        peppers: vec![FixturePepper {
            id: PEPPER_ID.to_owned(),
            secret: URL_SAFE_NO_PAD.encode(PEPPER),
        }],
        settings: settings(config)?,
        now,
        entropy: URL_SAFE_NO_PAD.encode([7u8; 32]),
        clients,
        codes: Vec::new(),
        refresh_tokens: Vec::new(),
        revoked_families: Vec::new(),
        revoked_access_tokens: Vec::new(),
        consent: FixtureConsent {
            approve: true,
            subject: String::from("checker-user"),
            scope: None,
        },
        scopes_supported: scope(&scopes_supported.join(" "))?,
        api_scope: scope(api_scope.unwrap_or_default())?,
    })
}

fn settings(config: &CheckConfig) -> Result<FixtureSettings, String> {
    let mut settings = FixtureSettings {
        pkce_for_all_clients: config.pkce_required_for_all,
        ..FixtureSettings::default()
    };
    if config.refresh_grace_seconds > 0 {
        if config.refresh_grace_seconds > 60 {
            return Err("refresh_grace_seconds: the reference allows at most 60".into());
        }
        settings.refresh_grace_period = Some(config.refresh_grace_seconds);
        settings.rotation_key = Some(URL_SAFE_NO_PAD.encode([9u8; 32]));
    }
    Ok(settings)
}

fn scope(text: &str) -> Result<Scope, String> {
    if text.is_empty() {
        return Ok(Scope::default());
    }
    Scope::parse(text).map_err(|e| format!("scope {text:?}: {e}"))
}

fn record(
    client: &ClientConfig,
    secrets: &ClientSecrets,
    introspect_any: bool,
) -> Result<ClientRecord, String> {
    let bad = |what: &str| format!("client {}: {what}", client.id);
    let id = ClientId::new(client.id.clone()).map_err(|_| bad("the id"))?;
    let mut record = match &client.secret {
        Some(secret) => {
            let secret = ClientSecret::new(secret.clone()).map_err(|_| bad("the secret"))?;
            let verifier = secrets
                .verifier(&id, &secret)
                .map_err(|_| bad("the secret"))?;
            ClientRecord::confidential(id, verifier)
        }
        None => ClientRecord::public(id),
    };
    let mut grants = Vec::new();
    for name in &client.grants {
        grants.push(GrantType::from_name(name).ok_or_else(|| bad("a grant type"))?);
    }
    record = record
        .with_grant_types(&grants)
        .with_scope(scope(&client.scope)?);
    if let Some(uri) = &client.redirect_uri {
        let uri = RedirectUri::new(uri.clone()).map_err(|_| bad("the redirect_uri"))?;
        record = record.with_redirect_uri(uri);
    }
    record.introspect_any = introspect_any;
    Ok(record)
}
