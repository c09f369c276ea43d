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

/// The counters of this instance, and the budget's spend as the store counts it
/// for every instance.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    // Unread (the database does not answer): the gauges keep their last values, and
    // `/readyz` tells the trouble.
    if let Ok(spend) = state.store.budget_spend(state.clock.now()).await {
        state.metrics.budget(spend, &state.settings.policy);
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
