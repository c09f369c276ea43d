//! The axum router: Leptos pages and server functions, the language switch, the
//! development outbox and static files.

use axum::{routing::get, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::trace::TraceLayer;

use super::{dev_outbox, language, state::AppState};
use crate::app::{shell, App};

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = state.clone();
    let options = state.leptos_options.clone();
    let mut router = Router::new()
        .route("/lang/{code}", get(language::switch))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context.clone()),
            move || shell(options.clone()),
        );
    if state.settings.dev_outbox {
        router = router.route("/dev/outbox", get(dev_outbox::page));
    }
    router
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
