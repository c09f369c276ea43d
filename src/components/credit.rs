use leptos::prelude::*;

use super::text::use_texts;

/// The credit DB-IP's licence (CC BY 4.0) asks for on pages that show a country
/// from its database.
#[component]
pub fn GeoIpCredit() -> impl IntoView {
    let t = use_texts();
    view! {
        <p class="hint credit"><a href="https://db-ip.com" rel="noopener">{t.geoip_credit}</a></p>
    }
}
