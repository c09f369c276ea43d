//! What the OpenID provider's consent screen shows. The protocol's endpoints
//! themselves are plain HTTP (`server/http/oidc.rs`), not server functions.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{domain::oidc::authorize, server::http::request::RequestContext};

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
