use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::Title;

use crate::{
    api::{
        account::{account, SignOut},
        oidc::DisconnectApp,
    },
    components::{
        alert::{ActionAlert, Alert},
        island,
        moment::{Moment, ZoneNote},
        text::use_texts,
    },
};

mod apps;
mod passkeys;
mod sessions;

use apps::ConnectedApps;
use passkeys::{PasskeyActions, Passkeys};
use sessions::Sessions;

/// `/account`: the signed-in person's own data and sign-out, their passkeys, their
/// sessions, and the apps they sign in to.
#[cfg(feature = "ssr")]
#[component]
pub fn AccountPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.account_title/>
        <AccountScreen/>
    }
}

/// The page's island, all of it: its times are told in the browser's zone, its
/// lists update in place. A lazy island: built with `--split` (as every build must
/// be), its code is a chunk of its own, which a visit to the sign-in pages never
/// downloads.
#[island(lazy)]
fn AccountScreen() -> impl IntoView {
    island::enter();
    let t = use_texts();
    let sign_out = ServerAction::<SignOut>::new();
    // The account, its passkeys and connected apps: fetched again after each
    // passkey action or disconnect, the old data kept on screen meanwhile (a
    // `Transition`).
    let passkey_actions = PasskeyActions::new();
    let disconnect = ServerAction::<DisconnectApp>::new();
    let data = Resource::new(
        move || (passkey_actions.version(), disconnect.version().get()),
        |_| account(),
    );
    view! {
        <section class="card">
            <h1>{t.account_title}</h1>
            <Transition fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(account) => view! {
                            <dl class="account">
                                <dt>{t.account_phone}</dt>
                                <dd class="phone">{account.phone}</dd>
                                <dt>{t.account_number}</dt>
                                <dd class="account-number">{account.account_number}</dd>
                                <dt>{t.member_since}</dt>
                                <dd><Moment unix=account.member_since/></dd>
                                <dt>{t.last_sign_in}</dt>
                                <dd><Moment unix=account.last_sign_in/></dd>
                            </dl>
                        }.into_any(),
                        Err(error) => view! { <Alert error/> }.into_any(),
                    }
                })}
            </Transition>
            <ZoneNote/>
            <p><a href="/account/activity">{t.activity_link}</a></p>
            <ActionForm action=sign_out>
                <ActionAlert result=sign_out.value().into()/>
                <button type="submit" class="secondary">{t.sign_out}</button>
            </ActionForm>
        </section>
        <Passkeys data actions=passkey_actions/>
        <Sessions/>
        <ConnectedApps data disconnect/>
    }
}
