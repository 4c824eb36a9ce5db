//! Properties of the grant engine, over generated requests:
//!
//! - (a) the oracle property: the same request, store and [`Call`] give
//!   byte-identical responses, equal effects and equal stores;
//! - (b) fresh entropy gives fresh tokens;
//! - (c) no token is ever issued when any check fails: a valid request with
//!   exactly one field corrupted is refused and stores no refresh token.

use grant_engine::bearer::verify_access_token;
use grant_engine::store::RefreshTokenState;
use grant_engine::values::{CodeChallenge, CodeVerifier, FamilyId};
use grant_engine::{
    Call, Effect, Entropy, Exchange, MemoryStore, Outcome, RefreshTokenRecord, TokenHash,
};
use grant_engine_testkit::requests::token_post;
use grant_engine_testkit::wire::{basic, form};
use grant_engine_testkit::world::*;
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Scenarios: one valid request per grant, and the corruptions that apply
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    AuthorizationCode,
    ClientCredentials,
    RefreshToken,
}

/// A valid request and the store it is valid against.
#[derive(Debug, Clone)]
struct Scenario {
    grant: Grant,
    /// The public client `spa` instead of the confidential `web` (code and
    /// refresh grants; client_credentials always uses `m2m`).
    public: bool,
    /// Basic authentication instead of client_secret_post (confidential only).
    basic: bool,
    /// The code, or the refresh token, as presented.
    token: String,
    /// The PKCE verifier (always for the public client).
    verifier: Option<String>,
    /// The scope asked for (client_credentials and refresh only).
    scope: Option<&'static str>,
    /// Seconds after issue at which the request is made (always valid).
    delay: u64,
}

const FAMILY: &str = "prop-family";

impl Scenario {
    fn client(&self) -> (&'static str, Option<&'static str>) {
        match (self.grant, self.public) {
            (Grant::ClientCredentials, _) => (M2M, Some(M2M_SECRET)),
            (_, true) => (SPA, None),
            (_, false) => (WEB, Some(WEB_SECRET)),
        }
    }

    fn now(&self) -> u64 {
        NOW + self.delay
    }

    /// The store this request is valid against.
    fn store(&self) -> MemoryStore {
        let mut store = store();
        let (client, _) = self.client();
        match self.grant {
            Grant::AuthorizationCode => {
                let mut code = code_record(&self.token, client);
                if let Some(verifier) = &self.verifier {
                    let challenge = CodeChallenge::s256(&CodeVerifier::new(verifier).unwrap());
                    code = with_s256(code, challenge.as_str());
                }
                store.add_code(code);
            }
            Grant::RefreshToken => store.add_refresh_token(RefreshTokenRecord {
                token_hash: TokenHash::of(&self.token),
                client_id: id(client),
                subject: subject(SUBJECT),
                scope: scope(SCOPE),
                family: FamilyId::new(FAMILY).unwrap(),
                issued_at: NOW,
                expires_at: NOW + REFRESH_TTL,
                family_expires_at: NOW + FAMILY_LIFETIME,
                state: RefreshTokenState::Active,
            }),
            Grant::ClientCredentials => {}
        }
        store
    }

    /// The corruptions that apply to this request.
    fn corruptions(&self) -> Vec<Corruption> {
        use Corruption::*;
        match self.grant {
            Grant::AuthorizationCode => {
                let mut all = vec![ClientSecret, ClientId, Code, RedirectUri, Expired];
                if self.verifier.is_some() {
                    all.push(CodeVerifier);
                }
                all
            }
            Grant::ClientCredentials => vec![ClientSecret, ClientId, Scope],
            Grant::RefreshToken => vec![ClientSecret, ClientId, RefreshToken, Scope, Expired],
        }
    }
}

/// The fields of a request, before rendering.
#[derive(Debug, Clone)]
struct Fields {
    client_id: String,
    secret: Option<String>,
    basic: bool,
    grant_type: &'static str,
    code: Option<String>,
    redirect_uri: Option<String>,
    verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
    now: u64,
}

impl Fields {
    fn of(s: &Scenario) -> Fields {
        let (client_id, secret) = s.client();
        let (grant_type, code, redirect_uri, refresh_token) = match s.grant {
            Grant::AuthorizationCode => (
                "authorization_code",
                Some(s.token.clone()),
                Some(REDIRECT.to_owned()),
                None,
            ),
            Grant::ClientCredentials => ("client_credentials", None, None, None),
            Grant::RefreshToken => ("refresh_token", None, None, Some(s.token.clone())),
        };
        Fields {
            client_id: client_id.to_owned(),
            secret: secret.map(str::to_owned),
            basic: s.basic && secret.is_some(),
            grant_type,
            code,
            redirect_uri,
            verifier: s.verifier.clone(),
            refresh_token,
            scope: s.scope.map(str::to_owned),
            now: s.now(),
        }
    }

