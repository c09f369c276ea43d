//! What a server function knows of its request: the app state, cookies, the client's
//! address, the person's language, and the response it may add cookies to.

use std::{
    future::Future,
    net::{IpAddr, SocketAddr},
};

use axum::extract::ConnectInfo;
use http::{header, request::Parts};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::server::{
    http::{client_ip, cookies, edge},
    state::AppState,
};
use crate::{error::AppError, i18n::Lang};

pub struct RequestContext {
    pub state: AppState,
    parts: Parts,
    response: ResponseOptions,
}

impl RequestContext {
    /// The context leptos_axum provides to a server function or a server render.
    pub fn current() -> Result<Self, AppError> {
        match (
            use_context::<AppState>(),
            use_context::<Parts>(),
            use_context::<ResponseOptions>(),
        ) {
            (Some(state), Some(parts), Some(response)) => Ok(Self {
                state,
                parts,
                response,
            }),
            _ => {
                tracing::error!(
                    "server function called without AppState, Parts or ResponseOptions in context"
                );
                Err(AppError::Internal)
            }
        }
    }

    /// Runs a server function's body. Its answer is private: every server function
    /// reads or changes what belongs to one browser, so no cache may keep it (nor the
    /// page whose render called it). A failure also gets the HTTP status an API client
    /// expects (see [`AppError::answer_with_status`]).
    pub async fn run<T, F, Fut>(body: F) -> Result<T, AppError>
    where
        F: FnOnce(RequestContext) -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let request = Self::current()?;
        request
            .response
            .insert_header(header::CACHE_CONTROL, edge::NO_STORE);
        let result = body(request).await;
        if let Err(error) = &result {
            error.answer_with_status();
        }
        result
    }

    pub fn now(&self) -> i64 {
        self.state.clock.now()
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        cookies::cookie_value(&self.parts, name)
    }

    /// Sets a cookie (see [`cookies`]: HttpOnly, Lax, Secure on https). The session's
    /// and the device's are for `COOKIE_DOMAIN` when it is set, so the sites under it
    /// carry them to their proxy's forward-auth; the rest are this host's alone.
    pub fn set_cookie(&self, name: &'static str, value: String, max_age_secs: i64) {
        let settings = &self.state.settings;
        if let Some(header) = cookies::app_cookie(settings, name, &value, max_age_secs) {
            self.response.append_header(header::SET_COOKIE, header);
        }
    }

    pub fn clear_cookie(&self, name: &'static str) {
        self.set_cookie(name, String::new(), 0);
    }

    /// The key the per-address limits count this client under; IPv6 by its /64.
    pub fn client_key(&self) -> String {
        self.client_ip()
            .map_or_else(|| "unknown".to_owned(), client_ip::limit_key)
    }

    /// The client's address: the socket peer, or what a trusted proxy says it is.
    pub fn client_ip(&self) -> Option<IpAddr> {
        client_ip_of(&self.state, &self.parts)
    }

    pub fn user_agent(&self) -> &str {
        user_agent_of(&self.parts)
    }

    /// The request's parts.
    pub fn parts(&self) -> &Parts {
        &self.parts
    }

    /// The language the router chose for this request.
    pub fn lang(&self) -> Lang {
        use_context::<Lang>().unwrap_or_default()
    }
}

/// The address of the client of the request `parts`: the socket peer, or what a
/// trusted proxy says it is.
pub fn client_ip_of(state: &AppState, parts: &Parts) -> Option<IpAddr> {
    let peer = peer_of(parts)?;
    let forwarded_for = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok());
    Some(
        state
            .settings
            .trusted_proxies
            .client_ip(peer, forwarded_for),
    )
}

/// The request's `User-Agent`, or "".
pub fn user_agent_of(parts: &Parts) -> &str {
    parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The address of the socket peer that sent the request (a proxy's, behind one).
pub fn peer_of(parts: &Parts) -> Option<IpAddr> {
    let ConnectInfo(peer) = parts.extensions.get::<ConnectInfo<SocketAddr>>()?;
    Some(peer.ip())
}

/// Sends the browser to `path` when `error` is `expected` (a page that cannot be
/// shown without a session or a pending code).
pub fn redirect_if(error: &AppError, expected: AppError, path: &str) {
    if *error == expected {
        leptos_axum::redirect(path);
    }
}
