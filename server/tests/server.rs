//! The demo server (the `grant-engine-server` package), started in-process on free
//! loopback ports: the seed's curl requests, the `oauth2` client crate, the
//! code and refresh races, a restart on a database file, revocation seen by
//! `/api/me` and introspection, storage failures, and a strict third-party
//! resource server (oauth4webapi, on Node.js) verifying the asymmetric
//! tokens from the JWK Set.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use grant_engine::bearer::verify_access_token;
use grant_engine::store::CodeState;
use grant_engine::values::{FamilyId, SecretHash};
use grant_engine::{
    AccessTokenClaims, ClientId, CodeRecord, RedirectUri, Scope, Subject, TokenHash,
};
use grant_engine_server as server;
use oauth2::basic::{BasicClient, BasicErrorResponseType};
use oauth2::{
    AuthType, AuthUrl, CsrfToken, PkceCodeChallenge, RedirectUrl, RequestTokenError, TokenResponse,
    TokenUrl,
};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use server::cli::{self, Command};
use server::store;
use server::store::target::DbTarget;
use tokio::sync::{Barrier, oneshot};
use tokio::task::JoinHandle;

const CALLBACK: &str = "https://your-app.com/callback";
const CONFIDENTIAL_BASIC: &str = "Basic eW91cl9jbGllbnRfaWQ6eW91cl9jbGllbnRfc2VjcmV0";

/// A server running on a task of the test's runtime.
struct TestServer {
    base: String,
    app: server::App,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

async fn start(args: &[&str]) -> TestServer {
    let mut all = vec!["--listen", "127.0.0.1:0"];
    all.extend_from_slice(args);
    let Command::Serve(options) = cli::parse(all).expect("arguments") else {
        panic!("not a serve command");
    };
    let mut options = options.resolve_pepper(None).expect("the pepper files");
    // A database file needs a pepper that outlives the process.
    if options.db != DbTarget::Memory && options.pepper.is_none() {
        options.pepper = Some(TEST_PEPPER.to_vec());
    }
    start_with(options).await
}

/// The pepper the tests' database files are keyed with.
const TEST_PEPPER: &[u8] = b"server-tests-client-pepper-0123456789";

async fn start_with(options: server::Options) -> TestServer {
    let server = server::Server::bind(options).await.expect("server starts");
    let base = format!("http://{}", server.local_addr().expect("bound"));
    let app = server.app().clone();
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.serve(async {
        let _ = stopped.await;
    }));
    TestServer {
        base,
        app,
        shutdown,
        task,
    }
}

impl TestServer {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn stop(self) {
        let _ = self.shutdown.send(());
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("server stops in time")
            .expect("server task")
            .expect("server ran");
    }

    /// Verifies an access token with the server's own configuration.
    fn claims(&self, access_token: &str) -> AccessTokenClaims {
        verify_access_token(
            access_token,
            self.app.config(),
            server::clock::system_now().unwrap(),
            0,
        )
        .expect("a valid access token")
    }
}

/// No redirects followed (the authorization endpoint answers 302), no
/// proxies from the environment.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("client")
}

struct Reply {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("request sent");
    Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.text().await.expect("body"),
    }
}

/// A form POST as `curl --data-urlencode` sends it.
async fn post_form(client: &reqwest::Client, url: &str, body: &str) -> Reply {
    send(
        client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned()),
    )
    .await
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).expect("form")
}

/// Approves an authorization request and returns the code from the
/// redirect, checking `state` and `iss`.
async fn authorize(
    server: &TestServer,
    client: &reqwest::Client,
    query: &[(&str, &str)],
) -> String {
    let mut query = query.to_vec();
    query.push(("state", "st-1"));
    let reply = send(client.get(server.url("/oauth/authorize")).query(&query)).await;
    assert_eq!(reply.status, 302, "{}", reply.body);
    let location = reqwest::Url::parse(reply.header("location").expect("location")).expect("url");
    assert_eq!(
        format!(
            "{}{}",
            location.origin().ascii_serialization(),
            location.path()
        ),
        CALLBACK
    );
    let params: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("state").as_deref(), Some("st-1"));
    assert_eq!(get("iss").as_deref(), Some(server.base.as_str()));
    get("code").expect("a code")
}

/// A code from /oauth/authorize for the confidential client, redeemed:
/// the token response.
async fn code_flow_tokens(server: &TestServer, client: &reqwest::Client) -> Value {
    let code = authorize(
        server,
        client,
        &[
            ("response_type", "code"),
            ("client_id", "your_client_id"),
            ("redirect_uri", CALLBACK),
            ("scope", "read write"),
        ],
    )
    .await;
    let reply = post_form(
        client,
        &server.url("/oauth/token"),
        &form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "your_client_id"),
            ("client_secret", "your_client_secret"),
            ("redirect_uri", CALLBACK),
        ]),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn refresh_body(refresh_token: &str) -> String {
    form(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", "your_client_id"),
        ("client_secret", "your_client_secret"),
    ])
}

