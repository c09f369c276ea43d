//! The account's sessions, on the account page.

use leptos::prelude::*;

use crate::{
    api::account::{sessions, EndOtherSessions, EndSession, NotMe, SessionView},
    components::{
        alert::{ActionAlert, Alert},
        credit::GeoIpCredit,
        moment::Moment,
        text::use_texts,
    },
};

/// What a session's buttons do.
#[derive(Clone, Copy)]
struct SessionActions {
    end: ServerAction<EndSession>,
    not_me: ServerAction<NotMe>,
}

/// The account's sessions: each with "end", the others with "not me" too, and "end
/// all other sessions". With JavaScript on, the list is fetched again after each
/// action and updated in place: a `Transition` keeps the old list until the new one
/// is there, so nothing flashes.
#[component]
pub fn Sessions() -> impl IntoView {
    let t = use_texts();
    let actions = SessionActions {
        end: ServerAction::<EndSession>::new(),
        not_me: ServerAction::<NotMe>::new(),
    };
    let end_others = ServerAction::<EndOtherSessions>::new();
    let list = Resource::new(
        move || {
            (
                actions.end.version().get(),
                actions.not_me.version().get(),
                end_others.version().get(),
            )
        },
        |_| sessions(),
    );
    let disowned = move || matches!(actions.not_me.value().get(), Some(Ok(())));
    view! {
        <section class="card sessions">
            <h2>{t.sessions_title}</h2>
            <ActionAlert result=actions.end.value().into()/>
            <ActionAlert result=actions.not_me.value().into()/>
            <ActionAlert result=end_others.value().into()/>
            <Show when=disowned>
                <p class="notice" role="status">{t.not_me_done}</p>
            </Show>
            <Transition fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(sessions) => {
                            let others = sessions.iter().any(|s| !s.current);
                            let credit = sessions.iter().any(|s| !s.country.is_empty());
                            view! {
                                <ul class="sessions">
                                    {sessions
                                        .into_iter()
                                        .map(|session| view! { <SessionItem session actions/> })
                                        .collect_view()}
                                </ul>
                                {others.then(|| view! {
                                    <ActionForm action=end_others>
                                        <button type="submit" class="secondary">
                                            {t.sessions_end_others}
                                        </button>
                                    </ActionForm>
                                })}
                                {credit.then(|| view! { <GeoIpCredit/> })}
                            }.into_any()
                        }
                        Err(error) => view! { <Alert error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SessionItem(session: SessionView, actions: SessionActions) -> impl IntoView {
    let t = use_texts();
    let device = if session.device.is_empty() {
        t.unknown_device.to_owned()
    } else {
        session.device
    };
    let handle = session.handle;
    let not_me_handle = handle.clone();
    let is_new = !session.new.is_empty();
    let new = is_new.then_some(session.new);
    view! {
        <li class="session" class:current=session.current class:new=is_new>
            <div>
                <strong class="device">{device}</strong>
                {(!session.country.is_empty()).then(|| view! { " · " <span class="country">{session.country}</span> })}
                {(session.method == "passkey").then(|| view! {
                    " · " <span class="method">{t.session_by_passkey}</span>
                })}
                {session.current.then(|| view! { " · " <em>{t.session_this}</em> })}
                {new.map(|new| view! { " " <span class="badge new">{new}</span> })}
                <p class="hint">
                    {t.session_started} ": " <Moment unix=session.started/> " · "
                    {t.session_last_seen} ": " <Moment unix=session.last_seen/>
                </p>
            </div>
            <div class="session-actions">
                {(!session.current).then(|| view! {
                    <ActionForm action=actions.not_me>
                        <input type="hidden" name="session" value=not_me_handle/>
                        <button type="submit" class="secondary small not-me">{t.session_not_me}</button>
                    </ActionForm>
                })}
                <ActionForm action=actions.end>
                    <input type="hidden" name="session" value=handle/>
                    <button type="submit" class="secondary small">{t.session_end}</button>
                </ActionForm>
            </div>
        </li>
    }
}
