//! The account's security activity.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    domain::{activity, client::Client},
    i18n::Lang,
    server::http::request::{redirect_if, RequestContext},
    store::{ActivityEvent, AlertAbout, EndedBy, EventDetail, EventKind, Word},
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
    let kind = event.kind?;
    let detail = &event.detail;
    let qualifier = match (kind, detail) {
        (
            EventKind::SignIn,
            EventDetail {
                novelty: Some(n), ..
            },
        ) if n.first => Some(t.sign_in_first),
        (
            EventKind::SignIn | EventKind::PasskeySignIn,
            EventDetail {
                novelty: Some(n), ..
            },
        ) if !n.first && !n.any() => Some(t.sign_in_known),
        (
            EventKind::SignIn | EventKind::PasskeySignIn | EventKind::AlertSent,
            EventDetail {
                novelty: Some(n), ..
            },
        ) => t.novelty(n.word()),
        // The passkey's name, as it was then.
        (
            EventKind::PasskeyAdded | EventKind::PasskeyRemoved,
            EventDetail {
                passkey_name: Some(name),
                ..
            },
        ) => Some(name.as_str()),
        // The app's name, as it was then.
        (
            EventKind::AppSignIn | EventKind::AppConsent | EventKind::AppDisconnected,
            EventDetail { app: Some(app), .. },
        ) => Some(app.as_str()),
        (
            EventKind::SessionEnded,
            EventDetail {
                ended_by: Some(by), ..
            },
        ) => Some(match by {
            EndedBy::SignOut => t.ended_by_sign_out,
            EndedBy::OtherSession => t.ended_by_other_session,
            EndedBy::NotMe => t.ended_by_not_me,
        }),
        _ => None,
    };
    let title = match kind {
        EventKind::CodeSent => t.event_code_sent.to_owned(),
        EventKind::SignIn => t.event_sign_in.to_owned(),
        EventKind::WrongCode => t.event_wrong_code.to_owned(),
        EventKind::Locked => {
            let until = detail.locked_until.unwrap_or(event.at);
            t.event_locked
                .replace("{time}", &t.clock_zone.time_of_day(until))
        }
        EventKind::AlertSent if detail.alert_about == Some(AlertAbout::Passkey) => {
            t.event_alert_passkey.to_owned()
        }
        EventKind::AlertSent => t.event_alert_sent.to_owned(),
        EventKind::AlertFailed => t.event_alert_failed.to_owned(),
        EventKind::SessionEnded => t.event_session_ended.to_owned(),
        EventKind::PasskeySignIn => t.event_passkey_sign_in.to_owned(),
        EventKind::PasskeyAdded => t.event_passkey_added.to_owned(),
        EventKind::PasskeyRemoved => t.event_passkey_removed.to_owned(),
        EventKind::AppSignIn => t.event_app_sign_in.to_owned(),
        EventKind::AppConsent => t.event_app_consent.to_owned(),
        EventKind::AppDisconnected => t.event_app_disconnected.to_owned(),
    };
    let what = match qualifier {
        Some(qualifier) => format!("{title} — {qualifier}"),
        None => title,
    };
    let from = &event.from;
    let country = from
        .country
        .as_deref()
        .and_then(|code| lang.country_name(code));
    let place = [from.device.as_deref(), country, from.network.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    Some(EventView {
        kind: kind.word().to_owned(),
        at: event.at,
        what,
        place,
        has_country: country.is_some(),
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::store::{Footprint, Novelty};

    /// An event of `kind` from Firefox on Linux in Germany, telling `detail`.
    fn event(kind: EventKind, detail: EventDetail) -> ActivityEvent {
        ActivityEvent {
            // 2026-11-25 22:56 UTC.
            at: 1_795_647_360,
            kind: Some(kind),
            from: Footprint {
                device: Some("Firefox, Linux".to_owned()),
                country: Some("DE".to_owned()),
                network: Some("77.88.8.0/24".to_owned()),
            },
            detail,
        }
    }

    fn new(novelty: &str) -> EventDetail {
        EventDetail {
            novelty: Novelty::from_word(novelty),
            ..EventDetail::default()
        }
    }

    fn ended(by: EndedBy) -> EventDetail {
        EventDetail {
            ended_by: Some(by),
            ..EventDetail::default()
        }
    }

    #[test]
    fn events_read_in_the_persons_language_and_zone() {
        let view = describe(&event(EventKind::SignIn, new("device,country")), Lang::Ru)
            .expect("known kind");
        assert_eq!(view.what, "Вход — новое устройство и страна");
        assert_eq!(view.place, "Firefox, Linux · Германия · 77.88.8.0/24");
        assert!(view.has_country);
        let view = describe(
            &event(EventKind::SessionEnded, ended(EndedBy::OtherSession)),
            Lang::En,
        )
        .expect("known");
        assert_eq!(view.what, "Session ended — from another session");
        let view = describe(
            &event(EventKind::SessionEnded, ended(EndedBy::NotMe)),
            Lang::Ru,
        )
        .expect("known");
        assert_eq!(view.what, "Сеанс завершён — кнопкой «Это не я»");
        let locked = EventDetail {
            locked_until: Some(1_795_650_960),
            ..EventDetail::default()
        };
        let view = describe(&event(EventKind::Locked, locked), Lang::En).expect("known");
        assert_eq!(view.what, "Sign-in locked until 23:56 UTC");
        let view =
            describe(&event(EventKind::PasskeySignIn, new("device")), Lang::En).expect("known");
        assert_eq!(view.what, "Sign-in with a passkey — new device");
        let named = EventDetail {
            passkey_name: Some("Chrome, Linux".to_owned()),
            ..EventDetail::default()
        };
        let view = describe(&event(EventKind::PasskeyAdded, named), Lang::Ru).expect("known");
        assert_eq!(view.what, "Добавлен ключ доступа — Chrome, Linux");
        let about = EventDetail {
            alert_about: Some(AlertAbout::Passkey),
            ..EventDetail::default()
        };
        let view = describe(&event(EventKind::AlertSent, about), Lang::En).expect("known");
        assert_eq!(view.what, "SMS sent about a passkey change");
        let app = EventDetail {
            app: Some("Grafana".to_owned()),
            ..EventDetail::default()
        };
        let view = describe(&event(EventKind::AppSignIn, app.clone()), Lang::Ru).expect("known");
        assert_eq!(view.what, "Вход в приложение — Grafana");
        let view = describe(&event(EventKind::AppConsent, app.clone()), Lang::En).expect("known");
        assert_eq!(view.what, "App allowed to sign you in — Grafana");
        let view = describe(&event(EventKind::AppDisconnected, app), Lang::Ru).expect("known");
        assert_eq!(view.what, "Приложение отключено — Grafana");
    }

    #[test]
    fn every_kind_has_words_and_unknown_ones_are_skipped() {
        for kind in EventKind::ALL {
            for lang in Lang::ALL {
                let view =
                    describe(&event(*kind, EventDetail::default()), lang).expect("known kind");
                assert!(!view.what.is_empty() && !view.what.contains('{'));
            }
        }
        let mut from_the_future = event(EventKind::CodeSent, EventDetail::default());
        from_the_future.kind = None;
        assert_eq!(describe(&from_the_future, Lang::Ru), None);
        let mut nowhere = event(EventKind::CodeSent, EventDetail::default());
        nowhere.from.country = None;
        nowhere.from.device = None;
        let view = describe(&nowhere, Lang::Ru).expect("known");
        assert_eq!(view.place, "77.88.8.0/24");
        assert!(!view.has_country);
    }
}
