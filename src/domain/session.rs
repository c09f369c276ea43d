//! Server-side sessions: a random id in an HttpOnly cookie, its hash in the store.

use crate::domain::{
    alerts,
    client::{Client, SetCookie},
    devices, token,
};
use crate::server::state::AppState;
use crate::{
    error::AppError,
    store::{Account, LiveSession, NewSession, SessionInfo, SignedIn, DEVICE_COOKIE_SECS},
};

pub use super::client::SESSION_COOKIE;

/// This browser's live session and its hash, or [`AppError::NotSignedIn`]: read
/// once per page render (see [`SessionMemo`](super::client::SessionMemo)).
pub async fn current_session(
    state: &AppState,
    client: &Client,
) -> Result<(LiveSession, String), AppError> {
    let id = client.session.as_deref().ok_or(AppError::NotSignedIn)?;
    let read = || async {
        let hash = token::hash(id);
        let session = state
            .store
            .session_account(&hash, client.now, state.settings.sessions)
            .await?;
        Ok::<_, AppError>(session.map(|session| (session, hash)))
    };
    let found = client.session_memo.read_once(read).await?;
    found.ok_or(AppError::NotSignedIn)
}

/// The live session of the id `session_id` at `now`, for forward-auth: read from
/// the store at most once a second per session (see `live_sessions`), each read
/// refreshing its idle timer as any other.
pub async fn live_for_proxy(
    state: &AppState,
    session_id: &str,
    now: i64,
) -> Result<Option<LiveSession>, AppError> {
    let hash = token::hash(session_id);
    if let Some(session) = state.live_sessions.get(&hash, now) {
        return Ok(Some(session));
    }
    let session = state
        .store
        .session_account(&hash, now, state.settings.sessions)
        .await?;
    if let Some(session) = &session {
        state.live_sessions.keep(&hash, session, now);
    }
    Ok(session)
}

/// The signed-in account and the hash of this browser's session, or
/// [`AppError::NotSignedIn`].
pub async fn current(state: &AppState, client: &Client) -> Result<(Account, String), AppError> {
    let (session, hash) = current_session(state, client).await?;
    Ok((session.account, hash))
}

/// The signed-in account, or [`AppError::NotSignedIn`].
pub async fn current_account(state: &AppState, client: &Client) -> Result<Account, AppError> {
    Ok(current(state, client).await?.0)
}

