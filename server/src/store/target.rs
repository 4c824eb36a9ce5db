//! Which database the server uses, as `--db` names it.

use std::fmt;
use std::path::PathBuf;

use tokio_postgres::config::Host;

/// The database of a server: SQLite in memory or in a file (one process),
/// or PostgreSQL (any number of processes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DbTarget {
    /// SQLite in memory: lost on exit.
    #[default]
    Memory,
    /// A SQLite file.
    File(PathBuf),
    /// A PostgreSQL database.
    Postgres(PgUrl),
}

impl DbTarget {
    /// Reads a `--db` value: a `postgres://` or `postgresql://` URL, or else
    /// a SQLite file path. A URL that does not parse is refused without
    /// echoing it (it may hold a password).
    pub fn parse(value: &str) -> Result<DbTarget, String> {
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            PgUrl::new(value).map(DbTarget::Postgres)
        } else {
            Ok(DbTarget::File(PathBuf::from(value)))
        }
    }

    /// What the database is, for the log: never a password.
    pub fn describe(&self) -> String {
        match self {
            DbTarget::Memory => String::from("sqlite in memory"),
            DbTarget::File(path) => format!("sqlite {}", path.display()),
            DbTarget::Postgres(url) => url.to_string(),
        }
    }
}

/// A PostgreSQL connection URL that parsed. Its `Debug` and `Display` omit
/// the password.
#[derive(Clone, PartialEq, Eq)]
pub struct PgUrl(String);

impl PgUrl {
    /// Checks that `url` parses as a PostgreSQL connection string.
    pub fn new(url: &str) -> Result<PgUrl, String> {
        url.parse::<tokio_postgres::Config>()
            .map_err(|_| String::from("--db: the postgres:// URL does not parse"))?;
        Ok(PgUrl(url.to_owned()))
    }

    /// The driver's connection settings.
    pub fn config(&self) -> Result<tokio_postgres::Config, tokio_postgres::Error> {
        self.0.parse()
    }
}

impl fmt::Display for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Ok(config) = self.config() else {
            return f.write_str("postgres (unparsable URL)");
        };
        let hosts: Vec<String> = config
            .get_hosts()
            .iter()
            .map(|host| match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
        write!(
            f,
            "postgres {}@{}:{}/{}",
            config.get_user().unwrap_or("-"),
            hosts.join(","),
            ports.join(","),
            config.get_dbname().unwrap_or("-"),
        )
    }
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgUrl({self})")
    }
}
