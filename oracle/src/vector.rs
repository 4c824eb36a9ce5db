//! Conformance vectors: a state, one request, and exactly what a correct
//! server answers and changes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use grant_engine::{Effect, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::fixture::{Fixture, FixtureError};
use crate::oracle::Oracle;
use crate::raw::{RawRequest, render_response};

/// A request as a conformance vector stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorRequest {
    /// The method.
    pub method: String,
    /// The request target.
    pub target: String,
    /// Header names and values, in order (a `Content-Length` is added when
    /// the raw request is written, unless given here).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body as text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    /// The body as unpadded base64url, for bodies that are not UTF-8
    /// (takes precedence over `body`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

impl VectorRequest {
    /// The request as a [`RawRequest`]; `None` if `body_base64` is invalid.
    pub fn to_raw(&self) -> Option<RawRequest> {
        let body = match &self.body_base64 {
            Some(b64) => URL_SAFE_NO_PAD.decode(b64).ok()?,
            None => self.body.clone().into_bytes(),
        };
        Some(RawRequest {
            method: self.method.clone(),
            target: self.target.clone(),
            headers: self.headers.clone(),
            body,
        })
    }
}

/// A response as a conformance vector stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorResponse {
    /// The status.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (every body the engine writes is UTF-8).
    pub body: String,
}

impl From<&HttpResponse> for VectorResponse {
    fn from(response: &HttpResponse) -> Self {
        VectorResponse {
            status: response.status,
            headers: response
                .headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.clone()))
                .collect(),
            body: String::from_utf8_lossy(&response.body).into_owned(),
        }
    }
}

impl VectorResponse {
    /// The response as HTTP/1.1 bytes, exactly as the oracle CLI prints it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let headers = self
            .headers
            .iter()
            .map(|(n, v)| (static_header_name(n), v.clone()))
            .collect();
        render_response(&HttpResponse {
            status: self.status,
            headers,
            body: self.body.clone().into_bytes(),
        })
    }
}

/// Header names the engine writes; anything else renders as `x-unknown`.
fn static_header_name(name: &str) -> &'static str {
    const NAMES: [&str; 8] = [
        "content-type",
        "cache-control",
        "pragma",
        "www-authenticate",
        "allow",
        "location",
        "content-length",
        "retry-after",
    ];
    NAMES
        .iter()
        .find(|n| n.eq_ignore_ascii_case(name))
        .copied()
        .unwrap_or("x-unknown")
}

/// A conformance vector: a state, one request, and exactly what a correct
/// server answers and changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    /// A stable name (the file name without `.json`).
    pub name: String,
    /// The RFC-RULES row it pins, in words.
    pub rule: String,
    /// The state before the request.
    pub fixture: Fixture,
    /// The request.
    pub request: VectorRequest,
    /// The expected response.
    pub response: VectorResponse,
    /// The expected effects.
    pub effects: Vec<Effect>,
}

impl Vector {
    /// Runs the vector's request against its fixture and returns what the
    /// engine answers now (to compare with, or regenerate, the expectation).
    pub fn run(&self) -> Result<(VectorResponse, Vec<Effect>), FixtureError> {
        let mut oracle = Oracle::from_fixture(&self.fixture)?;
        let raw = self.request.to_raw().ok_or(FixtureError::RequestBody)?;
        let answer = oracle.handle(&raw);
        Ok((VectorResponse::from(&answer.response), answer.effects))
    }
}
