//! The request's side of the domain's client: how a request becomes the `Client` the
//! domain's steps take (read once, by the server function), and how the cookies they
//! hand back are set on its answer. The domain itself never sees a request.

use axum::http::request::Parts;

use crate::domain::{
    client::{
        Client, SessionMemo, SetCookie, CEREMONY_COOKIE, SESSION_COOKIE, VERIFICATION_COOKIE,
    },
    devices::DEVICE_COOKIE,
    session::Opened,
    token, user_agent,
};
use crate::server::{
    http::{
        client_ip,
        request::{self, RequestContext},
    },
    state::AppState,
};

use crate::store::{Account, Footprint};

impl Client {
    /// The client of `request`: its address's limit key, its well-formed device and
    /// ceremony ids, its session and pending code, where it comes from, its language,
    /// the time.
    pub fn of(request: &RequestContext) -> Self {
        let device_id = request
            .cookie(DEVICE_COOKIE)
            .filter(|id| token::is_well_formed(id));
        Self {
            limit_key: request.client_key(),
            device_hash: device_id.as_deref().map(token::hash),
            device_id,
            session: request.cookie(SESSION_COOKIE),
            session_memo: leptos::prelude::use_context::<SessionMemo>().unwrap_or_default(),
            ceremony: request
                .cookie(CEREMONY_COOKIE)
                .filter(|id| token::is_well_formed(id)),
            footprint: footprint(request),
            pending_code: request.cookie(VERIFICATION_COOKIE),
            lang: request.lang(),
            now: request.now(),
        }
    }
}

/// Where a request comes from, as the account's activity and the owner's alerts tell
/// it: the browser's name, the country of its address (the address the per-address
/// limits use), and its network, never the whole address.
fn footprint(request: &RequestContext) -> Footprint {
    footprint_of(&request.state, request.parts())
}

/// The same, of the request `parts` to a plain handler (not a server function).
pub fn footprint_of(state: &AppState, parts: &Parts) -> Footprint {
    let ip = request::client_ip_of(state, parts);
    Footprint {
        device: Some(user_agent::describe(request::user_agent_of(parts)))
            .filter(|name| !name.is_empty()),
        country: ip
            .and_then(|ip| state.settings.geo.country(ip))
            .map(|country| country.to_string()),
        network: ip.map(client_ip::network),
    }
}

impl SetCookie {
    /// Sets it on the answer to `request`.
    pub fn hand(self, request: &RequestContext) {
        request.set_cookie(self.name, self.value, self.max_age_secs);
    }
}

impl Opened {
    /// Sets its cookies on the answer to `request`.
    pub fn hand(self, request: &RequestContext) -> Account {
        for cookie in self.cookies {
            cookie.hand(request);
        }
        self.account
    }
}
