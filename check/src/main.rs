//! The `grant-engine-check` command.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use grant_engine_check::catalog::CHECKS;
use grant_engine_check::config::CheckConfig;
use grant_engine_check::live::Live;
use grant_engine_check::reference::Reference;
use grant_engine_check::run::{Target, run};

const USAGE: &str = "\
usage: grant-engine-check --config FILE [--strict] [--junit FILE] BASE_URL
       grant-engine-check --list

  --config FILE  the server's clients and how to obtain a code (JSON; see
                 check/demo.json for the demo server's)
  --strict       failed SHOULD checks fail the run too
  --junit FILE   also write the verdicts as JUnit XML
  --list         print every check (id, level, rule) and exit
  BASE_URL       the server, e.g. http://127.0.0.1:8080 (its issuer, unless
                 the configuration names another)

Exit status: 0 when no MUST check failed (under --strict: and no SHOULD),
1 when one did, 2 when the run could not start.
";

struct Args {
    config: String,
    strict: bool,
    junit: Option<String>,
    base: String,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let (mut config, mut strict, mut junit, mut base) = (None, false, None, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => config = Some(args.next().ok_or("--config needs a file")?),
            "--junit" => junit = Some(args.next().ok_or("--junit needs a file")?),
            "--strict" => strict = true,
            "--list" => return Ok(None),
            "--help" | "-h" => return Err(String::new()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other if base.is_none() => base = Some(other.to_owned()),
            other => return Err(format!("one base URL only, not also {other}")),
        }
    }
    Ok(Some(Args {
        config: config.ok_or("--config is required")?,
        strict,
        junit,
        base: base.ok_or("the base URL is required")?,
    }))
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            for check in CHECKS {
                println!(
                    "{:<6} {}: {}",
                    check.level.to_string(),
                    check.id,
                    check.rule
                );
            }
            return ExitCode::SUCCESS;
        }
        Err(why) if why.is_empty() => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(why) => {
            eprintln!("error: {why}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build();
    match runtime
        .map_err(|e| format!("no runtime: {e}"))
        .and_then(|r| r.block_on(check(&args)))
    {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::from(2)
        }
    }
}

/// Runs the checks; `Ok(true)` when the run passes.
async fn check(args: &Args) -> Result<bool, String> {
    let text =
        std::fs::read_to_string(&args.config).map_err(|e| format!("{}: {e}", args.config))?;
    let config = CheckConfig::parse(&text)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| String::from("the clock is before 1970"))?;
    let reference = Reference::new(&config, now.as_secs())?;
    let live = Live::new()?;
    let nonce = format!("{}-{}", now.as_nanos(), std::process::id());
    let target = Target {
        transport: &live,
        base: &args.base,
    };
    let mut report = run(&config, target, &reference, &nonce).await?;
    report.backoffs = live.backoffs();
    print!("{}", report.text());
    if let Some(path) = &args.junit {
        std::fs::write(path, report.junit(&args.base)).map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(!report.fails(args.strict))
}
