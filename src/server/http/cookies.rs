//! Every cookie the site sets is built here, one way: for the whole site, HttpOnly
//! (no script of the page reads any of them), `SameSite=Lax`, `Secure` when the site
//! is served over https; host-only, unless the caller gives it the `COOKIE_DOMAIN`.
//! Reading them back is here too.

use cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use http::{header, request::Parts, HeaderValue};

use crate::{
    domain::{client::SESSION_COOKIE, devices::DEVICE_COOKIE},
    server::{config::CookieDomain, state::Settings},
};

/// The `Set-Cookie` value for `name`; `max_age_secs` 0 removes the cookie (set with
/// the same `domain` as it was). `domain`: the cookie is for that domain and the
/// hosts under it, else for this host alone.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age_secs: i64,
    https: bool,
    domain: Option<&str>,
) -> Option<HeaderValue> {
    let mut cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(https)
        .max_age(CookieDuration::seconds(max_age_secs))
        .build();
    if let Some(domain) = domain {
        cookie.set_domain(domain.to_owned());
    }
    let value = HeaderValue::from_str(&cookie.encoded().to_string()).ok();
    if value.is_none() {
        tracing::error!(cookie = name, "cookie value not sendable");
    }
    value
}

/// The `Set-Cookie` of the app's cookie `name`: the session's and the device's are
/// for `COOKIE_DOMAIN` when it is set, so the sites under it carry them to their
/// proxy's forward-auth; the rest are this host's alone.
pub fn app_cookie(
    settings: &Settings,
    name: &str,
    value: &str,
    max_age_secs: i64,
) -> Option<HeaderValue> {
    let domain = settings
        .cookie_domain
        .as_ref()
        .filter(|_| matches!(name, SESSION_COOKIE | DEVICE_COOKIE))
        .map(CookieDomain::as_str);
    set_cookie(name, value, max_age_secs, settings.public_origin.is_https(), domain)
}

/// A cookie's value from the request headers; an empty one counts as absent.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cookie_is_site_wide_http_only_and_lax() {
        let plain = set_cookie("lang", "en", 60, false, None).expect("header");
        let plain = plain.to_str().expect("ascii");
        for part in [
            "lang=en",
            "Path=/",
            "HttpOnly",
            "SameSite=Lax",
            "Max-Age=60",
        ] {
            assert!(plain.contains(part), "{plain}");
        }
        assert!(!plain.contains("Secure"), "{plain}");
        assert!(!plain.contains("Domain"), "host-only: {plain}");
        let https = set_cookie("sid", "x", 0, true, None).expect("header");
        assert!(https.to_str().expect("ascii").contains("Secure"));
        let shared = set_cookie("sid", "x", 60, true, Some("example.ru")).expect("header");
        assert!(
            shared.to_str().expect("ascii").contains("Domain=example.ru"),
            "{shared:?}"
        );
    }

    #[test]
    fn reads_a_cookie_among_others() {
        let request = http::Request::builder()
            .header(header::COOKIE, "sid=abc; lang=ru")
            .header(header::COOKIE, "vid=")
            .body(())
            .unwrap_or_default();
        let (parts, ()) = request.into_parts();
        assert_eq!(cookie_value(&parts, "lang").as_deref(), Some("ru"));
        assert_eq!(cookie_value(&parts, "sid").as_deref(), Some("abc"));
        assert_eq!(cookie_value(&parts, "vid"), None);
        assert_eq!(cookie_value(&parts, "none"), None);
    }
}
