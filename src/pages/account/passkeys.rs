//! The account's passkeys, on the account page: the list with rename and remove
//! (plain forms, which work without JavaScript), and "Add a passkey" once the page
//! runs in a browser with WebAuthn. Adding needs a sign-in by SMS code within the
//! last 10 minutes; otherwise the section offers a fresh code first.

use leptos::prelude::*;

use crate::{
    api::{
        auth::RequestCode,
        passkeys::{passkey_list, PasskeyRemove, PasskeyRename, PasskeyView},
    },
    components::{
        alert::{ActionAlert, Alert},
        moment::{is_hydrated, Moment},
        text::use_texts,
        webauthn,
    },
    error::AppError,
};

/// What a passkey's forms do.
#[derive(Clone, Copy)]
struct PasskeyActions {
    rename: ServerAction<PasskeyRename>,
    remove: ServerAction<PasskeyRemove>,
}

#[component]
pub fn Passkeys() -> impl IntoView {
    let t = use_texts();
    let actions = PasskeyActions {
        rename: ServerAction::<PasskeyRename>::new(),
        remove: ServerAction::<PasskeyRemove>::new(),
    };
    // The result of the last "Add a passkey"; each success counts, to fetch the list.
    let added = RwSignal::new(None::<Result<(), AppError>>);
    let additions = RwSignal::new(0u32);
    let list = Resource::new(
        move || {
            (
                actions.rename.version().get(),
                actions.remove.version().get(),
                additions.get(),
            )
        },
        |_| passkey_list(),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(view) if view.available => view! {
                        <section class="card passkeys">
                            <h2>{t.passkeys_title}</h2>
                            <p class="hint">{t.passkeys_lead}</p>
                            <ActionAlert result=actions.rename.value().into()/>
                            <ActionAlert result=actions.remove.value().into()/>
                            {if view.passkeys.is_empty() {
                                view! { <p class="empty">{t.passkeys_empty}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="passkeys">
                                        {view.passkeys
                                            .into_iter()
                                            .map(|passkey| view! { <PasskeyItem passkey actions/> })
                                            .collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <AddPasskey may_add=view.may_add phone=view.phone added additions/>
                        </section>
                    }.into_any(),
                    // The site's origin is an IP address: no passkeys to speak of.
                    Ok(_) => ().into_any(),
                    Err(error) => view! { <Alert error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PasskeyItem(passkey: PasskeyView, actions: PasskeyActions) -> impl IntoView {
    let t = use_texts();
    let handle = passkey.handle;
    let rename_handle = handle.clone();
    view! {
        <li class="passkey">
            <div>
                <strong class="name">{passkey.name.clone()}</strong>
                <p class="hint">
                    {t.passkey_created} ": " <Moment unix=passkey.created/> " · "
                    {t.passkey_last_used} ": "
                    {match passkey.last_used {
                        Some(at) => view! { <Moment unix=at/> }.into_any(),
                        None => t.passkey_never_used.into_any(),
                    }}
                </p>
            </div>
            <div class="passkey-actions">
                <details>
                    <summary>{t.passkey_rename}</summary>
                    <ActionForm action=actions.rename>
                        <input type="hidden" name="passkey" value=rename_handle/>
                        <label>
                            {t.passkey_name_label}
                            <input name="name" value=passkey.name maxlength="64" required/>
                        </label>
                        <button type="submit" class="secondary small">{t.passkey_rename}</button>
                    </ActionForm>
                </details>
                <ActionForm action=actions.remove>
                    <input type="hidden" name="passkey" value=handle/>
                    <button type="submit" class="secondary small remove">{t.passkey_remove}</button>
                </ActionForm>
            </div>
        </li>
    }
}

/// "Add a passkey" where the browser can make one; without a recent sign-in by
/// code, a fresh code first (to this account's own number).
#[component]
fn AddPasskey(
    may_add: bool,
    phone: String,
    added: RwSignal<Option<Result<(), AppError>>>,
    additions: RwSignal<u32>,
) -> impl IntoView {
    let t = use_texts();
    let confirm = ServerAction::<RequestCode>::new();
    let busy = RwSignal::new(false);
    let add = move |_| {
        busy.set(true);
        added.set(None);
        ceremony::register(move |result| {
            busy.set(false);
            if result.is_ok() {
                additions.update(|n| *n += 1);
            }
            added.set(Some(result));
        });
    };
    let result = move || match added.get() {
        Some(Ok(())) => Some(view! { <p class="notice" role="status">{t.passkey_added}</p> }.into_any()),
        Some(Err(error)) => Some(view! { <Alert error/> }.into_any()),
        None => None,
    };
    view! {
        <Show when=move || is_hydrated() && webauthn::offered()>
            {result}
            {if may_add {
                view! {
                    <button type="button" class="add-passkey" on:click=add disabled=move || busy.get()>
                        {t.passkey_add}
                    </button>
                }.into_any()
            } else {
                let phone = phone.clone();
                view! {
                    <p class="hint fresh">{t.passkey_fresh}</p>
                    <ActionForm action=confirm>
                        <input type="hidden" name="phone" value=phone/>
                        <ActionAlert result=confirm.value().into()/>
                        <button type="submit" class="secondary">{t.passkey_get_code}</button>
                    </ActionForm>
                }.into_any()
            }}
        </Show>
    }
}

/// Adding a passkey, in the browser.
#[cfg(feature = "hydrate")]
mod ceremony {
    use crate::{
        api::passkeys::{passkey_register_finish, passkey_register_start},
        components::webauthn,
        error::AppError,
    };

    /// Asks the server for options, the authenticator for a passkey, the server to
    /// keep it; `done` gets the result.
    pub fn register(done: impl FnOnce(Result<(), AppError>) + 'static) {
        leptos::task::spawn_local(async move {
            let result = async {
                let options = passkey_register_start().await?;
                let answer = webauthn::create(&options).await?;
                passkey_register_finish(answer).await
            };
            done(result.await);
        });
    }
}

/// The server renders no add button: nothing runs there.
#[cfg(not(feature = "hydrate"))]
mod ceremony {
    use crate::error::AppError;

    pub fn register(_done: impl FnOnce(Result<(), AppError>) + 'static) {}
}
