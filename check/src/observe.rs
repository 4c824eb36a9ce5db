//! What a scenario records: a verdict per check id.

/// The verdict on one check for one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The server answered as the RFC allows.
    Pass,
    /// It did not: what was expected and what came back.
    Fail(String),
    /// The check could not run (a role not configured, an endpoint not
    /// offered, an earlier step that failed), and why.
    Skip(String),
}

/// One verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// The check's id (in [`crate::catalog::CHECKS`]).
    pub id: &'static str,
    /// The verdict.
    pub verdict: Verdict,
}

/// The verdicts a scenario records, in order.
#[derive(Debug, Clone, Default)]
pub struct Observations(pub Vec<Observation>);

impl Observations {
    /// Records a judged result.
    pub fn judge(&mut self, id: &'static str, result: Result<(), String>) {
        let verdict = match result {
            Ok(()) => Verdict::Pass,
            Err(why) => Verdict::Fail(why),
        };
        self.0.push(Observation { id, verdict });
    }

    /// Records a check that could not run.
    pub fn skip(&mut self, id: &'static str, why: impl Into<String>) {
        self.0.push(Observation {
            id,
            verdict: Verdict::Skip(why.into()),
        });
    }

    /// Records several checks that could not run, for one reason.
    pub fn skip_all(&mut self, ids: &[&'static str], why: &str) {
        for id in ids {
            self.skip(id, why);
        }
    }
}
