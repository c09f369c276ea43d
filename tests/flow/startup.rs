//! The binary itself: what it refuses to start with, and that it starts with nothing.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

const BIN: &str = env!("CARGO_BIN_EXE_sms-auth");

/// Runs the binary in an empty folder with only `vars` set, as a fresh deployment.
fn start(dir: &std::path::Path, vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LEPTOS_OUTPUT_NAME", "sms-auth")
        .env("RUST_LOG", "info")
        .envs(vars.iter().copied())
        .stdin(Stdio::null());
    command
}

fn refusal(vars: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = start(dir.path(), vars).output().expect("run the binary");
    assert!(!output.status.success(), "{vars:?} started");
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("cannot start"))
        .collect();
    assert_eq!(lines.len(), 1, "one line: {text}");
    lines[0].to_owned()
}

#[test]
fn production_refuses_to_start_without_key_sender_and_secret() {
    let line = refusal(&[("LEPTOS_ENV", "PROD")]);
    assert!(line.contains("EXOLVE_API_KEY"), "{line}");
    let line = refusal(&[
        ("LEPTOS_ENV", "PROD"),
        ("EXOLVE_API_KEY", "k"),
        ("EXOLVE_SENDER", "79991112233"),
    ]);
    assert!(line.contains("APP_SECRET"), "{line}");
}

#[test]
fn a_wrong_oidc_clients_file_stops_the_start_naming_the_client_and_the_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("clients.toml");
    std::fs::write(
        &path,
        "[[clients]]\nid = \"grafana\"\nname = \"Grafana\"\npublic = true\nredirect_uris = [\"/cb\"]\n",
    )
    .expect("the file");
    let line = refusal(&[("OIDC_CLIENTS", &path.display().to_string())]);
    assert!(
        line.contains("OIDC_CLIENTS: ")
            && line.contains("client \"grafana\": redirect_uris: \"/cb\": not an absolute URL"),
        "{line}"
    );
    let line = refusal(&[("OIDC_CLIENTS", "/nonexistent/clients.toml")]);
    assert!(line.contains("OIDC_CLIENTS: /nonexistent/clients.toml: "), "{line}");
}

#[test]
fn logs_are_json_objects_when_asked_and_the_format_is_checked() {
    let line = refusal(&[("LOG_FORMAT", "xml")]);
    assert!(line.contains("LOG_FORMAT"), "{line}");
    let line = refusal(&[("LOG_FORMAT", "json"), ("OTP_MAX_TRIES", "many")]);
    let event: serde_json::Value = serde_json::from_str(&line).expect("a JSON log line");
    assert_eq!(event["level"], "ERROR", "{line}");
    let message = event["message"].as_str().unwrap_or_default();
    assert!(message.contains("OTP_MAX_TRIES"), "{line}");
}

#[test]
fn hashed_asset_names_without_their_hash_file_stop_the_start() {
    let line = refusal(&[
        ("LEPTOS_HASH_FILES", "true"),
        ("LEPTOS_HASH_FILE_NAME", "no-such-hash-file.txt"),
    ]);
    assert!(line.contains("no-such-hash-file.txt"), "{line}");
}

#[test]
fn a_wrong_value_stops_the_start_naming_the_variable() {
    let line = refusal(&[("OTP_MAX_TRIES", "many")]);
    assert!(line.contains("OTP_MAX_TRIES"), "{line}");
    let line = refusal(&[("PUBLIC_ORIGIN", "not an origin")]);
    assert!(line.contains("PUBLIC_ORIGIN"), "{line}");
    let line = refusal(&[
        ("PUBLIC_ORIGIN", "https://auth.example.co.uk"),
        ("COOKIE_DOMAIN", "co.uk"),
    ]);
    assert!(line.contains("COOKIE_DOMAIN") && line.contains("public suffix"), "{line}");
}

#[test]
fn development_starts_with_nothing_set_and_creates_its_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    log_of_a_start(dir.path(), &[]);
    assert!(
        dir.path().join("data/sms-auth.db").exists(),
        "database folder created"
    );
    let secret =
        std::fs::read_to_string(dir.path().join("data/app-secret")).expect("secret generated");
    assert!(secret.len() >= 32);
}

#[test]
fn alert_and_country_database_settings_are_checked() {
    let line = refusal(&[("GEOIP_DB", "/no/such/file.mmdb")]);
    assert!(line.contains("GEOIP_DB") && line.contains("/no/such/file.mmdb"), "{line}");
    let line = refusal(&[("GEOIP_DB", BIN)]);
    assert!(line.contains("GEOIP_DB"), "not a database: {line}");
    let line = refusal(&[("ALERTS", "maybe")]);
    assert!(line.contains("ALERTS") && line.contains("on or off"), "{line}");
}

/// Starts the binary in `dir` with `vars`, waits until it listens, stops it, and
/// returns what it logged.
fn log_of_a_start(dir: &std::path::Path, vars: &[(&str, &str)]) -> String {
    let addr = format!("127.0.0.1:{}", crate::process::free_port());
    let mut vars = vars.to_vec();
    vars.push(("LEPTOS_SITE_ADDR", &addr));
    let mut child = start(dir, &vars)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut up = false;
    while Instant::now() < deadline && !up {
        up = std::net::TcpStream::connect(&addr).is_ok();
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let output = child.wait_with_output().expect("output");
    let log = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(up, "the server did not listen on {addr}: {log}");
    log
}

#[test]
fn the_country_database_is_found_from_the_repository_root_or_said_to_be_off() {
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let log = log_of_a_start(elsewhere.path(), &[]);
    let off: Vec<&str> = log.lines().filter(|l| l.contains("country signals are off")).collect();
    assert_eq!(off.len(), 1, "said once: {log}");
    let data = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/db.sqlite?mode=rwc", data.path().display());
    let log = log_of_a_start(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            ("DATABASE_URL", &url),
            ("APP_SECRET", "startup-test-secret-startup-test-secret"),
            // Cargo.toml, read from the root, asks for hashed names; no hash file here.
            ("LEPTOS_HASH_FILES", "false"),
        ],
    );
    assert!(log.contains("country database loaded"), "{log}");
    assert!(!log.contains("country signals are off"), "{log}");
}

#[test]
fn passkeys_are_off_on_an_ip_origin_and_the_start_says_why_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = log_of_a_start(dir.path(), &[("PUBLIC_ORIGIN", "http://127.0.0.1:3000")]);
    let off: Vec<&str> = log.lines().filter(|l| l.contains("passkeys are off")).collect();
    assert_eq!(off.len(), 1, "said once: {log}");
    assert!(off[0].contains("IP address"), "{}", off[0]);
    // The development default is a host name: passkeys are on, and the log says
    // where to open the site and read its SMS.
    let dir = tempfile::tempdir().expect("temp dir");
    let log = log_of_a_start(dir.path(), &[]);
    assert!(!log.contains("passkeys are off"), "{log}");
    assert!(log.contains("http://localhost:3000/dev/outbox"), "{log}");
}
