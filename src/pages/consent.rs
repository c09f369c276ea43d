use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::oidc::consent_screen,
    components::{alert::Alert, text::use_texts},
};

/// `/oidc/consent?<an authorization request>`: an app asks to know the person
/// ("Grafana will learn your phone number"): allow or deny. The authorization
/// sends the person here the first time an account meets an app, or when the app
/// asks again (`prompt=consent`). A plain form, the same with JavaScript on or
/// off; its answer posts to `/oidc/consent`.
#[component]
pub fn ConsentPage() -> impl IntoView {
    let t = use_texts();
    let query = use_context::<http::request::Parts>()
        .and_then(|parts| parts.uri.query().map(str::to_owned))
        .unwrap_or_default();
    let screen = Resource::new(|| (), move |_| consent_screen(query.clone()));
    view! {
        <Title text=t.consent_title/>
        <section class="card">
            <h1>{t.consent_title}</h1>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match screen.await {
                        Ok(screen) => view! { <ConsentForm screen/> }.into_any(),
                        Err(error) => view! { <Alert error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ConsentForm(screen: crate::api::oidc::ConsentPrompt) -> impl IntoView {
    let t = use_texts();
    let learns = if screen.phone {
        t.consent_learns_phone
    } else {
        t.consent_learns_id
    };
    view! {
        <p class="lead"><strong class="app-name">{screen.app_name}</strong> " " {learns}</p>
        {screen.offline.then(|| view! { <p>{t.consent_offline}</p> })}
        <form method="post" action="/oidc/consent">
            {screen
                .fields
                .into_iter()
                .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
                .collect_view()}
            <button type="submit" name="answer" value="allow">{t.consent_allow}</button>
            <button type="submit" name="answer" value="deny" class="secondary">
                {t.consent_deny}
            </button>
        </form>
    }
}
