//! The server under test, over HTTP/1.1.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::http::{Pending, Reply, Request, Transport};

/// The longest `Retry-After` the checker waits for; a longer one is
/// judged as the answer it is.
pub const LONGEST_BACKOFF: Duration = Duration::from_secs(120);

/// How often one request is retried after a 429.
const RETRIES: usize = 3;

/// A live server. A `429 Too Many Requests` with a `Retry-After` in seconds
/// (RFC 6585 4, RFC 9110 10.2.3) is a correct answer to repeated failures
/// (RFC 6749 2.3.1 asks for brute-force protection): the checker waits as
/// told and sends the request again.
pub struct Live {
    client: reqwest::Client,
    backoffs: AtomicUsize,
}

impl Live {
    /// A transport with a 30-second timeout per request.
    pub fn new() -> Result<Live, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("the HTTP client: {e}"))?;
        Ok(Live {
            client,
            backoffs: AtomicUsize::new(0),
        })
    }

    /// How many times the checker backed off after a 429.
    pub fn backoffs(&self) -> usize {
        self.backoffs.load(Ordering::Relaxed)
    }

    async fn send_once(&self, request: &Request) -> Reply {
        let method = match reqwest::Method::from_bytes(request.method.as_bytes()) {
            Ok(method) => method,
            Err(e) => return Reply::no_response(format!("method: {e}")),
        };
        let mut builder = self.client.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let response = match builder.body(request.body.clone()).send().await {
            Ok(response) => response,
            Err(e) => return Reply::no_response(format!("{e}")),
        };
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into(),
                )
            })
            .collect();
        match response.bytes().await {
            Ok(body) => Reply {
                status,
                headers,
                body: body.to_vec(),
            },
            Err(e) => Reply::no_response(format!("the body: {e}")),
        }
    }

    async fn send_patiently(&self, request: Request) -> Reply {
        let mut reply = self.send_once(&request).await;
        for _ in 0..RETRIES {
            let Some(wait) = retry_after(&reply) else {
                break;
            };
            self.backoffs.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(wait).await;
            reply = self.send_once(&request).await;
        }
        reply
    }
}

/// The wait a 429 asks for, when it is one the checker honours.
fn retry_after(reply: &Reply) -> Option<Duration> {
    if reply.status != 429 {
        return None;
    }
    let seconds: u64 = reply.header("retry-after")?.trim().parse().ok()?;
    let wait = Duration::from_secs(seconds.max(1));
    (wait <= LONGEST_BACKOFF).then_some(wait)
}

impl Transport for Live {
    fn send(&self, request: Request) -> Pending<'_> {
        Box::pin(self.send_patiently(request))
    }
}
