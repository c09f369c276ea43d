//! Server-side sessions: a random id in an HttpOnly cookie, its hash in the store.

use crate::server::{
    auth::{alerts, devices, footprint, token},
    http::request::RequestContext,
};
use crate::{
    error::AppError,
    store::{Account, LiveSession, NewSession, SessionInfo, SignedIn},
};

pub const SESSION_COOKIE: &str = "sid";

/// This browser's live session and its hash, or [`AppError::NotSignedIn`].
pub async fn current_session(request: &RequestContext) -> Result<(LiveSession, String), AppError> {
    let id = request
        .cookie(SESSION_COOKIE)
        .ok_or(AppError::NotSignedIn)?;
    let hash = token::hash(&id);
    let state = &request.state;
    let session = state
        .store
        .session_account(&hash, request.now(), state.settings.sessions)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    Ok((session, hash))
}

/// The signed-in account and the hash of this browser's session, or
/// [`AppError::NotSignedIn`].
pub async fn current(request: &RequestContext) -> Result<(Account, String), AppError> {
    let (session, hash) = current_session(request).await?;
    Ok((session.account, hash))
}

/// The signed-in account, or [`AppError::NotSignedIn`].
pub async fn current_account(request: &RequestContext) -> Result<Account, AppError> {
    Ok(current(request).await?.0)
}

/// The account's live sessions, this browser's marked.
pub async fn list(request: &RequestContext) -> Result<Vec<(SessionInfo, bool)>, AppError> {
    let (account, current_hash) = current(request).await?;
    let state = &request.state;
    let sessions = state
        .store
        .sessions_of(account.id, request.now(), state.settings.sessions)
        .await?;
    Ok(sessions
        .into_iter()
        .map(|session| {
            let this = session.id_hash == current_hash;
            (session, this)
        })
        .collect())
}

/// Ends one of the signed-in account's sessions; ending this browser's own is
/// signing out. Returns whether it was this browser's.
pub async fn end_one(request: &RequestContext, session_hash: &str) -> Result<bool, AppError> {
    let (account, current_hash) = current(request).await?;
    if session_hash == current_hash {
        end(request).await?;
        return Ok(true);
    }
    request
        .state
        .store
        .delete_session_of(account.id, session_hash, request.now())
        .await?;
    Ok(false)
}

/// "Not me" about another session of the account: it ends, with every session of its
/// device, and the device is forgotten for the account. About this browser's own
/// session it is signing out. Returns whether it was this browser's.
pub async fn disown(request: &RequestContext, session_hash: &str) -> Result<bool, AppError> {
    let (account, current_hash) = current(request).await?;
    if session_hash == current_hash {
        end(request).await?;
        return Ok(true);
    }
    if request
        .state
        .store
        .disown_session(account.id, session_hash, request.now())
        .await?
    {
        tracing::info!(
            account = account.id,
            "a session was disowned: its device is forgotten"
        );
    }
    Ok(false)
}

/// Ends every session of the account but this browser's.
pub async fn end_others(request: &RequestContext) -> Result<(), AppError> {
    let (account, current_hash) = current(request).await?;
    request
        .state
        .store
        .delete_other_sessions(account.id, &current_hash, request.now())
        .await?;
    Ok(())
}

/// Opens a session for a sign-in, whichever way it signs in. `sign_in` is the
/// store's one step that checks the sign-in (uses the code, or records the passkey's
/// use) and opens the session it is given: a new id, this browser's device id (a new
/// one if it has none) and where the request comes from. It returns the account, or
/// `None` when the store refused (then nothing is set). After it, the browser holds
/// the new session and its device id, the session it had before is ended, and the
/// owner is alerted if the sign-in is new.
pub async fn open(
    request: &RequestContext,
    sign_in: impl AsyncFnOnce(NewSession<'_>) -> Result<Option<SignedIn>, AppError>,
) -> Result<Option<Account>, AppError> {
    let session_id = token::new_id();
    let (device_id, device_hash) = devices::id_for_sign_in(request);
    let from = footprint::of(request);
    let opened = sign_in(NewSession {
        id_hash: &token::hash(&session_id),
        device_hash: &device_hash,
        from: &from,
    })
    .await?;
    let Some(SignedIn { account, novelty }) = opened else {
        return Ok(None);
    };
    replace(request, session_id).await?;
    devices::remember(request, device_id);
    alerts::after_sign_in(request, &account, &device_hash, &from, novelty).await;
    Ok(Some(account))
}

/// Hands the browser a new session id whose hash the store already holds, ending
/// the session this browser had before: a sign-in never keeps an old id alive.
async fn replace(request: &RequestContext, new_id: String) -> Result<(), AppError> {
    if let Some(old) = request.cookie(SESSION_COOKIE) {
        request
            .state
            .store
            .delete_session(&token::hash(&old), request.now())
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
            .delete_session(&token::hash(&id), request.now())
            .await?;
    }
    request.clear_cookie(SESSION_COOKIE);
    Ok(())
}
