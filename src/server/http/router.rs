//! The axum router: Leptos pages and server functions, the language switch, probes,
//! the development outbox and static files, behind the HTTP edge's layers.

use std::sync::LazyLock;

use axum::{middleware, routing::get, Router};
use http::request::Parts;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::{limit::RequestBodyLimitLayer, trace::TraceLayer};

use crate::server::{
    http::{assets, authz, dev_outbox, edge, language, metrics, oidc, probes, return_to},
    state::AppState,
};
use crate::{
    app::{shell, App},
    components::webauthn::SitePasskeys,
    domain::client::SessionMemo,
};

/// The app's routes, listed once per process. Listing them renders the app with
/// resource loading suppressed by a process-wide flag, and a resource first polled
/// while that flag is up (by a render of another router in the same process, as the
/// tests start one app per test) never loads: its render hangs for good (leptos
/// issue 4773). Listed once, before any router exists, no render can meet the flag.
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

pub fn router(state: AppState) -> Router {
    let routes = ROUTES.clone();
    let context = state.clone();
    let fallback_context = state.clone();
    let options = state.leptos_options.clone();
    let mut router = Router::new()
        .route("/healthz", get(probes::healthz))
        .route("/readyz", get(probes::readyz))
        .route("/metrics", get(probes::metrics))
        .route("/lang/{code}", get(language::switch))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_request_context(&context),
            move || page(options.clone()),
        )
        .merge(assets::pkg_router(&state.leptos_options));
    router = router.merge(oidc::consent_router(&state));
    if state.settings.dev_outbox {
        router = router.route("/dev/outbox", get(dev_outbox::page).layer(edge::private()));
    }
    let router = router
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            move || provide_request_context(&fallback_context), page
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            return_to::remember,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            edge::refuse_cross_site,
        ))
        .layer(RequestBodyLimitLayer::new(edge::BODY_LIMIT_BYTES))
        .merge(authz::router())
        .merge(oidc::router(&state));
    let https = state.settings.public_origin.is_https();
    edge::with_security_headers(router, https)
        .layer(edge::compression())
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// A page: the app's shell, with this render's Content-Security-Policy.
fn page(options: leptos::config::LeptosOptions) -> impl leptos::IntoView {
    let state = use_context::<AppState>();
    let returns = state
        .as_ref()
        .and_then(|state| state.settings.form_returns.as_deref());
    edge::set_page_csp(&options, returns);
    shell(options)
}

/// What every render and server function of a request finds in its context besides
/// what leptos_axum provides: the app state, the language the request chose, and
/// whether the site offers passkeys (for the shared components, which never reach
/// into the server's state).
fn provide_request_context(state: &AppState) {
    provide_context(state.clone());
    provide_context(SitePasskeys(state.settings.passkeys.is_some()));
    if let Some(parts) = use_context::<Parts>() {
        provide_context(language::of_request(&parts));
        // A page render reads the browser's session once, however many of its
        // parts ask; a server function's POST may change it, and reads it anew.
        if parts.method == http::Method::GET {
            provide_context(SessionMemo::for_render());
        }
    }
}
