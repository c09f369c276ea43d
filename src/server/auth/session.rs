//! Server-side sessions: a random id in an HttpOnly cookie, its hash in the store.

use crate::server::{
    auth::{
        alerts,
        client::{Client, SetCookie},
        devices, token,
    },
    http::request::RequestContext,
    state::AppState,
};
use crate::{
    error::AppError,
    store::{Account, LiveSession, NewSession, SessionInfo, SignedIn, DEVICE_COOKIE_SECS},
};

pub use super::client::SESSION_COOKIE;

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

/// A session opened: its account, and the cookies the browser is to hold.
pub struct Opened {
    pub account: Account,
    pub cookies: Vec<SetCookie>,
}

impl Opened {
    /// Sets its cookies on the answer to `request`.
    pub fn hand(self, request: &RequestContext) -> Account {
        for cookie in self.cookies {
            cookie.hand(request);
        }
        self.account
    }
}

/// Opens a session for a sign-in, whichever way it signs in. `sign_in` is the
/// store's one step that checks the sign-in (uses the code, or records the passkey's
/// use) and opens the session it is given: a new id, the client's device id (a new
/// one if it has none) and where the request comes from. It returns the account, or
/// `None` when the store refused (then nothing changes). After it, the session the
/// browser had before is ended (a sign-in never keeps an old id alive), the owner is
/// alerted if the sign-in is new, and the browser is to hold the new session and its
/// device id.
pub async fn open(
    state: &AppState,
    client: &Client,
    sign_in: impl AsyncFnOnce(NewSession<'_>) -> Result<Option<SignedIn>, AppError>,
) -> Result<Option<Opened>, AppError> {
    let session_id = token::new_id();
    let device_id = client.device_id.clone().unwrap_or_else(token::new_id);
    let device_hash = token::hash(&device_id);
    let from = &client.footprint;
    let opened = sign_in(NewSession {
        id_hash: &token::hash(&session_id),
        device_hash: &device_hash,
        from,
    })
    .await?;
    let Some(SignedIn { account, novelty }) = opened else {
        return Ok(None);
    };
    if let Some(old) = &client.session {
        state
            .store
            .delete_session(&token::hash(old), client.now)
            .await?;
    }
    alerts::after_sign_in(state, client.now, &account, &device_hash, from, novelty).await;
    let cookies = vec![
        SetCookie {
            name: SESSION_COOKIE,
            value: session_id,
            max_age_secs: state.settings.sessions.absolute_secs,
        },
        // Renewed at every sign-in: the device is known to the account from now on.
        SetCookie {
            name: devices::DEVICE_COOKIE,
            value: device_id,
            max_age_secs: DEVICE_COOKIE_SECS,
        },
    ];
    Ok(Some(Opened { account, cookies }))
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
