//! The honest floor: the least work any correct implementation of our
//! token endpoint must do for each grant, written directly with the crates
//! the engine uses (serde_urlencoded, serde_json, base64, hmac, sha2,
//! subtle) and not through grant-engine. The engine must come within 1.2x
//! of it (issue "Speed"); a floor that skipped required work would flatter
//! the engine, so every step below is one the behaviour contract needs.
//!
//! Every grant:
//! 1. decode the form body into a plain struct (`serde_urlencoded`);
//! 2. look the client up by id (a `HashMap`);
//! 3. authenticate it as the secret policy requires: the stored verifier
//!    is HMAC-SHA256 keyed by the pepper over `1 ‖ len(id) ‖ id ‖
//!    SHA-256(secret)` (pre-keyed: 1 compression for the secret, 2 for the
//!    HMAC), compared in constant time (`subtle`);
//! 4. check that the client may use the grant, and the scope (a subset of
//!    the client's, or its whole scope);
//! 5. mint the access token: a `jti` of 128 bits bound to the call's
//!    entropy and the client (1 compression), the claims as JSON,
//!    base64url, HMAC-SHA256 with a pre-keyed state (6 compressions for the
//!    signing input, 1 outer);
//! 6. serialize the JSON response.
//!
//! authorization_code adds: SHA-256 of the code (1), its record taken once
//! (looked up, checked for client, redirect URI and expiry, marked
//! redeemed with the `jti`), the PKCE S256 check (1), a family id derived
//! from the code's digest (1), a refresh token derived from the entropy
//! bound to the code's digest (2: 71 bytes), its digest (1), its record
//! stored.
//!
//! refresh_token adds: SHA-256 of the presented token (1), its record looked
//! up and checked (client, active, expiry), the successor derived from the
//! entropy bound to the predecessor's digest (2: 73 bytes) and hashed (1),
//! stored, the predecessor marked rotated.
//!
//! SHA-256 compressions per request, by construction (the 310 to 350-byte
//! JWT signing input takes 6 inner blocks and 1 outer):
//!
//! | grant | compressions |
//! |---|---|
//! | client_credentials | 11: secret check 3, `jti` 1, JWT 7 |
//! | authorization_code | 17: secret check 3, code digest 1, PKCE 1, family 1, refresh token 2, its digest 1, `jti` 1, JWT 7 |
//! | refresh_token | 15: secret check 3, presented digest 1, successor 2, its digest 1, `jti` 1, JWT 7 |

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use grant_engine_testkit::bench::{
    ACCESS_TTL, AUDIENCE, CLIENT_ID, CLIENT_SECRET, CODE, FAMILY, ISSUER, KEY, KID, NOW, PEPPER,
    REDIRECT_URI, REFRESH, SCOPE, SUBJECT, VERIFIER,
};

type HmacSha256 = Hmac<Sha256>;

/// The request as a plain struct: no validation beyond the types.
#[derive(Deserialize)]
struct Form {
    grant_type: String,
    client_id: String,
    client_secret: String,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    typ: &'a str,
    kid: &'a str,
}

/// The engine's claims, in its order.
#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: u64,
    iat: u64,
    jti: &'a str,
    client_id: &'a str,
    scope: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fam: Option<&'a str>,
}

#[derive(Serialize)]
struct Response<'a> {
    access_token: &'a str,
    token_type: &'a str,
    expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    scope: &'a str,
}

/// A registered client.
#[derive(Clone)]
struct Client {
    verifier: [u8; 32],
    grants: [bool; 3],
    scope: Vec<String>,
}

/// A stored code, by digest.
#[derive(Clone)]
struct Code {
    client_id: String,
    redirect_uri: String,
    scope: String,
    subject: String,
    challenge: String,
    expires_at: u64,
    redeemed: Option<String>,
}

/// A stored refresh token, by digest.
#[derive(Clone)]
struct Refresh {
    client_id: String,
    subject: String,
    scope: String,
    family: String,
    expires_at: u64,
    rotated_to: Option<[u8; 32]>,
}

/// The floor's whole server: keys and state, cloned per request where a
/// grant consumes state, like the engine's store.
#[derive(Clone)]
pub struct Floor {
    jwt_mac: HmacSha256,
    pepper_mac: HmacSha256,
    clients: HashMap<String, Client>,
    codes: HashMap<[u8; 32], Code>,
    refresh_tokens: HashMap<[u8; 32], Refresh>,
}

