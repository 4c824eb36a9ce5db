//! The end of a run: the response to send, the effects to persist first,
//! and what happened, typed per endpoint.

use core::fmt;

use crate::config::config::Config;
use crate::errors::token::TokenError;
use crate::machine::endpoint::Endpoint;
use crate::machine::security_event::SecurityEvent;
use crate::render::http_response::HttpResponse;
use crate::store::effect::Effect;
use crate::values::client_id::ClientId;

/// The end of a run of endpoint `E`: the response to send, the effects to
/// persist before sending it, and the typed report of what happened
/// (`E::Report`: the issued tokens or the error at the token endpoint, the
/// verified claims at a protected resource, ...).
///
/// From [`drive`](crate::drive) or [`drive_async`](crate::drive_async) the
/// effects are already applied. A host that steps by hand applies
/// [`effects`](Outcome::effects) as one unit first, and sends the response
/// only once they are durable.
#[must_use = "persist the effects, then send the response"]
pub struct Outcome<E: Endpoint> {
    report: E::Report,
    effects: Vec<Effect>,
    response: HttpResponse,
    client_id: Option<ClientId>,
    events: Vec<SecurityEvent>,
}

impl<E: Endpoint> Outcome<E> {
    pub(crate) fn new(
        report: E::Report,
        effects: Vec<Effect>,
        response: HttpResponse,
        client_id: Option<ClientId>,
    ) -> Self {
        Outcome {
            report,
            effects,
            response,
            client_id,
            events: Vec::new(),
        }
    }

    /// The same outcome, with `event` noted.
    pub(crate) fn noting(mut self, event: SecurityEvent) -> Self {
        self.events.push(event);
        self
    }

    /// A request refused with `error` (RFC 6749 5.2; RFC 7009 2.2.1; RFC
    /// 7662 2.3), its error response and the state changes it still makes.
    pub(crate) fn token_error<T>(
        error: TokenError,
        effects: Vec<Effect>,
        config: &Config,
        client_id: Option<&ClientId>,
    ) -> Self
    where
        E: Endpoint<Report = Result<T, TokenError>>,
    {
        let response = error.to_http_response(config.realm());
        let outcome = Outcome::new(Err(error), effects, response, client_id.cloned());
        match error {
            TokenError::InvalidClient { failure, .. } => {
                outcome.noting(SecurityEvent::ClientAuthenticationFailed {
                    client_id: client_id.cloned(),
                    reason: failure,
                })
            }
            _ => outcome,
        }
    }

    /// What happened, typed for this endpoint.
    pub fn report(&self) -> &E::Report {
        &self.report
    }

    /// Every state change, in the order to apply them (one unit).
    pub fn effects(&self) -> &[Effect] {
        &self.effects
    }

    /// The HTTP response to send once the effects are persisted.
    pub fn response(&self) -> &HttpResponse {
        &self.response
    }

    /// The client the request named (for the host's logs; not a secret),
    /// or at a protected resource the client the token was issued to.
    pub fn client_id(&self) -> Option<&ClientId> {
        self.client_id.as_ref()
    }

    /// What the host should log, count or alert on (a failed client
    /// authentication, a regrant, a reuse), in the order it happened.
    pub fn events(&self) -> &[SecurityEvent] {
        &self.events
    }

    /// The response, for a host whose effects are persisted.
    pub fn into_response(self) -> HttpResponse {
        self.response
    }

    /// The report, for a host whose effects are persisted.
    pub fn into_report(self) -> E::Report {
        self.report
    }
}

impl<E: Endpoint> fmt::Debug for Outcome<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outcome")
            .field("report", &self.report)
            .field("effects", &self.effects)
            .field("response", &self.response)
            .field("client_id", &self.client_id)
            .field("events", &self.events)
            .finish()
    }
}

impl<E: Endpoint> Clone for Outcome<E>
where
    E::Report: Clone,
{
    fn clone(&self) -> Self {
        Outcome {
            report: self.report.clone(),
            effects: self.effects.clone(),
            response: self.response.clone(),
            client_id: self.client_id.clone(),
            events: self.events.clone(),
        }
    }
}

impl<E: Endpoint> PartialEq for Outcome<E>
where
    E::Report: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.report == other.report
            && self.effects == other.effects
            && self.response == other.response
            && self.client_id == other.client_id
            && self.events == other.events
    }
}

impl<E: Endpoint> Eq for Outcome<E> where E::Report: Eq {}
