//! Raw HTTP/1.1 in and out: the oracle reads a request as bytes and writes
//! the response as bytes, so any harness in any language can use it.

use grant_engine::HttpResponse;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A raw HTTP/1.1 request, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawRequest {
    /// The method.
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// Why bytes are not an HTTP/1.1 request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RawRequestError {
    /// No blank line ends the head, or the request line is malformed.
    #[error("the request line or headers are malformed")]
    Malformed,
    /// Content-Length is not a number or exceeds the bytes given.
    #[error("the Content-Length is invalid")]
    ContentLength,
}

impl RawRequest {
    /// Parses `METHOD SP target SP HTTP/1.x`, header lines, a blank line and
    /// the body (`Content-Length` bytes if given, else the rest). Lines end
    /// with CRLF or LF; the head must be UTF-8.
    pub fn parse(bytes: &[u8]) -> Result<RawRequest, RawRequestError> {
        let (head, rest) = split_head(bytes).ok_or(RawRequestError::Malformed)?;
        let head = std::str::from_utf8(head).map_err(|_| RawRequestError::Malformed)?;
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let request_line = lines.next().ok_or(RawRequestError::Malformed)?;
        let mut words = request_line.split(' ');
        let (Some(method), Some(target), Some(version), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Err(RawRequestError::Malformed);
        };
        if method.is_empty() || target.is_empty() || !version.starts_with("HTTP/1.") {
            return Err(RawRequestError::Malformed);
        }
        let mut headers = Vec::new();
        for line in lines {
            let (name, value) = line.split_once(':').ok_or(RawRequestError::Malformed)?;
            if name.is_empty() || name.contains([' ', '\t']) {
                return Err(RawRequestError::Malformed);
            }
            headers.push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
        }
        let mut request = RawRequest {
            method: method.to_owned(),
            target: target.to_owned(),
            headers,
            body: Vec::new(),
        };
        request.body = match request.header_values("content-length").as_slice() {
            [] => rest.to_vec(),
            [length] => {
                let length: usize = length.parse().map_err(|_| RawRequestError::ContentLength)?;
                rest.get(..length)
                    .ok_or(RawRequestError::ContentLength)?
                    .to_vec()
            }
            _ => return Err(RawRequestError::ContentLength),
        };
        Ok(request)
    }

    /// The request as bytes, with a `Content-Length` if it has none.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, self.target).into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        if self.header_values("content-length").is_empty() {
            out.extend_from_slice(format!("Content-Length: {}\r\n", self.body.len()).as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }

    /// Every value of header `name`, compared case-insensitively.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The path, and the query after `?` (empty if none).
    pub fn path_and_query(&self) -> (&str, &str) {
        self.target.split_once('?').unwrap_or((&self.target, ""))
    }
}

fn split_head(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut at = 0;
    while at < bytes.len() {
        let rest = bytes.get(at..)?;
        if rest.starts_with(b"\r\n\r\n") {
            return Some((bytes.get(..at)?, bytes.get(at + 4..)?));
        }
        if rest.starts_with(b"\n\n") {
            return Some((bytes.get(..at)?, bytes.get(at + 2..)?));
        }
        if rest.starts_with(b"\r\n\n") {
            return Some((bytes.get(..at)?, bytes.get(at + 3..)?));
        }
        at += 1;
    }
    None
}

/// Renders a response as HTTP/1.1 bytes, with `content-length` last.
pub fn render_response(response: &HttpResponse) -> Vec<u8> {
    let reason = match response.status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        503 => "Service Unavailable",
        _ => "Unknown",
    };
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", response.status).into_bytes();
    for (name, value) in &response.headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", response.body.len()).as_bytes());
    out.extend_from_slice(&response.body);
    out
}
