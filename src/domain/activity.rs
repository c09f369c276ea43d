//! The account's security activity as its owner reads it.

use crate::domain::{client::Client, session};
use crate::server::state::AppState;
use crate::{
    error::AppError,
    store::{ActivityEvent, ACTIVITY_KEEP_SECS},
};

/// The most events the page lists.
const SHOWN: u32 = 200;

/// The signed-in account's events of the last 90 days, the newest first.
pub async fn of_account(state: &AppState, client: &Client) -> Result<Vec<ActivityEvent>, AppError> {
    let account = session::current_account(state, client).await?;
    let since = client.now - ACTIVITY_KEEP_SECS;
    state.store.activity(account.id, since, SHOWN).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::domain::testing::{signed_in, state};
    use crate::store::Word;

    #[tokio::test]
    async fn the_owner_reads_their_activity_and_a_stranger_reads_none() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state(&dir).await;
        let owner = signed_in(&state, &clock, "10.0.0.1").await;
        let events = of_account(&state, &owner).await.expect("read");
        // The account's first sign-in: its code went out before the account was.
        let told: Vec<_> = events
            .iter()
            .map(|e| (e.kind.map(Word::word), e.detail.novelty.map(Word::word)))
            .collect();
        assert_eq!(told, [(Some("sign_in"), Some("first"))]);

        let stranger = Client {
            session: None,
            now: clock.now(),
            ..owner
        };
        assert_eq!(
            of_account(&state, &stranger).await.err(),
            Some(AppError::NotSignedIn)
        );
    }
}
