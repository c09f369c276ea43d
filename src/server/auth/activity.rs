//! The account's security activity as its owner reads it.

use crate::server::{
    auth::{client::Client, session},
    http::request::RequestContext,
};
use crate::{
    error::AppError,
    store::{ActivityEvent, ACTIVITY_KEEP_SECS},
};

/// The most events the page lists.
const SHOWN: u32 = 200;

/// The signed-in account's events of the last 90 days, the newest first.
pub async fn of_account(request: &RequestContext) -> Result<Vec<ActivityEvent>, AppError> {
    let account = session::current_account(&request.state, &Client::of(request)).await?;
    let since = request.now() - ACTIVITY_KEEP_SECS;
    request.state.store.activity(account.id, since, SHOWN).await
}
