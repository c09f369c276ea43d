//! What the OpenID provider's consent screen shows, and the apps an account signs
//! in to. The protocol's endpoints themselves are plain HTTP
//! (`server/http/oidc.rs`), not server functions.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::{
        client::Client,
        oidc::{apps, authorize},
    },
    server::http::request::RequestContext,
};

/// The consent screen of one authorization request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentPrompt {
    /// The app's name, as registered.
    pub app_name: String,
    /// Whether it asks for the phone number (the `phone` scope).
    pub phone: bool,
    /// Whether it asks to keep the person signed in (`offline_access`).
    pub offline: bool,
    /// The request, as the form's hidden fields.
    pub fields: Vec<(String, String)>,
}

/// `POST /api/consent_screen`: the consent screen of the authorization request
/// `query` (the page's own query), or [`AppError::InvalidAuthorization`].
#[server(prefix = "/api", endpoint = "consent_screen")]
pub async fn consent_screen(query: String) -> Result<ConsentPrompt, AppError> {
    RequestContext::run(|request| async move {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let view = authorize::consent_view(&request.state, &pairs)
            .map_err(|_| AppError::InvalidAuthorization)?;
        Ok(ConsentPrompt {
            app_name: view.app_name,
            phone: view.scopes.phone,
            offline: view.scopes.offline_access,
            fields: view
                .pairs
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        })
    })
    .await
}

/// An app the account signs in to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectedAppView {
    /// What `disconnect_app` takes.
    pub app: String,
    pub name: String,
    /// Whether it learns the phone number.
    pub phone: bool,
    /// The first and the last sign-in to it, unix seconds.
    pub first: i64,
    pub last: i64,
}

#[cfg(feature = "ssr")]
impl From<apps::Connected> for ConnectedAppView {
    fn from(app: apps::Connected) -> Self {
        Self {
            app: app.id,
            name: app.name,
            phone: app.phone,
            first: app.first,
            last: app.last,
        }
    }
}

/// `POST /api/connected_apps`: the apps the signed-in account signs in to through
/// the OpenID provider, the most recent first.
#[server(prefix = "/api", endpoint = "connected_apps")]
pub async fn connected_apps() -> Result<Vec<ConnectedAppView>, AppError> {
    RequestContext::run(|request| async move {
        let apps = apps::connected(&request.state, &Client::of(&request)).await?;
        Ok(apps.into_iter().map(ConnectedAppView::from).collect())
    })
    .await
}

/// `POST /api/disconnect_app`: forgets the signed-in account's consent to `app`
/// and revokes the tokens the app holds for it.
#[server(prefix = "/api", endpoint = "disconnect_app")]
pub async fn disconnect_app(app: String) -> Result<(), AppError> {
    RequestContext::run(|request| async move {
        apps::disconnect(&request.state, &Client::of(&request), &app).await
    })
    .await
}
