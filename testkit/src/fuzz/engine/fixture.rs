//! Building the fixture a [`StateSpec`] describes: the clients (and their
//! plaintext secrets, kept for building requests), codes, refresh tokens,
//! revocations, settings, clock, keys and entropy, as an oracle
//! [`Fixture`].

use std::collections::BTreeMap;

use grant_engine::client_secret::SecretVerifier;
use grant_engine::store::{CodeState, PkceChallenge, RefreshTokenState};
use grant_engine::values::{CodeChallenge, CodeChallengeMethod, FamilyId, TokenId};
use grant_engine::{
    ClientId, ClientRecord, CodeRecord, GrantType, RedirectUri, RefreshTokenRecord, Scope, Subject,
    TokenHash,
};
use grant_engine_oracle::{Fixture, FixtureConsent, FixtureKey, FixturePepper, FixtureSettings};

use super::grammar::{CodeStateSpec, PkceSpec, RefreshStateSpec, StateSpec};
use super::pools::{
    ACCESS_TTLS, AGES, AUDIENCE, BASE_NOW, CLIENT_IDS, CODE_LIFETIMES, CODE_TTLS, CODES, FAMILIES,
    GRACES, ISSUER, JTIS, KEY1, KEY2, REDIRECTS, REFRESH_LIFETIMES, REFRESH_TOKENS, REFRESH_TTLS,
    SCOPES, SECRETS, VERIFIERS, pick,
};
use crate::fuzz::independent::{b64url, keyed_secret_verifier, sha256_b64url};
use crate::world::{PEPPER_ID, PEPPER_SECRET, ROTATION_SECRET};

/// The scope made of SCOPES[i] for each bit i of `mask` (`bits` wide).
fn scope_of(mask: u8, bits: usize) -> Scope {
    Scope::from_tokens(
        SCOPES
            .iter()
            .take(bits)
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| *s),
    )
    .expect("pool scopes are valid")
}

/// A fixture built from a [`StateSpec`], and the plaintext secrets.
pub struct Built {
    pub fixture: Fixture,
    /// The secret of each confidential client.
    pub secrets: BTreeMap<String, String>,
}

