//! A throwaway PostgreSQL cluster for one test: `initdb` in a temporary
//! folder, `pg_ctl` on a free loopback port (and a socket in the same
//! folder), stopped and deleted on drop. PostgreSQL refuses to run as
//! root, so as root the cluster belongs to, and runs as, the `postgres`
//! user if there is one, else `nobody`.
//!
//! The caller says where the binaries are (the demo server's build script
//! finds them, and decides whether its PostgreSQL tests run or are
//! ignored).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The superuser of every test cluster (trust authentication, loopback).
pub const USER: &str = "grant_engine";

/// A running (or stopped) cluster of this test.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    run_as: Option<String>,
}

impl Cluster {
    /// Creates and starts a cluster with the programs in `bin` (`initdb`,
    /// `pg_ctl`, `createdb`). Panics, saying what failed, if they do not
    /// run or the server does not start.
    pub fn start(bin: impl Into<PathBuf>) -> Cluster {
        static N: AtomicUsize = AtomicUsize::new(0);
        let bin = bin.into();
        let dir = std::env::temp_dir().join(format!(
            "grant-engine-pg-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let run_as = unprivileged_user();
        if let Some(user) = &run_as {
            checked(Command::new("chown").arg(user).arg(&dir), "chown");
        }
        let cluster = Cluster {
            bin,
            dir,
            port: free_port(),
            run_as,
        };
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data(),
                "-A",
                "trust",
                "-U",
                USER,
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        cluster.resume();
        cluster
    }

    /// A connection URL for database `name` of this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates an empty database `name`.
    pub fn create_database(&self, name: &str) {
        let port = self.port.to_string();
        self.run(
            "createdb",
            &["-h", "127.0.0.1", "-p", &port, "-U", USER, name],
        );
    }

    /// Stops the server at once (`immediate`: like a crash, connections cut).
    pub fn halt(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
    }

    /// Starts the server (again) on the same port, and waits until it
    /// accepts connections.
    pub fn resume(&self) {
        // `fsync=off` is safe against the process crashes the tests cause
        // (`halt`): the OS still has every write. `synchronous_commit` stays
        // on, or a halt would lose commits the server already reported.
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off \
             -c max_connections=200",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-o",
                &options,
                "-l",
                &log.display().to_string(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// Runs one of the cluster's programs (as the unprivileged user when
    /// root), panicking with its output if it fails.
    fn run(&self, program: &str, args: &[&str]) -> Output {
        let mut command = self.command(program);
        command.args(args).current_dir(&self.dir);
        checked(&mut command, program)
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&program);
                command
            }
            None => Command::new(&program),
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn checked(command: &mut Command, what: &str) -> Output {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what} does not run: {e}"));
    assert!(
        output.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Who the cluster runs as: `None` when not root.
fn unprivileged_user() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return None;
    }
    let postgres = Command::new("id")
        .args(["-u", "postgres"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    Some(String::from(if postgres { "postgres" } else { "nobody" }))
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}
