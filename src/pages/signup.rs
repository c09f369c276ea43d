use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::Title;

use crate::{
    api::auth::RequestCode,
    components::{
        alert::ActionAlert, challenge, island, passkey_sign_in::PasskeySignIn,
        phone_field::PhoneField, text::use_texts,
    },
};

/// `/signup`: the phone number, and a code sent to it; or a passkey. Sent by a
/// protected site's proxy for a step-up (`method=passkey`, `max_age=…`), it says
/// why it asks.
#[cfg(feature = "ssr")]
#[component]
pub fn SignupPage() -> impl IntoView {
    let t = use_texts();
    let why = leptos_router::hooks::use_query_map().with_untracked(|query| {
        if query.get("method").as_deref() == Some("passkey") {
            Some(t.step_up_passkey)
        } else if query.get("max_age").is_some() {
            Some(t.step_up_again)
        } else {
            None
        }
    });
    view! {
        <Title text=t.signup_title/>
        <section class="card">
            <h1>{t.signup_title}</h1>
            {why.map(|why| view! { <p class="notice step-up" role="status">{why}</p> })}
            <SignupForms/>
        </section>
    }
}

/// The page's island: the phone form (formatting the number as it is typed, showing
/// a refusal in place, solving a proof of work when the code is challenged) and
/// passkey sign-in.
#[island]
fn SignupForms() -> impl IntoView {
    island::enter();
    let t = use_texts();
    let request = ServerAction::<RequestCode>::new();
    let form = NodeRef::new();
    let result = request.value().into();
    challenge::solve_when_challenged(result, form);
    view! {
        <ActionForm action=request node_ref=form>
            <label for="phone">{t.phone_label}</label>
            <PhoneField placeholder="+7 999 123-45-67"/>
            <p id="phone-hint" class="hint">{t.phone_hint}</p>
            <ActionAlert result/>
            <button type="submit" disabled=move || request.pending().get()>{t.send_code}</button>
        </ActionForm>
        <PasskeySignIn autofill=true/>
    }
}
