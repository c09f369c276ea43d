use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::activity::{account_activity, ActivityView},
    components::{alert::Alert, text::use_texts},
};

/// `/account/activity`: the account's security events of the last 90 days.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let t = use_texts();
    let data = Resource::new(|| (), |_| account_activity());
    view! {
        <Title text=t.activity_title/>
        <section class="card activity">
            <h1>{t.activity_title}</h1>
            <p class="hint">{t.activity_lead}</p>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(activity) => view! { <Events activity/> }.into_any(),
                        Err(error) => view! { <Alert error/> }.into_any(),
                    }
                })}
            </Suspense>
            <p><a href="/account">{t.back_to_account}</a></p>
        </section>
    }
}

#[component]
fn Events(activity: ActivityView) -> impl IntoView {
    let t = use_texts();
    if activity.events.is_empty() {
        return view! { <p>{t.activity_empty}</p> }.into_any();
    }
    let credit = activity.events.iter().any(|e| e.has_country);
    view! {
        <p class="hint">{t.times_in.replace("{zone}", &activity.zone)}</p>
        <ol class="events">
            {activity
                .events
                .into_iter()
                .map(|event| {
                    let line = if event.place.is_empty() {
                        event.when
                    } else {
                        format!("{} · {}", event.when, event.place)
                    };
                    view! {
                        <li class="event" data-kind=event.kind>
                            <strong>{event.what}</strong>
                            <p class="hint">{line}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        {credit.then(|| view! {
            <p class="hint credit"><a href="https://db-ip.com" rel="noopener">{t.geoip_credit}</a></p>
        })}
    }
    .into_any()
}
