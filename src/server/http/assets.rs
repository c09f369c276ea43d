//! The compiled front end under `/pkg`: served precompressed (brotli, gzip) when the
//! build made `.br`/`.gz` files, compressed as it goes out when it did not (a release
//! built without `--precompress` would otherwise ship its wasm raw, three times the
//! bytes), and cached for good when file names carry hashes.

use axum::Router;
use http::{header, HeaderValue};
use leptos::config::LeptosOptions;
use tower_http::{
    compression::CompressionLayer, services::ServeDir, set_header::SetResponseHeaderLayer,
};

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
            // Leaves alone what ServeDir found precompressed (it has a
            // Content-Encoding); brotli at quality 4, as nginx compresses on the fly.
            .layer(CompressionLayer::new())
            .service(
                ServeDir::new(folder)
                    .precompressed_br()
                    .precompressed_gzip(),
            ),
    )
}
