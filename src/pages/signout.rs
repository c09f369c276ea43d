use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::text::use_texts;

/// `/signout?rd=…`: where a site behind sms-auth sends a person to sign out. Asking
/// for the page signs nothing out (a link in an e-mail must not): its button posts
/// to `sign_out`, which goes back to `rd` if it may. A plain form, the same with
/// JavaScript on or off.
#[component]
pub fn SignOutPage() -> impl IntoView {
    let t = use_texts();
    let rd = use_query_map().with_untracked(|query| query.get("rd").unwrap_or_default());
    view! {
        <Title text=t.signout_title/>
        <section class="card">
            <h1>{t.signout_title}</h1>
            <p class="lead">{t.signout_lead}</p>
            <form method="post" action="/api/sign_out">
                <input type="hidden" name="rd" value=rd/>
                <button type="submit">{t.sign_out}</button>
            </form>
        </section>
    }
}
