//! The server binary: config → state (the store migrates as it opens) → serve.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    use sms_auth::server::{
        config::Config,
        purge,
        serve::serve,
        state::{AppState, StartError},
    };

    let dotenv = dotenvy::dotenv().err().filter(|e| !e.not_found());
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .init();
    if let Some(error) = dotenv {
        tracing::error!(%error, ".env could not be read");
        return std::process::ExitCode::FAILURE;
    }

    let started = async {
        let config = Config::from_env()?;
        let leptos_options = leptos::config::get_configuration(Some("Cargo.toml"))
            .or_else(|_| leptos::config::get_configuration(None))
            .map_err(|e| StartError::Leptos(e.to_string()))?
            .leptos_options;
        let state = AppState::from_config(config, leptos_options).await?;
        purge::spawn(state.clone());
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

#[cfg(not(feature = "ssr"))]
fn main() {}
