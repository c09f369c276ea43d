//! Who is asking: what the sign-in steps need of a request, read from it once by the
//! server function (`server/http/client.rs`), so that the steps take plain values,
//! hand back the cookies to set, and can be tested without HTTP.

use std::{future::Future, sync::Arc};

use tokio::sync::OnceCell;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::store::{Footprint, LiveSession};

/// The cookie that binds a pending code to the browser that asked for it.
pub const VERIFICATION_COOKIE: &str = "vid";

/// The session cookie: a random id, its hash in the store.
pub const SESSION_COOKIE: &str = "sid";

/// The cookie that binds a passkey ceremony to the browser that started it.
pub const CEREMONY_COOKIE: &str = "pkc";

/// The client of one request, as the sign-in steps see it. It holds the browser's
/// ids: never logged (no `Debug`).
#[derive(Clone, PartialEq, Eq)]
pub struct Client {
    /// The key the per-address limits count it under (its address; IPv6 by its /64).
    pub limit_key: String,
    /// Its device id (the `did` cookie), if it has a well-formed one, and its hash.
    pub device_id: Option<String>,
    pub device_hash: Option<String>,
    /// Its session id (the `sid` cookie), if any.
    pub session: Option<String>,
    /// The session as this request read it, when it is a page render.
    pub session_memo: SessionMemo,
    /// Its passkey ceremony's id (the `pkc` cookie), if it has a well-formed one.
    pub ceremony: Option<String>,
    /// What it leaves in the account's activity.
    pub footprint: Footprint,
    /// The id of the code pending in this browser (the `vid` cookie), if any.
    pub pending_code: Option<String>,
    /// The language of its pages and SMS.
    pub lang: Lang,
    /// The time of the request.
    pub now: i64,
}

/// A cookie a step hands the browser. Its value may be an id: never logged (no
/// `Debug`).
#[derive(Clone, PartialEq, Eq)]
pub struct SetCookie {
    pub name: &'static str,
    pub value: String,
    pub max_age_secs: i64,
}

impl SetCookie {
    /// Removes the cookie `name` from the browser.
    pub fn clear(name: &'static str) -> Self {
        Self {
            name,
            value: String::new(),
            max_age_secs: 0,
        }
    }
}

/// The browser's session as a page render read it: the parts of one page (the
/// account page's account and sessions) each ask for it, and the store is asked
/// once. A server function's own request (a POST, which may change the session)
/// has none, and reads the store each time.
#[derive(Clone, Default)]
pub struct SessionMemo(Option<Arc<OnceCell<Found>>>);

/// A session read: the live session and its hash, or none.
type Found = Option<(LiveSession, String)>;

impl SessionMemo {
    /// A memo for one page render.
    pub fn for_render() -> Self {
        Self(Some(Arc::default()))
    }

    /// What `read` finds: read once for a page render (a failure is not kept),
    /// each time without a memo.
    pub async fn read_once<F, Fut>(&self, read: F) -> Result<Found, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Found, AppError>>,
    {
        match &self.0 {
            Some(memo) => memo.get_or_try_init(read).await.cloned(),
            None => read().await,
        }
    }
}

/// Two clients are alike with the same memo (the same render's).
impl PartialEq for SessionMemo {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for SessionMemo {}
