//! Passkeys: adding one to the signed-in account, signing in with one, renaming and
//! removing them. The ceremonies' options and answers travel as WebAuthn's JSON.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{auth::passkeys, http::request::RequestContext};

/// One of the account's passkeys, as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyView {
    /// What `passkey_rename` and `passkey_remove` take.
    pub handle: String,
    pub name: String,
    /// Unix seconds.
    pub created: i64,
    pub last_used: Option<i64>,
}

/// The account page's passkey section (a part of `AccountView`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeysView {
    /// Whether the site offers passkeys (its origin is not an IP address).
    pub available: bool,
    /// Whether this session may add one now: it signed in by SMS code within the
    /// last 10 minutes.
    pub may_add: bool,
    pub list: Vec<PasskeyView>,
}

#[cfg(feature = "ssr")]
impl From<passkeys::Section> for PasskeysView {
    fn from(section: passkeys::Section) -> Self {
        Self {
            available: section.available,
            may_add: section.may_add,
            list: section
                .passkeys
                .into_iter()
                .map(|stored| PasskeyView {
                    handle: stored.credential_id,
                    name: stored.name,
                    created: stored.created_at,
                    last_used: stored.last_used_at,
                })
                .collect(),
        }
    }
}

/// `POST /api/passkey_register_start`: the options of `navigator.credentials.create()`
/// for a new passkey of the signed-in account (JSON), if it signed in by SMS code
/// within the last 10 minutes.
#[server(prefix = "/api", endpoint = "passkey_register_start")]
pub async fn passkey_register_start() -> Result<String, AppError> {
    RequestContext::run(|request| async move { passkeys::register_start(&request).await }).await
}

/// `POST /api/passkey_register_finish` with `credential` (the authenticator's answer,
/// WebAuthn JSON): adds the passkey.
#[server(prefix = "/api", endpoint = "passkey_register_finish")]
pub async fn passkey_register_finish(
    #[server(default)] credential: String,
) -> Result<(), AppError> {
    RequestContext::run(
        |request| async move { passkeys::register_finish(&request, &credential).await },
    )
    .await
}

/// `POST /api/passkey_login_start`: the options of `navigator.credentials.get()` for
/// a sign-in with any passkey of the site (JSON).
#[server(prefix = "/api", endpoint = "passkey_login_start")]
pub async fn passkey_login_start() -> Result<String, AppError> {
    RequestContext::run(|request| async move { passkeys::login_start(&request).await }).await
}

/// `POST /api/passkey_login_finish` with `credential` (the authenticator's answer,
/// WebAuthn JSON): signs in and goes to `/account`.
#[server(prefix = "/api", endpoint = "passkey_login_finish")]
pub async fn passkey_login_finish(#[server(default)] credential: String) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        passkeys::login_finish(&request, &credential).await?;
        leptos_axum::redirect("/account");
        Ok(())
    })
    .await
}

/// `POST /api/passkey_rename` with `passkey` (a handle) and `name`.
#[server(prefix = "/api", endpoint = "passkey_rename")]
pub async fn passkey_rename(
    #[server(default)] passkey: String,
    #[server(default)] name: String,
) -> Result<(), AppError> {
    RequestContext::run(|request| async move { passkeys::rename(&request, &passkey, &name).await })
        .await
}

/// `POST /api/passkey_remove` with `passkey` (a handle): the passkey no longer signs in.
#[server(prefix = "/api", endpoint = "passkey_remove")]
pub async fn passkey_remove(#[server(default)] passkey: String) -> Result<(), AppError> {
    RequestContext::run(|request| async move { passkeys::remove(&request, &passkey).await }).await
}
