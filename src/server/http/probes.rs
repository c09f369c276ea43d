//! Probes and metrics for the operator: `/healthz`, `/readyz`, `/metrics`.

use axum::{extract::State, http::header, response::IntoResponse};
use http::StatusCode;

use crate::server::state::AppState;

/// The process is up and serving.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// The database answers: this instance can take traffic.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready\n"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n"),
    }
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
