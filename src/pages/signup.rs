use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::Title;

use crate::{
    api::auth::RequestCode,
    components::{
        alert::{ActionAlert, Alert},
        challenge,
        island::{self, is_hydrated},
        phone_field::PhoneField,
        text::use_texts,
        webauthn,
    },
    error::AppError,
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
        <PasskeySignIn/>
    }
}

/// "Sign in with a passkey", and the passkeys among the phone field's autofill
/// suggestions where the browser can (conditional mediation). Shown once the page
/// runs in a browser with WebAuthn, on a site that offers passkeys; a sign-in goes
/// to `/account` (the server function's redirect).
#[component]
fn PasskeySignIn() -> impl IntoView {
    let t = use_texts();
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let autofill = ceremony::Autofill::start(error);
    let sign_in = move |_| {
        autofill.stop();
        busy.set(true);
        error.set(None);
        ceremony::modal(move |result| {
            busy.set(false);
            error.set(result.err());
        });
    };
    view! {
        <Show when=move || is_hydrated() && webauthn::offered()>
            <div class="passkey-sign-in">
                <p class="or">{t.or}</p>
                <button type="button" class="secondary" on:click=sign_in disabled=move || busy.get()>
                    {t.sign_in_passkey}
                </button>
                {move || error.get().map(|error| view! { <Alert error/> })}
            </div>
        </Show>
    }
}

/// The sign-in ceremonies, in the browser.
#[cfg(feature = "hydrate")]
mod ceremony {
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;

    use crate::{
        api::passkeys::{passkey_login_finish, passkey_login_start},
        components::webauthn::{self, Mediation},
        error::AppError,
    };

    async fn sign_in(
        mediation: Mediation,
        abort: Option<&web_sys::AbortSignal>,
    ) -> Result<(), AppError> {
        let options = passkey_login_start().await?;
        let answer = webauthn::get(&options, mediation, abort).await?;
        passkey_login_finish(answer).await
    }

    /// A sign-in in the browser's dialog; `done` gets its result.
    pub fn modal(done: impl FnOnce(Result<(), AppError>) + 'static) {
        leptos::task::spawn_local(async move { done(sign_in(Mediation::Modal, None).await) });
    }

    /// The autofill request pending while the page lives; the button stops it.
    #[derive(Clone, Copy)]
    pub struct Autofill(StoredValue<Option<SendWrapper<web_sys::AbortController>>>);

    impl Autofill {
        /// Offers the site's passkeys among the phone field's suggestions, once the
        /// page is hydrated, where the browser can.
        pub fn start(error: RwSignal<Option<AppError>>) -> Self {
            let controller = StoredValue::new(None);
            Effect::new(move |_| {
                if !webauthn::offered() {
                    return;
                }
                leptos::task::spawn_local(async move {
                    if !webauthn::autofill_available().await {
                        return;
                    }
                    let Ok(abort) = web_sys::AbortController::new() else {
                        return;
                    };
                    let signal = abort.signal();
                    controller.set_value(Some(SendWrapper::new(abort)));
                    match sign_in(Mediation::Autofill, Some(&signal)).await {
                        // Closed, or stopped for the button: nothing to say.
                        Ok(()) | Err(AppError::PasskeyCancelled) => {}
                        Err(refused) => error.set(Some(refused)),
                    }
                });
            });
            let autofill = Self(controller);
            on_cleanup(move || autofill.stop());
            autofill
        }

        pub fn stop(self) {
            if let Some(Some(abort)) = self.0.try_get_value() {
                abort.abort();
            }
        }
    }
}

/// The server renders no passkey button: nothing runs there.
#[cfg(not(feature = "hydrate"))]
mod ceremony {
    use leptos::prelude::RwSignal;

    use crate::error::AppError;

    pub fn modal(_done: impl FnOnce(Result<(), AppError>) + 'static) {}

    #[derive(Clone, Copy)]
    pub struct Autofill;

    impl Autofill {
        pub fn start(_error: RwSignal<Option<AppError>>) -> Self {
            Self
        }

        pub fn stop(self) {}
    }
}
