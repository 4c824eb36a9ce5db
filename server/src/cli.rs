//! Command-line options, parsed by hand (no argument-parser dependency).

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::store::target::DbTarget;
use crate::throttle::Budget;

/// The usage text printed by `--help` and after a bad argument.
pub const USAGE: &str = "\
usage: server [--listen ADDR] [--db PATH|URL] [--db-pool SIZE]
              [--hs256-secret SECRET | --hs256-secret-file PATH] [--signing-key PATH] [--issuer URL] [--refresh-grace SECONDS] [--pepper-file PATH] [--retired-pepper-file PATH]...
              [--purge-every SECONDS]
              [--throttle FAILURES/SECONDS | --no-throttle] [--bench-routes]

  --listen ADDR            address to listen on (default 127.0.0.1:8080)
  --db PATH                SQLite database file (default: in memory, lost on exit)
  --db URL                 PostgreSQL, postgres://USER[:PASSWORD]@HOST:PORT/DBNAME;
                           any number of servers may share it
  --db-pool SIZE           PostgreSQL connections of this process (default 16)
  --hs256-secret SECRET    JWT signing secret, at least 32 bytes (visible to other
                           local users in the process list: prefer the two below)
  --hs256-secret-file PATH read the secret from a file (one trailing newline dropped)
                           also: the environment variable GRANT_ENGINE_HS256_SECRET
                           (default: 32 random bytes per start, never printed)
  --signing-key PATH       a PKCS#8 PEM private key (P-256: ES256, Ed25519: EdDSA,
                           RSA of 2048 to 8192 bits: RS256)
                           that signs every access token, its public key served
                           at /.well-known/jwks.json (kid: its RFC 7638
                           thumbprint); an HS256 secret given too stays in the
                           ring as a verify-only key (default: HS256 only)
  --issuer URL             issuer and audience (default: http:// + the listen address)
  --refresh-grace SECONDS  refresh-token grace period, at most 60 (default 0: none)
  --rotation-secret-file PATH
                           the grace period's rotation secret (at least 32 bytes),
                           the same for every process; also: the environment
                           variable GRANT_ENGINE_ROTATION_SECRET (default: random
                           per start, so a regrant works only at the same process)
  --pepper-file PATH       the pepper client-secret verifiers are keyed with (at
                           least 32 random bytes), the same for every process of
                           one database; also: the environment variable
                           GRANT_ENGINE_CLIENT_PEPPER (default: random per start,
                           only with the in-memory database: a database file or
                           PostgreSQL needs a pepper that outlives the process)
  --retired-pepper-file PATH
                           a former pepper that still verifies the secrets keyed
                           with it (repeatable), while clients move to new ones
  --purge-every SECONDS    delete expired codes, tokens and revocations this often
                           (default 3600; 0: never)
  --throttle FAILURES/SECONDS
                           failed client authentications allowed per client id
                           and source address in a window (ten times as many per
                           address over all client ids); past it the token,
                           revocation and introspection endpoints answer 429 with
                           Retry-After until the window ends (default 10/60)
  --no-throttle            count nothing, throttle nothing (test suites that send
                           many bad secrets on purpose)
  --bench-routes           also serve the benchmark route /bench/constant
";

/// What the server was asked to do.
#[derive(Clone, PartialEq, Eq)]
pub struct Options {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The database.
    pub db: DbTarget,
    /// The most PostgreSQL connections this process opens.
    pub db_pool: usize,
    /// The HS256 secret, or `None` for random bytes from the OS.
    pub hs256_secret: Option<Vec<u8>>,
    /// Where to read the HS256 secret from (see [`Options::resolve_secret`]).
    pub hs256_secret_file: Option<PathBuf>,
    /// The secret of the refresh grace period's rotation key, or `None`
    /// for random bytes (see [`Options::resolve_rotation_secret`]).
    pub rotation_secret: Option<Vec<u8>>,
    /// Where to read the rotation secret from.
    pub rotation_secret_file: Option<PathBuf>,
    /// The client-secret pepper, or `None` for random bytes per start (see
    /// [`Options::resolve_pepper`]).
    pub pepper: Option<Vec<u8>>,
    /// Where to read the pepper from.
    pub pepper_file: Option<PathBuf>,
    /// Former peppers, still verifying (their files are read by
    /// [`Options::resolve_pepper`]).
    pub retired_peppers: Vec<Vec<u8>>,
    /// Where to read the former peppers from.
    pub retired_pepper_files: Vec<PathBuf>,
    /// The PEM file of the asymmetric signing key, if any.
    pub signing_key: Option<PathBuf>,
    /// The issuer (and audience), or `None` for `http://` + the bound address.
    pub issuer: Option<String>,
    /// The refresh-token grace period in seconds.
    pub refresh_grace: u64,
    /// Seconds between purges of expired records; 0 for none.
    pub purge_every: u64,
    /// The budget of failed client authentications, `None` for no
    /// throttle (`--no-throttle`).
    pub throttle: Option<Budget>,
    /// Whether to serve `/bench/constant`.
    pub bench_routes: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: DbTarget::Memory,
            db_pool: 16,
            hs256_secret: None,
            hs256_secret_file: None,
            rotation_secret: None,
            rotation_secret_file: None,
            pepper: None,
            pepper_file: None,
            retired_peppers: Vec::new(),
            retired_pepper_files: Vec::new(),
            signing_key: None,
            issuer: None,
            refresh_grace: 0,
            purge_every: 3600,
            throttle: Some(Budget::DEFAULT),
            bench_routes: false,
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("listen", &self.listen)
            .field("db", &self.db)
            .field("db_pool", &self.db_pool)
            .field(
                "hs256_secret",
                &self.hs256_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("hs256_secret_file", &self.hs256_secret_file)
            .field(
                "rotation_secret",
                &self.rotation_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("rotation_secret_file", &self.rotation_secret_file)
            .field("pepper", &self.pepper.as_ref().map(|_| "<redacted>"))
            .field("pepper_file", &self.pepper_file)
            .field("retired_peppers", &self.retired_peppers.len())
            .field("retired_pepper_files", &self.retired_pepper_files)
            .field("signing_key", &self.signing_key)
            .field("issuer", &self.issuer)
            .field("refresh_grace", &self.refresh_grace)
            .field("purge_every", &self.purge_every)
            .field("throttle", &self.throttle)
            .field("bench_routes", &self.bench_routes)
            .finish()
    }
}

/// The outcome of parsing the command line.
#[derive(Debug)]
pub enum Command {
    /// Serve with these options (boxed: they are much larger than `Help`).
    Serve(Box<Options>),
    /// Print [`USAGE`] and exit successfully.
    Help,
}

/// Parses the arguments after the program name. Each option takes its value
/// as the next argument or after `=` (`--listen=127.0.0.1:0`).
pub fn parse<I, A>(args: I) -> Result<Command, String>
where
    I: IntoIterator<Item = A>,
    A: Into<OsString>,
{
    let mut options = Options::default();
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|_| String::from("arguments must be UTF-8"))?;
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name.to_owned(), Some(value.into())),
            _ => (arg, None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs {what}"))?
                .into_string()
                .map_err(|_| format!("the value of {name} must be UTF-8"))
        };
        if matches!(name.as_str(), "-h" | "--help") {
            return Ok(Command::Help);
        }
        if name == "--bench-routes" && inline.is_none() {
            options.bench_routes = true;
        } else if name == "--no-throttle" && inline.is_none() {
            options.throttle = None;
        } else {
            set(&mut options, &name, &mut value)?;
        }
    }
    Ok(Command::Serve(Box::new(options)))
}

