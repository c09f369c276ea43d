//! The periodic check that tells the operator (`OPERATOR_PHONES`) as the daily
//! budget's lanes fill and as the guard challenges ranges and countries
//! (`domain/operator.rs`); off without operator phones.

use std::time::Duration;

use crate::{domain::operator, server::state::AppState};

pub const INTERVAL: Duration = Duration::from_secs(30);

/// Runs forever on its own task, if there is an operator to tell; every instance
/// may run it: the store claims each alert once.
pub fn spawn(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    if state.settings.operator_phones.is_empty() {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut ticker = tokio::time::interval(INTERVAL);
        loop {
            ticker.tick().await;
            // The store logged a failure's detail; the next tick tries again.
            if operator::check(&state, state.clock.now()).await.is_err() {
                tracing::warn!("the operator's alerts could not be checked; will retry");
            }
        }
    }))
}
