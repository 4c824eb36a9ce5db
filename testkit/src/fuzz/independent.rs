//! Independent helpers for the fuzz checks: strict form decoding,
//! base64url, SHA-256, HMAC and a JWT verifier written from the RFCs
//! (RFC 6749 Appendix B, RFC 7515, RFC 9068), not from the engine's code,
//! so that a check built on them does not share the engine's mistakes.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// `application/x-www-form-urlencoded`.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// Decodes one form component strictly: `+` is a space, `%XX` a byte (two
/// hex digits, either case), and the result must be UTF-8.
pub fn decode_component(raw: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut at = 0;
    while at < raw.len() {
        match raw[at] {
            b'%' => {
                let hi = hex(*raw.get(at + 1)?)?;
                let lo = hex(*raw.get(at + 2)?)?;
                out.push(hi << 4 | lo);
                at += 3;
            }
            b'+' => {
                out.push(b' ');
                at += 1;
            }
            byte => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// A decoded form: every `name=value` pair in order (empty segments
/// skipped), or `None` if any name or value does not decode.
pub fn parse_form(input: &[u8]) -> Option<Vec<(String, String)>> {
    input
        .split(|b| *b == b'&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (name, value) = match segment.iter().position(|b| *b == b'=') {
                Some(at) => (&segment[..at], &segment[at + 1..]),
                None => (segment, &b""[..]),
            };
            Some((decode_component(name)?, decode_component(value)?))
        })
        .collect()
}

/// The number of `name=value` pairs of a form (non-empty segments).
pub fn pair_count(input: &[u8]) -> usize {
    input
        .split(|b| *b == b'&')
        .filter(|s| !s.is_empty())
        .count()
}

/// The non-empty values sent for `name` (RFC 6749 3.1: an empty value is an
/// omitted parameter).
pub fn values<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(n, v)| n == name && !v.is_empty())
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The value of `name` if it was sent (non-empty) exactly once.
pub fn single<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    match values(pairs, name).as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// Encodes `value` as a form component (the WHATWG urlencoded serializer:
/// `*-._` and alphanumerics stay, a space is `+`, everything else `%XX`).
pub fn form_encode(value: &[u8]) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for &byte in value {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A form body from pairs, each side encoded.
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(n, v)| {
            format!(
                "{}={}",
                form_encode(n.as_bytes()),
                form_encode(v.as_bytes())
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `VSCHAR = %x20-7E`, one or more (RFC 6749 Appendix A).
pub fn is_vschars(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// `NQCHAR = %x21 / %x23-5B / %x5D-7E`.
pub fn is_nqchar(byte: u8) -> bool {
    matches!(byte, 0x21 | 0x23..=0x5b | 0x5d..=0x7e)
}

/// The tokens of a scope string if it follows RFC 6749 3.3
/// (`scope-token *( SP scope-token )`), as a set.
pub fn scope_set(value: &str) -> Option<BTreeSet<String>> {
    value
        .split(' ')
        .map(|token| (!token.is_empty() && token.bytes().all(is_nqchar)).then(|| token.to_owned()))
        .collect()
}

/// The tokens of a scope as the engine renders it (possibly empty).
pub fn rendered_scope_set(value: &str) -> BTreeSet<String> {
    value
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `unreserved`, 43 to 128 of them (RFC 7636 4.1).
pub fn is_pkce_string(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Unpadded base64url of SHA-256 of `data`: how digests of secrets, codes
/// and tokens render, and the S256 PKCE challenge.
pub fn sha256_b64url(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(sha256(data))
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The `hmac-sha256` client-secret verifier, rendered, as the store
/// format defines it: HMAC-SHA256 keyed by the pepper over the version byte
/// 1, the client id's length (4 bytes, big-endian), the id and
/// SHA-256(secret).
pub fn keyed_secret_verifier(
    pepper_id: &str,
    pepper: &[u8],
    client_id: &str,
    secret: &str,
) -> String {
    let id_len = u32::try_from(client_id.len())
        .expect("a short id")
        .to_be_bytes();
    let message = [
        [1u8].as_slice(),
        &id_len,
        client_id.as_bytes(),
        &sha256(secret.as_bytes()),
    ]
    .concat();
    format!(
        "hmac-sha256:{pepper_id}:{}",
        b64url(&hmac_sha256(pepper, &message))
    )
}

/// Unpadded base64url.
pub fn b64url(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// Decodes unpadded base64url only if `text` is the canonical encoding of
/// the result (no padding, zero trailing bits), so no two strings decode to
/// the same bytes.
pub fn b64url_canonical(text: &str) -> Option<Vec<u8>> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    (URL_SAFE_NO_PAD.encode(&bytes) == text).then_some(bytes)
}

/// Standard base64 with or without padding, lenient about trailing bits:
/// at least as permissive as any Basic decoder should be.
pub fn b64_lenient(text: &[u8]) -> Option<Vec<u8>> {
    let trimmed = text.strip_suffix(b"==").or_else(|| text.strip_suffix(b"="));
    let body = trimmed.unwrap_or(text);
    if body.contains(&b'=') {
        return None;
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
    );
    engine.decode(body).ok()
}

/// Standard base64 with padding.
pub fn b64(data: &[u8]) -> String {
    STANDARD.encode(data)
}

/// Standard base64 without padding.
pub fn b64_no_pad(data: &[u8]) -> String {
    STANDARD_NO_PAD.encode(data)
}

/// `Authorization: Basic` credentials as RFC 6749 2.3.1 builds them: each
/// half form-urlencoded, joined with `:`, standard base64.
pub fn basic_header(id: &[u8], secret: &[u8]) -> String {
    format!(
        "Basic {}",
        b64(format!("{}:{}", form_encode(id), form_encode(secret)).as_bytes())
    )
}

/// Decodes `Basic <base64(id:secret)>` (scheme case-insensitive, halves
/// form-urldecoded); `None` for anything else. Both halves must be
/// `1*VSCHAR`.
pub fn decode_basic(value: &[u8]) -> Option<(String, String)> {
    let value = value.trim_ascii();
    let at = value.iter().position(|b| *b == b' ' || *b == b'\t')?;
    let (scheme, rest) = value.split_at(at);
    if !scheme.eq_ignore_ascii_case(b"basic") {
        return None;
    }
    let decoded = b64_lenient(rest.trim_ascii_start())?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let id = decode_component(id.as_bytes())?;
    let secret = decode_component(secret.as_bytes())?;
    (is_vschars(&id) && is_vschars(&secret)).then_some((id, secret))
}

/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
/// (RFC 6750 2.1).
pub fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}

/// How an `Authorization` header presents a bearer token (RFC 6750 2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BearerHeader {
    /// No header, or another scheme: no bearer credentials at all.
    Missing,
    /// The Bearer scheme with something that is not a b64token.
    Malformed,
    /// `Bearer <b64token>`.
    Token(String),
}

/// Reads `Bearer <token>`: the header's surrounding whitespace ignored, the
/// scheme case-insensitive, one space then optional whitespace before the
/// token.
pub fn bearer_header(value: Option<&[u8]>) -> BearerHeader {
    let Some(value) = value else {
        return BearerHeader::Missing;
    };
    let value = value.trim_ascii();
    let (scheme, rest) = match value.iter().position(|b| *b == b' ') {
        Some(at) => value.split_at(at),
        None => (value, &b""[..]),
    };
    if !scheme.eq_ignore_ascii_case(b"bearer") {
        return BearerHeader::Missing;
    }
    match std::str::from_utf8(rest.trim_ascii_start()) {
        Ok(token) if is_b64token(token) => BearerHeader::Token(token.to_owned()),
        _ => BearerHeader::Malformed,
    }
}

/// A verification key of the ring, pinned to its algorithm.
#[derive(Clone, Copy)]
pub enum JwtKey<'a> {
    /// `kid` and HS256 secret: the HMAC is recomputed here.
    Hs256(&'a str, &'a [u8]),
    /// `kid`, the JWS `alg` and a public key, whose signatures another
    /// implementation (`jsonwebtoken`) checks.
    Public(
        &'a str,
        jsonwebtoken::Algorithm,
        &'a jsonwebtoken::DecodingKey,
    ),
}

impl JwtKey<'_> {
    fn kid(&self) -> &str {
        match self {
            JwtKey::Hs256(kid, _) | JwtKey::Public(kid, _, _) => kid,
        }
    }

    /// The `alg` a token of this key must name; `None` for a public key of
    /// an algorithm the engine does not support (no header matches it).
    fn alg(&self) -> Option<&'static str> {
        match self {
            JwtKey::Hs256(..) => Some("HS256"),
            JwtKey::Public(_, jsonwebtoken::Algorithm::ES256, _) => Some("ES256"),
            JwtKey::Public(_, jsonwebtoken::Algorithm::EdDSA, _) => Some("EdDSA"),
            JwtKey::Public(_, jsonwebtoken::Algorithm::RS256, _) => Some("RS256"),
            JwtKey::Public(..) => None,
        }
    }

    /// Whether `signature` (base64url) signs `signed` under this key.
    fn verifies(&self, signed: &str, signature: &[u8], signature_b64: &str) -> bool {
        match self {
            JwtKey::Hs256(_, secret) => {
                hmac_sha256(secret, signed.as_bytes()).as_slice() == signature
            }
            JwtKey::Public(_, alg, key) => {
                jsonwebtoken::crypto::verify(signature_b64, signed.as_bytes(), key, *alg)
                    .unwrap_or(false)
            }
        }
    }
}

impl std::fmt::Debug for JwtKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JwtKey({:?}, {:?})", self.kid(), self.alg())
    }
}

