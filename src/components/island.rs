//! The islands: the parts of a page that run in the browser. The rest of a page is
//! the server's HTML alone, and its code is never sent. Each island begins with
//! [`enter`]; the browser's `hydrate` calls [`await_islands`].

use leptos::prelude::*;

use crate::i18n::Lang;

/// Whether this island runs in the browser yet: false on the server and while
/// hydrating (so the browser renders what the server did), true right after.
#[derive(Clone, Copy)]
struct Hydrated(ReadSignal<bool>);

/// Begins an island. In the browser an island sees none of the context the server's
/// `App` provided, so it provides its own: the page's language, and whether it is
/// hydrated yet.
pub fn enter() {
    provide_context(Lang::of_page());
    let (hydrated, set_hydrated) = signal(false);
    // Effects run only in the browser, once the island's hydration is done.
    Effect::new(move |_| {
        set_hydrated.set(true);
        #[cfg(feature = "hydrate")]
        browser::one_hydrated();
    });
    provide_context(Hydrated(hydrated));
}

/// Whether the island runs in the browser yet (see [`Hydrated`]).
pub fn is_hydrated() -> bool {
    use_context::<Hydrated>().is_some_and(|h| h.0.get())
}

#[cfg(feature = "hydrate")]
pub use browser::await_islands;

/// `data-hydrated` on `<body>` once every island of the page is hydrated: the
/// end-to-end tests wait for it.
#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;

    thread_local! {
        static WAITING: Cell<u32> = const { Cell::new(0) };
    }

    /// Counts the page's islands. `hydrate` calls it before Leptos' script hydrates
    /// them; a page without islands is hydrated at once.
    pub fn await_islands() {
        let count = leptos::prelude::document()
            .query_selector_all("leptos-island")
            .map_or(0, |islands| islands.length());
        WAITING.set(count);
        if count == 0 {
            mark_body();
        }
    }

    pub(super) fn one_hydrated() {
        let left = WAITING.get().saturating_sub(1);
        WAITING.set(left);
        if left == 0 {
            mark_body();
        }
    }

    fn mark_body() {
        if let Some(body) = leptos::prelude::document().body() {
            let _ = body.set_attribute("data-hydrated", "");
        }
    }
}
