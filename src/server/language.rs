//! The person's language: a `lang` cookie set by the switcher, else `Accept-Language`.

use axum::{
    extract::{Path, Query},
    response::{IntoResponse, Redirect},
};
use cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use http::{header, request::Parts, HeaderValue};
use serde::Deserialize;

use super::request::cookie_value;
use crate::i18n::Lang;

pub const LANG_COOKIE: &str = "lang";

pub fn of_request(parts: &Parts) -> Lang {
    cookie_value(parts, LANG_COOKIE)
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or_else(|| {
            let header = parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            Lang::negotiate(header)
        })
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// `GET /lang/{code}?next=/path`: remembers the choice for a year and goes back.
pub async fn switch(Path(code): Path<String>, Query(query): Query<Next>) -> impl IntoResponse {
    let next = query
        .next
        .filter(|p| is_local_path(p))
        .unwrap_or_else(|| "/".to_owned());
    let mut response = Redirect::to(&next).into_response();
    if let Some(lang) = Lang::from_code(&code) {
        let cookie = Cookie::build((LANG_COOKIE, lang.code()))
            .path("/")
            .same_site(SameSite::Lax)
            .max_age(CookieDuration::days(365))
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Only a path of this site: no scheme, no `//host`, no backslash tricks.
fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains(['\\', '\r', '\n'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/verify"));
        assert!(is_local_path("/"));
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
            "",
        ] {
            assert!(!is_local_path(bad), "{bad}");
        }
    }

    #[test]
    fn cookie_wins_over_header() {
        let request = http::Request::builder()
            .header(header::ACCEPT_LANGUAGE, "en-US")
            .header(header::COOKIE, "sid=x; lang=ru")
            .body(())
            .unwrap_or_default();
        let (parts, ()) = request.into_parts();
        assert_eq!(of_request(&parts), Lang::Ru);
        let request = http::Request::builder()
            .header(header::ACCEPT_LANGUAGE, "en-US")
            .body(())
            .unwrap_or_default();
        assert_eq!(of_request(&request.into_parts().0), Lang::En);
    }
}
