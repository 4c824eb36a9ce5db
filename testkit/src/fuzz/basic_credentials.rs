//! The `basic_credentials` fuzz target's assertions:
//! `parse_basic_credentials` on an arbitrary `Authorization` header value.
//! Run by `fuzz/fuzz_targets/basic_credentials.rs` and replayed over the
//! corpus by `testkit/tests/fuzz_corpus.rs`.
//!
//! Input format: the whole input is the `Authorization` header value.

use grant_engine::errors::ClientAuthFailure;
use grant_engine::parse::{
    ClientAuth, ClientCredentialsRequest, MAX_BASIC_CREDENTIALS_LEN, TokenRequest,
    parse_basic_credentials,
};

/// Decodes one header value and checks every invariant the target asserts.
pub fn check(data: &[u8]) {
    let (client_id, secret) = match parse_basic_credentials(data) {
        Ok(credentials) => credentials,
        Err(failure) => {
            assert!(
                matches!(
                    failure,
                    ClientAuthFailure::MalformedBasic | ClientAuthFailure::UnsupportedScheme
                ),
                "parsing a header gave {failure:?}"
            );
            return;
        }
    };
    for (what, value) in [
        ("client id", client_id.as_str()),
        ("secret", secret.expose_secret()),
    ] {
        assert!(!value.is_empty(), "the {what} is empty");
        assert!(
            value.bytes().all(|b| (0x20..=0x7e).contains(&b)),
            "the {what} is not 1*VSCHAR"
        );
    }

    // The engine's own encoder gives a header that decodes to the same pair.
    let request = TokenRequest::ClientCredentials(ClientCredentialsRequest {
        client: ClientAuth::Basic {
            client_id: client_id.clone(),
            secret: secret.clone(),
        },
        scope: None,
    });
    let header = request
        .encode()
        .authorization
        .expect("client_secret_basic encodes an Authorization header");
    let token68_len = header.len() - "Basic ".len();
    if token68_len > MAX_BASIC_CREDENTIALS_LEN {
        // Percent-encoding grew the credentials past what the parser reads:
        // refused as documented on `encode`, never accepted as another pair.
        assert_eq!(
            parse_basic_credentials(header.as_bytes()),
            Err(ClientAuthFailure::MalformedBasic),
            "over-long re-encoded credentials must be refused"
        );
        return;
    }
    assert_eq!(
        parse_basic_credentials(header.as_bytes()),
        Ok((client_id, secret)),
        "the re-encoded header ({} bytes: {:?}...) decodes to another pair",
        header.len(),
        header.get(..80).unwrap_or(&header)
    );
}
