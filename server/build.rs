//! Finds PostgreSQL's server binaries for the tests that start a cluster
//! (tests/support/postgres.rs). Found: `cfg(postgres)` is set and the
//! folder is passed on as `GRANT_ENGINE_PG_BIN_FOUND`. Not found: those
//! tests are `#[ignore]`d with a reason that says so, and a build warning
//! tells why; with `GRANT_ENGINE_REQUIRE_POSTGRES=1` (CI) the build fails
//! instead, so PostgreSQL cannot silently go missing.
//!
//! Looked for in `$GRANT_ENGINE_PG_BIN`, in Debian's
//! `/usr/lib/postgresql/<version>/bin` (newest first), then on `PATH`.

use std::path::{Path, PathBuf};

const DEBIAN: &str = "/usr/lib/postgresql";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(postgres)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=GRANT_ENGINE_PG_BIN");
    println!("cargo::rerun-if-env-changed=GRANT_ENGINE_REQUIRE_POSTGRES");
    println!("cargo::rerun-if-env-changed=PATH");
    if Path::new(DEBIAN).is_dir() {
        println!("cargo::rerun-if-changed={DEBIAN}");
    }
    let required = std::env::var_os("GRANT_ENGINE_REQUIRE_POSTGRES").is_some_and(|v| v == "1");
    match find_bin() {
        Some(bin) => {
            println!("cargo::rustc-cfg=postgres");
            println!(
                "cargo::rustc-env=GRANT_ENGINE_PG_BIN_FOUND={}",
                bin.display()
            );
        }
        None if required => panic!(
            "GRANT_ENGINE_REQUIRE_POSTGRES=1 but no PostgreSQL server binaries (initdb, pg_ctl, \
             createdb) were found; install PostgreSQL or set GRANT_ENGINE_PG_BIN"
        ),
        None => println!(
            "cargo::warning=PostgreSQL (initdb, pg_ctl) not found: the PostgreSQL tests are \
             ignored; install it or set GRANT_ENGINE_PG_BIN to run them"
        ),
    }
}

fn find_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("GRANT_ENGINE_PG_BIN") {
        return Some(PathBuf::from(dir)).filter(|dir| has_server(dir));
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir(DEBIAN)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| has_server(bin))
        .collect();
    debian.sort();
    if let Some((_, newest)) = debian.pop() {
        return Some(newest);
    }
    std::env::split_paths(&std::env::var_os("PATH")?).find(|dir| has_server(dir))
}

fn has_server(dir: &Path) -> bool {
    ["initdb", "pg_ctl", "createdb"]
        .iter()
        .all(|program| dir.join(program).is_file())
}
