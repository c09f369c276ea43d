//! The compiled front end under `/pkg`: served precompressed (brotli, gzip) when the
//! build made `.br`/`.gz` files, and cached for good when file names carry hashes.
//! Files without a precompressed twin are compressed as they go out by the edge's
//! compression, as pages are (a release built without `--precompress` would
//! otherwise ship its wasm raw, three times the bytes).

use axum::Router;
use http::{header, HeaderValue};
use leptos::config::LeptosOptions;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

pub fn pkg_router<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let route = options.site_pkg_dir_route_base();
    let folder = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let cache = if options.hash_files {
        // A changed file gets a new name.
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Router::new().nest_service(
        route.trim_end_matches('/'),
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache),
            ))
            .service(
                ServeDir::new(folder)
                    .precompressed_br()
                    .precompressed_gzip(),
            ),
    )
}