/// What an independent check requires of an access token.
#[derive(Debug, Clone, Copy)]
pub struct JwtExpectation<'a> {
    /// The keys that verify (the ring).
    pub keys: &'a [JwtKey<'a>],
    /// `iss`.
    pub issuer: &'a str,
    /// `aud`.
    pub audience: &'a str,
    /// The time of the check.
    pub now: u64,
    /// Clock skew allowed on `exp` and `iat`.
    pub leeway: u64,
}

/// Verifies an RFC 9068 access token, from the RFCs: three canonical
/// base64url parts; a JSON object header with `typ` `at+jwt` (or
/// `application/at+jwt`, case-insensitively, RFC 9068 2.1), no `crit`, a
/// `kid` of the ring and that key's `alg`; the HMAC of `header.payload`
/// under an HS256 key, or the signature under a public key (checked by
/// `jsonwebtoken`); a JSON object payload whose `iss` and `aud` are the
/// expected strings, `exp` is after `now` and `iat` not after it (both with
/// the leeway), and `sub`, `jti`, `client_id` and `scope` are strings.
/// Returns the claims, or why not.
pub fn verify_jwt(
    token: &str,
    expect: &JwtExpectation<'_>,
) -> Result<serde_json::Map<String, serde_json::Value>, &'static str> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts.as_slice() else {
        return Err("not three parts");
    };
    let header = b64url_canonical(header_b64).ok_or("header is not canonical base64url")?;
    let payload = b64url_canonical(payload_b64).ok_or("payload is not canonical base64url")?;
    let signature =
        b64url_canonical(signature_b64).ok_or("signature is not canonical base64url")?;
    let header: serde_json::Value =
        serde_json::from_slice(&header).map_err(|_| "header is not JSON")?;
    let header = header.as_object().ok_or("header is not an object")?;
    let alg = header.get("alg").and_then(|v| v.as_str()).ok_or("no alg")?;
    let typ_ok = header.get("typ").and_then(|v| v.as_str()).is_some_and(|t| {
        t.eq_ignore_ascii_case("at+jwt") || t.eq_ignore_ascii_case("application/at+jwt")
    });
    if !typ_ok {
        return Err("typ is not at+jwt");
    }
    if header.contains_key("crit") {
        return Err("crit is present");
    }
    let kid = header.get("kid").and_then(|v| v.as_str()).ok_or("no kid")?;
    let key = expect
        .keys
        .iter()
        .find(|k| k.kid() == kid)
        .ok_or("kid is not in the ring")?;
    // The algorithm is the key's, never the header's choice (RFC 8725 3.1).
    if Some(alg) != key.alg() {
        return Err("alg is not the key's");
    }
    let signed = format!("{header_b64}.{payload_b64}");
    if !key.verifies(&signed, &signature, signature_b64) {
        return Err("bad signature");
    }
    let claims: serde_json::Value =
        serde_json::from_slice(&payload).map_err(|_| "payload is not JSON")?;
    let claims = claims.as_object().ok_or("payload is not an object")?;
    if claims.get("iss").and_then(|v| v.as_str()) != Some(expect.issuer) {
        return Err("wrong iss");
    }
    if claims.get("aud").and_then(|v| v.as_str()) != Some(expect.audience) {
        return Err("wrong aud");
    }
    let exp = claims.get("exp").and_then(|v| v.as_u64()).ok_or("no exp")?;
    let iat = claims.get("iat").and_then(|v| v.as_u64()).ok_or("no iat")?;
    if expect.now >= exp.saturating_add(expect.leeway) {
        return Err("expired");
    }
    if iat > expect.now.saturating_add(expect.leeway) {
        return Err("iat in the future");
    }
    let text = |claim: &str| claims.get(claim).and_then(|v| v.as_str());
    // RFC 9068 2.2: `sub`, `jti`, `client_id` are present; ids are
    // `1*VSCHAR` (RFC 6749 A.1), `scope` follows RFC 6749 3.3 (empty for
    // no scope), a family id is `1*VSCHAR`.
    let sub = text("sub").ok_or("no sub")?;
    if sub.is_empty() || sub.chars().any(char::is_control) {
        return Err("bad sub");
    }
    if !text("jti").is_some_and(is_vschars) || !text("client_id").is_some_and(is_vschars) {
        return Err("bad jti or client_id");
    }
    let scope = text("scope").ok_or("no scope")?;
    if !scope.is_empty() && scope_set(scope).is_none() {
        return Err("bad scope");
    }
    if let Some(fam) = claims.get("fam")
        && !fam.as_str().is_some_and(is_vschars)
    {
        return Err("bad fam");
    }
    Ok(claims.clone())
}

