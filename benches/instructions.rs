//! Instructions per request, for callgrind: one grant, run `N` times, each
//! through the whole token endpoint (request bytes to the outcome, effects
//! applied) against a fresh clone of a prepared `MemoryStore`.
//!
//! Only [`request`] is counted (`--toggle-collect`), so the store clones and
//! the set-up are not; the count is repeatable for the same binary and
//! inputs whatever else the machine is doing:
//!
//! ```text
//! cargo bench --bench instructions --no-run
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     --toggle-collect='instructions::request' \
//!     target/release/deps/instructions-<hash> client_credentials 1000
//! ```
//!
//! and divide the `Collected` total by `N`. valgrind emulates SHA-256 in
//! software (no SHA extensions), so compressions weigh more than on hardware.

use std::hint::black_box;

use grant_engine::store::{CodeState, PkceChallenge, RefreshTokenState};
use grant_engine::values::{CodeChallenge, CodeChallengeMethod, CodeVerifier, FamilyId};
use grant_engine::{
    Call, ClientId, ClientRecord, CodeRecord, Config, Entropy, Exchange, GrantType, HmacKey,
    KeyRing, MemoryStore, Outcome, RedirectUri, RefreshTokenRecord, RequestParts, Scope, Subject,
    TokenHash, drive,
};

const NOW: u64 = 1_800_000_000;
const CLIENT_SECRET: &str = "your_client_secret";
const SUBJECT: &str = "user-1234";
/// RFC 7636 Appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

const CC_BODY: &[u8] = b"grant_type=client_credentials&client_id=your_client_id\
    &client_secret=your_client_secret&scope=read%20write";
const AC_BODY: &[u8] = b"grant_type=authorization_code&code=abc123&client_id=your_client_id\
    &client_secret=your_client_secret&redirect_uri=https%3A%2F%2Fyour-app.com%2Fcallback\
    &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RT_BODY: &[u8] = b"grant_type=refresh_token&refresh_token=def50200641f3e...\
    &client_id=your_client_id&client_secret=your_client_secret";

fn config() -> Config {
    let key = HmacKey::new("k1", &[7; 32]).expect("key");
    Config::new(
        "https://as.example",
        "https://api.example",
        KeyRing::new(key),
    )
}

/// One client, one unused code with an S256 challenge, one active refresh
/// token: the state every grant starts from.
fn store() -> MemoryStore {
    let client_id = ClientId::new("your_client_id").expect("client id");
    let redirect_uri = RedirectUri::new("https://your-app.com/callback").expect("uri");
    let scope = Scope::parse("read write").expect("scope");
    let mut store = MemoryStore::new();
    store.add_client(
        ClientRecord::confidential(client_id.clone(), CLIENT_SECRET)
            .with_grant_types(&[
                GrantType::AuthorizationCode,
                GrantType::ClientCredentials,
                GrantType::RefreshToken,
            ])
            .with_scope(scope.clone())
            .with_redirect_uri(redirect_uri.clone()),
    );
    let verifier = CodeVerifier::new(VERIFIER).expect("verifier");
    store.add_code(CodeRecord {
        code_hash: TokenHash::of("abc123"),
        client_id: client_id.clone(),
        redirect_uri: Some(redirect_uri),
        scope: scope.clone(),
        subject: Subject::new(SUBJECT).expect("subject"),
        pkce: Some(PkceChallenge {
            challenge: CodeChallenge::s256(&verifier),
            method: CodeChallengeMethod::S256,
        }),
        issued_at: NOW - 10,
        expires_at: NOW + 590,
        state: CodeState::Unused,
    });
    store.add_refresh_token(RefreshTokenRecord {
        token_hash: TokenHash::of("def50200641f3e..."),
        client_id,
        subject: Subject::new(SUBJECT).expect("subject"),
        scope,
        family: FamilyId::new("fam-2f8d1c0a9b7e6d5c4b3a").expect("family"),
        issued_at: NOW - 3_600,
        expires_at: NOW + 29 * 86_400,
        state: RefreshTokenState::Active,
    });
    store
}

/// The counted work: one request through the token endpoint, effects applied.
#[inline(never)]
fn request(config: &Config, store: &mut MemoryStore, body: &[u8]) -> Outcome<Exchange> {
    let call = Call::new(NOW, Entropy::from_bytes([1; 32]));
    let request = Exchange::parse(&RequestParts::form_post(body), config);
    drive(store, config, call, request).expect("the memory store applies it")
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let grant = args
        .next()
        .unwrap_or_else(|| String::from("client_credentials"));
    let n: usize = args.next().map_or(1_000, |n| n.parse().expect("a count"));
    let body = match grant.as_str() {
        "client_credentials" => CC_BODY,
        "authorization_code" => AC_BODY,
        "refresh_token" => RT_BODY,
        other => panic!("unknown grant {other}"),
    };
    let config = config();
    let prepared = store();
    let mut statuses = 0u64;
    for _ in 0..n {
        let mut store = prepared.clone();
        let outcome = request(&config, &mut store, black_box(body));
        assert_eq!(outcome.response().status, 200);
        statuses += u64::from(outcome.response().status);
        drop(black_box(outcome));
    }
    println!("{grant}: {n} requests, status sum {statuses}");
}