fn assert_no_store_json(reply: &Reply) {
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

async fn is_family_revoked(server: &TestServer, family: FamilyId) -> bool {
    server
        .app
        .db()
        .sqlite()
        .expect("the SQLite store")
        .read(move |tx| store::sqlite::revocations::is_family_revoked(tx, &family))
        .await
        .expect("db")
}

async fn active_refresh_tokens(server: &TestServer, family: &FamilyId) -> i64 {
    let family = family.as_str().to_owned();
    server
        .app
        .db()
        .sqlite()
        .expect("the SQLite store")
        .read(move |tx| {
            Ok(tx.query_row(
                "SELECT count(*) FROM refresh_tokens WHERE family = ?1 AND state = 'active'",
                [family],
                |row| row.get(0),
            )?)
        })
        .await
        .expect("db")
}

// ---------------------------------------------------------------- the seed

/// The seed's client_credentials curl command, byte for byte (curl's
/// `--data-urlencode` writes the space as `%20`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_client_credentials_request() {
    let server = start(&[]).await;
    let reply = send(
        http()
            .post(server.url("/oauth/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "*/*")
            .header("user-agent", "curl/8.14.1")
            .body("grant_type=client_credentials&client_id=your_client_id&client_secret=your_client_secret&scope=read%20write"),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_no_store_json(&reply);
    let body = reply.json();
    assert_eq!(
        keys(&body),
        BTreeSet::from(["access_token", "token_type", "expires_in", "scope"])
    );
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    assert_eq!(body["scope"], "read write");
    assert!(body.get("refresh_token").is_none());
    let claims = server.claims(body["access_token"].as_str().expect("token"));
    assert_eq!(claims.iss, server.base);
    assert_eq!(claims.aud, server.base);
    assert_eq!(claims.sub.as_str(), "your_client_id");
    assert_eq!(claims.client_id.as_str(), "your_client_id");
    assert_eq!(claims.scope.to_string(), "read write");
    assert_eq!(claims.exp, claims.iat + 86400);
    server.stop().await;
}

/// The seed's authorization_code curl command, verbatim (`code=abc123`),
/// against a code record inserted straight into SQLite; then the same
/// request again is reuse: `invalid_grant`, and the tokens it issued die.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_authorization_code_request() {
    let server = start(&[]).await;
    let now = server::clock::system_now().unwrap();
    let record = CodeRecord {
        code_hash: TokenHash::of("abc123"),
        client_id: ClientId::new("your_client_id").unwrap(),
        redirect_uri: Some(RedirectUri::new(CALLBACK).unwrap()),
        scope: Scope::parse("read write").unwrap(),
        subject: Subject::new("demo-user").unwrap(),
        pkce: None,
        issued_at: now,
        expires_at: now + 600,
        state: CodeState::Unused,
    };
    server
        .app
        .db()
        .sqlite()
        .expect("the SQLite store")
        .write(move |tx| store::sqlite::codes::insert(tx, &record))
        .await
        .map(|inserted| assert!(inserted))
        .unwrap();
    let client = http();
    let seed = "grant_type=authorization_code&code=abc123&client_id=your_client_id&client_secret=your_client_secret&redirect_uri=https%3A%2F%2Fyour-app.com%2Fcallback";
    let reply = post_form(&client, &server.url("/oauth/token"), seed).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_no_store_json(&reply);
    let tokens = reply.json();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 86400);
    assert_eq!(tokens["scope"], "read write");
    let refresh_token = tokens["refresh_token"].as_str().expect("a refresh token");
    let claims = server.claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(claims.sub.as_str(), "demo-user");

    let again = post_form(&client, &server.url("/oauth/token"), seed).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.json()["error"], "invalid_grant");
    assert!(is_family_revoked(&server, claims.fam.clone().expect("a family")).await);
    let refresh = post_form(
        &client,
        &server.url("/oauth/token"),
        &refresh_body(refresh_token),
    )
    .await;
    assert_eq!(refresh.status, 400);
    assert_eq!(refresh.json()["error"], "invalid_grant");
    server.stop().await;
}

/// The seed's flow end to end with curl-shaped requests: a code from
/// `/oauth/authorize`, the code exchange, then the refresh_token grant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_code_and_refresh_requests_with_code_from_authorize() {
    let server = start(&[]).await;
    let client = http();
    let tokens = code_flow_tokens(&server, &client).await;
    assert_eq!(tokens["scope"], "read write");
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let reply = post_form(
        &client,
        &server.url("/oauth/token"),
        &refresh_body(refresh_token),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_no_store_json(&reply);
    let refreshed = reply.json();
    assert_eq!(
        keys(&refreshed),
        BTreeSet::from([
            "access_token",
            "token_type",
            "expires_in",
            "refresh_token",
            "scope"
        ])
    );
    assert_ne!(refreshed["refresh_token"], tokens["refresh_token"]);
    assert_eq!(refreshed["scope"], "read write");
    server.stop().await;
}

// ------------------------------------------------------ the oauth2 crate

fn oauth2_client(
    server: &TestServer,
    id: &str,
    secret: Option<&str>,
) -> oauth2::basic::BasicClient<
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
> {
    let client = BasicClient::new(oauth2::ClientId::new(id.to_owned()))
        .set_auth_uri(AuthUrl::new(server.url("/oauth/authorize")).unwrap())
        .set_token_uri(TokenUrl::new(server.url("/oauth/token")).unwrap())
        .set_redirect_uri(RedirectUrl::new(CALLBACK.to_owned()).unwrap());
    match secret {
        Some(secret) => client.set_client_secret(oauth2::ClientSecret::new(secret.to_owned())),
        None => client,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth2_crate_client_credentials() {
    let server = start(&[]).await;
    let http = http();
    // client_secret_basic (the crate's default).
    let client = oauth2_client(&server, "your_client_id", Some("your_client_secret"));
    let token = client
        .exchange_client_credentials()
        .add_scope(oauth2::Scope::new("read".into()))
        .request_async(&http)
        .await
        .expect("client_credentials");
    assert_eq!(token.token_type(), &oauth2::basic::BasicTokenType::Bearer);
    assert_eq!(token.expires_in(), Some(Duration::from_secs(86400)));
    assert!(token.refresh_token().is_none());
    assert_eq!(
        token
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
        Some(vec![String::from("read")])
    );
    assert_eq!(
        server
            .claims(token.access_token().secret())
            .scope
            .to_string(),
        "read"
    );

    // client_secret_post, default scope.
    let m2m = oauth2_client(&server, "m2m_client_id", Some("m2m_client_secret"))
        .set_auth_type(AuthType::RequestBody);
    let token = m2m
        .exchange_client_credentials()
        .request_async(&http)
        .await
        .expect("client_credentials");
    let claims = server.claims(token.access_token().secret());
    assert_eq!(claims.client_id.as_str(), "m2m_client_id");
    assert_eq!(claims.scope.to_string(), "read");

    // A wrong secret is the crate's typed invalid_client.
    let wrong = oauth2_client(&server, "m2m_client_id", Some("nope"));
    match wrong
        .exchange_client_credentials()
        .request_async(&http)
        .await
    {
        Err(RequestTokenError::ServerResponse(e)) => {
            assert_eq!(e.error(), &BasicErrorResponseType::InvalidClient);
        }
        other => panic!("expected invalid_client, got {other:?}"),
    }
    server.stop().await;
}

/// The authorization code grant with PKCE S256 and then refresh, for the
/// public client (PKCE required, no secret) and the confidential one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth2_crate_authorization_code_with_pkce_and_refresh() {
    let server = start(&[]).await;
    let http = http();
    for (id, secret) in [
        ("public_client_id", None),
        ("your_client_id", Some("your_client_secret")),
    ] {
        let client = oauth2_client(&server, id, secret);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, csrf) = client
            .authorize_url(CsrfToken::new_random)
            .add_scope(oauth2::Scope::new("read".into()))
            .add_scope(oauth2::Scope::new("write".into()))
            .set_pkce_challenge(challenge)
            .url();
        let reply = send(http.get(url)).await;
        assert_eq!(reply.status, 302, "{}", reply.body);
        let location = reqwest::Url::parse(reply.header("location").unwrap()).unwrap();
        let param = |name: &str| {
            location
                .query_pairs()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.into_owned())
        };
        assert_eq!(param("state").as_deref(), Some(csrf.secret().as_str()));
        assert_eq!(param("iss").as_deref(), Some(server.base.as_str()));
        let code = param("code").expect("code");

        let tokens = client
            .exchange_code(oauth2::AuthorizationCode::new(code))
            .set_pkce_verifier(verifier)
            .request_async(&http)
            .await
            .expect("code exchange");
        let claims = server.claims(tokens.access_token().secret());
        assert_eq!(claims.sub.as_str(), "demo-user");
        assert_eq!(claims.client_id.as_str(), id);
        assert_eq!(claims.scope.to_string(), "read write");
        let first_refresh = tokens.refresh_token().expect("a refresh token").clone();

        let refreshed = client
            .exchange_refresh_token(&first_refresh)
            .request_async(&http)
            .await
            .expect("refresh");
        let second_refresh = refreshed.refresh_token().expect("rotated").clone();
        assert_ne!(second_refresh.secret(), first_refresh.secret());
        assert_eq!(
            server.claims(refreshed.access_token().secret()).fam,
            claims.fam
        );

        // The rotated-out token is reuse: invalid_grant, family revoked.
        match client
            .exchange_refresh_token(&first_refresh)
            .request_async(&http)
            .await
        {
            Err(RequestTokenError::ServerResponse(e)) => {
                assert_eq!(e.error(), &BasicErrorResponseType::InvalidGrant);
            }
            other => panic!("expected invalid_grant, got {other:?}"),
        }
        assert!(
            client
                .exchange_refresh_token(&second_refresh)
                .request_async(&http)
                .await
                .is_err()
        );
    }
    server.stop().await;
}

// ---------------------------------------------------------------- errors

const WRONG_SECRET: &str =
    "grant_type=client_credentials&client_id=your_client_id&client_secret=wrong";
const RIGHT_SECRET: &str =
    "grant_type=client_credentials&client_id=your_client_id&client_secret=your_client_secret";

/// The throttle's 429: `Retry-After` within the window, a JSON body, not
/// cacheable.
fn assert_throttled(reply: &Reply, window: u64) {
    assert_eq!(reply.status, 429, "{}", reply.body);
    let seconds: u64 = reply
        .header("retry-after")
        .expect("retry-after")
        .parse()
        .expect("seconds");
    assert!((1..=window).contains(&seconds), "retry-after {seconds}");
    assert_eq!(
        reply.body,
        r#"{"error":"temporarily_unavailable","error_description":"too many failed client authentications, retry later"}"#
    );
    assert_no_store_json(reply);
}

/// RFC 6749 2.3.1: 40 wrong secrets in a row from one address. The first
/// ten are answered 401; then every request of that client from that
/// address is 429 (the right secret too, so a lockout reveals nothing), at
/// every endpoint that authenticates clients; another client from the same
/// address is still served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_wrong_secrets_from_one_address_are_throttled_after_ten() {
    let server = start(&[]).await;
    let client = http();
    let token = server.url("/oauth/token");
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let reply = post_form(&client, &token, WRONG_SECRET).await;
        if reply.status == 429 {
            assert_throttled(&reply, 60);
        }
        statuses.push(reply.status);
    }
    let expected: Vec<u16> = [vec![401; 10], vec![429; 30]].concat();
    assert_eq!(statuses, expected);
    assert_throttled(&post_form(&client, &token, RIGHT_SECRET).await, 60);
    let credentials = "client_id=your_client_id&client_secret=your_client_secret";
    for path in ["/oauth/revoke", "/oauth/introspect"] {
        let body = format!("token=anything&{credentials}");
        assert_throttled(&post_form(&client, &server.url(path), &body).await, 60);
    }
    let other =
        "grant_type=client_credentials&client_id=m2m_client_id&client_secret=m2m_client_secret";
    assert_eq!(post_form(&client, &token, other).await.status, 200);
    server.stop().await;
}

/// `--throttle 2/1`: two failures a second; the client is served again
/// once the window is over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_throttle_budget_is_a_setting_and_its_window_ends() {
    let server = start(&["--throttle", "2/1"]).await;
    let client = http();
    let token = server.url("/oauth/token");
    // Aligned to a fresh second, so that the three requests share one.
    tokio::time::sleep(Duration::from_millis(1000 - u64::from(now_millis() % 1000))).await;
    for _ in 0..2 {
        assert_eq!(post_form(&client, &token, WRONG_SECRET).await.status, 401);
    }
    assert_throttled(&post_form(&client, &token, RIGHT_SECRET).await, 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(post_form(&client, &token, RIGHT_SECRET).await.status, 200);
    server.stop().await;
}

/// Milliseconds into the current second of the system clock.
fn now_millis() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .subsec_millis()
}

/// `--no-throttle`: for suites that send bad secrets on purpose.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_throttle_counts_nothing() {
    let server = start(&["--no-throttle"]).await;
    let client = http();
    for _ in 0..40 {
        let reply = post_form(&client, &server.url("/oauth/token"), WRONG_SECRET).await;
        assert_eq!(reply.status, 401);
    }
    assert!(server.app.throttle().is_none());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_secret_is_401_with_a_basic_challenge() {
    let server = start(&[]).await;
    let client = http();
    let expected =
        r#"{"error":"invalid_client","error_description":"client authentication failed"}"#;
    // client_secret_post
    let reply = post_form(
        &client,
        &server.url("/oauth/token"),
        "grant_type=client_credentials&client_id=your_client_id&client_secret=wrong",
    )
    .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.body, expected);
    assert_eq!(
        reply.header("www-authenticate"),
        Some(r#"Basic realm="grant-engine""#)
    );
    assert_no_store_json(&reply);
    // client_secret_basic (your_client_id:wrong), and an unknown client: the same answer.
    for authorization in [
        "Basic eW91cl9jbGllbnRfaWQ6d3Jvbmc=",
        "Basic bm9ib2R5Om5vdGhpbmc=",
    ] {
        let reply = send(
            client
                .post(server.url("/oauth/token"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("authorization", authorization)
                .body("grant_type=client_credentials"),
        )
        .await;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.body, expected);
        assert_eq!(
            reply.header("www-authenticate"),
            Some(r#"Basic realm="grant-engine""#)
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_errors_are_the_exact_json() {
    let server = start(&[]).await;
    let client = http();
    let token = server.url("/oauth/token");
    let cases: [(&str, u16, &str); 4] = [
        (
            "grant_type=password&username=u&password=p&client_id=your_client_id&client_secret=your_client_secret",
            400,
            r#"{"error":"unsupported_grant_type","error_description":"the grant type is not supported"}"#,
        ),
        (
            "client_id=your_client_id&client_secret=your_client_secret",
            400,
            r#"{"error":"invalid_request","error_description":"the grant_type parameter is missing"}"#,
        ),
        (
            "grant_type=client_credentials&scope=read&scope=write&client_id=your_client_id&client_secret=your_client_secret",
            400,
            r#"{"error":"invalid_request","error_description":"the scope parameter is repeated"}"#,
        ),
        (
            "grant_type=client_credentials&client_id=m2m_client_id&client_secret=m2m_client_secret&scope=write",
            400,
            r#"{"error":"invalid_scope","error_description":"the requested scope exceeds what may be granted"}"#,
        ),
    ];
    for (body, status, expected) in cases {
        let reply = post_form(&client, &token, body).await;
        assert_eq!(
            (reply.status, reply.body.as_str()),
            (status, expected),
            "{body}"
        );
        assert_no_store_json(&reply);
    }
    // The public client may not use client_credentials.
    let reply = post_form(
        &client,
        &token,
        "grant_type=client_credentials&client_id=public_client_id",
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"], "unauthorized_client");

    // GET is 405 with Allow: POST; a wrong Content-Type is 400.
    let reply = send(client.get(&token)).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("POST"));
    assert_eq!(reply.json()["error"], "invalid_request");
    let reply = send(
        client
            .post(&token)
            .header("content-type", "application/json")
            .body("{}"),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"], "invalid_request");

    // A body over the 16 KiB limit is 413 JSON, never a 5xx.
    let big = format!(
        "grant_type=client_credentials&pad={}",
        "a".repeat(64 * 1024)
    );
    let reply = post_form(&client, &token, &big).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.json()["error"], "invalid_request");
    server.stop().await;
}

// ---------------------------------------------------------------- races

/// Fires `n` copies of the same token request at once.
async fn concurrently(server: &TestServer, body: String, n: usize) -> Vec<Reply> {
    let client = http();
    let barrier = Arc::new(Barrier::new(n));
    let url = server.url("/oauth/token");
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (client, barrier, url, body) =
                (client.clone(), barrier.clone(), url.clone(), body.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                post_form(&client, &url, &body).await
            })
        })
        .collect();
    let mut replies = Vec::with_capacity(n);
    for task in tasks {
        replies.push(task.await.expect("request task"));
    }
    replies
}

/// 32 concurrent redemptions of one code: exactly one 200, 31
/// `invalid_grant`, and the winner's family (refresh token and access
/// token) revoked by the reuse.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_redemption_race() {
    let server = start(&[]).await;
    let client = http();
    let code = authorize(
        &server,
        &client,
        &[
            ("response_type", "code"),
            ("client_id", "your_client_id"),
            ("redirect_uri", CALLBACK),
        ],
    )
    .await;
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", CALLBACK),
        ("client_id", "your_client_id"),
        ("client_secret", "your_client_secret"),
    ]);
    let replies = concurrently(&server, body, 32).await;
    let winners: Vec<_> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(winners.len(), 1, "exactly one redemption succeeds");
    for loser in replies.iter().filter(|r| r.status != 200) {
        assert_eq!(loser.status, 400);
        assert_eq!(loser.json()["error"], "invalid_grant");
    }
    let tokens = winners[0].json();
    let access_token = tokens["access_token"].as_str().unwrap();
    let claims = server.claims(access_token);
    let family = claims.fam.clone().expect("a family");
    assert!(is_family_revoked(&server, family.clone()).await);
    assert_eq!(active_refresh_tokens(&server, &family).await, 0);
    let jti = claims.jti.clone();
    let jti_revoked = server
        .app
        .db()
        .sqlite()
        .expect("the SQLite store")
        .read(move |tx| store::sqlite::revocations::is_access_token_revoked(tx, &jti))
        .await
        .unwrap();
    assert!(
        jti_revoked,
        "the access token issued from the code is revoked by id too"
    );
    let refresh = post_form(
        &client,
        &server.url("/oauth/token"),
        &refresh_body(tokens["refresh_token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(refresh.json()["error"], "invalid_grant");
    let me = send(client.get(server.url("/api/me")).bearer_auth(access_token)).await;
    assert_eq!(me.status, 401);
    server.stop().await;
}

/// The code race again on a runtime built as the server's `main` builds
/// it (one blocking thread for SQLite): the queueing changes, the answer
/// does not.
#[test]
fn code_redemption_race_on_the_servers_runtime() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .max_blocking_threads(server::BLOCKING_THREADS)
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = start(&[]).await;
        let client = http();
        let code = authorize(
            &server,
            &client,
            &[("response_type", "code"), ("client_id", "your_client_id")],
        )
        .await;
        let body = form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", "your_client_id"),
            ("client_secret", "your_client_secret"),
        ]);
        let replies = concurrently(&server, body, 32).await;
        assert_eq!(replies.iter().filter(|r| r.status == 200).count(), 1);
        assert!(
            replies
                .iter()
                .filter(|r| r.status != 200)
                .all(|r| r.status == 400 && r.json()["error"] == "invalid_grant")
        );
        server.stop().await;
    });
}

/// 32 concurrent refreshes with one token and no grace period: exactly one
/// 200, the rest reuse (`invalid_grant`), the family revoked: no live
/// successor at all, let alone two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_race_without_grace() {
    let server = start(&[]).await;
    let client = http();
    let tokens = code_flow_tokens(&server, &client).await;
    let family = server
        .claims(tokens["access_token"].as_str().unwrap())
        .fam
        .expect("a family");
    let body = refresh_body(tokens["refresh_token"].as_str().unwrap());
    let replies = concurrently(&server, body, 32).await;
    let winners: Vec<_> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(winners.len(), 1, "exactly one refresh succeeds");
    for loser in replies.iter().filter(|r| r.status != 200) {
        assert_eq!(loser.status, 400);
        assert_eq!(loser.json()["error"], "invalid_grant");
    }
    assert!(is_family_revoked(&server, family.clone()).await);
    assert_eq!(active_refresh_tokens(&server, &family).await, 0);
    let successor = winners[0].json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = post_form(
        &client,
        &server.url("/oauth/token"),
        &refresh_body(&successor),
    )
    .await;
    assert_eq!(reply.json()["error"], "invalid_grant");
    server.stop().await;
}

/// The same race with a grace period: every request gets the same
/// successor, and it is the family's only live refresh token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_race_with_grace_period() {
    let server = start(&["--refresh-grace", "60"]).await;
    let client = http();
    let tokens = code_flow_tokens(&server, &client).await;
    let family = server
        .claims(tokens["access_token"].as_str().unwrap())
        .fam
        .expect("a family");
    let body = refresh_body(tokens["refresh_token"].as_str().unwrap());
    let replies = concurrently(&server, body, 32).await;
    let successors: BTreeSet<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 200, "{}", r.body);
            r.json()["refresh_token"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(successors.len(), 1, "one successor for all");
    assert!(!is_family_revoked(&server, family.clone()).await);
    assert_eq!(active_refresh_tokens(&server, &family).await, 1);
    let successor = successors.into_iter().next().unwrap();
    let reply = post_form(
        &client,
        &server.url("/oauth/token"),
        &refresh_body(&successor),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    server.stop().await;
}

// ---------------------------------------------------------------- restart

struct TempDb(PathBuf);

impl TempDb {
    fn new(name: &str) -> TempDb {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        TempDb(std::env::temp_dir().join(format!(
            "grant-engine-{name}-{}-{nanos}.db",
            std::process::id()
        )))
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A refresh token issued before a restart works after it (with a new
/// random signing key: refresh tokens are looked up, not verified), and the
/// seeded clients are not duplicated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_token_survives_a_restart() {
    let db = TempDb::new("restart");
    let path = db.0.to_str().expect("UTF-8 temp path").to_owned();
    let client = http();

    let first = start(&["--db", &path]).await;
    let tokens = code_flow_tokens(&first, &client).await;
    first.stop().await;
    drop(client);

    let second = start(&["--db", &path]).await;
    let client = http();
    let reply = post_form(
        &client,
        &second.url("/oauth/token"),
        &refresh_body(tokens["refresh_token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let refreshed = reply.json();
    assert_eq!(refreshed["scope"], "read write");
    let claims = second.claims(refreshed["access_token"].as_str().unwrap());
    assert_eq!(claims.sub.as_str(), "demo-user");
    let clients: i64 = second
        .app
        .db()
        .sqlite()
        .expect("the SQLite store")
        .read(|tx| Ok(tx.query_row("SELECT count(*) FROM clients", [], |row| row.get(0))?))
        .await
        .unwrap();
    assert_eq!(clients, 4);
    second.stop().await;
}

// -------------------------------------------- revocation, introspection

async fn introspect(server: &TestServer, client: &reqwest::Client, token: &str) -> Value {
    let reply = send(
        client
            .post(server.url("/oauth/introspect"))
            .header("content-type", "application/x-www-form-urlencoded")
            .basic_auth("resource_server_id", Some("resource_server_secret"))
            .body(form(&[("token", token)])),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

async fn revoke(server: &TestServer, client: &reqwest::Client, token: &str) {
    let reply = send(
        client
            .post(server.url("/oauth/revoke"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", CONFIDENTIAL_BASIC)
            .body(form(&[("token", token)])),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_is_honoured_by_api_me_and_introspection() {
    let server = start(&[]).await;
    let client = http();
    let tokens = code_flow_tokens(&server, &client).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    let refresh_token = tokens["refresh_token"].as_str().unwrap();

    let me = send(client.get(server.url("/api/me")).bearer_auth(access_token)).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(
        me.json(),
        json!({"sub": "demo-user", "client_id": "your_client_id", "scope": "read write"})
    );
    let active = introspect(&server, &client, access_token).await;
    assert_eq!(active["active"], true);
    assert_eq!(active["client_id"], "your_client_id");
    assert_eq!(active["sub"], "demo-user");
    assert_eq!(
        introspect(&server, &client, refresh_token).await["active"],
        true
    );

    // Revoking the access token alone (by jti).
    revoke(&server, &client, access_token).await;
    let me = send(client.get(server.url("/api/me")).bearer_auth(access_token)).await;
    assert_eq!(me.status, 401);
    assert!(
        me.header("www-authenticate")
            .unwrap()
            .contains(r#"error="invalid_token""#)
    );
    assert_eq!(
        introspect(&server, &client, access_token).await,
        json!({"active": false})
    );
    assert_eq!(
        introspect(&server, &client, refresh_token).await["active"],
        true
    );

    // Revoking the refresh token revokes the family: a fresh access token
    // of the family dies with it.
    let reply = post_form(
        &client,
        &server.url("/oauth/token"),
        &refresh_body(refresh_token),
    )
    .await;
    let refreshed = reply.json();
    let newer_access = refreshed["access_token"].as_str().unwrap();
    let newer_refresh = refreshed["refresh_token"].as_str().unwrap();
    let me = send(client.get(server.url("/api/me")).bearer_auth(newer_access)).await;
    assert_eq!(me.status, 200);
    revoke(&server, &client, newer_refresh).await;
    let me = send(client.get(server.url("/api/me")).bearer_auth(newer_access)).await;
    assert_eq!(me.status, 401);
    assert_eq!(
        introspect(&server, &client, newer_access).await,
        json!({"active": false})
    );
    assert_eq!(
        introspect(&server, &client, newer_refresh).await,
        json!({"active": false})
    );
    let reply = post_form(
        &client,
        &server.url("/oauth/token"),
        &refresh_body(newer_refresh),
    )
    .await;
    assert_eq!(reply.json()["error"], "invalid_grant");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_me_bearer_errors() {
    let server = start(&[]).await;
    let client = http();
    let me = server.url("/api/me");
    let reply = send(client.get(&me)).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.header("www-authenticate"),
        Some(r#"Bearer realm="grant-engine""#)
    );
    let reply = send(client.get(&me).bearer_auth("not.a.token")).await;
    assert_eq!(reply.status, 401);
    assert!(
        reply
            .header("www-authenticate")
            .unwrap()
            .contains("invalid_token")
    );
    // A token without the `read` scope: 403 insufficient_scope.
    let reply = post_form(
        &client,
        &server.url("/oauth/token"),
        "grant_type=client_credentials&client_id=your_client_id&client_secret=your_client_secret&scope=write",
    )
    .await;
    let write_only = reply.json()["access_token"].as_str().unwrap().to_owned();
    let reply = send(client.get(&me).bearer_auth(&write_only)).await;
    assert_eq!(reply.status, 403);
    assert!(
        reply
            .header("www-authenticate")
            .unwrap()
            .contains(r#"scope="read""#)
    );
    server.stop().await;
}

// ------------------------------------------------ metadata, authorize

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_names_this_server() {
    let server = start(&[]).await;
    let reply = send(http().get(server.url("/.well-known/oauth-authorization-server"))).await;
    assert_eq!(reply.status, 200);
    let document = reply.json();
    assert_eq!(document["issuer"], server.base);
    assert_eq!(document["token_endpoint"], server.url("/oauth/token"));
    assert_eq!(
        document["authorization_endpoint"],
        server.url("/oauth/authorize")
    );
    assert_eq!(document["revocation_endpoint"], server.url("/oauth/revoke"));
    assert_eq!(
        document["introspection_endpoint"],
        server.url("/oauth/introspect")
    );
    assert_eq!(
        document["code_challenge_methods_supported"],
        json!(["S256"])
    );
    assert_eq!(
        document["authorization_response_iss_parameter_supported"],
        true
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorize_errors_redirect_only_to_registered_uris() {
    let server = start(&[]).await;
    let client = http();
    let url = server.url("/oauth/authorize");
    // An unregistered redirect URI is shown to the user, never followed.
    let reply = send(client.get(&url).query(&[
        ("response_type", "code"),
        ("client_id", "your_client_id"),
        ("redirect_uri", "https://evil.example/cb"),
    ]))
    .await;
    assert_eq!(reply.status, 400);
    assert!(reply.header("location").is_none());
    assert_eq!(reply.json()["error"], "invalid_request");
    // The public client without PKCE: redirected with invalid_request.
    let reply = send(client.get(&url).query(&[
        ("response_type", "code"),
        ("client_id", "public_client_id"),
        ("state", "s"),
    ]))
    .await;
    assert_eq!(reply.status, 302);
    let location = reply.header("location").unwrap();
    assert!(location.starts_with(CALLBACK), "{location}");
    assert!(location.contains("error=invalid_request"), "{location}");
    assert!(location.contains("state=s"), "{location}");
    server.stop().await;
}

// -------------------------------------------------------- host failures

/// A storage failure is a JSON 500, never a panic or a `TokenError`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_failure_is_a_json_500() {
    let server = start(&[]).await;
    server
        .app
        .db()
        .sqlite()
        .expect("the SQLite store")
        .write(|tx| Ok::<_, store::error::StoreError>(tx.execute_batch("DROP TABLE clients")?))
        .await
        .unwrap();
    let reply = post_form(
        &http(),
        &server.url("/oauth/token"),
        "grant_type=client_credentials&client_id=your_client_id&client_secret=your_client_secret",
    )
    .await;
    assert_eq!(reply.status, 500);
    assert_no_store_json(&reply);
    assert_eq!(reply.json()["error"], "server_error");
    server.stop().await;
}

#[test]
fn command_line() {
    let Ok(Command::Serve(options)) = cli::parse([
        "--listen=127.0.0.1:9000",
        "--db",
        "/tmp/x.db",
        "--issuer",
        "https://as.example",
        "--refresh-grace",
        "5",
        "--bench-routes",
        "--hs256-secret",
        "0123456789abcdef0123456789abcdef",
    ]) else {
        panic!("parses");
    };
    assert_eq!(options.listen.to_string(), "127.0.0.1:9000");
    assert_eq!(options.db, DbTarget::File(PathBuf::from("/tmp/x.db")));
    assert_eq!(options.issuer.as_deref(), Some("https://as.example"));
    assert_eq!(options.refresh_grace, 5);
    assert!(options.bench_routes);
    assert!(!format!("{options:?}").contains("0123456789abcdef"));
    let Ok(Command::Serve(defaults)) = cli::parse(Vec::<String>::new()) else {
        panic!("parses");
    };
    assert_eq!(defaults.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(defaults.db, DbTarget::Memory);
    assert!(defaults.hs256_secret.is_none());
    assert_eq!((defaults.db_pool, defaults.purge_every), (16, 3600));
    assert_eq!(defaults.throttle, Some(server::throttle::Budget::DEFAULT));
    let serve = |args: &[&str]| match cli::parse(args.iter().copied()) {
        Ok(Command::Serve(options)) => options,
        other => panic!("{other:?}"),
    };
    let budget = serve(&["--throttle", "5/30"]).throttle;
    assert_eq!(
        budget.map(|b| (b.failures, b.window_seconds)),
        Some((5, 30))
    );
    assert_eq!(serve(&["--no-throttle"]).throttle, None);
    for bad in ["0/60", "10/0", "10", "ten/60"] {
        assert!(cli::parse(["--throttle", bad]).is_err(), "{bad}");
    }
    assert!(cli::parse(["--no-throttle=yes"]).is_err());
    assert!(matches!(cli::parse(["--help"]), Ok(Command::Help)));
    assert!(cli::parse(["--hs256-secret", "short"]).is_err());
    assert!(cli::parse(["--listen", "nowhere"]).is_err());
    assert!(cli::parse(["--listen"]).is_err());
    let stray = cli::parse(["a-secret-value"]).unwrap_err();
    assert!(!stray.contains("a-secret-value"));
    assert!(cli::USAGE.contains("--hs256-secret"));
}

/// `--db` with a PostgreSQL URL, the pool and the purge period; the
/// password is never shown, not even when the URL does not parse.
#[test]
fn command_line_for_postgres() {
    let url = "postgres://app:hunter2-secret@db.internal:6432/auth";
    let Ok(Command::Serve(options)) =
        cli::parse(["--db", url, "--db-pool", "4", "--purge-every=0"])
    else {
        panic!("parses");
    };
    assert_eq!((options.db_pool, options.purge_every), (4, 0));
    let DbTarget::Postgres(pg) = &options.db else {
        panic!("a PostgreSQL target: {:?}", options.db);
    };
    assert_eq!(pg.to_string(), "postgres app@db.internal:6432/auth");
    assert_eq!(options.db.describe(), "postgres app@db.internal:6432/auth");
    assert!(!format!("{options:?}").contains("hunter2"));
    let bad = cli::parse(["--db", "postgres://app:hunter2@db:notaport/x"]).unwrap_err();
    assert!(!bad.contains("hunter2"), "{bad}");
    assert!(cli::parse(["--db-pool", "-1"]).is_err());
    assert!(cli::parse(["--purge-every", "soon"]).is_err());
    let Ok(Command::Serve(file)) = cli::parse(["--db", "postgres.db"]) else {
        panic!("parses");
    };
    assert_eq!(file.db, DbTarget::File(PathBuf::from("postgres.db")));
}

// ---------------------------------------------------------------- hardening

/// Only the resource-server client may introspect other clients' tokens:
/// the web client sees another client's token as inactive (RFC 7662 2.2).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_resource_server_introspects_other_clients_tokens() {
    let server = start(&[]).await;
    let client = http();
    let m2m = post_form(
        &client,
        &server.url("/oauth/token"),
        "grant_type=client_credentials&client_id=m2m_client_id&client_secret=m2m_client_secret",
    )
    .await;
    let token = m2m.json()["access_token"].as_str().unwrap().to_owned();
    let as_web = send(
        client
            .post(server.url("/oauth/introspect"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", CONFIDENTIAL_BASIC)
            .body(form(&[("token", &token)])),
    )
    .await;
    assert_eq!(as_web.status, 200);
    assert_eq!(as_web.json(), json!({"active": false}));
    let as_resource_server = introspect(&server, &client, &token).await;
    assert_eq!(as_resource_server["active"], true);
    assert_eq!(as_resource_server["client_id"], "m2m_client_id");
    server.stop().await;
}

/// A clock that cannot be read, or reads 1970, fails closed: 503 with
/// `Retry-After` at every endpoint that needs the time, never a token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_clock_is_a_503_not_a_token() {
    let broken: [server::clock::Clock; 2] = [Arc::new(|| None), Arc::new(|| Some(0))];
    for clock in broken {
        let Command::Serve(options) = cli::parse(["--listen", "127.0.0.1:0"]).unwrap() else {
            panic!("arguments");
        };
        let bound = server::Server::bind(*options)
            .await
            .unwrap()
            .with_clock(clock);
        let base = format!("http://{}", bound.local_addr().unwrap());
        let serving = tokio::spawn(bound.serve(std::future::pending()));
        let client = http();
        let token = post_form(
            &client,
            &format!("{base}/oauth/token"),
            "grant_type=client_credentials&client_id=m2m_client_id&client_secret=m2m_client_secret",
        )
        .await;
        let query = [("response_type", "code"), ("client_id", "your_client_id")];
        let authorize = send(client.get(format!("{base}/oauth/authorize")).query(&query)).await;
        let me = send(client.get(format!("{base}/api/me")).bearer_auth("x.y.z")).await;
        for reply in [&token, &authorize, &me] {
            assert_eq!(reply.status, 503, "{}", reply.body);
            assert_eq!(reply.header("retry-after"), Some("1"));
            assert!(!reply.body.contains("access_token"));
        }
        serving.abort();
    }
}

/// The HS256 secret from a file or the environment, so that it need not
/// show in the process list; one source at a time, each at least 32 bytes.
#[test]
fn the_signing_secret_comes_from_a_file_or_the_environment() {
    let secret = "file-secret-0123456789abcdef0123456789";
    let path = std::env::temp_dir().join(format!("grant-engine-secret-{}", std::process::id()));
    std::fs::write(&path, format!("{secret}\n")).unwrap();
    let parse = |args: &[&str]| match cli::parse(args.iter().copied()) {
        Ok(Command::Serve(options)) => options,
        other => panic!("{other:?}"),
    };
    let file = path.display().to_string();
    let from_file = parse(&["--hs256-secret-file", &file])
        .resolve_secret(None)
        .unwrap();
    assert_eq!(from_file.hs256_secret.as_deref(), Some(secret.as_bytes()));
    let env = Some(std::ffi::OsString::from(
        "env-secret-0123456789abcdef0123456789",
    ));
    let from_env = parse(&[]).resolve_secret(env.clone()).unwrap();
    assert_eq!(
        from_env.hs256_secret.as_deref(),
        Some(&b"env-secret-0123456789abcdef0123456789"[..])
    );
    assert!(
        parse(&[])
            .resolve_secret(None)
            .unwrap()
            .hs256_secret
            .is_none()
    );
    let both = parse(&["--hs256-secret-file", &file]).resolve_secret(env);
    assert!(both.unwrap_err().contains("one way"));
    let short = parse(&[]).resolve_secret(Some("short".into()));
    assert!(short.unwrap_err().contains("32 bytes"));
    let missing = parse(&["--hs256-secret-file", "/nonexistent/secret"]).resolve_secret(None);
    assert!(missing.is_err());
    std::fs::remove_file(&path).unwrap();
    assert!(!format!("{from_file:?}").contains(secret));
}

/// The `your_client_id` verifier stored in the SQLite file of `server`.
async fn stored_verifier(server: &TestServer, client_id: &'static str) -> String {
    let db = server.app.db().sqlite().expect("SQLite").clone();
    db.read(move |conn| {
        Ok(conn.query_row(
            "SELECT secret_verifier FROM clients WHERE client_id = ?1",
            [client_id],
            |row| row.get::<_, String>(0),
        )?)
    })
    .await
    .unwrap()
}

/// The status of a client_credentials request of `m2m_client_id`.
async fn m2m_status(server: &TestServer) -> u16 {
    let body =
        "grant_type=client_credentials&client_id=m2m_client_id&client_secret=m2m_client_secret";
    post_form(&http(), &server.url("/oauth/token"), body)
        .await
        .status
}

fn pepper_file(name: &str, content: &str) -> (PathBuf, String) {
    let path = std::env::temp_dir().join(format!("grant-engine-{name}-{}", std::process::id()));
    std::fs::write(&path, content).unwrap();
    let text = path.display().to_string();
    (path, text)
}

/// Client secrets are stored keyed by the pepper: the database holds no
/// SHA-256 of a secret (what a dictionary would find); a database file
/// without a configured pepper is refused (a random one would lock its
/// clients out at the next start); a restart with the same pepper keeps
/// every verifier; a new pepper with the old one retired still verifies the
/// old verifiers, and without it they fail closed, unthrottled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_secrets_are_stored_keyed_by_the_pepper() {
    let db = TempDb::new("pepper");
    let path = db.0.to_str().expect("UTF-8 temp path").to_owned();
    let Command::Serve(bare) = cli::parse(["--listen", "127.0.0.1:0", "--db", &path]).unwrap()
    else {
        panic!("not a serve command");
    };
    let refused = server::Server::bind(*bare).await.err().expect("refused");
    assert!(refused.to_string().contains("--pepper-file"), "{refused}");

    let (old, old_file) = pepper_file("old-pepper", "old-pepper-of-at-least-32-random-bytes\n");
    let (new, new_file) = pepper_file("new-pepper", "new-pepper-of-at-least-32-random-bytes\n");
    let first = start(&["--db", &path, "--pepper-file", &old_file]).await;
    let keyed = stored_verifier(&first, "m2m_client_id").await;
    assert!(keyed.starts_with("hmac-sha256:fp-"), "{keyed}");
    assert!(!keyed.contains(&SecretHash::of("m2m_client_secret").to_string()));
    assert_eq!(m2m_status(&first).await, 200);
    first.stop().await;

    let again = start(&["--db", &path, "--pepper-file", &old_file]).await;
    assert_eq!(stored_verifier(&again, "m2m_client_id").await, keyed);
    again.stop().await;

    let rotated = start(&[
        "--db",
        &path,
        "--pepper-file",
        &new_file,
        "--retired-pepper-file",
        &old_file,
    ])
    .await;
    assert_eq!(
        stored_verifier(&rotated, "m2m_client_id").await,
        keyed,
        "not re-keyed"
    );
    assert_eq!(m2m_status(&rotated).await, 200);
    rotated.stop().await;

    let dropped = start(&["--db", &path, "--pepper-file", &new_file]).await;
    for _ in 0..12 {
        // 401 every time: a pepper the server lacks is not counted as a guess.
        assert_eq!(m2m_status(&dropped).await, 401);
    }
    dropped.stop().await;
    std::fs::remove_file(&old).unwrap();
    std::fs::remove_file(&new).unwrap();
}

/// The pepper's sources: a file, the environment, not both; at least 32
/// bytes; never printed.
#[test]
fn the_pepper_comes_from_a_file_or_the_environment() {
    let parse = |args: &[&str]| match cli::parse(args.iter().copied()) {
        Ok(Command::Serve(options)) => options,
        other => panic!("{other:?}"),
    };
    let (path, file) = pepper_file(
        "pepper-source",
        "a-pepper-of-at-least-32-bytes-0123456789\n",
    );
    let from_file = parse(&["--pepper-file", &file, "--retired-pepper-file", &file])
        .resolve_pepper(None)
        .unwrap();
    assert_eq!(
        from_file.pepper.as_deref(),
        Some(&b"a-pepper-of-at-least-32-bytes-0123456789"[..])
    );
    assert_eq!(from_file.retired_peppers.len(), 1);
    assert!(!format!("{from_file:?}").contains("a-pepper"));
    let env = Some(std::ffi::OsString::from(
        "env-pepper-0123456789abcdef0123456789",
    ));
    let from_env = parse(&[]).resolve_pepper(env.clone()).unwrap();
    assert_eq!(
        from_env.pepper.as_deref(),
        Some(&b"env-pepper-0123456789abcdef0123456789"[..])
    );
    assert!(
        parse(&["--pepper-file", &file])
            .resolve_pepper(env)
            .unwrap_err()
            .contains("one way")
    );
    let short = parse(&[]).resolve_pepper(Some("short".into()));
    assert!(short.unwrap_err().contains("32 bytes"));
    std::fs::remove_file(&path).unwrap();
}

/// A client_credentials access token of `your_client_id` from `server`.
async fn cc_token(server: &TestServer, client: &reqwest::Client) -> String {
    let body = "grant_type=client_credentials&client_id=your_client_id&client_secret=your_client_secret&scope=read";
    let reply = post_form(client, &server.url("/oauth/token"), body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["access_token"].as_str().unwrap().to_owned()
}

/// With `--signing-key` (a P-256, Ed25519 or RSA PEM), tokens are signed
/// with it and verify, by an independent JOSE library, from the JWK Set
/// fetched over HTTP, which the metadata names; an HS256 secret given too
/// still verifies the tokens it signed before the switch, and without it
/// they are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_asymmetric_signing_key_is_published_in_the_jwk_set() {
    const ISSUER: &str = "http://auth.test";
    let secret = "switch-story-hs256-secret-0123456789";
    let client = http();
    let before = start(&["--hs256-secret", secret, "--issuer", ISSUER]).await;
    let old_token = cc_token(&before, &client).await;
    let empty = send(client.get(before.url("/.well-known/jwks.json"))).await;
    assert_eq!(empty.json(), json!({"keys": []}));
    before.stop().await;
    for (pem, alg) in [
        ("../tests/keys/es256.pem", jsonwebtoken::Algorithm::ES256),
        ("../tests/keys/ed25519.pem", jsonwebtoken::Algorithm::EdDSA),
        ("../tests/keys/rs256.pem", jsonwebtoken::Algorithm::RS256),
    ] {
        let server = start(&[
            "--signing-key",
            pem,
            "--hs256-secret",
            secret,
            "--issuer",
            ISSUER,
        ])
        .await;
        let metadata =
            send(client.get(server.url("/.well-known/oauth-authorization-server"))).await;
        assert_eq!(
            metadata.json()["jwks_uri"],
            format!("{ISSUER}/.well-known/jwks.json")
        );
        let reply = send(client.get(server.url("/.well-known/jwks.json"))).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(reply.header("cache-control"), None);
        let set: jsonwebtoken::jwk::JwkSet = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(set.keys.len(), 1, "the HS256 secret is not published");
        let token = cc_token(&server, &client).await;
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.alg, alg);
        let jwk = set
            .find(header.kid.as_deref().unwrap())
            .expect("the token's kid");
        let mut validation = jsonwebtoken::Validation::new(alg);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[ISSUER]);
        let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
        let claims = jsonwebtoken::decode::<Value>(&token, &key, &validation)
            .unwrap()
            .claims;
        assert_eq!(claims["sub"], "your_client_id");
        for token in [&token, &old_token] {
            let me = send(client.get(server.url("/api/me")).bearer_auth(token)).await;
            assert_eq!(me.status, 200, "{}", me.body);
        }
        server.stop().await;
    }
    let switched = start(&[
        "--signing-key",
        "../tests/keys/es256.pem",
        "--issuer",
        ISSUER,
    ])
    .await;
    let me = send(client.get(switched.url("/api/me")).bearer_auth(&old_token)).await;
    assert_eq!(me.status, 401);
    switched.stop().await;
    let Command::Serve(wrong) = cli::parse([
        "--listen",
        "127.0.0.1:0",
        "--signing-key",
        "../tests/keys/p384.pem",
    ])
    .unwrap() else {
        panic!("not a serve command");
    };
    let refused = server::Server::bind(*wrong).await.err().expect("refused");
    assert!(refused.to_string().contains("PKCS#8"), "{refused}");
}

/// `server/tests/strict-clients/`, with its pinned packages installed
/// (`npm ci`, once, if `node_modules/` is missing).
fn strict_clients() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/strict-clients");
    if !dir.join("node_modules/oauth4webapi").is_dir() {
        let status = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm runs (Node.js 20 or newer is needed)");
        assert!(status.success(), "npm ci in {}", dir.display());
    }
    dir
}

/// Runs the oauth4webapi resource server (`validate.mjs`) against `server`:
/// its exit status and its one line of JSON.
async fn strict_resource_server(server: &TestServer) -> (bool, Value) {
    let dir = strict_clients();
    let base = server.base.clone();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg("validate.mjs")
            .arg(base)
            .current_dir(dir)
            .output()
            .expect("node runs")
    })
    .await
    .expect("the node task");
    let line = String::from_utf8_lossy(&output.stdout);
    let json = serde_json::from_str(line.trim()).unwrap_or_else(|_| {
        let stderr = String::from_utf8_lossy(&output.stderr);
        panic!("validate.mjs printed {line:?}, stderr {stderr}")
    });
    (output.status.success(), json)
}

/// A resource server on a strict third-party library (oauth4webapi's RFC
/// 9068 validator, which takes keys only from the `jwks_uri` it discovers
/// and refuses HS256) accepts the demo's ES256, EdDSA and RS256 tokens, and
/// refuses its default HS256 ones, as it did before asymmetric keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strict_jose_resource_server_verifies_tokens_from_the_jwks_uri() {
    for (pem, alg) in [
        ("../tests/keys/es256.pem", "ES256"),
        ("../tests/keys/ed25519.pem", "EdDSA"),
        ("../tests/keys/rs256.pem", "RS256"),
    ] {
        let server = start(&["--signing-key", pem]).await;
        let (ok, json) = strict_resource_server(&server).await;
        assert!(ok, "{alg}: {json}");
        assert_eq!(json["alg"], alg);
        assert_eq!(json["sub"], "your_client_id");
        assert_eq!(json["scope"], "read");
        let set = send(http().get(server.url("/.well-known/jwks.json"))).await;
        assert_eq!(set.json()["keys"][0]["kid"], json["kid"]);
        server.stop().await;
    }
    let hs256 = start(&[]).await;
    let (ok, json) = strict_resource_server(&hs256).await;
    assert!(!ok);
    assert_eq!(json["error"], r#"unexpected JWT "alg" header parameter"#);
    hs256.stop().await;
}

/// The grace period is at most 60 seconds: a longer `--refresh-grace`
/// keeps the server from starting at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grace_period_over_a_minute_is_refused_at_start() {
    let Command::Serve(options) =
        cli::parse(["--listen", "127.0.0.1:0", "--refresh-grace", "61"]).unwrap()
    else {
        panic!("arguments");
    };
    let error = server::Server::bind(*options).await.err().expect("refused");
    assert!(error.to_string().contains("1 to 60 seconds"), "{error}");
    let Command::Serve(options) =
        cli::parse(["--listen", "127.0.0.1:0", "--refresh-grace", "60"]).unwrap()
    else {
        panic!("arguments");
    };
    assert!(server::Server::bind(*options).await.is_ok());
}
