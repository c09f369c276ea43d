//! The apps an account signs in to through the OpenID provider ("connected
//! apps"), and disconnecting one: its consent forgotten and its tokens revoked.

use crate::{
    domain::{client::Client, session},
    error::AppError,
    oidc::scopes::Scopes,
    server::state::AppState,
    store::{oidc_grants::AppVisit, AccountId},
};

/// A connected app, as the person sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connected {
    /// Its `client_id`, what `disconnect` takes.
    pub id: String,
    /// Its registered name (its id, if it is no longer registered).
    pub name: String,
    /// Whether it learns the phone number.
    pub phone: bool,
    /// The first and the last sign-in to it, unix seconds.
    pub first: i64,
    pub last: i64,
}

/// The apps the signed-in account signs in to, the most recent first.
pub async fn connected(state: &AppState, client: &Client) -> Result<Vec<Connected>, AppError> {
    let account = session::current_account(state, client).await?;
    of_account(state, account.id).await
}

/// The apps `account` signs in to, the most recent first; none, without a read,
/// while the provider is off.
pub async fn of_account(state: &AppState, account: AccountId) -> Result<Vec<Connected>, AppError> {
    if state.settings.oidc_clients.is_none() {
        return Ok(Vec::new());
    }
    let apps = state.store.connected_apps(account).await?;
    Ok(apps
        .into_iter()
        .map(|app| Connected {
            name: app_name(state, &app.client_id),
            phone: Scopes::parse(&app.scopes).is_some_and(|scopes| scopes.phone),
            id: app.client_id,
            first: app.first_at,
            last: app.last_at,
        })
        .collect())
}

/// Disconnects the app `id` from the signed-in account: it asks for consent
/// again, and the tokens it holds for the account open nothing any more.
pub async fn disconnect(state: &AppState, client: &Client, id: &str) -> Result<(), AppError> {
    let account = session::current_account(state, client).await?;
    let visit = AppVisit {
        app_name: &app_name(state, id),
        from: &client.footprint,
    };
    state
        .store
        .disconnect_app(account.id, id, visit, client.now)
        .await
}

/// The app `id`'s registered name; its id, if it is no longer registered.
fn app_name(state: &AppState, id: &str) -> String {
    state
        .settings
        .oidc_clients
        .as_ref()
        .and_then(|clients| clients.get(id))
        .map_or_else(|| id.to_owned(), |client| client.name.clone())
}
