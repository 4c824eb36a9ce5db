//! The login command of [`AuthorizeMode::Command`](crate::config::AuthorizeMode):
//! for servers whose authorization endpoint shows a login page, a program
//! (a browser driver, a script that posts the login form) performs the
//! login and prints where the browser was sent.

use std::process::Command;

/// Runs `argv` with `url` appended; the last non-empty line of its output,
/// when it is an `http(s)` URL, is the redirect. A failing command is an
/// error: the checker cannot tell what the server did.
pub async fn run(argv: &[String], url: &str) -> Result<Option<String>, String> {
    let Some((program, args)) = argv.split_first() else {
        return Err(String::from("authorize.argv is empty"));
    };
    let mut command = Command::new(program);
    command.args(args).arg(url);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| format!("the login command: {e}"))?
        .map_err(|e| format!("the login command: {e}"))?;
    if !output.status.success() {
        return Err(format!("the login command failed: {}", output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().map(str::trim).rfind(|line| !line.is_empty());
    Ok(last
        .filter(|line| line.starts_with("http://") || line.starts_with("https://"))
        .map(str::to_owned))
}
