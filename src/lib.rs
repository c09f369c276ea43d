//! sms-auth: passwordless sign-in by one-time SMS code.
//!
//! One crate, two builds: `ssr` (the axum server, with every server-only module) and
//! `hydrate` (the browser's WebAssembly). Server functions are never gated: the
//! browser needs their stubs. The browser hydrates islands only, so the app's shell,
//! its routes and the pages' shells around their islands are server-only too.

// A page's view is one nested type: the start page's, with its island, passed the
// default depth (128) when a clean build computed its layout.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod app;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod oidc;
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

/// Called by Leptos' islands script before it hydrates the page's islands.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A server function's redirect (a sign-in's `rd`, or `/account`) is followed by
    // this hook. Leptos sets it only where an `ActionForm` is: an island without one
    // (the start page's passkey button) would stay where it is.
    _ = leptos::server_fn::redirect::set_redirect_hook(|location: &str| {
        _ = leptos::prelude::window().location().set_href(location);
    });
    leptos::mount::hydrate_islands();
    components::island::await_islands();
}