pub fn build_fixture(spec: &StateSpec) -> Built {
    let now = BASE_NOW + u64::from(spec.clock);
    let mut keys = vec![FixtureKey::Hs256 {
        kid: "k1".into(),
        secret: b64url(&KEY1),
    }];
    if spec.second_key {
        keys.push(FixtureKey::Hs256 {
            kid: "k2".into(),
            secret: b64url(&KEY2),
        });
    }
    let s = &spec.settings;
    let settings = FixtureSettings {
        access_token_ttl: s.access_ttl.map(|i| pick(&ACCESS_TTLS, i)),
        refresh_token_ttl: s.refresh_ttl.map(|i| pick(&REFRESH_TTLS, i)),
        family_lifetime: None,
        code_ttl: s.code_ttl.map(|i| pick(&CODE_TTLS, i)),
        refresh_grace_period: s.grace.map(|i| pick(&GRACES, i)),
        rotation_key: s.grace.map(|_| b64url(ROTATION_SECRET)),
        pkce_for_all_clients: s.pkce_for_all,
        allow_plain_pkce: s.allow_plain,
        realm: None,
    };

    let mut secrets = BTreeMap::new();
    let mut clients = Vec::new();
    for (i, c) in spec
        .clients
        .iter()
        .chain(spec.fourth_client.as_ref())
        .enumerate()
    {
        let id = CLIENT_IDS[i];
        let secret = pick(&SECRETS[..3], c.secret);
        if !c.public {
            secrets.insert(id.to_owned(), secret.to_owned());
        }
        let grant_types = [
            GrantType::AuthorizationCode,
            GrantType::RefreshToken,
            GrantType::ClientCredentials,
        ]
        .into_iter()
        .enumerate()
        .filter(|(bit, _)| c.denied_grants & (1 << bit) == 0)
        .map(|(_, g)| g)
        .collect();
        let redirect_mask = (c.redirects ^ 1) & 0xf;
        clients.push(ClientRecord {
            client_id: ClientId::new(id).expect("a valid id"),
            secret_verifier: (!c.public).then(|| {
                let verifier = keyed_secret_verifier(PEPPER_ID, PEPPER_SECRET, id, secret);
                SecretVerifier::parse(&verifier).expect("a verifier")
            }),
            grant_types,
            scope: scope_of(!c.denied_scopes, 3),
            redirect_uris: REDIRECTS
                .iter()
                .enumerate()
                .filter(|(bit, _)| redirect_mask & (1 << bit) != 0)
                .map(|(_, u)| RedirectUri::new(*u).expect("a valid URI"))
                .collect(),
            introspect_any: c.introspect_any,
        });
    }
    let client_of = |i: u8| {
        let i = usize::from(i) % (clients.len() + 1);
        let id = if i == clients.len() {
            "ghost"
        } else {
            CLIENT_IDS[i]
        };
        ClientId::new(id).expect("a valid id")
    };
    let alice = Subject::new("alice").expect("a subject");

    let codes = spec
        .codes
        .iter()
        .take(CODES.len())
        .enumerate()
        .map(|(i, c)| {
            let issued_at = now - pick(&AGES, c.age);
            let pkce = match c.pkce {
                PkceSpec::None => None,
                PkceSpec::S256(v) => Some(PkceChallenge {
                    challenge: CodeChallenge::new(sha256_b64url(
                        pick(&VERIFIERS[..3], v).as_bytes(),
                    ))
                    .expect("a valid challenge"),
                    method: CodeChallengeMethod::S256,
                }),
                PkceSpec::Plain(v) => Some(PkceChallenge {
                    challenge: CodeChallenge::new(pick(&VERIFIERS[..3], v))
                        .expect("a valid challenge"),
                    method: CodeChallengeMethod::Plain,
                }),
            };
            CodeRecord {
                code_hash: TokenHash::of(CODES[i]),
                client_id: client_of(c.client),
                redirect_uri: REDIRECTS
                    .get(usize::from(c.redirect % 6))
                    .map(|u| RedirectUri::new(*u).expect("a valid URI")),
                scope: scope_of(!c.denied_scopes, 3),
                subject: alice.clone(),
                pkce,
                issued_at,
                expires_at: issued_at + pick(&CODE_LIFETIMES, c.lifetime),
                state: match c.state {
                    CodeStateSpec::Unused => CodeState::Unused,
                    CodeStateSpec::Redeemed => CodeState::Redeemed {
                        access_token_ids: Vec::new(),
                    },
                    CodeStateSpec::RedeemedWithTokens => CodeState::Redeemed {
                        access_token_ids: vec![TokenId::new(JTIS[0]).expect("a jti")],
                    },
                },
            }
        })
        .collect();

    let refresh_tokens = spec
        .refresh_tokens
        .iter()
        .take(REFRESH_TOKENS.len())
        .enumerate()
        .map(|(i, r)| {
            let issued_at = now - pick(&AGES, r.age);
            let lifetime = pick(&REFRESH_LIFETIMES, r.lifetime);
            RefreshTokenRecord {
                token_hash: TokenHash::of(REFRESH_TOKENS[i]),
                client_id: client_of(r.client),
                subject: alice.clone(),
                scope: scope_of(!r.denied_scopes, 3),
                family: FamilyId::new(pick(&FAMILIES, r.family)).expect("a family"),
                issued_at,
                expires_at: issued_at + lifetime,
                // Every other token's family ends with it: both refusals.
                family_expires_at: issued_at
                    + if r.lifetime % 2 == 0 {
                        lifetime
                    } else {
                        90 * 86_400
                    },
                state: match r.state {
                    RefreshStateSpec::Active => RefreshTokenState::Active,
                    RefreshStateSpec::Rotated { ago, successor } => RefreshTokenState::Rotated {
                        at: now - pick(&AGES, ago),
                        successor: TokenHash::of(
                            REFRESH_TOKENS
                                .get(usize::from(successor % 5))
                                .copied()
                                .unwrap_or("unknown-successor"),
                        ),
                        nonce: Some("nonce".into()),
                    },
                    RefreshStateSpec::Revoked => RefreshTokenState::Revoked,
                },
            }
        })
        .collect();

    let fixture = Fixture {
        issuer: ISSUER.into(),
        audience: AUDIENCE.into(),
        keys,
        peppers: vec![FixturePepper {
            id: PEPPER_ID.into(),
            secret: b64url(PEPPER_SECRET),
        }],
        settings,
        now,
        entropy: b64url(&spec.entropy),
        clients,
        codes,
        refresh_tokens,
        revoked_families: FAMILIES
            .iter()
            .enumerate()
            .filter(|(bit, _)| spec.revoked_families & (1 << bit) != 0)
            .map(|(_, f)| FamilyId::new(*f).expect("a family"))
            .collect(),
        revoked_access_tokens: JTIS
            .iter()
            .enumerate()
            .filter(|(bit, _)| spec.revoked_jtis & (1 << bit) != 0)
            .map(|(_, j)| TokenId::new(*j).expect("a jti"))
            .collect(),
        consent: FixtureConsent {
            approve: !spec.consent.deny,
            subject: alice.as_str().to_owned(),
            scope: spec.consent.denied_scopes.map(|d| scope_of(!d, 4)),
        },
        scopes_supported: Scope::parse("read write admin").expect("a scope"),
        api_scope: scope_of(spec.api_scope, 3),
    };
    Built { fixture, secrets }
}
