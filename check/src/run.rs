//! The run: every scenario against the reference and against the server,
//! and the verdicts paired per check.

use crate::catalog::{CHECKS, Check};
use crate::config::{self, AuthorizeMode, CheckConfig};
use crate::discovery::discover;
use crate::http::Transport;
use crate::observe::{Observation, Verdict};
use crate::reference::{REFERENCE_BASE, Reference};
use crate::scenarios::SCENARIOS;
use crate::side::Side;

/// The server under test.
pub struct Target<'a> {
    /// How to reach it.
    pub transport: &'a dyn Transport,
    /// Its base URL.
    pub base: &'a str,
}

/// One check's verdicts.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The check.
    pub check: &'static Check,
    /// The server's verdict.
    pub server: Verdict,
    /// The reference engine's verdict on the same scenario: a failure
    /// here is a defect of the checker (or of the engine), never of the
    /// server.
    pub reference: Verdict,
}

/// The verdicts of a run, in catalog order.
#[derive(Debug, Clone)]
pub struct Report {
    /// One per check.
    pub outcomes: Vec<Outcome>,
    /// Verdicts recorded for no check or twice: defects of the checker.
    pub defects: Vec<String>,
    /// How many times the checker waited after a 429.
    pub backoffs: usize,
}

/// Runs every scenario on both sides. `nonce` makes states and verifiers
/// unique to the run.
pub async fn run(
    config: &CheckConfig,
    server: Target<'_>,
    reference: &Reference,
    nonce: &str,
) -> Result<Report, String> {
    let resource = config.resource.as_ref();
    let reference_endpoints = discover(
        reference,
        REFERENCE_BASE,
        &config::Endpoints::default(),
        resource.map(|_| "/api/me"),
    )
    .await
    .map_err(|e| format!("the reference: {e}"))?;
    let server_endpoints = discover(
        server.transport,
        server.base,
        &config.endpoints,
        resource.map(|r| r.path.as_str()),
    )
    .await?;
    let reference_side = Side::new(
        "reference",
        reference,
        reference_endpoints,
        config,
        AuthorizeMode::Redirect,
        nonce,
    );
    let server_side = Side::new(
        "server",
        server.transport,
        server_endpoints,
        config,
        config.authorize.clone(),
        nonce,
    );
    let mut on_reference = Vec::new();
    let mut on_server = Vec::new();
    for (_, scenario) in SCENARIOS {
        on_reference.extend(scenario(&reference_side).await.0);
        on_server.extend(scenario(&server_side).await.0);
    }
    Ok(assemble(&on_reference, &on_server))
}

fn assemble(on_reference: &[Observation], on_server: &[Observation]) -> Report {
    let mut defects = Vec::new();
    for (side, observations) in [("reference", on_reference), ("server", on_server)] {
        for observation in observations {
            if crate::catalog::find(observation.id).is_none() {
                defects.push(format!(
                    "{side}: a verdict for an unknown check {}",
                    observation.id
                ));
            }
        }
        for check in CHECKS {
            let count = observations.iter().filter(|o| o.id == check.id).count();
            if count != 1 {
                defects.push(format!("{side}: {} verdicts for {}", count, check.id));
            }
        }
    }
    let verdict = |observations: &[Observation], id: &str| {
        observations
            .iter()
            .find(|o| o.id == id)
            .map_or(Verdict::Skip(String::from("not run")), |o| {
                o.verdict.clone()
            })
    };
    let outcomes = CHECKS
        .iter()
        .map(|check| Outcome {
            check,
            server: verdict(on_server, check.id),
            reference: verdict(on_reference, check.id),
        })
        .collect();
    Report {
        outcomes,
        defects,
        backoffs: 0,
    }
}
