//! Several `grant-engine-server` processes on one PostgreSQL database (a
//! cluster each test starts itself): races spread across processes, a
//! revocation seen by the others at once, and the database going away and
//! coming back.
//!
//! Every process gets the same `--hs256-secret`, pepper and `--issuer`,
//! which is what lets a token minted by one verify at another (and a
//! client authenticate at any), and the same rotation
//! secret, which lets a grace-period regrant happen at any of them; the
//! database is the only other thing they share.
//!
//! Without PostgreSQL these tests are ignored, and say so (server/build.rs).

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use grant_engine::bearer::verify_access_token;
use grant_engine::values::FamilyId;
use grant_engine::{Config, HmacKey, KeyRing};
use grant_engine_server::KEY_ID;
use grant_engine_server::clock::system_now;
use grant_engine_testkit::postgres::Cluster;
use serde_json::Value;
use tokio::sync::Barrier;

const ISSUER: &str = "http://grant-engine.test";
const SECRET: &str = "cross-process-test-secret-0123456789";
/// The grace period's rotation secret, shared like the signing secret.
const ROTATION_SECRET: &str = "cross-process-rotation-secret-0123456";
/// The client-secret pepper, shared too: each process re-keys the demo
/// clients at start, so processes with different peppers would lock each
/// other's clients out.
const PEPPER: &str = "cross-process-client-pepper-0123456789";
const CALLBACK: &str = "https://your-app.com/callback";
const RACERS: usize = 32;

fn bin() -> &'static str {
    match option_env!("GRANT_ENGINE_PG_BIN_FOUND") {
        Some(bin) => bin,
        None => panic!("the build script found no PostgreSQL"),
    }
}

/// A server process, killed on drop.
struct Process {
    child: Child,
    base: String,
}

impl Process {
    /// Starts the server binary on a free port over `db_url`, and waits
    /// until it answers.
    async fn spawn(db_url: &str, extra: &[&str]) -> Process {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let listen = format!("127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_grant-engine-server"))
            .args(["--listen", &listen, "--db", db_url, "--db-pool", "8"])
            .args(["--hs256-secret", SECRET, "--issuer", ISSUER])
            .args(extra)
            .env("GRANT_ENGINE_ROTATION_SECRET", ROTATION_SECRET)
            .env("GRANT_ENGINE_CLIENT_PEPPER", PEPPER)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let process = Process {
            child,
            base: format!("http://{listen}"),
        };
        let metadata = process.url("/.well-known/oauth-authorization-server");
        let deadline = Instant::now() + Duration::from_secs(30);
        while http().get(&metadata).send().await.is_err() {
            assert!(Instant::now() < deadline, "the server did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        process
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A cluster with database `app`, and `n` servers on it.
async fn servers(n: usize, extra: &[&str]) -> (Cluster, Vec<Process>) {
    let cluster = Cluster::start(bin());
    cluster.create_database("app");
    let url = cluster.url("app");
    let mut processes = Vec::new();
    for _ in 0..n {
        processes.push(Process::spawn(&url, extra).await);
    }
    (cluster, processes)
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("client")
}

#[derive(Debug)]
struct Reply {
    status: u16,
    retry_after: Option<String>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    fn field(&self, name: &str) -> String {
        self.json()[name].as_str().unwrap_or_default().to_owned()
    }
}

async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("the server answers");
    Reply {
        status: response.status().as_u16(),
        retry_after: response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: response.text().await.expect("a body"),
    }
}

async fn post_form(url: &str, pairs: &[(&str, &str)]) -> Reply {
    let body = serde_urlencoded::to_string(pairs).expect("a form");
    send(
        http()
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body),
    )
    .await
}

/// A code for the confidential client from `process`'s authorization
/// endpoint (the demo approves at once).
async fn code(process: &Process) -> String {
    let query = [
        ("response_type", "code"),
        ("client_id", "your_client_id"),
        ("redirect_uri", CALLBACK),
        ("scope", "read write"),
        ("state", "s"),
    ];
    let response = http()
        .get(process.url("/oauth/authorize"))
        .query(&query)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status().as_u16(), 302);
    let location = response.headers()["location"].to_str().expect("a location");
    let location = reqwest::Url::parse(location).expect("a URL");
    let code = location.query_pairs().find(|(name, _)| name == "code");
    code.expect("a code").1.into_owned()
}

fn redeem_form(code: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.to_owned()),
        ("client_id", "your_client_id".to_owned()),
        ("client_secret", "your_client_secret".to_owned()),
        ("redirect_uri", CALLBACK.to_owned()),
    ]
}

fn refresh_form(refresh_token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", refresh_token.to_owned()),
        ("client_id", "your_client_id".to_owned()),
        ("client_secret", "your_client_secret".to_owned()),
    ]
}

