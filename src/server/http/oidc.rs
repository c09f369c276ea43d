//! The OpenID provider's endpoints (docs/oidc.md), mounted when apps are
//! registered (`OIDC_CLIENTS`): the discovery document and the JWKS. They sit
//! outside the edge's cross-site refusal, as apps on other origins call them;
//! browsers' apps may read them from their registered origins only (CORS).

use axum::{
    body::Bytes,
    extract::State,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use http::{header, HeaderValue, Method, StatusCode};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::{
    oidc::{clients::Clients, discovery, DISCOVERY_PATH, JWKS_PATH},
    server::state::AppState,
};

/// The discovery document changes only with a new start; caches may keep it.
const DISCOVERY_CACHE: HeaderValue = HeaderValue::from_static("public, max-age=300");
/// A new key is published `KEY_PUBLISHED_AHEAD_SECS` (120 s) before it signs:
/// a cached JWKS is never older than that.
const JWKS_CACHE: HeaderValue = HeaderValue::from_static("public, max-age=60");

/// The provider's routes; none without registered apps.
pub fn router(state: &AppState) -> Router<AppState> {
    let Some(clients) = &state.settings.oidc_clients else {
        return Router::new();
    };
    let document = match discovery::document(state.settings.public_origin.as_str())
        .map_err(|e| e.to_string())
        .and_then(|document| serde_json::to_vec(&document).map_err(|e| e.to_string()))
    {
        Ok(json) => Bytes::from(json),
        Err(error) => {
            tracing::error!(%error, "OpenID provider: no discovery document; the provider is off");
            return Router::new();
        }
    };
    Router::new()
        .route(
            DISCOVERY_PATH,
            get(move || discovery_answer(document.clone())),
        )
        .route(JWKS_PATH, get(jwks))
        .layer(cors(clients))
}

/// Cross-origin reads for the registered apps' origins alone.
pub fn cors(clients: &Clients) -> CorsLayer {
    let clients = clients.clone();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin
                .to_str()
                .is_ok_and(|origin| clients.is_registered_origin(origin))
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600))
}

async fn discovery_answer(document: Bytes) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, DISCOVERY_CACHE),
        ],
        document,
    )
        .into_response()
}

async fn jwks(State(state): State<AppState>) -> Response {
    match state.oidc_keys.current() {
        Some(keys) => ([(header::CACHE_CONTROL, JWKS_CACHE)], Json(keys.jwks())).into_response(),
        // `start_oidc` loads them before the server listens.
        None => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
