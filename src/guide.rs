//! # Embedding the engine
//!
//! A host owns the sockets, the clock, the randomness, the keys and the
//! database; the engine owns the protocol. This page is what a host needs
//! to know, in the order a host is written.
//!
//! ## 1. The store
//!
//! The engine reads through an [`AsyncStore`](crate::AsyncStore) (or the
//! blocking [`Store`](crate::Store)): four lookups and `apply`. Lookups
//! only read: looking a code up does not redeem it, the
//! [`Effect::RedeemCode`](crate::Effect::RedeemCode) the run reports does.
//! `apply` makes one request's effects durable as one unit: all or nothing,
//! and each effect checked against what it expects of the stored state. When
//! an expectation does not hold, another request got there first: apply
//! nothing and return [`ApplyError::Conflict`](crate::store::ApplyError); the
//! driver runs the request again from fresh lookups.
//!
//! This is the one `match` over [`Effect`](crate::Effect) a store needs, on
//! a toy database of hash maps. Each arm's comment is its storage meaning.
//! The unit is staged on a copy and swapped in whole; a SQL store opens a
//! transaction instead, checks each statement's affected-row count, and
//! rolls back on the first miss or failure (a unit must never be left half
//! applied: a code burnt without its tokens recorded is as wrong as tokens
//! recorded for a code still usable).
//!
//! ```
//! use std::collections::{HashMap, HashSet};
//! use std::future::Future;
//! use std::sync::Mutex;
//!
//! use grant_engine::store::{ApplyError, CodeState, Conflict, RefreshTokenState};
//! use grant_engine::values::{FamilyId, TokenId};
//! use grant_engine::{AsyncStore, ClientId, ClientRecord, CodeRecord, Effect};
//! use grant_engine::{RefreshTokenRecord, TokenHash};
//!
//! #[derive(Clone, Default)]
//! struct Tables {
//!     clients: HashMap<ClientId, ClientRecord>,
//!     codes: HashMap<TokenHash, CodeRecord>,
//!     refresh_tokens: HashMap<TokenHash, RefreshTokenRecord>,
//!     revoked_families: HashSet<FamilyId>,
//!     revoked_jtis: HashSet<TokenId>,
//! }
//!
//! #[derive(Default)]
//! struct ToyDb(Mutex<Tables>);
//!
//! /// Applies one effect to `t`, or says which expectation failed.
//! fn apply_one(t: &mut Tables, effect: &Effect) -> Result<(), Conflict> {
//!     let refused = Err(Conflict { expected: effect.expectation() });
//!     match effect {
//!         // A new code: insert; a stored digest is never overwritten.
//!         Effect::StoreCode(code) => {
//!             if t.codes.contains_key(&code.code_hash) { return refused; }
//!             t.codes.insert(code.code_hash, code.clone());
//!         }
//!         // Redeem: only an unused code, and remember what it issued (a
//!         // replay of the code revokes those tokens).
//!         Effect::RedeemCode { code_hash, access_token_ids } => match t.codes.get_mut(code_hash) {
//!             Some(code) if code.state == CodeState::Unused => {
//!                 code.state = CodeState::Redeemed { access_token_ids: access_token_ids.clone() };
//!             }
//!             _ => return refused,
//!         },
//!         // A new refresh token: insert, revoked if its family is revoked.
//!         Effect::StoreRefreshToken(record) => {
//!             if t.refresh_tokens.contains_key(&record.token_hash) { return refused; }
//!             let mut record = record.clone();
//!             if t.revoked_families.contains(&record.family) {
//!                 record.state = RefreshTokenState::Revoked;
//!             }
//!             t.refresh_tokens.insert(record.token_hash, record);
//!         }
//!         // Rotate: only an active token, so that a family never forks.
//!         Effect::RotateRefreshToken { token_hash, at, successor, nonce } => {
//!             match t.refresh_tokens.get_mut(token_hash) {
//!                 Some(record) if record.state == RefreshTokenState::Active => {
//!                     record.state = RefreshTokenState::Rotated {
//!                         at: *at, successor: *successor, nonce: nonce.clone(),
//!                     };
//!                 }
//!                 _ => return refused,
//!             }
//!         }
//!         // A regrant changes nothing, but only while the replayed token
//!         // is rotated to this successor and the successor is unused.
//!         Effect::Regrant { predecessor, successor } => {
//!             let rotated_to = match t.refresh_tokens.get(predecessor).map(|r| &r.state) {
//!                 Some(RefreshTokenState::Rotated { successor: s, .. }) => Some(*s),
//!                 _ => None,
//!             };
//!             let active = t.refresh_tokens.get(successor)
//!                 .is_some_and(|r| r.state == RefreshTokenState::Active);
//!             if rotated_to != Some(*successor) || !active { return refused; }
//!         }
//!         // Revoke a family: remember it (its access tokens carry it as
//!         // `fam`) and revoke every refresh token in it. Idempotent.
//!         Effect::RevokeFamily { family } => {
//!             t.revoked_families.insert(family.clone());
//!             for record in t.refresh_tokens.values_mut().filter(|r| &r.family == family) {
//!                 record.state = RefreshTokenState::Revoked;
//!             }
//!         }
//!         // Revoke access tokens by id. Idempotent.
//!         Effect::RevokeAccessTokens { token_ids } => t.revoked_jtis.extend(token_ids.iter().cloned()),
//!     }
//!     Ok(())
//! }
//!
//! impl AsyncStore for ToyDb {
//!     type Error = std::convert::Infallible; // a real store: its driver's error
//!
//!     async fn client(&self, id: &ClientId) -> Result<Option<ClientRecord>, Self::Error> {
//!         Ok(self.0.lock().unwrap().clients.get(id).cloned())
//!     }
//!     async fn code(&self, hash: &TokenHash) -> Result<Option<CodeRecord>, Self::Error> {
//!         Ok(self.0.lock().unwrap().codes.get(hash).cloned())
//!     }
//!     async fn refresh_token(&self, hash: &TokenHash) -> Result<Option<RefreshTokenRecord>, Self::Error> {
//!         Ok(self.0.lock().unwrap().refresh_tokens.get(hash).cloned())
//!     }
//!     async fn is_revoked(&self, jti: &TokenId, family: Option<&FamilyId>) -> Result<bool, Self::Error> {
//!         let t = self.0.lock().unwrap();
//!         Ok(t.revoked_jtis.contains(jti) || family.is_some_and(|f| t.revoked_families.contains(f)))
//!     }
//!     async fn apply(&self, effects: &[Effect]) -> Result<(), ApplyError<Self::Error>> {
//!         let mut tables = self.0.lock().unwrap();
//!         let mut staged = tables.clone(); // a transaction, in miniature
//!         for effect in effects {
//!             apply_one(&mut staged, effect)?; // a conflict drops the stage
//!         }
//!         *tables = staged; // commit
//!         Ok(())
//!     }
//! }
//!
//! // The testkit's conformance suite (`grant_engine_testkit::conformance`)
//! // checks any store against the whole contract, races included.
//! # let _ = ToyDb::default();
//! ```
//!
//! The isolation this needs is only what `apply` checks: the lookups need
//! no transaction of their own, because every decision that changes state
//! carries the expectation it rests on. A store may also lock the rows its
//! lookups read (`SELECT ... FOR UPDATE`) or run the request in a
//! `SERIALIZABLE` transaction; a store that only compares-and-sets in
//! `apply` is just as safe, at the price of a re-run when two requests race.
//! The introspection, bearer and metadata endpoints change nothing: their
//! units are empty (skip the transaction when `effects` is empty).
//!
//! ## 2. The endpoints, on the async driver
//!
//! Each endpoint is a request value: parse it, then
//! [`drive_async`](crate::drive_async) it with the store, the configuration
//! and a [`Call`](crate::Call) (the time and fresh entropy). On `Ok` the
//! effects are durable: send the response. On `Err` nothing was applied:
//! answer 503 with `Retry-After` (a conflict that kept recurring, or a
//! transient store failure; [`DriveError::to_http_response`](crate::DriveError::to_http_response))
//! or 500. Every example below runs on `Mutex<MemoryStore>`, which is an
//! `AsyncStore`; an axum or actix host awaits the same futures (they are
//! `Send`, so they can be spawned).
//!
//! ```
//! use std::sync::Mutex;
//! use grant_engine::authorize::AuthorizeFailure;
//! use grant_engine::bearer::Access;
//! use grant_engine::client_secret::{ClientSecrets, Pepper};
//! use grant_engine::values::{ClientSecret, Entropy};
//! use grant_engine::*;
//!
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! # block_on(async {
//! let secrets = ClientSecrets::new(Pepper::new("2026-11", &[3u8; 32]).unwrap());
//! let config = Config::new("https://as.example", "https://api.example",
//!     KeyRing::new(HmacKey::new("2026-11", &[7u8; 32]).unwrap()))
//!     .with_client_secrets(secrets.clone());
//! let app = ClientId::new("app").unwrap();
//! let verifier = secrets.verifier(&app, &ClientSecret::new("s3cret").unwrap()).unwrap();
//! let mut seeded = MemoryStore::new();
//! seeded.add_client(
//!     ClientRecord::confidential(app, verifier)
//!         .with_grant_types(&[GrantType::AuthorizationCode, GrantType::RefreshToken])
//!         .with_scope(Scope::parse("read write").unwrap())
//!         .with_redirect_uri(RedirectUri::new("https://app.example/cb").unwrap()),
//! );
//! let store = Mutex::new(seeded);
//! let call = |n: u8| Call::new(1_800_000_000, Entropy::from_bytes([n; 32])); // see section 3
//!
//! // GET /oauth/authorize?...: refuse, or ask the resource owner.
//! let query = b"response_type=code&client_id=app&state=xyz&scope=read";
//! let consent = match drive_async(&store, &config, call(1), Authorize::parse(query, &config)).await {
//!     Ok(Authorization::Consent(consent)) => consent,
//!     Ok(Authorization::Refused(outcome)) => {
//!         // A 400 for the user (AuthorizeFailure::Refused) or a 302 error.
//!         assert!(matches!(outcome.report(), AuthorizeFailure::Refused(_) | AuthorizeFailure::Redirected(_)));
//!         unreachable!("this request is valid")
//!     }
//!     Err(error) => panic!("answer {}", error.to_http_response().status),
//! };
//! // The host shows its login and consent page here; it may keep the
//! // consent in its session (it serializes) and decide it once.
//! let decision = consent.approve(Subject::new("user-42").unwrap(), Scope::parse("read").unwrap());
//! let approved = drive_async(&store, &config, call(2), decision).await.unwrap();
//! let location = approved.response().header("location").unwrap();
//! let code = location.split("code=").nth(1).unwrap().split('&').next().unwrap();
//!
//! // POST /oauth/token: the code exchange.
//! let body = format!("grant_type=authorization_code&code={code}&client_id=app&client_secret=s3cret");
//! let exchange = Exchange::parse(&RequestParts::form_post(body.as_bytes()), &config);
//! let outcome = drive_async(&store, &config, call(3), exchange).await.unwrap();
//! assert_eq!(outcome.response().status, 200);
//! let tokens = outcome.report().as_ref().unwrap();
//! let access_token = tokens.access_token.expose_secret().to_owned();
//! let refresh_token = tokens.refresh_token.as_ref().unwrap().expose_secret().to_owned();
//!
//! // GET /api/... at a resource server: verify the bearer token.
//! let policy = BearerPolicy { required_scope: Scope::parse("read").unwrap(), leeway: 30 };
//! let header = format!("Bearer {access_token}");
//! let request = VerifyBearer::new(Some(header.as_bytes()), &policy);
//! let Ok(Access::Granted(claims)) = drive_async(&store, &config, call(4), request).await else {
//!     panic!("a fresh token is accepted");
//! };
//! assert_eq!(claims.sub.as_str(), "user-42");
//!
//! // POST /oauth/introspect (a confidential client, its own token).
//! let body = format!("token={access_token}&client_id=app&client_secret=s3cret");
//! let request = Introspect::parse(&RequestParts::form_post(body.as_bytes()), &config);
//! let outcome = drive_async(&store, &config, call(5), request).await.unwrap();
//! assert!(outcome.report().as_ref().unwrap().active);
//!
//! // POST /oauth/revoke: the refresh token, and with it its family.
//! let body = format!("token={refresh_token}&client_id=app&client_secret=s3cret");
//! let request = Revoke::parse(&RequestParts::form_post(body.as_bytes()), &config);
//! let outcome = drive_async(&store, &config, call(6), request).await.unwrap();
//! assert_eq!((outcome.response().status, outcome.effects().len()), (200, 1));
//!
//! // The access token of the revoked family is refused from now on.
//! let request = VerifyBearer::new(Some(header.as_bytes()), &policy);
//! let Ok(Access::Refused(refused)) = drive_async(&store, &config, call(7), request).await else {
//!     panic!("a revoked family's token is refused");
//! };
//! assert_eq!(refused.response().status, 401);
//!
//! // GET /.well-known/oauth-authorization-server: no store, no call.
//! let metadata = metadata_document(&config, &EndpointUrls::under("https://as.example"), &Scope::parse("read write").unwrap());
//! assert_eq!(metadata.status, 200);
//! # });
//! ```
//!
//! Every outcome names the client the request came from
//! ([`Outcome::client_id`](crate::Outcome::client_id)) for the host's log
//! line, and its typed report says why a request was refused (a
//! [`TokenError::InvalidClient`](crate::TokenError::InvalidClient) carries
//! the [`ClientAuthFailure`](crate::errors::ClientAuthFailure)); log those,
//! never a request's body, headers or the response's body.
//!
//! ## 3. Time and entropy
//!
//! In production `now` is `SystemTime::now()` since `UNIX_EPOCH` in
//! seconds, and the entropy 32 bytes from the operating system, fresh for
//! every call (the `getrandom` crate: `getrandom::fill(&mut bytes)`). Fail
//! closed when either is missing: a clock that reads 0 would make every code
//! and token look unexpired, so answer 503 instead. Never reuse entropy:
//! two calls with the same bytes derive the same values, and the store
//! refuses a duplicate (the request then fails closed).
//!
//! If the clock steps back, codes and tokens live longer by the step
//! (their expiry was counted from the later time), and tokens minted just
//! before the step carry an `iat` in the future: resource servers accept
//! them within their [`BearerPolicy::leeway`](crate::BearerPolicy). Keep the
//! clock disciplined (NTP with slewing) rather than stepped.
//!
//! ## 4. Keys
//!
//! An HS256 key is a secret of at least 32 bytes and a `kid`. Keep it
//! outside the database (a file readable only by the server, a secret
//! manager, an environment variable the process list does not show) and
//! build the same [`HmacKey`](crate::HmacKey) at every start, so access
//! tokens survive a restart. To rotate: add the new key as a verify-only
//! key of the [`KeyRing`](crate::KeyRing) everywhere, then make it the
//! signing key, keeping the old one verify-only until the tokens it signed
//! have expired (the access-token lifetime) and any grace-period replay of
//! a refresh token rotated under it is over.
//!
//! An asymmetric key (ES256, EdDSA, RS256 with their features) is a
//! private key only the authorization server holds: load it from PKCS#8
//! ([`SigningKey::from_pkcs8_pem`](crate::mint::SigningKey::from_pkcs8_pem))
//! or a private JWK ([`SigningKey::from_jwk`](crate::mint::SigningKey::from_jwk)),
//! name it by its RFC 7638 thumbprint
//! ([`VerifyingKey::thumbprint`](crate::mint::VerifyingKey::thumbprint)) or
//! your own `kid`, and serve
//! [`jwk_set_document`](crate::metadata::jwk_set_document) at the
//! metadata's `jwks_uri`. Resource servers then need only that document
//! ([`TokenVerifier`](crate::bearer::TokenVerifier)). Rotation is the same
//! dance, with one more step: publish the new public key in the JWK Set
//! (as a verify-only key of the ring) before it signs, and give resource
//! servers time to refetch the set; keep the old public key published
//! until its tokens have expired. An old HS256 key can stay in the ring,
//! verify-only, for the tokens it signed before the switch. A token
//! request whose signature fails (an RS256 fault) is answered 500
//! `server_error` and issues nothing (a code presented is spent, a
//! refresh token is not rotated): alert on
//! [`TokenError::SigningFailed`](crate::TokenError::SigningFailed).
//!
//! ## 5. What to store, what to skip, when to purge
//!
//! | records | needed for | purge |
//! |---|---|---|
//! | clients | every request | when the client is deleted |
//! | codes (by digest) | redemption, and revoking what a replay of a redeemed code issued | after `expires_at` (at most 10 minutes): a later replay is answered as unknown, harmless, though it no longer revokes |
//! | refresh tokens (by digest) | refreshes; rotated ones for reuse detection and the grace period | after `expires_at` of the record; a family's rotated tokens may go once the family's newest token has expired |
//! | revoked families | refusing the family's access tokens; storing a late successor revoked | after the access-token lifetime has passed since the revocation |
//! | revoked `jti`s | refusing single revoked access tokens | after the access-token lifetime has passed since the revocation |
//!
//! A host that serves neither introspection nor bearer verification is
//! never asked `is_revoked`, and may skip the revoked-`jti` set; it must
//! still record revoked families, because `StoreRefreshToken` depends on
//! them. Codes and refresh tokens are stored only as SHA-256 digests and
//! client secrets only as [`SecretVerifier`](crate::client_secret::SecretVerifier)s
//! keyed by the configuration's pepper: a leaked table holds no usable
//! token and, without the pepper, reveals no secret.
//!
//! ## 6. The request value
//!
//! The engine reads the method, the `Content-Type` and `Authorization`
//! headers and the body ([`RequestParts`](crate::RequestParts)); for the
//! authorization endpoint, the query. Refuse a repeated `Content-Type` or
//! `Authorization` rather than pick one. With the `http` feature,
//! `RequestParts::try_from(&http::Request<B>)` does this for axum and
//! hyper. In actix-web 4 (not on the `http` 1.x crate) build it by hand,
//! from a handler taking `req: HttpRequest, body: web::Bytes`:
//!
//! ```text
//! let single = |name| {
//!     let mut values = req.headers().get_all(name);
//!     match (values.next(), values.next()) {
//!         (Some(_), Some(_)) => Err(TokenError::RepeatedHeader),
//!         (first, _) => Ok(first.map(|v| v.as_bytes())),
//!     }
//! };
//! let parts = RequestParts {
//!     method: req.method().as_str(),
//!     content_type: single(header::CONTENT_TYPE)?,
//!     authorization: single(header::AUTHORIZATION)?,
//!     body: &body,
//! };
//! let exchange = Exchange::parse(&parts, &config);
//! ```
//!
//! and answer with the [`HttpResponse`](crate::HttpResponse)'s status,
//! headers (names are lower-case, values visible ASCII) and body.
//!
//! ## 7. Stepping by hand
//!
//! The drivers are a loop over [`Step`](crate::Step); a host that wants to
//! do something between the questions (trace them, answer one from a cache)
//! writes the loop itself, and then applies the outcome's effects as one
//! unit before sending the response:
//!
//! ```
//! use grant_engine::values::Entropy;
//! use grant_engine::*;
//!
//! use grant_engine::client_secret::{ClientSecrets, Pepper};
//! let secrets = ClientSecrets::new(Pepper::new("p1", &[3u8; 32]).unwrap());
//! let config = Config::new("https://as.example", "https://api.example",
//!     KeyRing::new(HmacKey::new("k1", &[7u8; 32]).unwrap()))
//!     .with_client_secrets(secrets.clone());
//! let m2m = ClientId::new("m2m").unwrap();
//! let verifier = secrets.verifier(&m2m, &values::ClientSecret::new("s").unwrap()).unwrap();
//! let mut store = MemoryStore::new();
//! store.add_client(ClientRecord::confidential(m2m, verifier)
//!     .with_grant_types(&[GrantType::ClientCredentials]));
//! let body = b"grant_type=client_credentials&client_id=m2m&client_secret=s";
//! let request = Exchange::parse(&RequestParts::form_post(body), &config);
//! let call = Call::new(1_800_000_000, Entropy::from_bytes([5; 32]));
//! let mut step = request.start(&config, &call);
//! let outcome = loop {
//!     step = match step {
//!         Step::NeedClient(q) => { let r = store.client(q.client_id()).unwrap(); q.provide(r) }
//!         Step::NeedCode(q) => { let r = store.code(q.code_hash()).unwrap(); q.provide(r) }
//!         Step::NeedRefreshToken(q) => { let r = store.refresh_token(q.token_hash()).unwrap(); q.provide(r) }
//!         Step::NeedRevocationStatus(q) => { let r = store.is_revoked(q.jti(), q.family()).unwrap(); q.provide(r) }
//!         Step::Done(outcome) => break outcome,
//!     }
//! };
//! // A conflict here means another request changed what this one read:
//! // start again from `request.start(..)` with the same call.
//! store.apply(outcome.effects()).unwrap();
//! assert_eq!(outcome.response().status, 200);
//! ```
