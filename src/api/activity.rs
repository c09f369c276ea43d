//! The account's security activity.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    i18n::Lang,
    server::{
        auth::{activity, alerts::PASSKEY_ALERT, client::Client},
        http::request::{redirect_if, RequestContext},
    },
    store::{ActivityEvent, EventKind},
};

/// One event, told in the person's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    /// `sign_in`, `code_sent`…: what it is, for styles and tests.
    pub kind: String,
    /// Unix seconds; the page tells them in the person's zone.
    pub at: i64,
    /// "Вход — новое устройство".
    pub what: String,
    /// Device, country, network: "Firefox, Linux · Германия · 77.88.8.0/24".
    pub place: String,
    /// Whether `place` names a country (the page then credits DB-IP).
    pub has_country: bool,
}

/// `POST /api/activity`: the signed-in account's security events of the last 90
/// days, the newest first; without a session, sends the browser to `/signup`.
#[server(prefix = "/api", endpoint = "activity")]
pub async fn account_activity() -> Result<Vec<EventView>, AppError> {
    RequestContext::run(|request| async move {
        let events = activity::of_account(&request.state, &Client::of(&request))
            .await
            .inspect_err(|e| redirect_if(e, AppError::NotSignedIn, "/signup"))?;
        let lang = request.lang();
        Ok(events.iter().filter_map(|e| describe(e, lang)).collect())
    })
    .await
}

/// An event in `lang`; `None` for a kind this version does not know (written by a
/// newer one).
#[cfg(feature = "ssr")]
fn describe(event: &ActivityEvent, lang: Lang) -> Option<EventView> {
    let t = lang.texts();
    let kind = EventKind::parse(&event.kind)?;
    let qualifier = match (kind, event.detail.as_str()) {
        (EventKind::SignIn, "first") => Some(t.sign_in_first),
        (EventKind::SignIn | EventKind::PasskeySignIn, "known") => Some(t.sign_in_known),
        (EventKind::AlertSent, PASSKEY_ALERT) => None,
        (EventKind::SignIn | EventKind::PasskeySignIn | EventKind::AlertSent, novelty) => {
            t.novelty(novelty)
        }
        // The passkey's name, as it was then.
        (EventKind::PasskeyAdded | EventKind::PasskeyRemoved, name) if !name.is_empty() => {
            Some(name)
        }
        (EventKind::SessionEnded, "sign_out") => Some(t.ended_by_sign_out),
        (EventKind::SessionEnded, "other_session") => Some(t.ended_by_other_session),
        (EventKind::SessionEnded, "not_me") => Some(t.ended_by_not_me),
        _ => None,
    };
    let title = match kind {
        EventKind::CodeSent => t.event_code_sent.to_owned(),
        EventKind::SignIn => t.event_sign_in.to_owned(),
        EventKind::WrongCode => t.event_wrong_code.to_owned(),
        EventKind::Locked => {
            let until = event.detail.parse::<i64>().unwrap_or(event.at);
            t.event_locked
                .replace("{time}", &t.clock_zone.time_of_day(until))
        }
        EventKind::AlertSent if event.detail == PASSKEY_ALERT => t.event_alert_passkey.to_owned(),
        EventKind::AlertSent => t.event_alert_sent.to_owned(),
        EventKind::AlertFailed => t.event_alert_failed.to_owned(),
        EventKind::SessionEnded => t.event_session_ended.to_owned(),
        EventKind::PasskeySignIn => t.event_passkey_sign_in.to_owned(),
        EventKind::PasskeyAdded => t.event_passkey_added.to_owned(),
        EventKind::PasskeyRemoved => t.event_passkey_removed.to_owned(),
    };
    let what = match qualifier {
        Some(qualifier) => format!("{title} — {qualifier}"),
        None => title,
    };
    let country = lang.country_name(&event.country);
    let place = [
        Some(event.device.as_str()),
        country,
        Some(event.network.as_str()),
    ]
    .into_iter()
    .flatten()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    Some(EventView {
        kind: event.kind.clone(),
        at: event.at,
        what,
        place,
        has_country: country.is_some(),
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn event(kind: &str, detail: &str) -> ActivityEvent {
        ActivityEvent {
            // 2026-11-25 22:56 UTC.
            at: 1_795_647_360,
            kind: kind.to_owned(),
            device: "Firefox, Linux".to_owned(),
            country: "DE".to_owned(),
            network: "77.88.8.0/24".to_owned(),
            detail: detail.to_owned(),
        }
    }

    #[test]
    fn events_read_in_the_persons_language_and_zone() {
        let view = describe(&event("sign_in", "device,country"), Lang::Ru).expect("known kind");
        assert_eq!(view.what, "Вход — новое устройство и страна");
        assert_eq!(view.place, "Firefox, Linux · Германия · 77.88.8.0/24");
        assert!(view.has_country);
        let view = describe(&event("session_ended", "other_session"), Lang::En).expect("known");
        assert_eq!(view.what, "Session ended — from another session");
        let view = describe(&event("session_ended", "not_me"), Lang::Ru).expect("known");
        assert_eq!(view.what, "Сеанс завершён — кнопкой «Это не я»");
        let view = describe(&event("locked", "1795650960"), Lang::En).expect("known");
        assert_eq!(view.what, "Sign-in locked until 23:56 UTC");
        let view = describe(&event("passkey_sign_in", "device"), Lang::En).expect("known");
        assert_eq!(view.what, "Sign-in with a passkey — new device");
        let view = describe(&event("passkey_added", "Chrome, Linux"), Lang::Ru).expect("known");
        assert_eq!(view.what, "Добавлен ключ доступа — Chrome, Linux");
        let view = describe(&event("alert_sent", "passkey"), Lang::En).expect("known");
        assert_eq!(view.what, "SMS sent about a passkey change");
    }

    #[test]
    fn every_kind_has_words_and_unknown_ones_are_skipped() {
        for kind in EventKind::ALL {
            for lang in Lang::ALL {
                let view = describe(&event(kind.as_str(), ""), lang).expect("known kind");
                assert!(!view.what.is_empty() && !view.what.contains('{'));
            }
        }
        assert_eq!(describe(&event("from_the_future", ""), Lang::Ru), None);
        let mut nowhere = event("code_sent", "");
        nowhere.country.clear();
        nowhere.device.clear();
        let view = describe(&nowhere, Lang::Ru).expect("known");
        assert_eq!(view.place, "77.88.8.0/24");
        assert!(!view.has_country);
    }
}
