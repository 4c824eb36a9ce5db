//! Token endpoint: request hygiene (RFC 6749 3.2, 3.1, 2.3, 5.2).

use super::*;

/// A valid client_credentials request with body credentials.
const CC: &str =
    "grant_type=client_credentials&client_id=your_client_id&client_secret=your_client_secret";

/// `CC` padded with an unknown parameter to exactly `len` bytes.
fn padded_to(len: usize) -> String {
    let head = format!("{CC}&pad=");
    format!("{head}{}", "a".repeat(len - head.len()))
}

/// `CC` followed by unknown parameters up to `count` parameters in all.
fn with_params(count: usize) -> String {
    let mut body = CC.to_owned();
    for n in 3..count {
        body.push_str(&format!("&x{n}=1"));
    }
    body
}

fn with_content_type(content_type: &str) -> VectorRequest {
    with_headers(token(CC), &[("Content-Type", content_type)])
}

pub fn cases() -> Vec<Case> {
    vec![
        case(
            "hygiene-method-get-405",
            "method other than POST: 405, Allow: POST, invalid_request",
            base_fixture(),
            get("/oauth/token", &[]),
        ),
        case(
            "hygiene-method-put-405",
            "method other than POST (PUT with a valid form): 405, Allow: POST",
            base_fixture(),
            VectorRequest {
                method: "PUT".into(),
                ..token(CC)
            },
        ),
        case(
            "hygiene-content-type-json-400",
            "Content-Type not application/x-www-form-urlencoded: 400 invalid_request",
            base_fixture(),
            with_content_type("application/json"),
        ),
        case(
            "hygiene-content-type-missing-400",
            "Content-Type missing: 400 invalid_request",
            base_fixture(),
            with_headers(token(CC), &[]),
        ),
        case(
            "hygiene-content-type-lookalike-400",
            "Content-Type that only starts like the form type: 400 invalid_request",
            base_fixture(),
            with_content_type("application/x-www-form-urlencodedx"),
        ),
        case(
            "hygiene-content-type-case-insensitive-with-charset",
            "type and subtype compare case-insensitively; `; charset=UTF-8` is fine",
            base_fixture(),
            with_content_type("Application/X-WWW-Form-URLEncoded; charset=UTF-8"),
        ),
        case(
            "hygiene-credentials-in-query-ignored",
            "client credentials in the request URI are never used: 401 invalid_client",
            base_fixture(),
            post(
                "/oauth/token?client_id=your_client_id&client_secret=your_client_secret",
                "grant_type=client_credentials",
                &[],
            ),
        ),
        case(
            "hygiene-query-parameters-ignored",
            "the engine reads the body only: query parameters change nothing",
            base_fixture(),
            post(
                "/oauth/token?grant_type=password&scope=admin&client_secret=wrong",
                &format!("{CC}&scope=read"),
                &[],
            ),
        ),
        case(
            "hygiene-body-percent-decoded-invalid-utf8-400",
            "body not UTF-8 after percent-decoding: 400 invalid_request",
            base_fixture(),
            token(&format!("{CC}&scope=%FF")),
        ),
        case(
            "hygiene-body-raw-invalid-utf8-400",
            "raw body bytes not UTF-8: 400 invalid_request",
            base_fixture(),
            with_body_bytes(token(""), &[CC.as_bytes(), b"&scope=r\xffad"].concat()),
        ),
        case(
            "hygiene-body-malformed-percent-escape-400",
            "a malformed % escape: 400 invalid_request",
            base_fixture(),
            token(&format!("{CC}&scope=read%zz")),
        ),
        case(
            "hygiene-body-truncated-percent-escape-400",
            "a % escape cut short at the end of the body: 400 invalid_request",
            base_fixture(),
            token(&format!("{CC}&scope=read%4")),
        ),
        case(
            "hygiene-body-over-limit-413",
            "body larger than the limit (16 KiB + 1 byte): 413 invalid_request",
            base_fixture(),
            token(&padded_to(16 * 1024 + 1)),
        ),
        case(
            "hygiene-body-at-limit-accepted",
            "a body of exactly the limit (16 KiB) is accepted",
            base_fixture(),
            token(&padded_to(16 * 1024)),
        ),
        case(
            "hygiene-too-many-parameters-413",
            "more parameters than the limit (33 > 32): 413 invalid_request",
            base_fixture(),
            token(&with_params(33)),
        ),
        case(
            "hygiene-parameters-at-limit-accepted",
            "exactly the parameter limit (32) is accepted",
            base_fixture(),
            token(&with_params(32)),
        ),
        case(
            "hygiene-duplicate-scope-400",
            "a parameter given twice: 400 invalid_request naming it (scope)",
            base_fixture(),
            token(&format!("{CC}&scope=read&scope=read")),
        ),
        case(
            "hygiene-duplicate-grant-type-400",
            "a parameter given twice: 400 invalid_request naming it (grant_type)",
            base_fixture(),
            token(&format!("{CC}&grant_type=client_credentials")),
        ),
        case(
            "hygiene-duplicate-client-secret-400",
            "a parameter given twice: 400 invalid_request naming it (client_secret)",
            base_fixture(),
            token(&format!("{CC}&client_secret=your_client_secret")),
        ),
        case(
            "hygiene-empty-scope-treated-as-omitted",
            "a parameter with an empty value (scope=) is treated as omitted",
            base_fixture(),
            token(&format!("{CC}&scope=")),
        ),
        case(
            "hygiene-empty-value-is-not-a-repeat",
            "an empty value is omitted, so `scope=&scope=read` sends scope once",
            base_fixture(),
            token(&format!("{CC}&scope=&scope=read")),
        ),
        case(
            "hygiene-unknown-parameters-ignored",
            "unknown extra parameters (even repeated) are ignored",
            base_fixture(),
            token(&format!("{CC}&foo=1&foo=2&state=xyz&nonce=abc")),
        ),
        case(
            "hygiene-grant-type-missing-400",
            "grant_type missing: 400 invalid_request",
            base_fixture(),
            token(CONFIDENTIAL),
        ),
        case(
            "hygiene-grant-type-empty-is-missing-400",
            "grant_type= (empty) is omitted, so missing: 400 invalid_request",
            base_fixture(),
            token(&format!("grant_type=&{CONFIDENTIAL}")),
        ),
        case(
            "hygiene-grant-type-password-unsupported",
            "grant_type not supported (password): 400 unsupported_grant_type",
            base_fixture(),
            token(&format!(
                "grant_type=password&username=u&password=p&{CONFIDENTIAL}"
            )),
        ),
        case(
            "hygiene-grant-type-wrong-case-unsupported",
            "grant_type compares exactly (Client_Credentials): 400 unsupported_grant_type",
            base_fixture(),
            token(&format!("grant_type=Client_Credentials&{CONFIDENTIAL}")),
        ),
        case(
            "hygiene-missing-code-400",
            "a required parameter of the grant missing (code): 400 invalid_request naming it",
            base_fixture(),
            token(&format!(
                "grant_type=authorization_code&{CONFIDENTIAL}&redirect_uri={REDIRECT_ENC}"
            )),
        ),
        case(
            "hygiene-missing-refresh-token-400",
            "a required parameter of the grant missing (refresh_token): 400 invalid_request naming it",
            base_fixture(),
            token(&format!("grant_type=refresh_token&{CONFIDENTIAL}")),
        ),
    ]
}
