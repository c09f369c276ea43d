//! The signed-in person's own account.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    api::{oidc::ConnectedAppView, passkeys::PasskeysView},
    error::AppError,
};
#[cfg(feature = "ssr")]
use crate::{
    domain::{client::Client, oidc::apps, passkeys, session},
    i18n::Lang,
    server::http::request::{redirect_if, RequestContext},
    store::{SessionInfo, Word},
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// `+7 999 123-45-67`: the owner's own number, in full.
    pub phone: String,
    /// Assigned at the first sign-in, kept for good.
    pub account_number: String,
    /// Unix seconds; the page tells them in the person's zone.
    pub member_since: i64,
    pub last_sign_in: i64,
    /// The account's passkeys, and whether this session may add one.
    pub passkeys: PasskeysView,
    /// The apps it signs in to through the OpenID provider, the most recent first
    /// (read here, with the session the page reads anyway).
    pub apps: Vec<ConnectedAppView>,
}

/// One of the account's sessions, as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// What `end_session` takes to end it.
    pub handle: String,
    /// "Chrome, Android"; empty when the browser did not say.
    pub device: String,
    /// The country it signed in from, by name in the person's language; empty when
    /// unknown.
    pub country: String,
    /// Unix seconds of its sign-in and of its last use.
    pub started: i64,
    pub last_seen: i64,
    /// What was new about its sign-in, as the owner was alerted: "new device",
    /// "new country"…; empty when nothing was.
    pub new: String,
    /// How it signed in: `sms` or `passkey`.
    pub method: String,
    /// This browser's own session.
    pub current: bool,
}

/// Account numbers: eight digits from the account's permanent id.
pub fn account_number(id: i64) -> String {
    format!("{:08}", 10_000_000 + id)
}

/// `POST /api/account`: the account of this browser's session, with its passkeys
/// and connected apps; without one, sends the browser to `/signup`.
#[server(prefix = "/api", endpoint = "account")]
pub async fn account() -> Result<AccountView, AppError> {
    RequestContext::run(|request| async move {
        let client = Client::of(&request);
        let (session, _) = session::current_session(&request.state, &client)
            .await
            .inspect_err(|e| redirect_if(e, AppError::NotSignedIn, "/signup"))?;
        let section = passkeys::section(&request.state, &session, client.now).await?;
        let passkeys = PasskeysView::from(section);
        let account = session.account;
        let apps = apps::of_account(&request.state, account.id).await?;
        Ok(AccountView {
            passkeys,
            apps: apps.into_iter().map(ConnectedAppView::from).collect(),
            phone: account.phone.display(),
            account_number: account_number(account.id.0),
            member_since: account.created_at,
            last_sign_in: account.last_sign_in_at,
        })
    })
    .await
}

/// `POST /api/sign_out` (with `rd`, from `/signout?rd=…`): ends this browser's
/// session and goes back to `rd` if it may (as after a sign-in), else to the start
/// page.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out(#[server(default)] rd: String) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        session::end(&request.state, &Client::of(&request))
            .await?
            .hand(&request);
        leptos_axum::redirect(&request.after_sign_out(&rd));
        Ok(())
    })
    .await
}

/// `POST /api/sessions`: the signed-in account's live sessions, in the person's
/// language.
#[server(prefix = "/api", endpoint = "sessions")]
pub async fn sessions() -> Result<Vec<SessionView>, AppError> {
    RequestContext::run(|request| async move {
        let lang = request.lang();
        let sessions = session::list(&request.state, &Client::of(&request)).await?;
        Ok(sessions
            .into_iter()
            .map(|(info, current)| SessionView::of(info, current, lang))
            .collect())
    })
    .await
}

#[cfg(feature = "ssr")]
impl SessionView {
    fn of(info: SessionInfo, current: bool, lang: Lang) -> Self {
        let t = lang.texts();
        Self {
            country: info
                .country
                .as_deref()
                .and_then(|code| lang.country_name(code))
                .unwrap_or_default()
                .to_owned(),
            new: t
                .novelty(info.novelty.word())
                .unwrap_or_default()
                .to_owned(),
            handle: info.id_hash,
            device: info.device.unwrap_or_default(),
            started: info.created_at,
            method: info.method.word().to_owned(),
            last_seen: info.last_seen_at,
            current,
        }
    }
}

/// `POST /api/end_session` with `session` (a handle from `sessions`): ends that
/// session; ending this browser's own signs out and goes to the start page.
#[server(prefix = "/api", endpoint = "end_session")]
pub async fn end_session(#[server(default)] session: String) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        let client = Client::of(&request);
        if let Some(signed_out) = session::end_one(&request.state, &client, &session).await? {
            signed_out.hand(&request);
            leptos_axum::redirect("/");
        }
        Ok(())
    })
    .await
}

/// `POST /api/not_me` with `session` (a handle from `sessions`): "this is not me" about
/// another session of the account: it ends, with every session of its device, and the
/// device is forgotten for the account (its next sign-in alerts again). About this
/// browser's own session it signs out and goes to the start page.
#[server(prefix = "/api", endpoint = "not_me")]
pub async fn not_me(#[server(default)] session: String) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        let client = Client::of(&request);
        if let Some(signed_out) = session::disown(&request.state, &client, &session).await? {
            signed_out.hand(&request);
            leptos_axum::redirect("/");
        }
        Ok(())
    })
    .await
}

/// `POST /api/end_other_sessions`: ends every session of the account but this
/// browser's.
#[server(prefix = "/api", endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        session::end_others(&request.state, &Client::of(&request)).await
    })
    .await
}
