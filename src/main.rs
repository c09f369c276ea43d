//! The server binary: config → state (the store migrates as it opens) → serve. With
//! `guard` as its first argument, the operator's command on the conversion guard
//! (`server/guard_command.rs`) instead; with `oidc-secret` or `oidc-key`, the
//! OpenID provider's (`server/oidc_command.rs`).

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use sms_auth::server::{
        config::Config,
        oidc_reload, operator, purge,
        serve::serve,
        state::{AppState, StartError},
    };

    let dotenv = dotenvy::dotenv().err().filter(|e| !e.not_found());
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let json = match std::env::var("LOG_FORMAT").as_deref().map(str::trim) {
        Err(_) | Ok("" | "text") => Some(false),
        Ok("json") => Some(true),
        // Logged in text, the one format there is then, right below.
        Ok(_) => None,
    };
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    if json == Some(true) {
        logs.json().flatten_event(true).init();
    } else {
        logs.init();
    }
    if json.is_none() {
        tracing::error!("cannot start: configuration: LOG_FORMAT: text or json");
        return std::process::ExitCode::FAILURE;
    }
    if let Some(error) = dotenv {
        tracing::error!(%error, ".env could not be read");
        return std::process::ExitCode::FAILURE;
    }

    // A command instead of the server: its answer on stdout, its refusal on stderr.
    let words: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let command = match words.first() {
        Some(&"guard") => Some(sms_auth::server::guard_command::run(&words[1..]).await),
        Some(word) if word.starts_with("oidc-") => {
            Some(sms_auth::server::oidc_command::run(&words).await)
        }
        _ => None,
    };
    if let Some(answer) = command {
        return match answer {
            Ok(lines) => {
                println!("{}", lines.join("\n"));
                std::process::ExitCode::SUCCESS
            }
            Err(reason) => {
                eprintln!("{reason}");
                std::process::ExitCode::FAILURE
            }
        };
    }

    let started = async {
        let config = Config::from_env()?;
        let leptos_options = leptos::config::get_configuration(Some("Cargo.toml"))
            .or_else(|_| leptos::config::get_configuration(None))
            .map_err(|e| StartError::Leptos(e.to_string()))?
            .leptos_options;
        check_hash_file(&leptos_options)?;
        let state = AppState::from_config(config, leptos_options).await?;
        purge::spawn(state.clone());
        oidc_reload::spawn(state.clone());
        operator::spawn(state.clone());
        serve(state).await
    };
    match started.await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("cannot start: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// With hashed asset names the renderer reads cargo-leptos' hash file beside the
/// binary on every page; its absence must stop the start, not fail each page.
#[cfg(feature = "ssr")]
fn check_hash_file(
    options: &leptos::config::LeptosOptions,
) -> Result<(), sms_auth::server::state::StartError> {
    if !options.hash_files {
        return Ok(());
    }
    let path = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&*options.hash_file)));
    match path {
        Some(path) if path.is_file() => Ok(()),
        path => Err(sms_auth::server::state::StartError::Leptos(format!(
            "LEPTOS_HASH_FILES is on but {} is missing: copy it from cargo leptos build's \
             target/release/ beside the binary",
            path.map_or_else(
                || options.hash_file.to_string(),
                |p| p.display().to_string()
            )
        ))),
    }
}

#[cfg(not(feature = "ssr"))]
fn main() {}
