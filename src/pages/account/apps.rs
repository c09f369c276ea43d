//! The apps the account signs in to through the OpenID provider ("connected
//! apps"), on the account page.

use leptos::prelude::*;

use crate::{
    api::oidc::{connected_apps, ConnectedAppView, DisconnectApp},
    components::{
        alert::{ActionAlert, Alert},
        moment::Moment,
        text::use_texts,
    },
};

/// The connected apps, each with its first and last sign-in, whether it knows the
/// phone number, and "disconnect". Shown once the account has signed in to an
/// app (or just disconnected its last). With JavaScript on, the list is fetched
/// again after a disconnect and updated in place.
#[component]
pub fn ConnectedApps() -> impl IntoView {
    let t = use_texts();
    let disconnect = ServerAction::<DisconnectApp>::new();
    let list = Resource::new(move || disconnect.version().get(), |_| connected_apps());
    let disconnected = move || matches!(disconnect.value().get(), Some(Ok(())));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(apps) if apps.is_empty() && !disconnected() => ().into_any(),
                    Ok(apps) => view! {
                        <section class="card apps">
                            <h2>{t.apps_title}</h2>
                            <p class="hint">{t.apps_lead}</p>
                            <ActionAlert result=disconnect.value().into()/>
                            <Show when=disconnected>
                                <p class="notice" role="status">{t.app_disconnected}</p>
                            </Show>
                            <ul class="apps">
                                {apps
                                    .into_iter()
                                    .map(|app| view! { <AppItem app disconnect/> })
                                    .collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                    Err(error) => view! {
                        <section class="card apps"><Alert error/></section>
                    }.into_any(),
                }
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
