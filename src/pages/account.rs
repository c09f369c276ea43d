use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::account::{account, sessions, EndSession, SessionView, SignOut},
    components::{
        alert::{ActionAlert, Alert},
        text::use_texts,
    },
};

/// `/account`: the signed-in person's own data, and sign-out.
#[component]
pub fn AccountPage() -> impl IntoView {
    let t = use_texts();
    let sign_out = ServerAction::<SignOut>::new();
    let data = Resource::new(|| (), |_| account());
    view! {
        <Title text=t.account_title/>
        <section class="card">
            <h1>{t.account_title}</h1>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(account) => view! {
                            <dl class="account">
                                <dt>{t.account_phone}</dt>
                                <dd class="phone">{account.phone}</dd>
                                <dt>{t.account_number}</dt>
                                <dd class="account-number">{account.account_number}</dd>
                                <dt>{t.member_since}</dt>
                                <dd>{account.member_since}</dd>
                                <dt>{t.last_sign_in}</dt>
                                <dd>{account.last_sign_in}</dd>
                            </dl>
                        }.into_any(),
                        Err(error) => view! { <Alert error/> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/account/activity">{t.activity_link}</a></p>
            <ActionForm action=sign_out>
                <ActionAlert result=sign_out.value().into()/>
                <button type="submit" class="secondary">{t.sign_out}</button>
            </ActionForm>
        </section>
        <Sessions/>
    }
}

/// The account's sessions, each with a button that ends it.
#[component]
fn Sessions() -> impl IntoView {
    let t = use_texts();
    let end = ServerAction::<EndSession>::new();
    // Listed again after each ended session.
    let list = Resource::new(move || end.version().get(), |_| sessions());
    view! {
        <section class="card sessions">
            <h2>{t.sessions_title}</h2>
            <ActionAlert result=end.value().into()/>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(sessions) => view! {
                            <ul class="sessions">
                                {sessions
                                    .into_iter()
                                    .map(|session| view! { <SessionItem session end/> })
                                    .collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <Alert error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SessionItem(session: SessionView, end: ServerAction<EndSession>) -> impl IntoView {
    let t = use_texts();
    let device = if session.device.is_empty() {
        t.unknown_device.to_owned()
    } else {
        session.device
    };
    view! {
        <li class="session" class:current=session.current>
            <div>
                <strong>{device}</strong>
                {session.current.then(|| view! { " · " <em>{t.session_this}</em> })}
                <p class="hint">
                    {t.session_started} ": " {session.started} " · "
                    {t.session_last_seen} ": " {session.last_seen}
                </p>
            </div>
            <ActionForm action=end>
                <input type="hidden" name="session" value=session.handle/>
                <button type="submit" class="secondary small">{t.session_end}</button>
            </ActionForm>
        </li>
    }
}
