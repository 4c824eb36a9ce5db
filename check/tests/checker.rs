//! The checker's own tests: the reference engine and the demo server pass
//! every check; deliberately broken servers fail exactly the checks of
//! what they break; the report's totals, exit rule and JUnit output.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use grant_engine_check::catalog::{CHECKS, Level};
use grant_engine_check::config::CheckConfig;
use grant_engine_check::http::{Pending, Reply, Request, Transport};
use grant_engine_check::judge::challenged;
use grant_engine_check::live::Live;
use grant_engine_check::observe::Verdict;
use grant_engine_check::reference::{REFERENCE_BASE, Reference};
use grant_engine_check::run::{Report, Target, run};
use grant_engine_check::side::s256;

const NOW: u64 = 1_800_000_000;

fn demo_config() -> CheckConfig {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/demo.json"))
        .expect("check/demo.json");
    CheckConfig::parse(&text).expect("the demo configuration")
}

async fn check_against(server: &dyn Transport, base: &str) -> Report {
    let config = demo_config();
    let reference = Reference::new(&config, NOW).expect("the reference");
    let target = Target {
        transport: server,
        base,
    };
    run(&config, target, &reference, "test-nonce")
        .await
        .expect("the run starts")
}

fn failed(report: &Report) -> BTreeSet<&'static str> {
    report
        .outcomes
        .iter()
        .filter(|o| matches!(o.server, Verdict::Fail(_)))
        .map(|o| o.check.id)
        .collect()
}

fn assert_clean(report: &Report) {
    assert!(report.defects.is_empty(), "{:?}", report.defects);
    let reference: Vec<String> = report
        .reference_failures()
        .iter()
        .map(|o| o.line())
        .collect();
    assert!(
        reference.is_empty(),
        "the reference engine fails: {reference:#?}"
    );
}

