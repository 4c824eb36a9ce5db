//! The HTTP exchange the checker sees, whatever answers it: a live server
//! over the network or the reference engine in-process.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

/// A request the checker sends.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method.
    pub method: &'static str,
    /// The absolute URL.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// A GET.
    pub fn get(url: impl Into<String>) -> Request {
        Request {
            method: "GET",
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A form POST (`application/x-www-form-urlencoded`).
    pub fn form(url: impl Into<String>, fields: &[(&str, &str)]) -> Request {
        let body = serde_urlencoded::to_string(fields).unwrap_or_default();
        Request {
            method: "POST",
            url: url.into(),
            headers: vec![(
                String::from("content-type"),
                String::from("application/x-www-form-urlencoded"),
            )],
            body: body.into_bytes(),
        }
    }

    /// The request with one more header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Request {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// The request with its `Content-Type` replaced.
    pub fn content_type(mut self, value: &str) -> Request {
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        self.header("content-type", value)
    }
}

/// What came back. A transport failure is status 0 with the reason as
/// its body, so that every check can judge it like any other answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code; 0 when no HTTP response arrived.
    pub status: u16,
    /// Header names (lowercase) and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// The stand-in for a request that got no response.
    pub fn no_response(why: impl Into<String>) -> Reply {
        Reply {
            status: 0,
            headers: Vec::new(),
            body: why.into().into_bytes(),
        }
    }

    /// Every value of a header.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The header's value, if it was sent exactly once.
    pub fn header(&self, name: &str) -> Option<&str> {
        match self.header_values(name).as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// The body as a JSON object.
    pub fn json(&self) -> Option<serde_json::Map<String, Value>> {
        match serde_json::from_slice(&self.body) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        }
    }

    /// The JSON body's string member.
    pub fn member(&self, name: &str) -> Option<String> {
        self.json()?.get(name)?.as_str().map(str::to_owned)
    }

    /// Whether the media type of `Content-Type` is `application/json`.
    pub fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|v| {
            let media = v.split(';').next().unwrap_or_default().trim();
            media.eq_ignore_ascii_case("application/json")
        })
    }
}

/// A future a transport returns.
pub type Pending<'a> = Pin<Box<dyn Future<Output = Reply> + Send + 'a>>;

/// Something that answers HTTP requests.
pub trait Transport: Send + Sync {
    /// Sends one request; never follows a redirect.
    fn send(&self, request: Request) -> Pending<'_>;
}
