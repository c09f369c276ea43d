//! The apps the account signs in to through the OpenID provider ("connected
//! apps"), on the account page.

use leptos::prelude::*;

use crate::{
    api::{
        account::AccountView,
        oidc::{ConnectedAppView, DisconnectApp},
    },
    components::{alert::ActionAlert, moment::Moment, text::use_texts},
    error::AppError,
};

/// The connected apps (`data`, the account's, fetched again after each
/// `disconnect`), each with its first and last sign-in, whether it knows the
/// phone number, and "disconnect". Shown once the account has signed in to an app
/// (or has just disconnected its last).
#[component]
pub fn ConnectedApps(
    data: Resource<Result<AccountView, AppError>>,
    disconnect: ServerAction<DisconnectApp>,
) -> impl IntoView {
    let t = use_texts();
    let disconnected = move || matches!(disconnect.value().get(), Some(Ok(())));
    // Options rather than `into_any()` (see `Passkeys`). Without an account the
    // account card says why.
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                data.await
                    .ok()
                    .filter(|account| !account.apps.is_empty() || disconnected())
                    .map(|account| view! {
                        <section class="card apps">
                            <h2>{t.apps_title}</h2>
                            <p class="hint">{t.apps_lead}</p>
                            <ActionAlert result=disconnect.value().into()/>
                            <Show when=disconnected>
                                <p class="notice" role="status">{t.app_disconnected}</p>
                            </Show>
                            <ul class="apps">
                                {account.apps
                                    .into_iter()
                                    .map(|app| view! { <AppItem app disconnect/> })
                                    .collect_view()}
                            </ul>
                        </section>
                    })
            })}
        </Transition>
    }
}

#[component]
fn AppItem(app: ConnectedAppView, disconnect: ServerAction<DisconnectApp>) -> impl IntoView {
    let t = use_texts();
    view! {
        <li class="app">
            <div>
                <strong class="app-name">{app.name}</strong>
                {app.phone.then(|| view! { " · " <span class="app-phone">{t.app_learns_phone}</span> })}
                <p class="hint">
                    {t.app_first_sign_in} ": " <Moment unix=app.first/> " · "
                    {t.app_last_sign_in} ": " <Moment unix=app.last/>
                </p>
            </div>
            <ActionForm action=disconnect>
                <input type="hidden" name="app" value=app.app/>
                <button type="submit" class="secondary small">{t.app_disconnect}</button>
            </ActionForm>
        </li>
    }
}