async fn post(process: &Process, form: &[(&'static str, String)]) -> Reply {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(n, v)| (*n, v.as_str())).collect();
    post_form(&process.url("/oauth/token"), &pairs).await
}

/// The tokens of a fresh authorization (code from `processes[0]`).
async fn tokens(processes: &[Process]) -> Reply {
    let code = code(&processes[0]).await;
    let reply = post(&processes[0], &redeem_form(&code)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
}

/// [`RACERS`] copies of one token request, released together, request `i`
/// to process `i % processes.len()`.
async fn race(processes: &[Process], form: Vec<(&'static str, String)>) -> Vec<Reply> {
    let barrier = Arc::new(Barrier::new(RACERS));
    let tasks: Vec<_> = (0..RACERS)
        .map(|i| {
            let url = processes[i % processes.len()].url("/oauth/token");
            let (barrier, form) = (barrier.clone(), form.clone());
            tokio::spawn(async move {
                let pairs: Vec<(&str, &str)> = form.iter().map(|(n, v)| (*n, v.as_str())).collect();
                barrier.wait().await;
                post_form(&url, &pairs).await
            })
        })
        .collect();
    let mut replies = Vec::new();
    for task in tasks {
        replies.push(task.await.expect("a request task"));
    }
    replies
}

/// The refresh tokens of `family` in `state`, read from the database.
async fn tokens_in_state(cluster: &Cluster, family: &FamilyId, state: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(&cluster.url("app"), tokio_postgres::NoTls)
        .await
        .expect("a connection");
    tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT count(*) FROM refresh_tokens WHERE family = $1 AND state = $2",
            &[&family.as_str(), &state],
        )
        .await
        .expect("a count");
    row.get(0)
}

/// The family of the access token in `reply`, verified as any of the
/// processes would verify it.
fn family_of(reply: &Reply) -> FamilyId {
    let key = HmacKey::new(KEY_ID, SECRET.as_bytes()).expect("a key");
    let config = Config::new(ISSUER, ISSUER, KeyRing::new(key));
    let claims = verify_access_token(
        &reply.field("access_token"),
        &config,
        system_now().unwrap_or_default(),
        0,
    )
    .expect("a valid access token");
    claims.fam.expect("a family")
}

/// The only 200 of a race; every other reply is `invalid_grant`.
fn the_one_winner(replies: &[Reply]) -> &Reply {
    let winners: Vec<&Reply> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(winners.len(), 1, "{replies:?}");
    for loser in replies.iter().filter(|r| r.status != 200) {
        assert_eq!(
            (loser.status, loser.field("error")),
            (400, "invalid_grant".into())
        );
    }
    winners[0]
}

async fn me(process: &Process, access_token: &str) -> u16 {
    send(http().get(process.url("/api/me")).bearer_auth(access_token))
        .await
        .status
}

/// 32 redemptions of one code across three processes: exactly one 200, the
/// rest `invalid_grant`; the replays are reuse, so the winner's tokens are
/// refused afterwards by every process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres), ignore = "PostgreSQL not found (see server/build.rs)")]
async fn one_code_redeemed_across_processes_has_one_winner() {
    let (_cluster, processes) = servers(3, &[]).await;
    let code = code(&processes[0]).await;
    let replies = race(&processes, redeem_form(&code)).await;
    let winner = the_one_winner(&replies);
    let access_token = winner.field("access_token");
    for process in &processes {
        assert_eq!(me(process, &access_token).await, 401);
    }
    let refresh = post(&processes[2], &refresh_form(&winner.field("refresh_token"))).await;
    assert_eq!(refresh.field("error"), "invalid_grant");
}

/// 32 refreshes of one token across three processes, no grace period:
/// exactly one 200, the rest reuse, the family revoked: no live successor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres), ignore = "PostgreSQL not found (see server/build.rs)")]
async fn one_refresh_token_across_processes_never_forks() {
    let (cluster, processes) = servers(3, &[]).await;
    let issued = tokens(&processes).await;
    let family = family_of(&issued);
    let replies = race(&processes, refresh_form(&issued.field("refresh_token"))).await;
    let winner = the_one_winner(&replies);
    assert_eq!(tokens_in_state(&cluster, &family, "active").await, 0);
    let successor = post(&processes[1], &refresh_form(&winner.field("refresh_token"))).await;
    assert_eq!(successor.field("error"), "invalid_grant");
}

/// The same with a 60-second grace period: all 32 succeed with one and the
/// same successor, which is the family's only live token, and works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres), ignore = "PostgreSQL not found (see server/build.rs)")]
async fn with_a_grace_period_every_process_hands_out_the_same_successor() {
    let (cluster, processes) = servers(3, &["--refresh-grace", "60"]).await;
    let issued = tokens(&processes).await;
    let family = family_of(&issued);
    let replies = race(&processes, refresh_form(&issued.field("refresh_token"))).await;
    let successors: BTreeSet<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 200, "{}", r.body);
            r.field("refresh_token")
        })
        .collect();
    assert_eq!(successors.len(), 1, "one successor for all");
    assert_eq!(tokens_in_state(&cluster, &family, "active").await, 1);
    assert_eq!(tokens_in_state(&cluster, &family, "revoked").await, 0);
    let successor = successors.into_iter().next().unwrap_or_default();
    let next = post(&processes[2], &refresh_form(&successor)).await;
    assert_eq!(next.status, 200, "{}", next.body);
}

