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

/// The counters of this instance, and what the store counts for every instance:
/// the budget's spend, the scopes challenged, each served country's conversion.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    // Unread (the database does not answer): the gauges keep their last values, and
    // `/readyz` tells the trouble.
    let now = state.clock.now();
    let policy = &state.settings.policy;
    if let Ok(spend) = state.store.budget_spend(now).await {
        state.metrics.budget(spend, policy);
    }
    if let Ok(challenged) = state.store.challenged_scopes(now).await {
        state
            .metrics
            .challenged(challenged.iter().map(|c| c.scope.as_str()));
    }
    for &country in &policy.allowed_countries {
        let scope = crate::otp::guard::country_scope(country);
        if let Ok(watch) = state.store.guard_watch(&scope, now).await {
            state.metrics.conversion(country, watch.day);
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
