use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::Title;

use crate::{
    api::auth::{pending_code, ResendCode, VerifyCode},
    components::{
        alert::{ActionAlert, Alert},
        challenge, island,
        text::use_texts,
        web_otp,
    },
};

/// `/verify`: the code, "send again" with its countdown, "change number".
#[cfg(feature = "ssr")]
#[component]
pub fn VerifyPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.verify_title/>
        <section class="card">
            <h1>{t.verify_title}</h1>
            <VerifyForms/>
        </section>
    }
}

/// The page's island: where the code went with the countdown (fetched again after
/// each resend), the code's form (filled by WebOTP where the browser can), and
/// "send again" (solving a proof of work when the new code is challenged).
#[island]
fn VerifyForms() -> impl IntoView {
    island::enter();
    let t = use_texts();
    let verify = ServerAction::<VerifyCode>::new();
    let resend = ServerAction::<ResendCode>::new();
    // Fetched again after each resend, for the new countdown.
    let pending = Resource::new(move || resend.version().get(), |_| pending_code());
    let verify_result = verify.value();
    let code_dead = move || matches!(verify_result.get(), Some(Err(e)) if e.is_dead_code());
    let code_input = NodeRef::<leptos::html::Input>::new();
    let (resend_form, resend_result) = (NodeRef::new(), resend.value().into());
    challenge::solve_when_challenged(resend_result, resend_form);
    // In the browser only: effects do not run on the server.
    Effect::new(move |_| web_otp::fill_from_sms(code_input));
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match pending.await {
                    Ok(code) => view! {
                        <p class="sent-to">
                            {t.code_sent_to} " " <strong class="phone">{code.masked_phone}</strong>
                        </p>
                        <Countdown seconds=code.resend_in_secs/>
                    }.into_any(),
                    Err(error) => view! { <Alert error/> }.into_any(),
                }
            })}
        </Suspense>
        <ActionForm action=verify>
            <label for="code">{t.code_label}</label>
            <input
                node_ref=code_input
                id="code"
                name="code"
                type="text"
                autocomplete="one-time-code"
                inputmode="numeric"
                maxlength="9"
                required
                autofocus
                class="code"
            />
            <ActionAlert result=verify.value().into()/>
            <button type="submit" disabled=move || verify.pending().get()>{t.verify_button}</button>
        </ActionForm>
        <ActionForm action=resend node_ref=resend_form attr:class="secondary-actions">
            <ActionAlert result=resend_result/>
            <button type="submit" class="secondary" disabled=move || resend.pending().get()>
                {move || if code_dead() { t.new_code } else { t.resend_button }}
            </button>
            <a href="/signup">{t.change_number}</a>
        </ActionForm>
    }
}

/// "You can ask for a new code in N s", counting down in the browser.
#[component]
fn Countdown(seconds: u32) -> impl IntoView {
    let t = use_texts();
    let left = RwSignal::new(seconds);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || left.update(|s| *s = s.saturating_sub(1)),
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    view! {
        <p class="countdown" aria-live="polite">
            {move || (left.get() > 0).then(|| t.resend_in(left.get()))}
        </p>
    }
}