const CLIENT_CREDENTIALS: usize = 0;
const AUTHORIZATION_CODE: usize = 1;
const REFRESH_TOKEN: usize = 2;

impl Floor {
    /// The bench state: the engine's client, code and refresh token.
    pub fn new() -> Floor {
        let mut floor = Floor {
            jwt_mac: HmacSha256::new_from_slice(&KEY).expect("key"),
            pepper_mac: HmacSha256::new_from_slice(&PEPPER).expect("pepper"),
            clients: HashMap::new(),
            codes: HashMap::new(),
            refresh_tokens: HashMap::new(),
        };
        let verifier = floor.verifier(CLIENT_ID, CLIENT_SECRET.as_bytes());
        floor.clients.insert(
            CLIENT_ID.to_owned(),
            Client {
                verifier,
                grants: [true; 3],
                scope: SCOPE.split(' ').map(str::to_owned).collect(),
            },
        );
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()));
        floor.codes.insert(
            Sha256::digest(CODE).into(),
            Code {
                client_id: CLIENT_ID.to_owned(),
                redirect_uri: REDIRECT_URI.to_owned(),
                scope: SCOPE.to_owned(),
                subject: SUBJECT.to_owned(),
                challenge,
                expires_at: NOW + 590,
                redeemed: None,
            },
        );
        floor.refresh_tokens.insert(
            Sha256::digest(REFRESH).into(),
            Refresh {
                client_id: CLIENT_ID.to_owned(),
                subject: SUBJECT.to_owned(),
                scope: SCOPE.to_owned(),
                family: FAMILY.to_owned(),
                expires_at: NOW + 29 * 86_400,
                rotated_to: None,
            },
        );
        floor
    }

    /// The keyed verifier of `secret` for `client_id` (step 3).
    fn verifier(&self, client_id: &str, secret: &[u8]) -> [u8; 32] {
        let len = u32::try_from(client_id.len())
            .expect("short id")
            .to_be_bytes();
        self.pepper_mac
            .clone()
            .chain_update([1u8])
            .chain_update(len)
            .chain_update(client_id.as_bytes())
            .chain_update(Sha256::digest(secret))
            .finalize()
            .into_bytes()
            .into()
    }

    /// Steps 1 to 3: the form, the client, its secret.
    fn authenticate(&self, body: &[u8], grant: usize) -> Option<(Form, &Client)> {
        let form: Form = serde_urlencoded::from_bytes(body).ok()?;
        let client = self.clients.get(&form.client_id)?;
        let presented = self.verifier(&form.client_id, form.client_secret.as_bytes());
        let ok: bool = presented.ct_eq(&client.verifier).into();
        (ok && client.grants[grant]).then_some((form, client))
    }

    /// `bytes` bytes (16 for ids, 32 for tokens) derived from `input`
    /// bound to `label` and `binding` (one compression), base64url.
    fn derive(input: &[u8], label: &[u8], binding: &[u8], bytes: usize) -> String {
        let digest = Sha256::new()
            .chain_update(input)
            .chain_update(label)
            .chain_update(binding)
            .finalize();
        URL_SAFE_NO_PAD.encode(digest.get(..bytes).unwrap_or_default())
    }

    /// Step 5: the HS256 JWT over the engine's claims.
    fn jwt(&self, claims: &Claims<'_>) -> String {
        let header = serde_json::to_vec(&Header {
            alg: "HS256",
            typ: "at+jwt",
            kid: KID,
        })
        .expect("header json");
        let claims = serde_json::to_vec(claims).expect("claims json");
        let mut token = String::with_capacity(64 + claims.len() * 4 / 3 + 48);
        URL_SAFE_NO_PAD.encode_string(&header, &mut token);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&claims, &mut token);
        let signature = self
            .jwt_mac
            .clone()
            .chain_update(token.as_bytes())
            .finalize();
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature.into_bytes(), &mut token);
        token
    }

    /// Step 5's claims for `sub`, with a `jti` bound to the call.
    fn access_token(
        &self,
        entropy: &[u8; 32],
        form: &Form,
        sub: &str,
        scope: &str,
        fam: Option<&str>,
    ) -> (String, String) {
        let jti = Floor::derive(entropy, b"jti", form.client_id.as_bytes(), 16);
        let token = self.jwt(&Claims {
            iss: ISSUER,
            sub,
            aud: AUDIENCE,
            exp: NOW + ACCESS_TTL,
            iat: NOW,
            jti: &jti,
            client_id: &form.client_id,
            scope,
            fam,
        });
        (token, jti)
    }

    fn respond(access_token: &str, refresh_token: Option<&str>, scope: &str) -> Vec<u8> {
        serde_json::to_vec(&Response {
            access_token,
            token_type: "Bearer",
            expires_in: ACCESS_TTL,
            refresh_token,
            scope,
        })
        .expect("response json")
    }

    /// client_credentials: steps 1 to 6.
    #[inline(never)]
    pub fn client_credentials(&mut self, body: &[u8], entropy: &[u8; 32]) -> Option<Vec<u8>> {
        let (form, client) = self.authenticate(body, CLIENT_CREDENTIALS)?;
        let scope = match form.scope.as_deref() {
            Some(scope)
                if scope
                    .split(' ')
                    .all(|s| client.scope.iter().any(|c| c == s)) =>
            {
                scope
            }
            Some(_) => return None,
            None => SCOPE,
        };
        let (token, _) = self.access_token(entropy, &form, &form.client_id, scope, None);
        (form.grant_type == "client_credentials").then(|| Floor::respond(&token, None, scope))
    }

    /// authorization_code: the code taken once, PKCE, a new family and
    /// its first refresh token stored.
    #[inline(never)]
    pub fn authorization_code(&mut self, body: &[u8], entropy: &[u8; 32]) -> Option<Vec<u8>> {
        let (form, _) = self.authenticate(body, AUTHORIZATION_CODE)?;
        let code_hash: [u8; 32] = Sha256::digest(form.code.as_deref()?).into();
        let code = self.codes.get(&code_hash)?;
        let redirect_ok = form.redirect_uri.as_deref() == Some(code.redirect_uri.as_str());
        if code.redeemed.is_some()
            || code.client_id != form.client_id
            || !redirect_ok
            || code.expires_at <= NOW
        {
            return None;
        }
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(form.code_verifier.as_deref()?));
        if !bool::from(challenge.as_bytes().ct_eq(code.challenge.as_bytes())) {
            return None;
        }
        let (subject, scope) = (code.subject.clone(), code.scope.clone());
        let family = Floor::derive(&code_hash, b"family", &[], 16);
        let (token, jti) = self.access_token(entropy, &form, &subject, &scope, Some(&family));
        let refresh = Floor::derive(entropy, b"refresh", &code_hash, 32);
        self.codes.get_mut(&code_hash)?.redeemed = Some(jti);
        let record = Refresh {
            client_id: form.client_id.clone(),
            subject,
            scope: scope.clone(),
            family,
            expires_at: NOW + 30 * 86_400,
            rotated_to: None,
        };
        self.refresh_tokens
            .insert(Sha256::digest(&refresh).into(), record);
        (form.grant_type == "authorization_code")
            .then(|| Floor::respond(&token, Some(&refresh), &scope))
    }

    /// refresh_token: the token looked up and rotated, the successor stored.
    #[inline(never)]
    pub fn refresh_token(&mut self, body: &[u8], entropy: &[u8; 32]) -> Option<Vec<u8>> {
        let (form, _) = self.authenticate(body, REFRESH_TOKEN)?;
        let hash: [u8; 32] = Sha256::digest(form.refresh_token.as_deref()?).into();
        let record = self.refresh_tokens.get(&hash)?;
        if record.rotated_to.is_some()
            || record.client_id != form.client_id
            || record.expires_at <= NOW
        {
            return None;
        }
        let mut successor = record.clone();
        let refresh = Floor::derive(entropy, b"successor", &hash, 32);
        let successor_hash: [u8; 32] = Sha256::digest(&refresh).into();
        successor.expires_at = NOW + 30 * 86_400;
        let (subject, scope, family) = (
            successor.subject.clone(),
            successor.scope.clone(),
            successor.family.clone(),
        );
        self.refresh_tokens.insert(successor_hash, successor);
        self.refresh_tokens.get_mut(&hash)?.rotated_to = Some(successor_hash);
        let (token, _) = self.access_token(entropy, &form, &subject, &scope, Some(&family));
        (form.grant_type == "refresh_token").then(|| Floor::respond(&token, Some(&refresh), &scope))
    }
}