/// The account's live sessions, this browser's marked.
pub async fn list(state: &AppState, client: &Client) -> Result<Vec<(SessionInfo, bool)>, AppError> {
    let (account, current_hash) = current(state, client).await?;
    let sessions = state
        .store
        .sessions_of(account.id, client.now, state.settings.sessions)
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
/// signing out, and then the browser is to forget its cookie (`Some`).
pub async fn end_one(
    state: &AppState,
    client: &Client,
    session_hash: &str,
) -> Result<Option<SetCookie>, AppError> {
    let (account, current_hash) = current(state, client).await?;
    if session_hash == current_hash {
        return Ok(Some(end(state, client).await?));
    }
    state
        .store
        .delete_session_of(account.id, session_hash, client.now)
        .await?;
    state.live_sessions.forget_all();
    Ok(None)
}

/// "Not me" about another session of the account: it ends, with every session of its
/// device, and the device is forgotten for the account. About this browser's own
/// session it is signing out, and then the browser is to forget its cookie (`Some`).
pub async fn disown(
    state: &AppState,
    client: &Client,
    session_hash: &str,
) -> Result<Option<SetCookie>, AppError> {
    let (account, current_hash) = current(state, client).await?;
    if session_hash == current_hash {
        return Ok(Some(end(state, client).await?));
    }
    let disowned = state
        .store
        .disown_session(account.id, session_hash, client.now)
        .await?;
    state.live_sessions.forget_all();
    if disowned {
        tracing::info!(
            account = %account.id,
            "a session was disowned: its device is forgotten"
        );
    }
    Ok(None)
}

/// Ends every session of the account but this browser's.
pub async fn end_others(state: &AppState, client: &Client) -> Result<(), AppError> {
    let (account, current_hash) = current(state, client).await?;
    state
        .store
        .delete_other_sessions(account.id, &current_hash, client.now)
        .await?;
    state.live_sessions.forget_all();
    Ok(())
}

/// Ends this browser's session: the row goes, and the browser is to forget the
/// cookie.
pub async fn end(state: &AppState, client: &Client) -> Result<SetCookie, AppError> {
    if let Some(id) = &client.session {
        state
            .store
            .delete_session(&token::hash(id), client.now)
            .await?;
        state.live_sessions.forget_all();
    }
    Ok(SetCookie::clear(SESSION_COOKIE))
}

/// A session opened: its account, and the cookies the browser is to hold.
pub struct Opened {
    pub account: Account,
    pub cookies: Vec<SetCookie>,
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
        state.live_sessions.forget_all();
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

#[cfg(test)]
mod tests {
    //! The session steps with no HTTP (see `testing.rs`).

    use super::*;
    use crate::clock::{Clock, ManualClock};
    use crate::domain::{
        client::SessionMemo,
        testing::{phone, signed_in, state},
    };
    use crate::store::{Allowance, Footprint};

    /// Two browsers of the one account, signed in a cooldown apart.
    async fn two_browsers(state: &AppState, clock: &ManualClock) -> (Client, Client) {
        let this = signed_in(state, clock, "10.0.0.1").await;
        clock.advance(state.settings.policy.resend_cooldown_secs());
        let other = signed_in(state, clock, "10.0.0.2").await;
        (
            Client {
                now: clock.now(),
                ..this
            },
            other,
        )
    }

    fn hash_of(client: &Client) -> String {
        token::hash(client.session.as_deref().expect("a session cookie"))
    }

    /// A page render asks the store once, however many of its parts read the
    /// session; a server function's request asks each time.
    #[tokio::test]
    async fn a_page_render_reads_the_session_once() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state(&dir).await;
        let rendering = Client {
            session_memo: SessionMemo::for_render(),
            ..signed_in(&state, &clock, "10.0.0.1").await
        };
        let posting = Client {
            session_memo: SessionMemo::default(),
            ..rendering.clone()
        };
        current_account(&state, &rendering).await.expect("in");
        current_account(&state, &posting).await.expect("in");
        state
            .store
            .delete_session(&hash_of(&rendering), clock.now())
            .await
            .expect("ended");
        assert!(current_account(&state, &rendering).await.is_ok(), "read once");
        assert_eq!(
            current_account(&state, &posting).await.err(),
            Some(AppError::NotSignedIn)
        );
        // Another render reads anew.
        let next = Client {
            session_memo: SessionMemo::for_render(),
            ..rendering
        };
        assert_eq!(
            current_account(&state, &next).await.err(),
            Some(AppError::NotSignedIn)
        );
    }

    #[tokio::test]
    async fn only_a_live_session_signs_a_browser_in() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state(&dir).await;
        let this = signed_in(&state, &clock, "10.0.0.1").await;
        assert_eq!(
            current_account(&state, &this).await.expect("in").phone,
            phone()
        );

        let mut stranger = this.clone();
        for session in [None, Some("0123456789abcdef0123456789abcdef".to_owned())] {
            stranger.session = session;
            let refused = current_account(&state, &stranger).await.err();
            assert_eq!(refused, Some(AppError::NotSignedIn));
        }
        let later = Client {
            now: this.now + state.settings.sessions.absolute_secs + 1,
            ..this
        };
        let expired = current_account(&state, &later).await.err();
        assert_eq!(expired, Some(AppError::NotSignedIn));
    }

    #[tokio::test]
    async fn ending_this_browsers_session_signs_it_out_and_clears_its_cookie() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state(&dir).await;
        let this = signed_in(&state, &clock, "10.0.0.1").await;
        let cleared = end_one(&state, &this, &hash_of(&this))
            .await
            .expect("ended");
        let cleared = cleared.expect("this browser's own: signed out");
        assert_eq!((cleared.name, cleared.max_age_secs), (SESSION_COOKIE, 0));
        let after = current_account(&state, &this).await.err();
        assert_eq!(after, Some(AppError::NotSignedIn));
    }

    #[tokio::test]
    async fn ending_another_session_keeps_this_one() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state(&dir).await;
        let (this, other) = two_browsers(&state, &clock).await;
        let listed = list(&state, &this).await.expect("listed");
        let marked: Vec<_> = listed
            .iter()
            .map(|(s, current)| (s.id_hash.clone(), *current))
            .collect();
        assert!(
            marked.contains(&(hash_of(&this), true)) && marked.contains(&(hash_of(&other), false))
        );

        let ended = end_one(&state, &this, &hash_of(&other))
            .await
            .expect("ended");
        assert!(ended.is_none(), "this browser keeps its cookie");
        assert!(current_account(&state, &this).await.is_ok());
        assert_eq!(
            current_account(&state, &other).await.err(),
            Some(AppError::NotSignedIn)
        );
    }

    #[tokio::test]
    async fn not_me_ends_the_session_and_forgets_its_device() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state(&dir).await;
        let (this, other) = two_browsers(&state, &clock).await;
        let (phone, footprint) = (phone(), Footprint::default());
        let standing = async |device: Option<&str>| {
            let policy = &state.settings.policy;
            let now = clock.now();
            let read = state
                .store
                .standing(&phone, device, &footprint, "10.0.0.9", now, policy);
            read.await.expect("standing").allowance
        };
        let device = other.device_hash.clone().expect("a device");
        assert_eq!(
            standing(Some(&device)).await,
            Allowance::device(&device),
            "known before"
        );

        assert!(disown(&state, &this, &hash_of(&other))
            .await
            .expect("disowned")
            .is_none());
        assert_eq!(
            current_account(&state, &other).await.err(),
            Some(AppError::NotSignedIn)
        );
        assert_eq!(
            standing(Some(&device)).await,
            Allowance::shared(),
            "forgotten after"
        );
        assert!(current_account(&state, &this).await.is_ok());
    }

    #[tokio::test]
    async fn ending_the_others_keeps_only_this_browser() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state(&dir).await;
        let (this, other) = two_browsers(&state, &clock).await;
        end_others(&state, &this).await.expect("ended");
        let left = list(&state, &this).await.expect("listed");
        assert_eq!(left.len(), 1);
        assert!(left[0].1, "the one left is this browser's");
        assert_eq!(
            current_account(&state, &other).await.err(),
            Some(AppError::NotSignedIn)
        );
    }
}
