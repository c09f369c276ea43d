//! Who is asking: what the sign-in steps need of a request, read from it once by the
//! server function (`api/`), so that the steps take plain values, hand back the
//! cookies to set, and can be tested without HTTP.

use crate::i18n::Lang;
use crate::server::{
    auth::{devices, footprint},
    http::request::RequestContext,
};
use crate::store::Footprint;

/// The cookie that binds a pending code to the browser that asked for it.
pub const VERIFICATION_COOKIE: &str = "vid";

/// The client of one request, as the sign-in steps see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// The key the per-address limits count it under (its address; IPv6 by its /64).
    pub limit_key: String,
    /// The hash of its device id (the `did` cookie), if it has a well-formed one.
    pub device_hash: Option<String>,
    /// What it leaves in the account's activity.
    pub footprint: Footprint,
    /// The id of the code pending in this browser (the `vid` cookie), if any.
    pub pending_code: Option<String>,
    /// The language of its pages and SMS.
    pub lang: Lang,
    /// The time of the request.
    pub now: i64,
}

impl Client {
    pub fn of(request: &RequestContext) -> Self {
        Self {
            limit_key: request.client_key(),
            device_hash: devices::hash_of(request),
            footprint: footprint::of(request),
            pending_code: request.cookie(VERIFICATION_COOKIE),
            lang: request.lang(),
            now: request.now(),
        }
    }
}

/// A cookie a step hands the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    pub name: &'static str,
    pub value: String,
    pub max_age_secs: i64,
}

impl SetCookie {
    /// Sets it on the answer to `request`.
    pub fn hand(self, request: &RequestContext) {
        request.set_cookie(self.name, self.value, self.max_age_secs);
    }
}
