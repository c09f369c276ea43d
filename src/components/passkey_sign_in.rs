//! "Sign in with a passkey": a button, and on a page with the phone field the
//! passkeys among its autofill suggestions. Part of the sign-in page's island and of
//! the start page's.

use leptos::prelude::*;

use crate::{
    components::{alert::Alert, island::is_hydrated, text::use_texts, webauthn},
    error::AppError,
};

/// "Sign in with a passkey". Shown once the page runs in a browser with WebAuthn, on
/// a site that offers passkeys; a sign-in goes where a sign-in by code would (the
/// server function's redirect: `rd`, else `/account`).
#[component]
pub fn PasskeySignIn(
    /// Also offer the site's passkeys among the phone field's autofill suggestions,
    /// where the browser can (conditional mediation): for a page with the field.
    #[prop(optional)]
    autofill: bool,
) -> impl IntoView {
    let t = use_texts();
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let autofill = autofill.then(|| ceremony::Autofill::start(error));
    let sign_in = move |_| {
        if let Some(autofill) = autofill {
            autofill.stop();
        }
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
