//! Forward-auth for reverse proxies, with Authelia's endpoints, statuses and
//! headers, so that its nginx, Caddy and Traefik snippets work with sms-auth by
//! changing the host name (docs/forward-auth.md):
//!
//! - `/api/authz/auth-request` (nginx `auth_request`): the original request in
//!   `X-Original-URL` and `X-Original-Method`; 200 with the identity headers, or 401
//!   with `Location: <PUBLIC_ORIGIN>/signup?rd=<the original URL>`.
//! - `/api/authz/forward-auth` (Traefik ForwardAuth, Caddy `forward_auth`): the
//!   original request in `X-Forwarded-Method`, `-Proto`, `-Host` and `-Uri`; 200
//!   with the identity headers, or the same `Location` with 302 (GET, HEAD) or 303
//!   (other methods) for a browser's page, 401 for anything else (a request that
//!   does not accept `text/html`, or an XHR).
//!
//! Both take the location's step-up in their query (`method=passkey`,
//! `max_age=<seconds>`), answer any method (nginx asks with the original one), are
//! answered only to `TRUSTED_PROXIES` (any other peer gets 400, never 200: a client
//! that reaches sms-auth directly must not name the original request), and every
//! answer is `no-store`. Missing or malformed headers get 400 with the reason.

use axum::{
    extract::{Request, State},
    response::{IntoResponse, Response},
    routing::any,
    Router,
};
use http::{header, request::Parts, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use url::Url;

use crate::domain::{
    authz::{self, Decision, Identity, SignInFirst, StepUp},
    client::SESSION_COOKIE,
};
use crate::server::{
    http::{cookies, edge, request},
    state::AppState,
};
use crate::store::Word;

pub const AUTH_REQUEST_PATH: &str = "/api/authz/auth-request";
pub const FORWARD_AUTH_PATH: &str = "/api/authz/forward-auth";

/// The identity headers of a request that may pass.
pub const REMOTE_USER: HeaderName = HeaderName::from_static("remote-user");
pub const REMOTE_PHONE: HeaderName = HeaderName::from_static("remote-phone");
pub const REMOTE_GROUPS: HeaderName = HeaderName::from_static("remote-groups");
pub const REMOTE_AUTH_METHOD: HeaderName = HeaderName::from_static("remote-auth-method");

/// The endpoints, outside the edge's cross-site refusal: they change nothing, and
/// nginx asks with the original request's method and `Origin`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(AUTH_REQUEST_PATH, any(auth_request))
        .route(FORWARD_AUTH_PATH, any(forward_auth))
        .layer(edge::private())
}

/// The original request, as the proxy told it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Original {
    url: Url,
    method: Method,
}

async fn auth_request(State(state): State<AppState>, request: Request) -> Response {
    answer(&state, request, auth_request_original, |_, _| {
        StatusCode::UNAUTHORIZED
    })
    .await
}

async fn forward_auth(State(state): State<AppState>, request: Request) -> Response {
    answer(
        &state,
        request,
        forward_auth_original,
        |headers, original| {
            if !is_page_request(headers) {
                StatusCode::UNAUTHORIZED
            } else if matches!(original.method, Method::GET | Method::HEAD) {
                StatusCode::FOUND
            } else {
                StatusCode::SEE_OTHER
            }
        },
    )
    .await
}

/// Answers a trusted proxy that names the original request the way `read` reads
/// it: decides for the session the request carries; a person who must sign in
/// first gets `status` (by the request's headers and the original request) with
/// the sign-in page in `Location`.
async fn answer(
    state: &AppState,
    request: Request,
    read: fn(&HeaderMap) -> Result<Original, &'static str>,
    status: impl FnOnce(&HeaderMap, &Original) -> StatusCode,
) -> Response {
    let (parts, _) = request.into_parts();
    let asked = trusted(state, &parts)
        .and_then(|()| Ok((step_up(parts.uri.query())?, read(&parts.headers)?)));
    let (step_up, original) = match asked {
        Ok(asked) => asked,
        Err(reason) => return refused(reason),
    };
    let status = status(&parts.headers, &original);
    let session = cookies::cookie_value(&parts, SESSION_COOKIE);
    match authz::decide(state, session.as_deref(), state.clock.now(), step_up).await {
        Ok(Decision::Pass(identity)) => passes(&identity),
        Ok(Decision::SignIn(why)) => {
            let location = sign_in_url(state, &original.url, why, step_up);
            let mut response = (status, "Sign in first.\n").into_response();
            if let Ok(location) = HeaderValue::from_str(location.as_str()) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        // Logged where it happened; the proxy lets nothing through.
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "The sign-in service cannot tell now.\n",
        )
            .into_response(),
    }
}

