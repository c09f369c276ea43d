//! Listening, serving and stopping gracefully.

use std::{net::SocketAddr, time::Duration};

use tokio::net::TcpListener;

use crate::server::{
    http::router::router,
    state::{AppState, StartError},
};

/// The longest a shutdown waits for the work requests left behind (alerts): longer
/// than the longest SMS call (`EXOLVE_TIMEOUT_SECS` is at most 120).
const DRAIN: Duration = Duration::from_secs(130);

/// Serves until SIGINT or SIGTERM, letting requests in flight finish, then the work
/// they left behind (the owner's alerts).
pub async fn serve(state: AppState) -> Result<(), StartError> {
    let addr = state.leptos_options.site_addr;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind {
            addr: addr.to_string(),
            source,
        })?;
    let origin = state.settings.public_origin.as_str();
    let mode = if state.settings.dev_outbox {
        format!("development, SMS go to {origin}/dev/outbox")
    } else {
        "SMS go to Exolve".to_owned()
    };
    tracing::info!(%addr, open = origin, mode, "listening");
    let tasks = state.tasks.clone();
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|source| StartError::Bind {
        addr: addr.to_string(),
        source,
    })?;
    tasks.close();
    if !tasks.is_empty() {
        tracing::info!(tasks = tasks.len(), "waiting for alerts under way");
    }
    if tokio::time::timeout(DRAIN, tasks.wait()).await.is_err() {
        tracing::warn!(tasks = tasks.len(), "stopped with alerts still under way");
    }
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
