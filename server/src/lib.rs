//! The demo server: an axum host of grant-engine on SQLite (one process)
//! or PostgreSQL (any number of processes on one database).
//!
//! Shared by the `grant-engine-server` binary (which parses the command
//! line and serves) and the tests (which start servers in-process on free
//! loopback ports). Each engine endpoint is a module with one async
//! handler that reads the request, runs the engine's async driver over the
//! database ([`store::storage::Storage`] is its `AsyncStore`), and answers
//! the engine's `HttpResponse`; [`router`] lists them.

pub mod authorize;
pub mod cli;
pub mod clock;
pub mod form_endpoint;
pub mod introspect;
pub mod resource;
pub mod respond;
pub mod revoke;
pub mod store;
pub mod throttle;
pub mod token;

use std::error::Error;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::Response;
use axum::routing::{any, get};
use grant_engine::client_secret::{ClientSecrets, Pepper};
use grant_engine::config::RefreshGrace;
use grant_engine::metadata::jwk_set_document;
use grant_engine::mint::{RotationKey, SigningKey};
use grant_engine::{
    BearerPolicy, Config, EndpointUrls, Exchange, HmacKey, HttpResponse, KeyRing, MemoryStore,
    RequestParts, Scope, drive, metadata_document,
};
use tokio::net::TcpListener;

pub use cli::Options;
use clock::Clock;
use store::purge::Cutoffs;
use store::storage::Storage;
use store::target::DbTarget;
use throttle::Throttle;

/// Threads of tokio's blocking pool for the server's runtime: one per
/// SQLite connection (see `store::sqlite::db::SqliteDb`), so that requests
/// queue for it in order instead of each waking a thread that parks on its
/// mutex. PostgreSQL needs none.
pub const BLOCKING_THREADS: usize = 1;

/// The `kid` of the demo's single HS256 key.
pub const KEY_ID: &str = "demo-hs256";

/// What every handler shares: the engine's configuration, the database,
/// and the responses computed once at start.
#[derive(Clone)]
pub struct App {
    config: Arc<Config>,
    db: Storage,
    /// What `/api/me` demands of a bearer token.
    bearer_policy: Arc<BearerPolicy>,
    /// The RFC 8414 metadata document.
    metadata: Arc<HttpResponse>,
    /// The response of `/bench/constant`, when `--bench-routes` was given.
    constant: Option<Arc<HttpResponse>>,
    /// Where requests read the time.
    clock: Clock,
    /// The failed-authentication counters, unless `--no-throttle`.
    throttle: Option<Arc<Throttle>>,
}

impl App {
    /// The engine's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The database.
    pub fn db(&self) -> &Storage {
        &self.db
    }

    /// What `/api/me` demands of a bearer token.
    pub fn bearer_policy(&self) -> &BearerPolicy {
        &self.bearer_policy
    }

    /// Where requests read the time.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The brute-force throttle, if on.
    pub fn throttle(&self) -> Option<&Throttle> {
        self.throttle.as_deref()
    }
}

/// Every route of the server, with the request log around them. The form
/// endpoints take every method: the engine answers 405 with `Allow: POST`.
pub fn router(app: App) -> Router {
    let mut router = Router::new()
        .route("/oauth/authorize", get(authorize::authorize))
        .route("/oauth/token", any(token::token))
        .route("/oauth/revoke", any(revoke::revoke))
        .route("/oauth/introspect", any(introspect::introspect))
        .route("/.well-known/oauth-authorization-server", get(metadata))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/api/me", get(resource::me));
    if app.constant.is_some() {
        router = router.route("/bench/constant", any(constant));
    }
    router
        .layer(axum::middleware::from_fn(respond::log_request))
        .with_state(app)
}

/// `GET /.well-known/oauth-authorization-server` (RFC 8414).
async fn metadata(State(app): State<App>) -> Response<Body> {
    respond::engine_response(HttpResponse::clone(&app.metadata))
}

/// The JWK Set of the ring's public keys (RFC 7517 5; empty under HS256
/// alone, whose secret is never published).
async fn jwks(State(app): State<App>) -> Response<Body> {
    respond::engine_response(jwk_set_document(&app.config))
}