fn passes(identity: &Identity) -> Response {
    let mut response = (StatusCode::OK, "").into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (REMOTE_USER, identity.public_id.as_str()),
        (REMOTE_PHONE, identity.phone.as_str()),
        (REMOTE_GROUPS, ""),
        (REMOTE_AUTH_METHOD, identity.method.word()),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    response
}

/// `<PUBLIC_ORIGIN>/signup?rd=<the original URL>`, with the step-up that sends the
/// person there, so the page can say why it asks. A passkey location says so to a
/// person not signed in too (a code would be asked for in vain); `max_age` only to
/// one whose sign-in is too old (any new one is recent).
fn sign_in_url(state: &AppState, original: &Url, why: SignInFirst, step_up: StepUp) -> Url {
    let mut url = state.settings.public_origin.local_url("/signup");
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("rd", original.as_str());
        match (why, step_up.max_age) {
            (SignInFirst::NotSignedIn | SignInFirst::Passkey, _) if step_up.passkey => {
                query.append_pair("method", "passkey");
            }
            (SignInFirst::TooOld, Some(max_age)) => {
                query.append_pair("max_age", &max_age.to_string());
            }
            _ => {}
        }
    }
    url
}

fn refused(reason: &'static str) -> Response {
    (StatusCode::BAD_REQUEST, format!("{reason}\n")).into_response()
}

/// Only a trusted proxy may tell what the original request was.
fn trusted(state: &AppState, parts: &Parts) -> Result<(), &'static str> {
    match request::peer_of(parts) {
        Some(peer) if state.settings.trusted_proxies.trusts(peer) => Ok(()),
        _ => Err("forward-auth answers only the proxies of TRUSTED_PROXIES"),
    }
}

/// The location's step-up, from the endpoint's query: `method=passkey`,
/// `max_age=<seconds>`; other names are left alone.
fn step_up(query: Option<&str>) -> Result<StepUp, &'static str> {
    let mut step_up = StepUp::default();
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match &*name {
            "method" if value == "passkey" => step_up.passkey = true,
            "method" => return Err("method: only passkey is a step-up"),
            "max_age" => {
                let seconds = Some(&*value)
                    .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|v| v.parse().ok())
                    .ok_or("max_age: whole seconds, 0 to 4294967295")?;
                step_up.max_age = Some(seconds);
            }
            _ => {}
        }
    }
    Ok(step_up)
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn method_of(value: Option<&str>, missing: &'static str) -> Result<Method, &'static str> {
    Method::from_bytes(value.ok_or(missing)?.as_bytes()).map_err(|_| missing)
}

/// nginx's original request: `X-Original-URL` (an absolute http(s) URL without
/// user or password) and `X-Original-Method`.
fn auth_request_original(headers: &HeaderMap) -> Result<Original, &'static str> {
    const URL: &str = "X-Original-URL: an absolute http or https URL";
    let url = header_text(headers, "x-original-url")
        .and_then(|text| Url::parse(text).ok())
        .filter(is_site_url)
        .ok_or(URL)?;
    let method = method_of(
        header_text(headers, "x-original-method"),
        "X-Original-Method: the original request's method",
    )?;
    Ok(Original { url, method })
}

/// Caddy's and Traefik's original request: `X-Forwarded-Proto` (http or https),
/// `-Host` (a host and port), `-Uri` (a path and query), `-Method`.
fn forward_auth_original(headers: &HeaderMap) -> Result<Original, &'static str> {
    let proto = header_text(headers, "x-forwarded-proto")
        .filter(|proto| matches!(*proto, "http" | "https"))
        .ok_or("X-Forwarded-Proto: http or https")?;
    let host = header_text(headers, "x-forwarded-host")
        .filter(|host| !host.is_empty() && !host.contains(['/', '\\', '@', '?', '#', ' ']))
        .ok_or("X-Forwarded-Host: the original host")?;
    let uri = header_text(headers, "x-forwarded-uri")
        .filter(|uri| uri.starts_with('/'))
        .ok_or("X-Forwarded-Uri: the original path and query")?;
    let url = Url::parse(&format!("{proto}://{host}{uri}"))
        .ok()
        .filter(is_site_url)
        .ok_or("X-Forwarded-Host and -Uri: they make no URL")?;
    let method = method_of(
        header_text(headers, "x-forwarded-method"),
        "X-Forwarded-Method: the original request's method",
    )?;
    Ok(Original { url, method })
}

