//! The resource owner's decision on a valid authorization request
//! (RFC 6749 4.1.2): a single-use code, or `access_denied`.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::config::config::Config;
use crate::errors::authorize::AuthorizeError;
use crate::machine::call::Call;
use crate::machine::endpoint::{Endpoint, never_asks, sealed};
use crate::machine::outcome::Outcome;
use crate::machine::step::Step;
use crate::mint::ids::IdSeed;
use crate::render::http_response::HttpResponse;
use crate::render::redirect::Target;
use crate::store::code_record::{CodeRecord, CodeState, PkceChallenge};
use crate::store::effect::Effect;
use crate::values::client_id::ClientId;
use crate::values::digest::TokenHash;
use crate::values::ids::Subject;
use crate::values::redirect_uri::RedirectUri;
use crate::values::scope::Scope;

/// A valid authorization request awaiting the resource owner's decision.
///
/// It is decided by consuming it: [`approve`](Consent::approve) or
/// [`deny`](Consent::deny), then run the [`Decide`] with a driver. It is not
/// `Clone`, so one consent is decided once; it is serializable, so a host
/// can keep it in its session across the login and consent pages. Keep it
/// on the server (or sign it): deserializing does not validate it again, so
/// a copy the user agent could edit would let it choose where the code goes.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub(crate) client_id: ClientId,
    pub(crate) redirect_uri: RedirectUri,
    pub(crate) redirect_uri_sent: bool,
    pub(crate) scope: Scope,
    pub(crate) state: Option<String>,
    pub(crate) pkce: Option<PkceChallenge>,
}

impl Consent {
    /// The client that asked.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// Where the user will be sent back.
    pub fn redirect_uri(&self) -> &RedirectUri {
        &self.redirect_uri
    }

    /// The scope requested (the client's allowed scopes if none was asked for).
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The `state` to echo, if any.
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// The PKCE challenge, if any.
    pub fn pkce(&self) -> Option<&PkceChallenge> {
        self.pkce.as_ref()
    }

    /// The resource owner `subject` granted `scope` (the requested scope or
    /// a non-empty part of it: approving nothing redirects `access_denied`,
    /// as does a scope wider than the request). Run the result to mint a single-use code of 256 bits
    /// from the call's entropy, bound to the client, redirect URI, scope,
    /// subject and PKCE challenge, living [`Config::code_ttl`] seconds.
    pub fn approve(self, subject: Subject, scope: Scope) -> Decide {
        Decide {
            consent: self,
            verdict: Verdict::Approve { subject, scope },
        }
    }

    /// The resource owner said no: run the result to redirect with
    /// `access_denied`.
    pub fn deny(self) -> Decide {
        Decide {
            consent: self,
            verdict: Verdict::Deny,
        }
    }

    fn target<'a>(&'a self, config: &'a Config) -> Target<'a> {
        Target {
            redirect_uri: &self.redirect_uri,
            state: self.state.as_deref(),
            issuer: config.issuer(),
        }
    }
}

/// The resource owner's decision on a [`Consent`], ready to run: an
/// [`Endpoint`] with no questions. The report is `Ok(())` when a code was
/// issued ([`Effect::StoreCode`] holds its record, the 302 carries it), or
/// the error the redirect carries.
pub struct Decide {
    consent: Consent,
    verdict: Verdict,
}

enum Verdict {
    Approve { subject: Subject, scope: Scope },
    Deny,
}

impl sealed::Sealed for Decide {}

impl Endpoint for Decide {
    type Report = Result<(), AuthorizeError>;
    type Output = Outcome<Decide>;
    never_asks!(client);
    never_asks!(code);
    never_asks!(refresh_token);
    never_asks!(revocation);

    fn start<'c>(&'c self, config: &'c Config, call: &Call) -> Step<'c, Decide> {
        let consent = &self.consent;
        let client_id = Some(consent.client_id.clone());
        let (report, effects, response) = match &self.verdict {
            Verdict::Approve { scope, .. } if !scope.is_subset_of(&consent.scope) => {
                refusal(consent, config, AuthorizeError::ScopeNotRequested)
            }
            Verdict::Approve { scope, .. } if scope.is_empty() => {
                refusal(consent, config, AuthorizeError::NothingGranted)
            }
            Verdict::Approve { subject, scope } => {
                // Bound to the client and the resource owner: a reused
                // entropy still gives each approval its own code.
                let code = IdSeed::new(call.entropy(), call.now())
                    .bind(
                        b"code",
                        &[
                            consent.client_id.as_str().as_bytes(),
                            subject.as_str().as_bytes(),
                        ],
                    )
                    .next_secret(b"code");
                let record = code_record(consent, config, call, &code, subject, scope);
                let response = consent.target(config).code_response(&code);
                (Ok(()), vec![Effect::StoreCode(record)], response)
            }
            Verdict::Deny => refusal(consent, config, AuthorizeError::AccessDenied),
        };
        Step::Done(Outcome::new(report, effects, response, client_id))
    }

    fn effects(output: &Outcome<Decide>) -> &[Effect] {
        output.effects()
    }
}

/// A decision's report, effects and response.
type Decided = (Result<(), AuthorizeError>, Vec<Effect>, HttpResponse);

fn refusal(consent: &Consent, config: &Config, error: AuthorizeError) -> Decided {
    (
        Err(error),
        Vec::new(),
        consent.target(config).error_response(error),
    )
}

/// The stored form of a new code: its digest and what it is bound to.
fn code_record(
    consent: &Consent,
    config: &Config,
    call: &Call,
    code: &str,
    subject: &Subject,
    scope: &Scope,
) -> CodeRecord {
    CodeRecord {
        code_hash: TokenHash::of(code),
        client_id: consent.client_id.clone(),
        redirect_uri: consent
            .redirect_uri_sent
            .then(|| consent.redirect_uri.clone()),
        scope: scope.clone(),
        subject: subject.clone(),
        pkce: consent.pkce.clone(),
        issued_at: call.now(),
        expires_at: call.now().saturating_add(config.code_ttl()),
        state: CodeState::Unused,
    }
}

impl fmt::Debug for Decide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = match self.verdict {
            Verdict::Approve { .. } => "approve",
            Verdict::Deny => "deny",
        };
        f.debug_struct("Decide")
            .field("consent", &self.consent)
            .field("verdict", &verdict)
            .finish()
    }
}
