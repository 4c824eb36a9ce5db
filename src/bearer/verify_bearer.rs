//! Bearer-token verification at a protected resource (RFC 6750) as a step
//! machine: the header and the JWT are checked with no I/O, then the host
//! says whether the token (or its family) was revoked.

use crate::bearer::policy::BearerPolicy;
use crate::bearer::verify::verify_access_token;
use crate::config::config::Config;
use crate::errors::bearer::BearerError;
use crate::machine::call::Call;
use crate::machine::endpoint::{Endpoint, never_asks, sealed};
use crate::machine::outcome::Outcome;
use crate::machine::step::{RevocationQuestion, Step};
use crate::mint::claims::AccessTokenClaims;
use crate::parse::bearer_header::parse_bearer_header;
use crate::store::effect::Effect;
use crate::values::client_id::ClientId;
use crate::values::ids::{FamilyId, TokenId};

/// A request to a protected resource, its `Authorization` header read and
/// ready to run (tokens in the query or body are not accepted). Its one
/// question is whether the verified token was revoked; it ends in an
/// [`Access`].
///
/// ```
/// use grant_engine::{BearerPolicy, Call, Config, HmacKey, KeyRing, MemoryStore, VerifyBearer};
/// use grant_engine::bearer::Access;
/// use grant_engine::errors::BearerError;
/// use grant_engine::values::{Entropy, Scope};
/// let config = Config::new("https://as.example", "https://api.example",
///     KeyRing::new(HmacKey::new("k1", &[7u8; 32]).unwrap()));
/// let policy = BearerPolicy { required_scope: Scope::parse("read").unwrap(), leeway: 30 };
/// let call = Call::new(1_800_000_000, Entropy::from_bytes([0; 32]));
/// let request = VerifyBearer::new(None, &policy);
/// let access = grant_engine::drive(&mut MemoryStore::new(), &config, call, request).unwrap();
/// let Access::Refused(outcome) = access else { panic!("no token, no access") };
/// assert_eq!(outcome.report(), &BearerError::MissingToken);
/// assert_eq!(outcome.response().status, 401);
/// assert_eq!(outcome.response().header("www-authenticate"), Some(r#"Bearer realm="grant-engine""#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyBearer {
    token: Result<String, BearerError>,
    policy: BearerPolicy,
}

impl VerifyBearer {
    /// Reads the `Authorization` header value (`None` if absent) for a
    /// resource that demands `policy`.
    pub fn new(authorization: Option<&[u8]>, policy: &BearerPolicy) -> VerifyBearer {
        VerifyBearer {
            token: parse_bearer_header(authorization).map(str::to_owned),
            policy: policy.clone(),
        }
    }
}

/// What a protected resource decided about a request.
#[derive(Debug)]
#[must_use = "serve the resource, or send the outcome's response"]
pub enum Access {
    /// A valid, unrevoked token with every required scope: serve the
    /// resource to the subject it names.
    Granted(AccessTokenClaims),
    /// Send the outcome's response: 401 with a `Bearer` challenge, 400, or
    /// 403 `insufficient_scope`.
    Refused(Outcome<VerifyBearer>),
}

impl sealed::Sealed for VerifyBearer {}

impl Endpoint for VerifyBearer {
    type Report = BearerError;
    type Output = Access;
    type RevocationWait<'c> = AwaitRevocation<'c>;
    never_asks!(client);
    never_asks!(code);
    never_asks!(refresh_token);

    fn start<'c>(&'c self, config: &'c Config, call: &Call) -> Step<'c, VerifyBearer> {
        let verified = self.token.as_deref().map_err(|e| *e).and_then(|token| {
            verify_access_token(token, config, call.now(), self.policy.leeway)
                .map_err(BearerError::InvalidToken)
        });
        match verified {
            Ok(claims) => Step::NeedRevocationStatus(RevocationQuestion::new(AwaitRevocation {
                config,
                policy: &self.policy,
                claims,
            })),
            Err(error) => Step::Done(refuse(config, &self.policy, error, None)),
        }
    }

    fn revocation_of<'a>(wait: &'a AwaitRevocation<'_>) -> (&'a TokenId, Option<&'a FamilyId>) {
        (&wait.claims.jti, wait.claims.fam.as_ref())
    }

    fn provide_revocation<'c>(wait: Self::RevocationWait<'c>, revoked: bool) -> Step<'c, Self> {
        let AwaitRevocation {
            config,
            policy,
            claims,
        } = wait;
        let error = if revoked {
            BearerError::Revoked
        } else if !policy.required_scope.is_subset_of(&claims.scope) {
            BearerError::InsufficientScope
        } else {
            return Step::Done(Access::Granted(claims));
        };
        Step::Done(refuse(config, policy, error, Some(claims.client_id)))
    }

    fn effects(output: &Access) -> &[Effect] {
        match output {
            Access::Granted(_) => &[],
            Access::Refused(outcome) => outcome.effects(),
        }
    }
}

fn refuse(
    config: &Config,
    policy: &BearerPolicy,
    error: BearerError,
    client_id: Option<ClientId>,
) -> Access {
    let response = error.to_http_response(config.realm(), &policy.required_scope);
    Access::Refused(Outcome::new(error, Vec::new(), response, client_id))
}

/// Waiting to hear whether a verified token was revoked.
pub struct AwaitRevocation<'c> {
    config: &'c Config,
    policy: &'c BearerPolicy,
    claims: AccessTokenClaims,
}
