//! The signed-in person's own account.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    clock::format_utc,
    server::{
        auth::session,
        http::request::{redirect_if, RequestContext},
    },
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// `+7 999 123-45-67`: the owner's own number, in full.
    pub phone: String,
    /// Assigned at the first sign-in, kept for good.
    pub account_number: String,
    pub member_since: String,
    pub last_sign_in: String,
}

/// One of the account's sessions, as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// What `end_session` takes to end it.
    pub handle: String,
    /// "Chrome, Android"; empty when the browser did not say.
    pub device: String,
    pub started: String,
    pub last_seen: String,
    /// This browser's own session.
    pub current: bool,
}

/// Account numbers: eight digits from the account's permanent id.
pub fn account_number(id: i64) -> String {
    format!("{:08}", 10_000_000 + id)
}

/// `POST /api/account`: the account of this browser's session; without one, sends
/// the browser to `/signup`.
#[server(prefix = "/api", endpoint = "account")]
pub async fn account() -> Result<AccountView, AppError> {
    RequestContext::run(|request| async move {
        let account = session::current_account(&request)
            .await
            .inspect_err(|e| redirect_if(e, AppError::NotSignedIn, "/signup"))?;
        Ok(AccountView {
            phone: account.phone.display(),
            account_number: account_number(account.id),
            member_since: format_utc(account.created_at),
            last_sign_in: format_utc(account.last_sign_in_at),
        })
    })
    .await
}

/// `POST /api/sign_out`: ends this browser's session and goes to the start page.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        session::end(&request).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// `POST /api/sessions`: the signed-in account's live sessions.
#[server(prefix = "/api", endpoint = "sessions")]
pub async fn sessions() -> Result<Vec<SessionView>, AppError> {
    RequestContext::run(|request| async move {
        let sessions = session::list(&request).await?;
        Ok(sessions
            .into_iter()
            .map(|(info, current)| SessionView {
                handle: info.id_hash,
                device: info.device,
                started: format_utc(info.created_at),
                last_seen: format_utc(info.last_seen_at),
                current,
            })
            .collect())
    })
    .await
}

/// `POST /api/end_session` with `session` (a handle from `sessions`): ends that
/// session; ending this browser's own signs out and goes to the start page.
#[server(prefix = "/api", endpoint = "end_session")]
pub async fn end_session(#[server(default)] session: String) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        if session::end_one(&request, &session).await? {
            leptos_axum::redirect("/");
        }
        Ok(())
    })
    .await
}
