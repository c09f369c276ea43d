//! The account's passkeys, on the account page: the list with rename and remove
//! (plain forms, which work without JavaScript), and "Add a passkey" once the page
//! runs in a browser with WebAuthn. Adding needs a sign-in by SMS code within the
//! last 10 minutes; otherwise the section offers a fresh code first.

use leptos::prelude::*;

use crate::{
    api::{
        account::AccountView,
        auth::RequestCode,
        passkeys::{PasskeyRemove, PasskeyRename, PasskeyView},
    },
    components::{
        alert::{ActionAlert, Alert},
        island::is_hydrated,
        moment::Moment,
        text::use_texts,
        webauthn,
    },
    error::AppError,
};

/// What the passkey section's buttons do; the account is fetched again after each.
#[derive(Clone, Copy)]
pub struct PasskeyActions {
    rename: ServerAction<PasskeyRename>,
    remove: ServerAction<PasskeyRemove>,
    /// The result of the last "Add a passkey".
    added: RwSignal<Option<Result<(), AppError>>>,
    /// Passkeys added so far.
    additions: RwSignal<u32>,
}

impl PasskeyActions {
    pub fn new() -> Self {
        Self {
            rename: ServerAction::new(),
            remove: ServerAction::new(),
            added: RwSignal::new(None),
            additions: RwSignal::new(0),
        }
    }

    /// Changes with each action done.
    pub fn version(self) -> (usize, usize, u32) {
        (
            self.rename.version().get(),
            self.remove.version().get(),
            self.additions.get(),
        )
    }
}

#[component]
pub fn Passkeys(
    data: Resource<Result<AccountView, AppError>>,
    actions: PasskeyActions,
) -> impl IntoView {
    let t = use_texts();
    // Options rather than `into_any()`: each `AnyView` carries every way of rendering
    // its view into the wasm, whether used or not.
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                // Without an account the account card says why; on a site whose
                // origin is an IP address there are no passkeys to speak of.
                data.await.ok().filter(|account| account.passkeys.available).map(|account| {
                    let passkeys = account.passkeys;
                    let empty = passkeys.list.is_empty();
                    view! {
                        <section class="card passkeys">
                            <h2>{t.passkeys_title}</h2>
                            <p class="hint">{t.passkeys_lead}</p>
                            <ActionAlert result=actions.rename.value().into()/>
                            <ActionAlert result=actions.remove.value().into()/>
                            {empty.then(|| view! { <p class="empty">{t.passkeys_empty}</p> })}
                            {(!empty).then(|| view! {
                                <ul class="passkeys">
                                    {passkeys.list
                                        .into_iter()
                                        .map(|passkey| view! { <PasskeyItem passkey actions/> })
                                        .collect_view()}
                                </ul>
                            })}
                            <AddPasskey may_add=passkeys.may_add phone=account.phone actions/>
                        </section>
                    }
                })
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
                    {passkey.last_used.map(|at| view! { <Moment unix=at/> })}
                    {passkey.last_used.is_none().then_some(t.passkey_never_used)}
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
fn AddPasskey(may_add: bool, phone: String, actions: PasskeyActions) -> impl IntoView {
    let t = use_texts();
    let PasskeyActions {
        added, additions, ..
    } = actions;
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
    let phone = StoredValue::new(phone);
    let done = move || matches!(added.get(), Some(Ok(())));
    let error = move || added.get().and_then(Result::err);
    view! {
        <Show when=move || is_hydrated() && webauthn::offered()>
            <Show when=done>
                <p class="notice" role="status">{t.passkey_added}</p>
            </Show>
            {move || error().map(|error| view! { <Alert error/> })}
            {may_add.then(|| view! {
                <button type="button" class="add-passkey" on:click=add disabled=move || busy.get()>
                    {t.passkey_add}
                </button>
            })}
            {(!may_add).then(|| view! {
                <p class="hint fresh">{t.passkey_fresh}</p>
                <ActionForm action=confirm>
                    <input type="hidden" name="phone" value=phone.get_value()/>
                    <ActionAlert result=confirm.value().into()/>
                    <button type="submit" class="secondary">{t.passkey_get_code}</button>
                </ActionForm>
            })}
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