/// Sets the option `name` from the value `value` reads.
fn set(
    options: &mut Options,
    name: &str,
    value: &mut impl FnMut(&str) -> Result<String, String>,
) -> Result<(), String> {
    match name {
        "--listen" => {
            let text = value("an address such as 127.0.0.1:8080")?;
            options.listen = text
                .parse()
                .map_err(|_| format!("--listen: {text:?} is not an IP address and port"))?;
        }
        "--db" => options.db = DbTarget::parse(&value("a file path or a postgres:// URL")?)?,
        "--db-pool" => options.db_pool = whole_number(&value("a size")?, name)?,
        "--hs256-secret" => options.hs256_secret = Some(strong(value("a secret")?.into_bytes())?),
        "--hs256-secret-file" => options.hs256_secret_file = Some(value("a file path")?.into()),
        "--rotation-secret-file" => {
            options.rotation_secret_file = Some(value("a file path")?.into());
        }
        "--pepper-file" => options.pepper_file = Some(value("a file path")?.into()),
        "--retired-pepper-file" => options
            .retired_pepper_files
            .push(value("a file path")?.into()),
        "--signing-key" => options.signing_key = Some(value("a file path")?.into()),
        "--issuer" => options.issuer = Some(value("a URL")?),
        "--refresh-grace" => options.refresh_grace = whole_number(&value("seconds")?, name)?,
        "--purge-every" => options.purge_every = whole_number(&value("seconds")?, name)?,
        "--throttle" => options.throttle = Some(Budget::parse(&value("FAILURES/SECONDS")?)?),
        // A stray value is not echoed: it might be a secret.
        other if other.starts_with('-') => return Err(format!("unknown option {other:?}")),
        _ => return Err(String::from("unexpected argument (options start with --)")),
    }
    Ok(())
}

