//! sms-auth: passwordless sign-in by one-time SMS code.
//!
//! One crate, two builds: `ssr` (the axum server, with every server-only module) and
//! `hydrate` (the browser's WebAssembly). Server functions are never gated: the
//! browser needs their stubs.

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod otp;
#[cfg(feature = "ssr")]
pub mod phone;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod sms;
#[cfg(feature = "ssr")]
pub mod store;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // As `leptos::mount::hydrate_lazy` (a lazy route's view may be a chunk still to
    // load), then: the page is hydrated. `data-hydrated` marks it for end-to-end tests
    // and styles.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        components::moment::mark_hydrated();
        let _ = body.set_attribute("data-hydrated", "");
    });
}
