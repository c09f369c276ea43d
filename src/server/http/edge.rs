//! The HTTP edge: security headers on every answer, the page's Content-Security-Policy
//! with Leptos' per-render nonce, and the refusal of cross-site posts.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
    Router,
};
use http::{header, HeaderName, HeaderValue, Method, StatusCode};
use tower_http::{compression::CompressionLayer, set_header::SetResponseHeaderLayer};

use crate::server::state::AppState;

/// The largest request body accepted: the forms hold a phone number or a code.
pub const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// The policy of everything that is not a page (server function answers, files,
/// redirects): nothing may run, nothing may frame it.
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of a rendered page. Scripts: the site's own files, inline ones only
/// with this render's `nonce` (Leptos' hydration and resource scripts), and wasm
/// compilation. In development `reload` is the address of cargo-leptos' live-reload
/// websocket. Forms post to the site; `returns` are the other sources their answer
/// may redirect to (the sites under `COOKIE_DOMAIN`, for `rd`): a browser holds a
/// form's redirects to `form-action` as well.
pub fn page_csp(nonce: &str, reload: Option<&str>, returns: Option<&str>) -> String {
    let also = |extra: Option<&str>| extra.map_or_else(String::new, |more| format!(" {more}"));
    let (connect, form) = (also(reload), also(returns));
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{connect}; \
         object-src 'none'; base-uri 'none'; form-action 'self'{form}; frame-ancestors 'none'"
    )
}

/// Sets the page's policy on the response being rendered. Called as the page's shell
/// renders (`router::page`), where Leptos has provided this render's nonce.
pub fn set_page_csp(options: &leptos::config::LeptosOptions, returns: Option<&str>) {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    // The browser opens the websocket to the host it loaded the page from.
    let reload = (options.env == leptos::config::Env::DEV)
        .then(|| format!("ws://*:{}", options.reload_port));
    if let Ok(value) = HeaderValue::from_str(&page_csp(&nonce, reload.as_deref(), returns)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// `Cache-Control: no-store`, for an answer that may hold personal data (the account,
/// the pending code, captured SMS): no cache may keep it, redirects and errors
/// included. Routes declare it where they are declared: pages in the route table
/// (`app.rs`), server functions all at once (`RequestContext::run`), others with
/// [`private`] on their route.
pub const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");

/// The layer of a route whose answers are private ([`NO_STORE`]).
pub fn private() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, NO_STORE)
}

/// Adds the headers every answer carries, unless a handler set its own.
pub fn with_security_headers<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    https: bool,
) -> Router<S> {
    let headers: [(HeaderName, &'static str); 5] = [
        (header::CONTENT_SECURITY_POLICY, DEFAULT_CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    let mut router = router;
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    if https {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ));
    }
    router
}

/// Compresses the answers made for each request (pages, server functions' JSON) with
/// gzip at its fastest level, for a client that accepts it, with
/// `Vary: Accept-Encoding`. Measured on `/signup` (3,806 B) with wrk at 64
/// connections, against the page uncompressed: brotli at quality 4 makes 1,697 B at
/// 0.61× the rate (its encoder sets up a large window for every answer), gzip's
/// default level 1,767 B at 0.72×, its fastest 1,930 B at 0.82×. The front end's
/// files are compressed by `assets::pkg_router` (brotli first); what is already
/// encoded passes as it is, and so do answers under 32 bytes.
/// No answer holds a secret that its compressed size could leak (BREACH): session
/// and code ids travel in cookies only, and a page's nonce is new at every render.
pub fn compression() -> CompressionLayer {
    CompressionLayer::new()
        .no_br()
        .quality(tower_http::CompressionLevel::Fastest)
}

/// Middleware: a state-changing request whose `Origin` (or, without one, `Referer`)
/// is another site is refused with 403 before it reaches a handler. Requests with
/// neither header are not from a browser page and pass.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let headers = request.headers();
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .map(|value| value.to_str().unwrap_or_default());
    match claimed {
        Some(url) if !safe && !state.settings.is_own_origin(url) => {
            tracing::warn!(
                method = %request.method(),
                path = request.uri().path(),
                from = url,
                expected = state.settings.public_origin.as_str(),
                "cross-site request refused (PUBLIC_ORIGIN is the only origin allowed to post)"
            );
            (
                StatusCode::FORBIDDEN,
                "Запрос с другого сайта отклонён. Cross-site request refused.\n",
            )
                .into_response()
        }
        _ => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_allows_only_the_nonce_inline() {
        let csp = page_csp("abc123", None, None);
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("connect-src 'self';"));
        assert!(csp.contains("form-action 'self';"));
        let dev = page_csp("n", Some("ws://*:3001"), None);
        assert!(dev.contains("connect-src 'self' ws://*:3001;"));
        let returning = page_csp("n", None, Some("https://*.example.ru:*"));
        assert!(returning.contains("form-action 'self' https://*.example.ru:*;"));
        assert!(returning.contains("connect-src 'self';"));
    }
}
