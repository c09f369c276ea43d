//! Times as the person reads them. On the server, and so without JavaScript, in the
//! language's zone (Moscow time for Russian, UTC for English), and the page says
//! which; once the page is hydrated, in the browser's own time zone.

use leptos::prelude::*;

use super::{island::is_hydrated, text::use_texts};
use crate::i18n::local_time;

/// Seconds east of UTC of the browser's zone at `unix`, summer time included.
#[cfg(feature = "hydrate")]
fn browser_offset(unix: i64) -> Option<i32> {
    #[allow(clippy::cast_precision_loss)] // seconds of this millennium fit an f64
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    #[allow(clippy::cast_possible_truncation)] // whole minutes, at most ±14 hours
    let minutes_west = date.get_timezone_offset() as i32;
    Some(-minutes_west * 60)
}

/// The server has no browser zone.
#[cfg(not(feature = "hydrate"))]
fn browser_offset(_unix: i64) -> Option<i32> {
    None
}

/// `2026-11-26T12:00:00Z`, for `<time datetime>` (RFC 3339, in UTC).
fn iso(unix: i64) -> String {
    local_time(unix, 0)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `26 ноября 2026, 15:00`: `unix` seconds in the person's zone.
#[component]
pub fn Moment(unix: i64) -> impl IntoView {
    let t = use_texts();
    let text = move || {
        let offset = is_hydrated()
            .then(|| browser_offset(unix))
            .flatten()
            .unwrap_or(t.clock_zone.offset_secs);
        t.date_time(unix, offset)
    };
    view! { <time datetime=iso(unix)>{text}</time> }
}

/// Which zone the page's times are in.
#[component]
pub fn ZoneNote() -> impl IntoView {
    let t = use_texts();
    let text = move || {
        if is_hydrated() {
            t.times_local.to_owned()
        } else {
            t.times_in.replace("{zone}", t.clock_zone.name)
        }
    };
    view! { <p class="hint zone">{text}</p> }
}

#[cfg(test)]
mod tests {
    use super::iso;

    #[test]
    fn datetime_attributes_are_utc() {
        assert_eq!(iso(1_795_694_400), "2026-11-26T12:00:00Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
    }
}