#[tokio::test]
async fn the_reference_engine_passes_every_check_it_is_judged_by() {
    let config = demo_config();
    let server = Reference::new(&config, NOW).unwrap();
    let report = check_against(&server, REFERENCE_BASE).await;
    assert_clean(&report);
    let text = report.text();
    assert_eq!(report.counts(), (CHECKS.len(), 0, 0), "{text}");
    assert_eq!(
        text.lines().last(),
        Some(format!("{} passed, 0 failed", CHECKS.len()).as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_server_passes_every_check_over_http() {
    let args = ["--listen", "127.0.0.1:0"];
    let Ok(grant_engine_server::cli::Command::Serve(options)) =
        grant_engine_server::cli::parse(args)
    else {
        panic!("the demo's arguments");
    };
    let options = options.resolve_pepper(None).unwrap();
    let server = grant_engine_server::Server::bind(options).await.unwrap();
    let base = format!("http://{}", server.local_addr().unwrap());
    let task = tokio::spawn(server.serve(std::future::pending()));
    let live = Live::new().unwrap();
    let report = check_against(&live, &base).await;
    task.abort();
    assert_clean(&report);
    assert_eq!(report.counts(), (CHECKS.len(), 0, 0), "{}", report.text());
    assert_eq!(live.backoffs(), 0);
}

/// A broken server: the reference with one behaviour changed.
struct Broken {
    inner: Reference,
    fault: Fault,
    seen: Mutex<BTreeMap<String, Reply>>,
}

#[derive(Clone, Copy)]
enum Fault {
    /// Token responses without Cache-Control.
    NoCacheControl,
    /// A code's second redemption answers the first's tokens again.
    CodeReuseAccepted,
    /// Any code_verifier is taken for the right one.
    AnyVerifier,
    /// Revocation answers 200 and does nothing.
    RevocationIgnored,
    /// Error redirects without `iss`.
    NoIssOnErrors,
}

/// The verifier the AnyVerifier server puts in every challenge.
const ITS_VERIFIER: &str = "broken-server-verifier-0123456789-abcdefghij";

fn form(request: &Request) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(&request.body).unwrap_or_default()
}

fn with_form(mut request: Request, fields: &[(String, String)]) -> Request {
    request.body = serde_urlencoded::to_string(fields).unwrap().into_bytes();
    request
}

impl Broken {
    fn new(fault: Fault) -> Broken {
        Broken {
            inner: Reference::new(&demo_config(), NOW).unwrap(),
            fault,
            seen: Mutex::new(BTreeMap::new()),
        }
    }

    async fn answer(&self, mut request: Request) -> Reply {
        let token = request.url.ends_with("/oauth/token");
        match self.fault {
            Fault::NoCacheControl if token => {
                let mut reply = self.inner.send(request).await;
                reply.headers.retain(|(n, _)| n != "cache-control");
                reply
            }
            Fault::CodeReuseAccepted if token => {
                let code = form(&request).into_iter().find(|(n, _)| n == "code");
                let Some((_, code)) = code else {
                    return self.inner.send(request).await;
                };
                if let Some(first) = self.seen.lock().unwrap().get(&code) {
                    return first.clone();
                }
                let reply = self.inner.send(request).await;
                if reply.status == 200 {
                    self.seen.lock().unwrap().insert(code, reply.clone());
                }
                reply
            }
            Fault::AnyVerifier if token => {
                let mut fields = form(&request);
                for (name, value) in &mut fields {
                    if name == "code_verifier" {
                        *value = ITS_VERIFIER.to_owned();
                    }
                }
                self.inner.send(with_form(request, &fields)).await
            }
            Fault::AnyVerifier if request.url.contains("/oauth/authorize?") => {
                let (path, query) = request.url.split_once('?').unwrap();
                let mut params: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
                for (name, value) in &mut params {
                    if name == "code_challenge" {
                        *value = s256(ITS_VERIFIER);
                    }
                }
                request.url = format!("{path}?{}", serde_urlencoded::to_string(&params).unwrap());
                self.inner.send(request).await
            }
            Fault::RevocationIgnored if request.url.ends_with("/oauth/revoke") => {
                // Authenticated and validated as usual, but the token is
                // swapped for one that exists nowhere.
                let mut fields = form(&request);
                for (name, value) in &mut fields {
                    if name == "token" {
                        *value = String::from("no-such-token");
                    }
                }
                self.inner.send(with_form(request, &fields)).await
            }
            Fault::NoIssOnErrors if request.url.contains("/oauth/authorize?") => {
                let mut reply = self.inner.send(request).await;
                for (name, value) in &mut reply.headers {
                    if name == "location" && value.contains("error=") {
                        let (target, query) = value.split_once('?').unwrap();
                        let params: Vec<(String, String)> =
                            serde_urlencoded::from_str(query).unwrap();
                        let kept: Vec<_> = params.into_iter().filter(|(n, _)| n != "iss").collect();
                        *value =
                            format!("{target}?{}", serde_urlencoded::to_string(&kept).unwrap());
                    }
                }
                reply
            }
            _ => self.inner.send(request).await,
        }
    }
}

impl Transport for Broken {
    fn send(&self, request: Request) -> Pending<'_> {
        Box::pin(self.answer(request))
    }
}

async fn fails_exactly(fault: Fault, expected: &[&str]) {
    let server = Broken::new(fault);
    let report = check_against(&server, REFERENCE_BASE).await;
    assert_clean(&report);
    let expected: BTreeSet<&str> = expected.iter().copied().collect();
    assert_eq!(failed(&report), expected, "{}", report.text());
    let musts = expected
        .iter()
        .any(|id| CHECKS.iter().any(|c| c.id == *id && c.level == Level::Must));
    assert_eq!(report.fails(false), musts);
    assert!(report.fails(true));
}

#[tokio::test]
async fn a_server_without_cache_control_fails_that_check_alone() {
    fails_exactly(
        Fault::NoCacheControl,
        &["rfc6749-5.1-cache-control-no-store"],
    )
    .await;
}

#[tokio::test]
async fn a_server_that_accepts_a_reused_code_fails_the_reuse_checks() {
    let expected = [
        "rfc6749-4.1.2-code-reuse",
        "rfc6749-4.1.2-code-reuse-revokes",
        "rfc6749-4.1.2-code-reuse-revokes-access",
        "rfc6749-10.5-code-race",
    ];
    fails_exactly(Fault::CodeReuseAccepted, &expected).await;
}

#[tokio::test]
async fn a_server_that_accepts_any_verifier_fails_the_verifier_checks() {
    let expected = [
        "rfc7636-4.6-wrong-verifier",
        "rfc7636-4.1-malformed-verifier",
    ];
    fails_exactly(Fault::AnyVerifier, &expected).await;
}

#[tokio::test]
async fn a_server_that_ignores_revocation_fails_the_revocation_checks() {
    let expected = [
        "rfc7009-2-refresh-revoked",
        "rfc7009-2.1-refresh-revokes-access",
        "rfc7009-2-access-revoked",
        "rfc7009-2.1-hint-searches-all",
        "rfc6750-3.1-revoked-token",
    ];
    fails_exactly(Fault::RevocationIgnored, &expected).await;
}

#[tokio::test]
async fn a_server_without_iss_on_error_redirects_fails_that_check_alone() {
    fails_exactly(Fault::NoIssOnErrors, &["rfc9207-2-iss-on-errors"]).await;
}

#[tokio::test]
async fn the_report_counts_skips_and_writes_junit() {
    let server = Broken::new(Fault::NoCacheControl);
    let mut report = check_against(&server, REFERENCE_BASE).await;
    if let Some(outcome) = report
        .outcomes
        .iter_mut()
        .find(|o| o.check.level == Level::May)
    {
        outcome.server = Verdict::Skip(String::from("a <reason> & \"more\""));
    }
    let n = CHECKS.len();
    assert_eq!(
        report.summary(),
        format!("{} passed, 1 failed, 1 skipped", n - 2)
    );
    let xml = report.junit("http://server.example");
    assert_eq!(xml.matches("<testcase ").count(), n);
    assert_eq!(xml.matches("<failure ").count(), 1);
    assert!(xml.contains(&format!("tests=\"{n}\" failures=\"1\" skipped=\"1\"")));
    assert!(xml.contains("<skipped message=\"a &lt;reason&gt; &amp; &quot;more&quot;\"/>"));
    assert!(
        xml.contains("<testcase classname=\"MUST\" name=\"rfc6749-5.1-cache-control-no-store\">")
    );
}

#[test]
fn a_challenge_counts_wherever_it_stands_in_the_header() {
    let reply = Reply {
        status: 401,
        headers: vec![(
            String::from("www-authenticate"),
            String::from("Basic realm=\"a, b\", Bearer realm=\"api\""),
        )],
        body: Vec::new(),
    };
    assert_eq!(challenged(&reply, "bearer"), Ok(()));
    assert_eq!(challenged(&reply, "Basic"), Ok(()));
    assert!(challenged(&reply, "DPoP").is_err());
}

#[test]
fn check_ids_are_unique_and_name_their_spec() {
    let ids: BTreeSet<&str> = CHECKS.iter().map(|c| c.id).collect();
    assert_eq!(ids.len(), CHECKS.len());
    for check in CHECKS {
        let spec = check.id.split('-').next().unwrap();
        assert!(
            spec.starts_with("rfc") && spec[3..].parse::<u32>().is_ok(),
            "{}",
            check.id
        );
        let section = check.id.split('-').nth(1).unwrap();
        assert!(
            section.chars().next().unwrap().is_ascii_digit(),
            "{}",
            check.id
        );
    }
}
