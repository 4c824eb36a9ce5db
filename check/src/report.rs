//! What a run prints: a line per check and the totals, and JUnit XML.

use std::fmt::Write as _;

use crate::catalog::Level;
use crate::observe::Verdict;
use crate::run::{Outcome, Report};

impl Outcome {
    /// Whether this outcome fails the run: a failed MUST, and under
    /// `strict` a failed SHOULD.
    pub fn fails_run(&self, strict: bool) -> bool {
        let failed = matches!(self.server, Verdict::Fail(_));
        failed && (self.check.level == Level::Must || (strict && self.check.level == Level::Should))
    }

    /// The outcome's line.
    pub fn line(&self) -> String {
        let check = self.check;
        let head = |status: &str| {
            format!(
                "{status:<4} {:<6} {}: {}",
                check.level.to_string(),
                check.id,
                check.rule
            )
        };
        let mut line = match &self.server {
            Verdict::Pass => head("PASS"),
            Verdict::Fail(why) => format!("{} -- {why}", head("FAIL")),
            Verdict::Skip(why) => format!("{} (skipped: {why})", head("SKIP")),
        };
        if let Verdict::Fail(why) = &self.reference {
            let _ = write!(line, " [the reference engine fails it too: {why}]");
        }
        line
    }
}

impl Report {
    /// Passed, failed and skipped checks of the server.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |f: fn(&Verdict) -> bool| self.outcomes.iter().filter(|o| f(&o.server)).count();
        (
            count(|v| matches!(v, Verdict::Pass)),
            count(|v| matches!(v, Verdict::Fail(_))),
            count(|v| matches!(v, Verdict::Skip(_))),
        )
    }

    /// Whether the run fails: a failed MUST (and under `strict` a failed
    /// SHOULD). MAY checks never fail it.
    pub fn fails(&self, strict: bool) -> bool {
        self.outcomes.iter().any(|o| o.fails_run(strict))
    }

    /// Checks the reference engine itself failed.
    pub fn reference_failures(&self) -> Vec<&Outcome> {
        let failed = |o: &&Outcome| matches!(o.reference, Verdict::Fail(_));
        self.outcomes.iter().filter(failed).collect()
    }

    /// The last line: `N passed, M failed`, and `, K skipped` when some were.
    pub fn summary(&self) -> String {
        let (passed, failed, skipped) = self.counts();
        let mut line = format!("{passed} passed, {failed} failed");
        if skipped > 0 {
            let _ = write!(line, ", {skipped} skipped");
        }
        line
    }

    /// Everything the run prints: a line per check, notes, the summary.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for outcome in &self.outcomes {
            let _ = writeln!(text, "{}", outcome.line());
        }
        if self.backoffs > 0 {
            let _ = writeln!(
                text,
                "note: waited {} times as a 429 Retry-After asked",
                self.backoffs
            );
        }
        let reference = self.reference_failures().len();
        if reference > 0 {
            let _ = writeln!(
                text,
                "warning: the reference engine failed {reference} checks (a defect of the checker or the engine)"
            );
        }
        for defect in &self.defects {
            let _ = writeln!(text, "warning: checker defect: {defect}");
        }
        let _ = writeln!(text, "{}", self.summary());
        text
    }

    /// The run as JUnit XML: a test case per check (class name: its
    /// level), failures and skips with their explanation.
    pub fn junit(&self, suite: &str) -> String {
        let (passed, failed, skipped) = self.counts();
        let total = passed + failed + skipped;
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            xml,
            "<testsuites name=\"grant-engine-check\" tests=\"{total}\" failures=\"{failed}\" skipped=\"{skipped}\">"
        );
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{total}\" failures=\"{failed}\" skipped=\"{skipped}\">",
            escape(suite)
        );
        for outcome in &self.outcomes {
            let check = outcome.check;
            let open = format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                check.level, check.id
            );
            let _ = match &outcome.server {
                Verdict::Pass => writeln!(xml, "{open}/>"),
                Verdict::Fail(why) => writeln!(
                    xml,
                    "{open}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    escape(why),
                    check.level,
                    escape(check.rule)
                ),
                Verdict::Skip(why) => {
                    writeln!(
                        xml,
                        "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                        escape(why)
                    )
                }
            };
        }
        xml.push_str("  </testsuite>\n</testsuites>\n");
        xml
    }
}

/// XML text and attribute escaping; control characters XML 1.0 cannot
/// carry become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