/// `/bench/constant` (only with `--bench-routes`): reads the body like the
/// token endpoint, then answers a fixed client_credentials token response
/// of the same size and headers. The ceiling the token endpoint is
/// measured against.
async fn constant(State(app): State<App>, _body: Bytes) -> Response<Body> {
    match &app.constant {
        Some(response) => respond::engine_response(HttpResponse::clone(response)),
        None => respond::internal_error("no constant response"),
    }
}

/// A bound, configured server, ready to serve.
pub struct Server {
    listener: TcpListener,
    app: App,
    /// Seconds between purges; 0 for none.
    purge_every: u64,
}

impl Server {
    /// Binds the listen address, opens (and seeds) the database and builds
    /// the engine's configuration.
    pub async fn bind(options: Options) -> Result<Server, Box<dyn Error + Send + Sync>> {
        let secrets = client_secrets(&options)?;
        let listener = TcpListener::bind(options.listen).await?;
        let issuer = match &options.issuer {
            Some(issuer) => issuer.clone(),
            None => format!("http://{}", listener.local_addr()?),
        };
        let config = engine_config(&options, issuer, &secrets)?;
        let clients = store::demo::demo_clients(&secrets)?;
        let db = Storage::open(&options.db, options.db_pool, &clients).await?;
        let upgraded = db.upgrade_secrets(&secrets).await?;
        if upgraded > 0 {
            tracing::info!(upgraded, "re-keyed unkeyed client-secret digests");
        }
        let constant = if options.bench_routes {
            Some(Arc::new(constant_response(&config)?))
        } else {
            None
        };
        let metadata = metadata_document(
            &config,
            &EndpointUrls::under(config.issuer()),
            &Scope::parse("read write")?,
        );
        let bearer_policy = BearerPolicy {
            required_scope: Scope::parse(resource::REQUIRED_SCOPE)?,
            ..BearerPolicy::default()
        };
        let app = App {
            config: Arc::new(config),
            db,
            bearer_policy: Arc::new(bearer_policy),
            metadata: Arc::new(metadata),
            constant,
            clock: clock::system_clock(),
            throttle: options
                .throttle
                .map(|budget| Arc::new(Throttle::new(budget))),
        };
        Ok(Server {
            listener,
            app,
            purge_every: options.purge_every,
        })
    }

    /// The bound address (the port is real even if 0 was asked for).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The shared state, for tests that look into the database.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Reads the time from `clock` instead of the system clock (for tests
    /// of a broken clock).
    pub fn with_clock(mut self, clock: Clock) -> Server {
        self.app.clock = clock;
        self
    }

    /// Serves until `shutdown` completes, then finishes the requests in
    /// flight; purges expired records every `--purge-every` seconds
    /// meanwhile.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let purger = (self.purge_every > 0).then(|| {
            let every = Duration::from_secs(self.purge_every);
            tokio::spawn(purge_periodically(self.app.clone(), every))
        });
        // The peer address feeds the throttle.
        let service = router(self.app).into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        if let Some(purger) = purger {
            purger.abort();
        }
        served
    }
}

/// Purges expired records every `every`, the first time one period after
/// the start. A failed purge is logged and tried again next time; several
/// processes purging one database at once is safe (`store::purge`).
async fn purge_periodically(app: App, every: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(now) = (app.clock)().filter(|now| *now >= clock::EARLIEST) else {
            tracing::warn!("purge skipped: the clock is unreadable or wrong");
            continue;
        };
        match app.db.purge(Cutoffs::at(now, &app.config)).await {
            Ok(purged) if purged.is_empty() => {}
            Ok(purged) => tracing::info!(
                codes = purged.codes,
                refresh_tokens = purged.refresh_tokens,
                revoked_families = purged.revoked_families,
                revoked_access_tokens = purged.revoked_access_tokens,
                "purged expired records"
            ),
            Err(error) => tracing::warn!(%error, "purge failed"),
        }
    }
}

