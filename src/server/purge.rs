//! The periodic purge of expired codes, sessions and counting windows.

use std::time::Duration;

use crate::server::state::AppState;

pub const INTERVAL: Duration = Duration::from_secs(600);

/// Runs forever on its own task; every deletion is idempotent, so several instances
/// may run it at once.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(INTERVAL);
        loop {
            ticker.tick().await;
            match state
                .store
                .purge(state.clock.now(), state.settings.sessions)
                .await
            {
                Ok(removed) => tracing::debug!(removed, "purged expired rows"),
                // The store logged the detail.
                Err(_) => tracing::warn!("purge failed; will retry"),
            }
        }
    })
}
