use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::Title;

use crate::components::{island, passkey_sign_in::PasskeySignIn};
#[cfg(feature = "ssr")]
use crate::components::text::use_texts;

/// `/`: what the service is, and the way in: the phone form's link, and once the
/// page runs in a browser that can, a passkey at one tap. A person a protected site
/// sent here (`/?rd=…`) returns there after either.
#[cfg(feature = "ssr")]
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
            <StartPasskey/>
        </section>
    }
}

/// The start page's island: the passkey button alone (the page has no phone field to
/// offer passkeys in). With JavaScript off it renders nothing.
#[island]
fn StartPasskey() -> impl IntoView {
    island::enter();
    view! { <PasskeySignIn/> }
}