/// The environment variable the HS256 secret may come from.
pub const SECRET_VARIABLE: &str = "GRANT_ENGINE_HS256_SECRET";
/// The environment variable the rotation secret may come from.
pub const ROTATION_VARIABLE: &str = "GRANT_ENGINE_ROTATION_SECRET";
/// The environment variable the client-secret pepper may come from.
pub const PEPPER_VARIABLE: &str = "GRANT_ENGINE_CLIENT_PEPPER";

impl Options {
    /// Settles where the HS256 secret comes from: `--hs256-secret`, else
    /// the file of `--hs256-secret-file`, else `env_secret` (the value of
    /// [`SECRET_VARIABLE`], passed in by `main`), else none (random bytes).
    /// Two sources at once are refused rather than ranked silently.
    pub fn resolve_secret(mut self, env_secret: Option<OsString>) -> Result<Options, String> {
        let file = self.hs256_secret_file.take();
        let flag = self.hs256_secret.take();
        self.hs256_secret = resolve(flag, file, env_secret, SECRET_VARIABLE)?;
        Ok(self)
    }

    /// The same for the refresh grace period's rotation secret:
    /// `--rotation-secret-file`, else `env_secret` (the value of
    /// [`ROTATION_VARIABLE`]), else none (random bytes per start).
    pub fn resolve_rotation_secret(
        mut self,
        env_secret: Option<OsString>,
    ) -> Result<Options, String> {
        let file = self.rotation_secret_file.take();
        self.rotation_secret = resolve(None, file, env_secret, ROTATION_VARIABLE)?;
        Ok(self)
    }

    /// The same for the client-secret pepper: `--pepper-file`, else
    /// `env_pepper` (the value of [`PEPPER_VARIABLE`]), else none (random
    /// bytes per start, refused with a database that outlives the
    /// process); and the files of `--retired-pepper-file`.
    pub fn resolve_pepper(mut self, env_pepper: Option<OsString>) -> Result<Options, String> {
        let file = self.pepper_file.take();
        self.pepper = resolve(None, file, env_pepper, PEPPER_VARIABLE)?;
        for file in std::mem::take(&mut self.retired_pepper_files) {
            if let Some(pepper) = resolve(None, Some(file), None, PEPPER_VARIABLE)? {
                self.retired_peppers.push(pepper);
            }
        }
        Ok(self)
    }
}

/// A secret from the flag, the file or the environment variable `env_name`
/// (at most one of them), at least 32 bytes.
fn resolve(
    flag: Option<Vec<u8>>,
    file: Option<PathBuf>,
    env: Option<OsString>,
    env_name: &str,
) -> Result<Option<Vec<u8>>, String> {
    let given = [flag.is_some(), file.is_some(), env.is_some()];
    if given.iter().filter(|given| **given).count() > 1 {
        return Err(format!(
            "give each secret one way: a flag, a file or {env_name}"
        ));
    }
    if let Some(path) = file {
        let mut bytes =
            std::fs::read(&path).map_err(|e| format!("secret file {}: {e}", path.display()))?;
        for ending in [b'\n', b'\r'] {
            if bytes.last() == Some(&ending) {
                bytes.pop();
            }
        }
        return strong(bytes).map(Some);
    }
    if let Some(value) = env {
        let value = value
            .into_string()
            .map_err(|_| format!("{env_name} must be UTF-8"))?;
        return strong(value.into_bytes()).map(Some);
    }
    Ok(flag)
}

/// A secret of at least 32 bytes (for HS256: RFC 7518 3.2).
fn strong(secret: Vec<u8>) -> Result<Vec<u8>, String> {
    if secret.len() < 32 {
        return Err(String::from("a secret must be at least 32 bytes"));
    }
    Ok(secret)
}

/// A non-negative whole number (seconds, or a size).
fn whole_number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{name}: {text:?} is not a whole number"))
}