/// A refresh token revoked through one process is refused by the others at
/// once, and so is its family's access token at `/api/me`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres), ignore = "PostgreSQL not found (see server/build.rs)")]
async fn a_revocation_through_one_process_holds_in_the_others() {
    let (_cluster, processes) = servers(3, &[]).await;
    let issued = tokens(&processes).await;
    let access_token = issued.field("access_token");
    assert_eq!(me(&processes[2], &access_token).await, 200);
    let revoked = post_form(
        &processes[0].url("/oauth/revoke"),
        &[
            ("token", &issued.field("refresh_token")),
            ("client_id", "your_client_id"),
            ("client_secret", "your_client_secret"),
        ],
    )
    .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let refresh = post(&processes[1], &refresh_form(&issued.field("refresh_token"))).await;
    assert_eq!(
        (refresh.status, refresh.field("error")),
        (400, "invalid_grant".into())
    );
    for process in &processes[1..] {
        assert_eq!(me(process, &access_token).await, 401);
    }
}

/// What a client saw while the database went away and came back.
#[derive(Default)]
struct Load {
    replies: Vec<Reply>,
    /// Codes handed out (302 with a code): each must have been stored.
    codes: Vec<String>,
}

/// Token and authorization requests round-robin over `processes` until
/// `stop` is set: the load in flight while the database goes away.
async fn load(bases: Vec<String>, stop: Arc<std::sync::atomic::AtomicBool>) -> Load {
    let mut seen = Load::default();
    let client = http();
    for i in 0.. {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            break;
        }
        let base = &bases[i % bases.len()];
        let token_url = format!("{base}/oauth/token");
        let token = post_form(
            &token_url,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "your_client_id"),
                ("client_secret", "your_client_secret"),
            ],
        );
        seen.replies.push(token.await);
        let query = [("response_type", "code"), ("client_id", "your_client_id")];
        let authorize = client
            .get(format!("{base}/oauth/authorize"))
            .query(&query)
            .send()
            .await
            .expect("the server answers");
        let location = authorize.headers().get("location").cloned();
        let retry_after = authorize.headers().get("retry-after").cloned();
        let status = authorize.status().as_u16();
        let body = authorize.text().await.expect("a body");
        if let Some(location) = location {
            let url = reqwest::Url::parse(location.to_str().expect("ASCII")).expect("a URL");
            let code = url.query_pairs().find(|(name, _)| name == "code");
            seen.codes.extend(code.map(|(_, code)| code.into_owned()));
        } else {
            seen.replies.push(Reply {
                status,
                retry_after: retry_after.and_then(|v| v.to_str().ok().map(str::to_owned)),
                body,
            });
        }
    }
    seen
}

/// The database going away mid-run: every answer is a 200 or a 503 with
/// `Retry-After` (never a 500, never a broken connection), including the
/// requests in flight; a code presented during the outage is not spent;
/// once the database is back the servers recover on their own, and every
/// code they handed out, even just before the outage, was stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(postgres), ignore = "PostgreSQL not found (see server/build.rs)")]
async fn the_database_going_away_gives_503_and_the_servers_recover() {
    let (cluster, processes) = servers(2, &[]).await;
    let code = code(&processes[0]).await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let bases = processes.iter().map(|p| p.base.clone()).collect();
    let running = tokio::spawn(load(bases, stop.clone()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    cluster.halt();
    tokio::time::sleep(Duration::from_millis(300)).await;

    for process in &processes {
        let during = post(process, &redeem_form(&code)).await;
        assert_eq!(during.status, 503, "{}", during.body);
        assert_eq!(during.retry_after.as_deref(), Some("1"));
        assert_eq!(during.field("error"), "temporarily_unavailable");
    }

    cluster.resume();
    for process in &processes {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let form = [
                ("grant_type", "client_credentials"),
                ("client_id", "m2m_client_id"),
                ("client_secret", "m2m_client_secret"),
            ];
            if post_form(&process.url("/oauth/token"), &form).await.status == 200 {
                break;
            }
            assert!(Instant::now() < deadline, "the server did not recover");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen = running.await.expect("the load task");

    let after = post(&processes[1], &redeem_form(&code)).await;
    assert_eq!(after.status, 200, "the code was not spent: {}", after.body);
    assert!(
        seen.replies.iter().any(|r| r.status == 503),
        "the outage was seen"
    );
    for reply in &seen.replies {
        match reply.status {
            200 => {}
            503 => assert_eq!(reply.retry_after.as_deref(), Some("1"), "{}", reply.body),
            _ => panic!("{reply:?}"),
        }
    }
    assert!(!seen.codes.is_empty());
    for code in &seen.codes {
        let redeemed = post(&processes[0], &redeem_form(code)).await;
        assert_eq!(redeemed.status, 200, "{}", redeemed.body);
    }
}
