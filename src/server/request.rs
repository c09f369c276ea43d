//! What a server function knows of its request: the app state, cookies, the client's
//! address, the person's language, and the response it may add cookies to.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use http::{header, request::Parts, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use super::{language, state::AppState};
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
            (Some(state), Some(parts), Some(response)) => Ok(Self { state, parts, response }),
            _ => {
                tracing::error!("server function called without AppState, Parts or ResponseOptions in context");
                Err(AppError::Internal)
            }
        }
    }

    pub fn now(&self) -> i64 {
        self.state.clock.now()
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        cookie_value(&self.parts, name)
    }

    /// An HttpOnly, SameSite=Lax cookie for the whole site, Secure on https.
    pub fn set_cookie(&self, name: &'static str, value: String, max_age_secs: i64) {
        let cookie = Cookie::build((name, value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.state.settings.public_origin.is_https())
            .max_age(CookieDuration::seconds(max_age_secs))
            .build();
        self.append_cookie(&cookie);
    }

    pub fn clear_cookie(&self, name: &'static str) {
        self.set_cookie(name, String::new(), 0);
    }

    fn append_cookie(&self, cookie: &Cookie<'_>) {
        match HeaderValue::from_str(&cookie.encoded().to_string()) {
            Ok(value) => self.response.append_header(header::SET_COOKIE, value),
            Err(_) => tracing::error!(cookie = cookie.name(), "cookie value not sendable"),
        }
    }

    /// The socket peer's address (proxies are not trusted yet).
    pub fn client_ip(&self) -> String {
        self.parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string())
            .unwrap_or_else(|| "unknown".to_owned())
    }

    pub fn lang(&self) -> Lang {
        language::of_request(&self.parts)
    }
}

/// A cookie's value from the request headers.
pub fn cookie_value(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse_encoded)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| !value.is_empty())
}
