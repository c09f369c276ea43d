//! Where a sign-in returns to: the page a protected site's proxy sent the person
//! from (forward-auth's `rd`, on `/signup?rd=…`, or `/?rd=…` for a site that links
//! the start page). It is remembered in the `rd` cookie when that page is asked
//! for, so it survives every step after it, with JavaScript on or off and with
//! nothing in the pages: the code, "send again", "change number", a passkey. Once
//! the browser is signed in, it is followed (and forgotten) only where
//! `PublicOrigin::return_to` allows; anything else goes to `/account`.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{header, Method};
use url::Url;

use crate::server::{
    http::{cookies, request::RequestContext},
    state::AppState,
};

pub const RETURN_COOKIE: &str = "rd";

/// How long a sign-in may take before its `rd` is forgotten.
const REMEMBER_SECS: i64 = 1800;

/// Where a signed-in browser goes when it has nowhere to return to.
const ACCOUNT: &str = "/account";

/// The pages a sign-in begins at: the start page (its passkey button) and the
/// sign-in page.
const SIGN_IN_PAGES: [&str; 2] = ["/", "/signup"];

/// Middleware: a `GET` of a sign-in page with an `rd` that may be returned to
/// remembers it.
pub async fn remember(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let rd = (request.method() == Method::GET && SIGN_IN_PAGES.contains(&path))
        .then(|| request.uri().query())
        .flatten()
        .and_then(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(name, _)| name == "rd")
                .map(|(_, value)| value.into_owned())
        })
        .and_then(|rd| allowed(&state, &rd));
    let mut response = next.run(request).await;
    if let Some(url) = rd {
        let https = state.settings.public_origin.is_https();
        if let Some(cookie) =
            cookies::set_cookie(RETURN_COOKIE, url.as_str(), REMEMBER_SECS, https, None)
        {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

/// The longest `rd` remembered: a cookie holds 4 KB at most.
const MAX_LEN: usize = 2048;

/// `rd` as the URL to return to, if the site may send a browser there.
fn allowed(state: &AppState, rd: &str) -> Option<Url> {
    let settings = &state.settings;
    settings
        .public_origin
        .return_to(rd, settings.cookie_domain.as_ref())
        .filter(|url| !rd.is_empty() && url.as_str().len() <= MAX_LEN)
}

impl RequestContext {
    /// Where a browser that signed out goes: `rd` if it may return there, else the
    /// start page.
    pub fn after_sign_out(&self, rd: &str) -> String {
        allowed(&self.state, rd).map_or_else(|| "/".to_owned(), String::from)
    }

    /// Where the browser this request signed in goes: the page it was sent from, if
    /// it remembers one that may be returned to, else `/account`. The memory is
    /// spent either way.
    pub fn after_sign_in(&self) -> String {
        let Some(rd) = self.cookie(RETURN_COOKIE) else {
            return ACCOUNT.to_owned();
        };
        self.clear_cookie(RETURN_COOKIE);
        allowed(&self.state, &rd).map_or_else(|| ACCOUNT.to_owned(), String::from)
    }
}
