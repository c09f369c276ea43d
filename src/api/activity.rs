//! The account's security activity.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::server::{
    auth::activity,
    http::request::{redirect_if, RequestContext},
};

/// One event, told in the person's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    /// `sign_in`, `code_sent`…: what it is, for styles and tests.
    pub kind: String,
    /// Unix seconds; the page tells them in the person's zone.
    pub at: i64,
    /// "Вход — новое устройство".
    pub what: String,
    /// Device, country, network: "Firefox, Linux · Германия · 77.88.8.0/24".
    pub place: String,
    /// Whether `place` names a country (the page then credits DB-IP).
    pub has_country: bool,
}

/// `POST /api/activity`: the signed-in account's security events of the last 90
/// days, the newest first; without a session, sends the browser to `/signup`.
#[server(prefix = "/api", endpoint = "activity")]
pub async fn account_activity() -> Result<Vec<EventView>, AppError> {
    RequestContext::run(|request| async move {
        activity::of_account(&request)
            .await
            .inspect_err(|e| redirect_if(e, AppError::NotSignedIn, "/signup"))
    })
    .await
}
