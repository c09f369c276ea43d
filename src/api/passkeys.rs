//! Passkeys: adding one to the signed-in account, signing in with one, renaming and
//! removing them. The ceremonies' options and answers travel as WebAuthn's JSON.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::{
        client::{Client, CEREMONY_COOKIE},
        passkeys,
    },
    server::http::request::RequestContext,
};

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
    RequestContext::run(|request| async move {
        let (options, ceremony) =
            passkeys::register_start(&request.state, &Client::of(&request)).await?;
        ceremony.hand(&request);
        Ok(options)
    })
    .await
}

/// `POST /api/passkey_register_finish` with `credential` (the authenticator's answer,
/// WebAuthn JSON): adds the passkey.
#[server(prefix = "/api", endpoint = "passkey_register_finish")]
pub async fn passkey_register_finish(
    #[server(default)] credential: String,
) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        let client = answering(&request);
        passkeys::register_finish(&request.state, &client, &credential).await
    })
    .await
}

/// `POST /api/passkey_login_start`: the options of `navigator.credentials.get()` for
/// a sign-in with any passkey of the site (JSON).
#[server(prefix = "/api", endpoint = "passkey_login_start")]
pub async fn passkey_login_start() -> Result<String, AppError> {
    RequestContext::run(|request| async move {
        let (options, ceremony) =
            passkeys::login_start(&request.state, &Client::of(&request)).await?;
        ceremony.hand(&request);
        Ok(options)
    })
    .await
}

/// `POST /api/passkey_login_finish` with `credential` (the authenticator's answer,
/// WebAuthn JSON): signs in and goes back as `verify_code` does.
#[server(prefix = "/api", endpoint = "passkey_login_finish")]
pub async fn passkey_login_finish(#[server(default)] credential: String) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        let client = answering(&request);
        passkeys::login_finish(&request.state, &client, &credential)
            .await?
            .hand(&request);
        leptos_axum::redirect(&request.after_sign_in());
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
    RequestContext::run(|request| async move {
        passkeys::rename(&request.state, &Client::of(&request), &passkey, &name).await
    })
    .await
}

/// `POST /api/passkey_remove` with `passkey` (a handle): the passkey no longer signs in.
#[server(prefix = "/api", endpoint = "passkey_remove")]
pub async fn passkey_remove(#[server(default)] passkey: String) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        passkeys::remove(&request.state, &Client::of(&request), &passkey).await
    })
    .await
}

/// The client of an answer to a ceremony. An answer ends the ceremony this browser
/// held, whatever the answer: its cookie is cleared.
#[cfg(feature = "ssr")]
fn answering(request: &RequestContext) -> Client {
    let client = Client::of(request);
    if client.ceremony.is_some() {
        request.clear_cookie(CEREMONY_COOKIE);
    }
    client
}
