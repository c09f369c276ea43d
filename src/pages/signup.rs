use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::auth::RequestCode,
    components::{alert::ActionAlert, phone_field::PhoneField, text::use_texts},
};

/// `/signup`: the phone number, and a code sent to it.
#[component]
pub fn SignupPage() -> impl IntoView {
    let t = use_texts();
    let request = ServerAction::<RequestCode>::new();
    view! {
        <Title text=t.signup_title/>
        <section class="card">
            <h1>{t.signup_title}</h1>
            <ActionForm action=request>
                <label for="phone">{t.phone_label}</label>
                <PhoneField placeholder="+7 999 123-45-67"/>
                <p id="phone-hint" class="hint">{t.phone_hint}</p>
                <ActionAlert result=request.value().into()/>
                <button type="submit" disabled=move || request.pending().get()>{t.send_code}</button>
            </ActionForm>
        </section>
    }
}