/// An http(s) URL of a host, without a user or password.
fn is_site_url(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
        && url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none()
}

/// A browser's page load, which a redirect serves: it accepts `text/html` and is
/// no XHR (Authelia's rule).
fn is_page_request(headers: &HeaderMap) -> bool {
    let accepts_html = header_text(headers, "accept")
        .is_some_and(|accept| accept.to_ascii_lowercase().contains("text/html"));
    let xhr = header_text(headers, "x-requested-with")
        .is_some_and(|with| with.eq_ignore_ascii_case("XMLHttpRequest"));
    accepts_html && !xhr
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                HeaderName::from_static(name),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        map
    }

    #[test]
    fn step_ups_are_read_strictly() {
        assert_eq!(step_up(None), Ok(StepUp::default()));
        assert_eq!(step_up(Some("other=1")), Ok(StepUp::default()));
        assert_eq!(
            step_up(Some("method=passkey&max_age=300")),
            Ok(StepUp {
                passkey: true,
                max_age: Some(300)
            })
        );
        assert_eq!(step_up(Some("max_age=0")).map(|s| s.max_age), Ok(Some(0)));
        for bad in [
            "method=sms",
            "method=",
            "max_age=",
            "max_age=-1",
            "max_age=+5",
            "max_age=1.5",
            "max_age=4294967296",
            "max_age=%201",
        ] {
            assert!(step_up(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn nginx_names_the_original_url_and_method() {
        let original = auth_request_original(&headers(&[
            ("x-original-url", "https://app.example.ru/orders?id=5"),
            ("x-original-method", "POST"),
        ]))
        .expect("original");
        assert_eq!(original.url.as_str(), "https://app.example.ru/orders?id=5");
        assert_eq!(original.method, Method::POST);
        for url in [
            "/orders",
            "app.example.ru/orders",
            "javascript:alert(1)",
            "ftp://app.example.ru/",
            "https://user:pass@app.example.ru/",
            "https://user@app.example.ru/",
        ] {
            assert!(
                auth_request_original(&headers(&[
                    ("x-original-url", url),
                    ("x-original-method", "GET"),
                ]))
                .is_err(),
                "{url}"
            );
        }
        assert!(
            auth_request_original(&headers(&[("x-original-url", "https://app.example.ru/")]))
                .is_err()
        );
        assert!(auth_request_original(&headers(&[
            ("x-original-url", "https://app.example.ru/"),
            ("x-original-method", "G E T"),
        ]))
        .is_err());
    }

    #[test]
    fn caddy_and_traefik_name_the_parts_of_the_original_request() {
        let of = |proto: &str, host: &str, uri: &str| {
            forward_auth_original(&headers(&[
                ("x-forwarded-proto", proto),
                ("x-forwarded-host", host),
                ("x-forwarded-uri", uri),
                ("x-forwarded-method", "GET"),
            ]))
        };
        let original = of("https", "app.example.ru:8443", "/a/b?c=d").expect("original");
        assert_eq!(original.url.as_str(), "https://app.example.ru:8443/a/b?c=d");
        assert_eq!(
            of("http", "localhost", "/").map(|o| o.url.to_string()),
            Ok("http://localhost/".to_owned())
        );
        for (proto, host, uri) in [
            ("ftp", "app.example.ru", "/"),
            ("https", "", "/"),
            ("https", "evil.example@app.example.ru", "/"),
            ("https", "app.example.ru/x", "/"),
            ("https", "app.example.ru", "orders"),
            ("https", "app.example.ru", ""),
            ("https", "app example.ru", "/"),
        ] {
            assert!(of(proto, host, uri).is_err(), "{proto} {host} {uri}");
        }
        assert!(forward_auth_original(&headers(&[
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "app.example.ru"),
            ("x-forwarded-uri", "/"),
        ]))
        .is_err());
    }

    #[test]
    fn only_a_browsers_page_load_is_redirected() {
        let html = "text/html,application/xhtml+xml,*/*;q=0.8";
        assert!(is_page_request(&headers(&[("accept", html)])));
        assert!(!is_page_request(&headers(&[
            ("accept", html),
            ("x-requested-with", "XMLHttpRequest")
        ])));
        assert!(!is_page_request(&headers(&[(
            "accept",
            "application/json"
        )])));
        assert!(!is_page_request(&headers(&[("accept", "*/*")])));
        assert!(!is_page_request(&headers(&[])));
    }
}