/// The claims of a JWT's payload without any verification (to compare what
/// the engine minted with what it should have).
pub fn jwt_claims_unverified(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let payload = token.split('.').nth(1)?;
    let bytes = b64url_canonical(payload)?;
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()?
        .as_object()
        .cloned()
}

/// RFC 6749 5.2 `error_description` characters.
pub fn is_description(value: &str) -> bool {
    value
        .bytes()
        .all(|b| matches!(b, 0x20..=0x21 | 0x23..=0x5b | 0x5d..=0x7e))
}

/// Every header value is visible ASCII or space: nothing a client sent can
/// split a header.
pub fn assert_header_values_clean(headers: &[(&'static str, String)]) {
    for (name, value) in headers {
        assert!(
            value.bytes().all(|b| (0x20..=0x7e).contains(&b)),
            "header {name} has a value that is not visible ASCII: {value:?}"
        );
    }
}

/// `text`, cut to its first 600 characters for a readable panic message.
pub fn shorten(text: &str) -> String {
    match text.char_indices().nth(600) {
        Some((at, _)) => format!("{}... ({} bytes)", &text[..at], text.len()),
        None => text.to_owned(),
    }
}

/// The claims of a token whose structure, header and signature verify under
/// one of `keys`, whatever its times, issuer and audience say (revocation
/// accepts expired tokens).
pub fn jwt_signed_claims(
    token: &str,
    keys: &[JwtKey<'_>],
) -> Option<serde_json::Map<String, serde_json::Value>> {
    let expect = JwtExpectation {
        keys,
        issuer: "",
        audience: "",
        now: 0,
        leeway: 0,
    };
    match verify_jwt(token, &expect) {
        Ok(claims) => Some(claims),
        // Everything after the signature is a claim check.
        Err("wrong iss" | "wrong aud" | "expired" | "iat in the future") => {
            jwt_claims_unverified(token)
        }
        Err(_) => None,
    }
}

/// Whether `Basic <token68>` carries canonical standard base64 (padded or
/// not) within the 4 KiB the engine reads.
pub fn basic_is_canonical(value: &[u8]) -> bool {
    let value = value.trim_ascii();
    let Some(at) = value.iter().position(|b| *b == b' ' || *b == b'\t') else {
        return false;
    };
    let token = value[at..].trim_ascii_start();
    match b64_lenient(token) {
        Some(decoded) => {
            token.len() <= 4096
                && (b64(&decoded).as_bytes() == token || b64_no_pad(&decoded).as_bytes() == token)
        }
        None => false,
    }
}