    /// (Authorization header, body).
    fn render(&self) -> (Option<String>, String) {
        let mut pairs: Vec<(&str, &str)> = vec![("grant_type", self.grant_type)];
        let optional = [
            ("code", &self.code),
            ("redirect_uri", &self.redirect_uri),
            ("code_verifier", &self.verifier),
            ("refresh_token", &self.refresh_token),
            ("scope", &self.scope),
        ];
        for (name, value) in &optional {
            if let Some(value) = value {
                pairs.push((name, value));
            }
        }
        let header = match (&self.secret, self.basic) {
            (Some(secret), true) => Some(basic(&self.client_id, secret)),
            (secret, _) => {
                pairs.push(("client_id", &self.client_id));
                if let Some(secret) = secret {
                    pairs.push(("client_secret", secret));
                }
                None
            }
        };
        (header, form(&pairs))
    }

    fn send(&self, store: &mut MemoryStore, seed: [u8; 32]) -> Outcome<Exchange> {
        let (header, body) = self.render();
        let call = Call::new(self.now, Entropy::from_bytes(seed));
        token_post(store, &config(), header.as_deref(), &body, call)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Corruption {
    ClientSecret,
    ClientId,
    Code,
    RedirectUri,
    CodeVerifier,
    RefreshToken,
    Scope,
    Expired,
}

/// A one-character edit.
#[derive(Debug, Clone, Copy)]
struct Edit {
    kind: u8,
    at: usize,
    ch: char,
}

impl Edit {
    /// `value` with the edit applied; never `value` itself, never empty.
    fn apply(self, value: &str) -> String {
        let chars: Vec<char> = value.chars().collect();
        let at = if chars.is_empty() {
            0
        } else {
            self.at % chars.len()
        };
        let mut out = chars.clone();
        match self.kind % 3 {
            0 if !out.is_empty() => out[at] = self.ch,
            1 => out.insert(at, self.ch),
            _ if out.len() > 1 => {
                out.remove(at);
            }
            _ => out.push(self.ch),
        }
        let mut edited: String = out.into_iter().collect();
        if edited == value {
            edited.push(self.ch);
        }
        edited
    }
}

/// Corrupts exactly one field of a valid request.
fn corrupt(fields: &mut Fields, scenario: &Scenario, corruption: Corruption, edit: Edit) {
    match corruption {
        Corruption::ClientSecret => {
            fields.secret = Some(match &fields.secret {
                Some(secret) => edit.apply(secret),
                // A public client sending any secret.
                None => edit.apply("s"),
            });
        }
        Corruption::ClientId => fields.client_id = edit.apply(&fields.client_id),
        Corruption::Code => fields.code = fields.code.as_deref().map(|c| edit.apply(c)),
        Corruption::RedirectUri => {
            fields.redirect_uri = match edit.kind % 4 {
                3 => None,
                _ => Some(edit.apply(REDIRECT)),
            }
        }
        Corruption::CodeVerifier => {
            fields.verifier = match edit.kind % 4 {
                3 => None,
                _ => fields.verifier.as_deref().map(|v| edit.apply(v)),
            }
        }
        Corruption::RefreshToken => {
            fields.refresh_token = fields.refresh_token.as_deref().map(|t| edit.apply(t))
        }
        Corruption::Scope => {
            let base = fields.scope.clone().unwrap_or_else(|| SCOPE.to_owned());
            fields.scope = Some(format!("{base} admin{}", edit.at % 10));
        }
        Corruption::Expired => {
            let lifetime = match scenario.grant {
                Grant::AuthorizationCode => CODE_TTL,
                _ => REFRESH_TTL,
            };
            fields.now = NOW + lifetime + (edit.at as u64 % 100_000);
        }
    }
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

fn scope_request() -> impl Strategy<Value = Option<&'static str>> {
    prop::sample::select(vec![None, Some("read"), Some("write"), Some("read write")])
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let grant = prop::sample::select(vec![
        Grant::AuthorizationCode,
        Grant::ClientCredentials,
        Grant::RefreshToken,
    ]);
    (
        grant,
        any::<bool>(),
        any::<bool>(),
        "[A-Za-z0-9_-]{16,43}",
        proptest::option::of("[A-Za-z0-9._~-]{43,128}"),
        scope_request(),
        0u64..CODE_TTL,
    )
        .prop_map(|(grant, public, basic, token, verifier, scope, delay)| {
            let public = public && grant != Grant::ClientCredentials;
            let verifier = match grant {
                Grant::AuthorizationCode if public => {
                    Some(verifier.unwrap_or_else(|| VERIFIER.to_owned()))
                }
                Grant::AuthorizationCode => verifier,
                _ => None,
            };
            Scenario {
                grant,
                public,
                basic: basic && !public,
                token,
                verifier,
                scope: if grant == Grant::AuthorizationCode {
                    None
                } else {
                    scope
                },
                delay,
            }
        })
}

fn edit() -> impl Strategy<Value = Edit> {
    (
        any::<u8>(),
        any::<usize>(),
        prop::sample::select("AZaz09-._~".chars().collect::<Vec<_>>()),
    )
        .prop_map(|(kind, at, ch)| Edit { kind, at, ch })
}

/// A scenario with one of its applicable corruptions.
fn corrupted() -> impl Strategy<Value = (Scenario, Corruption, Edit)> {
    (scenario(), any::<prop::sample::Index>(), edit()).prop_map(|(s, index, edit)| {
        let options = s.corruptions();
        let corruption = *index.get(&options);
        (s, corruption, edit)
    })
}

fn issued_tokens(outcome: &Outcome<Exchange>) -> (String, Option<String>) {
    let tokens = outcome.report().as_ref().expect("a success");
    (
        tokens.access_token.expose_secret().to_owned(),
        tokens
            .refresh_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned()),
    )
}

fn config_cases(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config_cases(256))]

    /// (a) Same request, same store, same context: the same bytes, the same
    /// effects, the same store afterwards; for valid and refused requests.
    #[test]
    fn same_inputs_give_identical_outcomes(
        (scenario, corruption, edit) in corrupted(),
        corrupt_it in any::<bool>(),
        seed in any::<[u8; 32]>(),
    ) {
        let mut fields = Fields::of(&scenario);
        if corrupt_it {
            corrupt(&mut fields, &scenario, corruption, edit);
        }
        let mut a = scenario.store();
        let mut b = a.clone();
        let first = fields.send(&mut a, seed);
        let second = fields.send(&mut b, seed);
        prop_assert_eq!(&first.response().body, &second.response().body);
        prop_assert_eq!(first.response(), second.response());
        prop_assert_eq!(first.effects(), second.effects());
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(&a, &b);
        if !corrupt_it {
            prop_assert_eq!(first.response().status, 200);
        }
    }

    /// (b) Different entropy: different access tokens (and `jti`s), and for
    /// the authorization_code grant different refresh tokens.
    #[test]
    fn different_entropy_gives_different_tokens(
        scenario in scenario(),
        seed_a in any::<[u8; 32]>(),
        seed_b in any::<[u8; 32]>(),
    ) {
        prop_assume!(seed_a != seed_b);
        let fields = Fields::of(&scenario);
        let a = fields.send(&mut scenario.store(), seed_a);
        let b = fields.send(&mut scenario.store(), seed_b);
        prop_assert_eq!(a.response().status, 200);
        prop_assert_eq!(b.response().status, 200);
        let (access_a, refresh_a) = issued_tokens(&a);
        let (access_b, refresh_b) = issued_tokens(&b);
        prop_assert_ne!(&access_a, &access_b);
        let config = config();
        let claims_a = verify_access_token(&access_a, &config, fields.now, 0).unwrap();
        let claims_b = verify_access_token(&access_b, &config, fields.now, 0).unwrap();
        prop_assert_ne!(claims_a.jti, claims_b.jti);
        if scenario.grant == Grant::AuthorizationCode {
            prop_assert!(refresh_a.is_some());
            prop_assert_ne!(refresh_a, refresh_b);
        }
    }

    /// (c) A valid request with exactly one field corrupted is refused, and
    /// no refresh token is stored or rotated.
    #[test]
    fn no_token_is_issued_when_any_check_fails(
        (scenario, corruption, edit) in corrupted(),
        seed in any::<[u8; 32]>(),
    ) {
        let clean = Fields::of(&scenario);
        let mut fields = clean.clone();
        corrupt(&mut fields, &scenario, corruption, edit);

        // The uncorrupted request does succeed.
        let ok = clean.send(&mut scenario.store(), seed);
        prop_assert_eq!(ok.response().status, 200, "{}", ok.response().body_str());

        let outcome = fields.send(&mut scenario.store(), seed);
        prop_assert_ne!(outcome.response().status, 200, "{:?}", fields);
        prop_assert!(outcome.report().is_err());
        prop_assert!(
            !outcome.effects().iter().any(|e| matches!(
                e,
                Effect::StoreRefreshToken(_) | Effect::RotateRefreshToken { .. }
            )),
            "effects {:?}",
            outcome.effects()
        );
        // A refused code exchange may burn the code, never report a token.
        for effect in outcome.effects() {
            if let Effect::RedeemCode { access_token_ids, .. } = effect {
                prop_assert!(access_token_ids.is_empty());
            }
        }
        let body: serde_json::Value = serde_json::from_slice(&outcome.response().body).unwrap();
        prop_assert!(body.get("access_token").is_none());
        prop_assert!(body.get("error").is_some());
    }
}

proptest! {
    #![proptest_config(config_cases(16))]

    /// The refresh grant's successor is derived from the signing key and the
    /// presented token only (so that the grace period can re-derive it), not
    /// from the injected entropy.
    #[test]
    fn refresh_grant_successor_depends_on_the_entropy(
        token in "[A-Za-z0-9_-]{16,43}",
        seed_a in any::<[u8; 32]>(),
        seed_b in any::<[u8; 32]>(),
    ) {
        prop_assume!(seed_a != seed_b);
        let scenario = Scenario {
            grant: Grant::RefreshToken,
            public: false,
            basic: false,
            token,
            verifier: None,
            scope: None,
            delay: 1,
        };
        let fields = Fields::of(&scenario);
        let (_, refresh_a) = issued_tokens(&fields.send(&mut scenario.store(), seed_a));
        let (_, refresh_b) = issued_tokens(&fields.send(&mut scenario.store(), seed_b));
        prop_assert_ne!(refresh_a, refresh_b);
    }
}
