//! The HTML shell and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    components::{header::Header, text::use_texts, webauthn},
    i18n::Lang,
    pages::{
        account::AccountPage, activity::ActivityPage, consent::ConsentPage, signout::SignOutPage, signup::SignupPage,
        start::StartPage, verify::VerifyPage,
    },
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = Lang::of_page();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code() data-passkeys=if webauthn::offered() { "on" } else { "off" }>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet id="leptos" options=options.clone()/>
                <AutoReload options=options.clone()/>
                // Islands: only the parts of a page that run in the browser are
                // hydrated, and only their code is sent (see `components::island`).
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(Lang::of_page());
    let t = use_texts();
    view! {
        <Title formatter=move |page: String| format!("{page} · {}", t.app_name)/>
        // What search engines show under the title: the start page's lead.
        <Meta name="description" content=t.start_lead/>
        <Router>
            <Header/>
            <main>
                <Routes fallback=move || view! { <p class="card" role="alert">{t.not_found}</p> }>
                    <Route path=path!("/") view=StartPage/>
                    <Route path=path!("/signup") view=SignupPage/>
                    <Route path=path!("/signout") view=private(SignOutPage)/>
                    <Route path=path!("/oidc/consent") view=private(ConsentPage) ssr=SsrMode::Async/>
                    <Route path=path!("/verify") view=private(VerifyPage) ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=private(AccountPage) ssr=SsrMode::Async/>
                    <Route
                        path=path!("/account/activity")
                        view=private(ActivityPage)
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
        </Router>
    }
}

/// A screen that shows what belongs to one browser (the pending code, the account):
/// no cache may keep its answers, its redirects included. Declared with the route;
/// the server functions a screen calls make it private too (`RequestContext::run`),
/// but the route says so before any of them runs.
fn private<F, V>(screen: F) -> impl Fn() -> V + Clone + Send + 'static
where
    F: Fn() -> V + Clone + Send + 'static,
    V: IntoView + 'static,
{
    move || {
        #[cfg(feature = "ssr")]
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.insert_header(
                http::header::CACHE_CONTROL,
                http::HeaderValue::from_static("no-store"),
            );
        }
        screen()
    }
}
