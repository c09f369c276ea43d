use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::text::use_texts;

/// `/`: what the service is, and the way in.
#[component]
pub fn StartPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.start_title/>
        <section class="card">
            <h1>{t.start_title}</h1>
            <p class="lead">{t.start_lead}</p>
            <ol class="steps">{t.start_how.map(|step| view! { <li>{step}</li> })}</ol>
            <a class="button" href="/signup">{t.start_cta}</a>
        </section>
    }
}
