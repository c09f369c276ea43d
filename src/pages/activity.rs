use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::Title;

use crate::{
    api::activity::{account_activity, EventView},
    components::{
        alert::Alert,
        credit::GeoIpCredit,
        island,
        moment::{Moment, ZoneNote},
        text::use_texts,
    },
};

/// `/account/activity`: the account's security events of the last 90 days.
#[cfg(feature = "ssr")]
#[component]
pub fn ActivityPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.activity_title/>
        <section class="card activity">
            <h1>{t.activity_title}</h1>
            <p class="hint">{t.activity_lead}</p>
            <ActivityList/>
            <p><a href="/account">{t.back_to_account}</a></p>
        </section>
    }
}

/// The page's island: the events, whose times are told in the browser's zone once
/// hydrated. A lazy island, as the account's.
#[island(lazy)]
fn ActivityList() -> impl IntoView {
    island::enter();
    let t = use_texts();
    let data = Resource::new(|| (), |_| account_activity());
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(events) => view! { <Events events/> }.into_any(),
                    Err(error) => view! { <Alert error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Events(events: Vec<EventView>) -> impl IntoView {
    let t = use_texts();
    if events.is_empty() {
        return view! { <p>{t.activity_empty}</p> }.into_any();
    }
    let credit = events.iter().any(|e| e.has_country);
    view! {
        <ZoneNote/>
        <ol class="events">
            {events
                .into_iter()
                .map(|event| {
                    let place = (!event.place.is_empty()).then(|| format!(" · {}", event.place));
                    view! {
                        <li class="event" data-kind=event.kind>
                            <strong>{event.what}</strong>
                            <p class="hint"><Moment unix=event.at/>{place}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        {credit.then(|| view! { <GeoIpCredit/> })}
    }
    .into_any()
}
