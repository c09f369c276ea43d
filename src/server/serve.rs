//! Listening, serving and stopping gracefully.

use std::net::SocketAddr;

use tokio::net::TcpListener;

use crate::server::{
    http::router::router,
    state::{AppState, StartError},
};

/// Serves until SIGINT or SIGTERM, letting requests in flight finish.
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
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|source| StartError::Bind {
        addr: addr.to_string(),
        source,
    })
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
