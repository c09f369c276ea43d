//! The person's language on the server: chosen once per request (from the `lang`
//! cookie the switcher sets, else `Accept-Language`) and provided to the render and
//! the server functions as context; and the switcher itself.

use axum::{
    extract::{Path, RawQuery, State},
    response::{IntoResponse, Response},
};
use http::{header, request::Parts, HeaderValue, StatusCode};

use crate::i18n::Lang;
use crate::server::{config::PublicOrigin, http::cookies, state::AppState};

pub const LANG_COOKIE: &str = "lang";

/// How long the switcher's choice is remembered.
const REMEMBER_SECS: i64 = 365 * 24 * 3600;

pub fn of_request(parts: &Parts) -> Lang {
    let accept_language = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Lang::choose(
        cookies::cookie_value(parts, LANG_COOKIE).as_deref(),
        accept_language,
    )
}

/// `GET /lang/{code}?next=/path`: remembers the choice for a year and goes back to
/// `next` if it is a page of this site (resolved against `PUBLIC_ORIGIN`), else home.
pub async fn switch(
    State(state): State<AppState>,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let origin = &state.settings.public_origin;
    let next = query
        .as_deref()
        .and_then(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(name, _)| name == "next")
                .map(|(_, value)| value.into_owned())
        })
        .unwrap_or_default();
    // An empty `next` resolves to the root, like any other that is not ours.
    let target = origin.local_url(&next);
    // A serialised URL is visible ASCII, so this cannot fail; the root if it ever did.
    let location =
        HeaderValue::from_str(target.as_str()).unwrap_or_else(|_| HeaderValue::from_static("/"));
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    if let Some(lang) = Lang::from_code(&code) {
        remember(&mut response, origin, lang);
    }
    response
}

/// Adds to `response` the cookie that keeps `lang` as the person's language for a
/// year.
pub fn remember(response: &mut Response, origin: &PublicOrigin, lang: Lang) {
    if let Some(cookie) = cookies::set_cookie(
        LANG_COOKIE,
        lang.code(),
        REMEMBER_SECS,
        origin.is_https(),
        None,
    ) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
