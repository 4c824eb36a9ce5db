//! The grant-engine demo server: a real OAuth 2.0 authorization server on
//! axum and SQLite or PostgreSQL, embedding the sans-io engine.
//!
//! ```text
//! cargo run --release -p grant-engine-server -- [--listen 127.0.0.1:8080] \
//!     [--db PATH | --db postgres://USER@HOST:PORT/DBNAME] [--hs256-secret SECRET] \
//!     [--issuer URL] [--refresh-grace SECONDS] [--purge-every SECONDS]
//! ```
//!
//! Seeded clients: `your_client_id` / `your_client_secret` (confidential:
//! authorization_code, client_credentials, refresh_token; scopes
//! `read write`), `public_client_id` (public, PKCE S256 required) and
//! `m2m_client_id` / `m2m_client_secret` (client_credentials, `read`).

use std::process::ExitCode;

use grant_engine_server as server;
use server::cli::{self, Command};

fn main() -> ExitCode {
    tracing_subscriber::fmt().with_target(false).init();
    let parsed = cli::parse(std::env::args_os().skip(1));
    let secret = std::env::var_os(cli::SECRET_VARIABLE);
    let rotation = std::env::var_os(cli::ROTATION_VARIABLE);
    let pepper = std::env::var_os(cli::PEPPER_VARIABLE);
    let options = match parsed {
        Ok(Command::Serve(options)) => match options
            .resolve_secret(secret)
            .and_then(|options| options.resolve_rotation_secret(rotation))
            .and_then(|options| options.resolve_pepper(pepper))
        {
            Ok(options) => options,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        },
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    // A SQLite file's statements run on tokio's blocking pool
    // (`spawn_blocking`), never on the async workers (an in-memory one's take
    // microseconds and run on the task: `store::sqlite::db::SqliteDb`). That
    // database is one connection behind a mutex, so the pool gets one
    // thread: statements queue for it in order instead of each waking a
    // thread that parks on the mutex. PostgreSQL is async and needs none.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(server::BLOCKING_THREADS)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(serve(options)),
        Err(error) => {
            eprintln!("error: no runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(options: server::Options) -> ExitCode {
    let db = options.db.describe();
    let server = match server::Server::bind(options).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let listen = server
        .local_addr()
        .map_or_else(|_| String::from("?"), |a| a.to_string());
    tracing::info!(
        listen,
        issuer = server.app().config().issuer(),
        db,
        "grant-engine demo server ready"
    );
    match server.serve(std::future::pending()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
