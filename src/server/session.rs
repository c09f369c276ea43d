//! Server-side sessions: a random id in an HttpOnly cookie, its hash in the store.

use super::{request::RequestContext, token};
use crate::{error::AppError, store::Account};

pub const SESSION_COOKIE: &str = "sid";

/// The signed-in account, or [`AppError::NotSignedIn`].
pub async fn current_account(request: &RequestContext) -> Result<Account, AppError> {
    let id = request
        .cookie(SESSION_COOKIE)
        .ok_or(AppError::NotSignedIn)?;
    let state = &request.state;
    state
        .store
        .session_account(&token::hash(&id), request.now(), state.settings.sessions)
        .await?
        .ok_or(AppError::NotSignedIn)
}

/// Hands the browser a new session id whose hash the store already holds, ending
/// the session this browser had before: a sign-in never keeps an old id alive.
pub async fn replace(request: &RequestContext, new_id: String) -> Result<(), AppError> {
    if let Some(old) = request.cookie(SESSION_COOKIE) {
        request
            .state
            .store
            .delete_session(&token::hash(&old))
            .await?;
    }
    let lifetime = request.state.settings.sessions.absolute_secs;
    request.set_cookie(SESSION_COOKIE, new_id, lifetime);
    Ok(())
}

/// Ends this browser's session: the row goes, and so does the cookie.
pub async fn end(request: &RequestContext) -> Result<(), AppError> {
    if let Some(id) = request.cookie(SESSION_COOKIE) {
        request
            .state
            .store
            .delete_session(&token::hash(&id))
            .await?;
    }
    request.clear_cookie(SESSION_COOKIE);
    Ok(())
}
