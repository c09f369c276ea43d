//! Reads the OpenID provider's keys again every minute: another instance, or
//! `sms-auth oidc-key rotate`, may have made a new one, which this instance must
//! publish before it signs with it (`oidc::KEY_PUBLISHED_AHEAD_SECS`).

use std::time::Duration;

use crate::{oidc::KEY_RELOAD_SECS, server::state::AppState};

/// Runs forever on its own task, when the provider is on.
pub fn spawn(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    state.settings.oidc_clients.as_ref()?;
    Some(tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(KEY_RELOAD_SECS));
        ticker.tick().await;
        loop {
            ticker.tick().await;
            let loaded = state
                .oidc_keys
                .load(state.store.as_ref(), state.secret(), state.clock.now())
                .await;
            if let Err(error) = loaded {
                tracing::error!(%error, "OpenID provider: reading the keys again failed; signing with those held");
            }
        }
    }))
}
