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
    /// `26 ноября 2026, 01:56`.
    pub when: String,
    /// "Вход — новое устройство".
    pub what: String,
    /// Device, country, network: "Firefox, Linux · Германия · 77.88.8.0/24".
    pub place: String,
    /// Whether `place` names a country (the page then credits DB-IP).
    pub has_country: bool,
}

/// The events of the last 90 days, the newest first, and the zone the times are in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub events: Vec<EventView>,
    /// "МСК", "UTC".
    pub zone: String,
}

/// `POST /api/activity`: the signed-in account's security events; without a
/// session, sends the browser to `/signup`.
#[server(prefix = "/api", endpoint = "activity")]
pub async fn account_activity() -> Result<ActivityView, AppError> {
    RequestContext::run(|request| async move {
        activity::of_account(&request)
            .await
            .inspect_err(|e| redirect_if(e, AppError::NotSignedIn, "/signup"))
    })
    .await
}