/// The engine's configuration: the issuer (also the audience: this server
/// is its own resource server), the signing key, the grace period and the
/// peppers.
fn engine_config(
    options: &Options,
    issuer: String,
    secrets: &ClientSecrets,
) -> Result<Config, Box<dyn Error + Send + Sync>> {
    let mut config = Config::new(issuer.clone(), issuer, key_ring(options)?)
        .with_client_secrets(secrets.clone());
    if options.refresh_grace > 0 {
        // Refused above 60 seconds: the server does not start.
        let secret = secret_or_random(options.rotation_secret.as_deref())?;
        let key = RotationKey::new(&secret)?;
        config = config.with_refresh_grace(RefreshGrace::new(options.refresh_grace, key)?);
    }
    Ok(config)
}

/// The signing keys. HS256 by default, with a fresh secret per start from
/// the OS RNG (never printed: access tokens do not survive a restart,
/// refresh tokens do). With `--signing-key`, that key signs, named by its
/// RFC 7638 thumbprint, and an HS256 secret given too only verifies (the
/// tokens signed before the switch keep working).
fn key_ring(options: &Options) -> Result<KeyRing, Box<dyn Error + Send + Sync>> {
    let Some(path) = &options.signing_key else {
        let key = HmacKey::new(KEY_ID, &secret_or_random(options.hs256_secret.as_deref())?)?;
        return Ok(KeyRing::new(key));
    };
    let pem = std::fs::read_to_string(path)
        .map_err(|e| format!("signing key {}: {e}", path.display()))?;
    let unnamed = SigningKey::from_pkcs8_pem("unnamed", &pem)
        .map_err(|e| format!("signing key {}: {e}", path.display()))?;
    let kid = unnamed
        .verifying_key()
        .thumbprint()
        .ok_or("the signing key has no public key")?;
    let mut ring = KeyRing::new(SigningKey::from_pkcs8_pem(kid, &pem)?);
    if let Some(secret) = &options.hs256_secret {
        ring = ring.with_verify_key(HmacKey::new(KEY_ID, secret)?)?;
    }
    Ok(ring)
}

/// The pepper client secrets are keyed with, and the retired ones. Like
/// the signing key, every process of one database needs the same; unlike
/// it, a random one is refused where the database outlives the process
/// (its clients would be locked out at the next start).
fn client_secrets(options: &Options) -> Result<ClientSecrets, Box<dyn Error + Send + Sync>> {
    if options.pepper.is_none() && options.db != DbTarget::Memory {
        return Err(
            "a database file or PostgreSQL needs the pepper its client secrets are \
                    keyed with: give --pepper-file PATH or GRANT_ENGINE_CLIENT_PEPPER"
                .into(),
        );
    }
    let current = Pepper::from_secret(&secret_or_random(options.pepper.as_deref())?)?;
    let mut secrets = ClientSecrets::new(current);
    for retired in &options.retired_peppers {
        secrets = secrets.with_retired(Pepper::from_secret(retired)?)?;
    }
    Ok(secrets)
}

/// `secret`, or 32 fresh bytes from the OS RNG.
fn secret_or_random(secret: Option<&[u8]>) -> Result<Vec<u8>, String> {
    if let Some(secret) = secret {
        return Ok(secret.to_vec());
    }
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).map_err(|e| format!("no OS randomness: {e}"))?;
    Ok(random.to_vec())
}

/// A real client_credentials response of this configuration (minted once
/// against an in-memory store), for `/bench/constant`.
fn constant_response(config: &Config) -> Result<HttpResponse, Box<dyn Error + Send + Sync>> {
    let mut memory = MemoryStore::new();
    let secrets = config
        .client_secrets()
        .ok_or("the configuration has no client secrets")?;
    for client in store::demo::demo_clients(secrets)? {
        memory.add_client(client);
    }
    let call = clock::request_call(&clock::system_clock())
        .map_err(|why| format!("no time or randomness: {why:?}"))?;
    let body = b"grant_type=client_credentials&client_id=your_client_id&client_secret=your_client_secret&scope=read%20write";
    let request = Exchange::parse(&RequestParts::form_post(body), config);
    let outcome = drive(&mut memory, config, call, request).map_err(|_| "the constant response")?;
    Ok(outcome.into_response())
}
