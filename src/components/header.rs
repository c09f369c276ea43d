use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::text::{use_lang, use_texts};
use crate::i18n::Lang;

/// The site's name and the language switch.
#[component]
pub fn Header() -> impl IntoView {
    let t = use_texts();
    let current = use_lang();
    let location = use_location();
    let links = Lang::ALL
        .into_iter()
        .filter(move |lang| *lang != current)
        .map(|lang| {
            // A full navigation (rel=external): the server sets the cookie and renders anew.
            let href = move || format!("/lang/{}?next={}", lang.code(), location.pathname.get());
            view! {
                <a href=href rel="external" hreflang=lang.code() lang=lang.code()>
                    {lang.texts().language_name}
                </a>
            }
        })
        .collect_view();
    view! {
        <header class="site">
            <a class="brand" href="/">{t.app_name}</a>
            <nav class="languages">{links}</nav>
        </header>
    }
}
