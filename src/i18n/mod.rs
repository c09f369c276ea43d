//! User-facing text. Each language is one file holding one [`Texts`] value, so a
//! third language is one more file and one more [`Lang`] variant.

#[cfg(feature = "ssr")]
mod countries;
mod en;
mod ru;

use crate::error::AppError;

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ru, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Self::ALL
            .into_iter()
            .find(|lang| code.trim().eq_ignore_ascii_case(lang.code()))
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Ru => &ru::TEXTS,
            Lang::En => &en::TEXTS,
        }
    }

    /// The language of the page being rendered: on the server, the one the request
    /// chose (provided as context for each request); in the browser, the `lang` the
    /// server put on `<html>`, so hydration renders the same text.
    pub fn of_page() -> Lang {
        #[cfg(feature = "ssr")]
        {
            leptos::prelude::use_context::<Lang>().unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            leptos::prelude::document()
                .document_element()
                .and_then(|html| html.get_attribute("lang"))
                .and_then(|code| Lang::from_code(&code))
                .unwrap_or_default()
        }
    }

    /// The language a request asks for: the switcher's cookie if it names one we
    /// speak, else the best of `Accept-Language`.
    pub fn choose(cookie: Option<&str>, accept_language: &str) -> Lang {
        cookie
            .and_then(Lang::from_code)
            .unwrap_or_else(|| Lang::negotiate(accept_language))
    }

    /// The first supported language of an `Accept-Language` header, by quality;
    /// Russian when none is asked for.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("");
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_code(primary) {
                if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                    best = Some((quality, lang));
                }
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }
}

impl Lang {
    /// A country's name in this language, by its ISO 3166-1 alpha-2 code.
    #[cfg(feature = "ssr")]
    pub fn country_name(self, code: &str) -> Option<&'static str> {
        let table = &countries::COUNTRIES;
        let at = table.binary_search_by(|(c, _, _)| (*c).cmp(code)).ok()?;
        let (_, english, russian) = table[at];
        Some(match self {
            Lang::Ru => russian,
            Lang::En => english,
        })
    }
}

/// Every country name of `lang`: for tests that must hold for each of them.
#[cfg(all(test, feature = "ssr"))]
pub fn all_country_names(lang: Lang) -> Vec<&'static str> {
    countries::COUNTRIES
        .iter()
        .map(|(code, _, _)| lang.country_name(code).unwrap_or_default())
        .collect()
}

/// A fixed offset from UTC and its name, for telling a time of day.
pub struct ClockZone {
    pub offset_secs: i32,
    pub name: &'static str,
}

impl ClockZone {
    /// `16:01 МСК`: the hour and minute of `unix` seconds in this zone.
    pub fn time_of_day(&self, unix: i64) -> String {
        let at = local_time(unix, self.offset_secs);
        format!("{:02}:{:02} {}", at.hour(), at.minute(), self.name)
    }
}

/// `unix` seconds as a date and time `offset_secs` east of UTC (the epoch for a
/// time out of range, which no store holds).
pub fn local_time(unix: i64, offset_secs: i32) -> time::OffsetDateTime {
    let offset = time::UtcOffset::from_whole_seconds(offset_secs).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
}

/// Every sentence the interface shows, in one language. The ones only the server
/// says are in the server's build only (`#[cfg(feature = "ssr")]`), so browsers
/// never download them: what the pages' shells render around their islands (the
/// header, titles, the start page: the browser's build has no shells), the
/// activity's events (the server function words them), the SMS, and the
/// challenge's alert with JavaScript off. An island that used one would not build.
pub struct Texts {
    #[cfg(feature = "ssr")]
    pub language_name: &'static str,
    #[cfg(feature = "ssr")]
    pub app_name: &'static str,
    #[cfg(feature = "ssr")]
    pub start_title: &'static str,
    #[cfg(feature = "ssr")]
    pub start_lead: &'static str,
    #[cfg(feature = "ssr")]
    pub start_how: [&'static str; 3],
    #[cfg(feature = "ssr")]
    pub start_cta: &'static str,
    /// The sign-in page's note when a protected site's proxy asks for a step-up: a
    /// passkey's sign-in (`method=passkey`), a recent one (`max_age`).
    #[cfg(feature = "ssr")]
    pub step_up_passkey: &'static str,
    #[cfg(feature = "ssr")]
    pub step_up_again: &'static str,
    #[cfg(feature = "ssr")]
    pub signup_title: &'static str,
    pub phone_label: &'static str,
    pub phone_hint: &'static str,
    pub send_code: &'static str,
    /// While the browser solves a proof of work before the code is sent: the form's
    /// alert for a challenge, once the page runs.
    pub challenge_solving: &'static str,
    #[cfg(feature = "ssr")]
    pub verify_title: &'static str,
    pub code_sent_to: &'static str,
    pub code_label: &'static str,
    pub verify_button: &'static str,
    pub resend_button: &'static str,
    /// `{n}`: seconds until a resend is allowed.
    pub resend_in: &'static str,
    pub change_number: &'static str,
    pub new_code: &'static str,
    pub account_title: &'static str,
    pub account_phone: &'static str,
    pub account_number: &'static str,
    pub member_since: &'static str,
    pub last_sign_in: &'static str,
    /// `/signout?rd=…`, for the sites behind sms-auth: a GET only asks.
    #[cfg(feature = "ssr")]
    pub signout_title: &'static str,
    #[cfg(feature = "ssr")]
    pub signout_lead: &'static str,
    pub sign_out: &'static str,
    /// `/oidc/consent`: an app asks to know the person (the OpenID provider).
    #[cfg(feature = "ssr")]
    pub consent_title: &'static str,
    /// After the app's name: what it will learn with the `phone` scope.
    #[cfg(feature = "ssr")]
    pub consent_learns_phone: &'static str,
    /// After the app's name: what it will learn without it.
    #[cfg(feature = "ssr")]
    pub consent_learns_id: &'static str,
    /// With `offline_access`.
    #[cfg(feature = "ssr")]
    pub consent_offline: &'static str,
    #[cfg(feature = "ssr")]
    pub consent_allow: &'static str,
    #[cfg(feature = "ssr")]
    pub consent_deny: &'static str,
    /// An app's authorization request that cannot go back to it.
    #[cfg(feature = "ssr")]
    pub oidc_refused_title: &'static str,
    #[cfg(feature = "ssr")]
    pub oidc_refused_lead: &'static str,
    /// The account page's connected apps (the OpenID provider's): the section, what
    /// an app knows, its sign-ins, disconnecting it and what that did.
    pub apps_title: &'static str,
    pub apps_lead: &'static str,
    pub app_learns_phone: &'static str,
    pub app_first_sign_in: &'static str,
    pub app_last_sign_in: &'static str,
    pub app_disconnect: &'static str,
    pub app_disconnected: &'static str,
    pub sessions_title: &'static str,
    pub session_this: &'static str,
    pub session_started: &'static str,
    pub session_last_seen: &'static str,
    pub session_end: &'static str,
    pub unknown_device: &'static str,
    #[cfg(feature = "ssr")]
    pub activity_title: &'static str,
    pub activity_link: &'static str,
    #[cfg(feature = "ssr")]
    pub activity_lead: &'static str,
    pub activity_empty: &'static str,
    #[cfg(feature = "ssr")]
    pub back_to_account: &'static str,
    /// `{zone}`: the zone the times are told in (without JavaScript).
    pub times_in: &'static str,
    /// Once the page runs in the browser: times are in its zone.
    pub times_local: &'static str,
    /// "Not me" next to another session: ends it and forgets its device.
    pub session_not_me: &'static str,
    pub sessions_end_others: &'static str,
    /// Said after "not me": the session ended, and the next step.
    pub not_me_done: &'static str,
    /// What each kind of security event is called (see `store::EventKind`).
    #[cfg(feature = "ssr")]
    pub event_code_sent: &'static str,
    #[cfg(feature = "ssr")]
    pub event_sign_in: &'static str,
    #[cfg(feature = "ssr")]
    pub event_wrong_code: &'static str,
    /// `{time}`: when the lock ends.
    #[cfg(feature = "ssr")]
    pub event_locked: &'static str,
    #[cfg(feature = "ssr")]
    pub event_alert_sent: &'static str,
    #[cfg(feature = "ssr")]
    pub event_alert_failed: &'static str,
    #[cfg(feature = "ssr")]
    pub event_session_ended: &'static str,
    /// A sign-in's news: the first one (the account was created), a known device
    /// and country, a new device, a new country, both.
    #[cfg(feature = "ssr")]
    pub sign_in_first: &'static str,
    #[cfg(feature = "ssr")]
    pub sign_in_known: &'static str,
    #[cfg(feature = "ssr")]
    pub sign_in_new_device: &'static str,
    #[cfg(feature = "ssr")]
    pub sign_in_new_country: &'static str,
    #[cfg(feature = "ssr")]
    pub sign_in_new_both: &'static str,
    /// Who ended a session: its own browser, another session.
    #[cfg(feature = "ssr")]
    pub ended_by_sign_out: &'static str,
    #[cfg(feature = "ssr")]
    pub ended_by_other_session: &'static str,
    #[cfg(feature = "ssr")]
    pub ended_by_not_me: &'static str,
    /// The credit DB-IP's licence (CC BY 4.0) asks for where countries are shown.
    pub geoip_credit: &'static str,
    pub loading: &'static str,
    #[cfg(feature = "ssr")]
    pub not_found: &'static str,
    /// Months as a date names them: "ноября" in `26 ноября 2026`.
    pub months: [&'static str; 12],
    /// `{code}`: the one-time code. The WebOTP line is added after it.
    #[cfg(feature = "ssr")]
    pub sms_code: &'static str,
    /// The same, for a code asked for from a country the account has not signed in
    /// from; `{country}`: its name.
    #[cfg(feature = "ssr")]
    pub sms_code_from: &'static str,
    /// The alert after a sign-in from a new device or country. `{host}`: the site;
    /// `{details}`: device, country and time. No link, ever.
    #[cfg(feature = "ssr")]
    pub sms_alert: &'static str,
    /// The operator's alerts (`OPERATOR_PHONES`), as the daily budget's lanes fill:
    /// the new numbers' lane past 80% and spent, the whole budget past 80% and spent.
    /// `{spent}`, `{limit}`: its SMS of the last 24 hours and what it may spend. No
    /// link, ever.
    #[cfg(feature = "ssr")]
    pub sms_operator_new_lane_80: &'static str,
    #[cfg(feature = "ssr")]
    pub sms_operator_new_lane_spent: &'static str,
    #[cfg(feature = "ssr")]
    pub sms_operator_budget_80: &'static str,
    #[cfg(feature = "ssr")]
    pub sms_operator_budget_spent: &'static str,
    #[cfg(feature = "ssr")]
    pub sms_operator_challenged: &'static str,
    pub err_invalid_phone: &'static str,
    pub err_country: &'static str,
    /// `{n}`: seconds left.
    pub err_cooldown: &'static str,
    pub err_phone_cap: &'static str,
    pub err_ip_cap: &'static str,
    pub err_budget: &'static str,
    pub err_new_numbers_budget: &'static str,
    /// A challenge's alert with JavaScript off (server only: in the browser the
    /// page solves it, and says so with `challenge_solving`): codes to new numbers
    /// nearly spent, or `{time}`: when the number's range or country stops being
    /// challenged.
    #[cfg(feature = "ssr")]
    pub err_challenge_required: &'static str,
    #[cfg(feature = "ssr")]
    pub err_challenge_required_until: &'static str,
    pub err_challenge_failed: &'static str,
    pub err_challenge_expired: &'static str,
    /// `{time}`: when the lock ends, as [`Texts::clock_zone`] tells it.
    pub err_locked: &'static str,
    /// The zone times are told in without the browser's own: Moscow for Russian,
    /// UTC for English.
    pub clock_zone: ClockZone,
    pub err_malformed_code: &'static str,
    /// `{n}`: tries left.
    pub err_wrong_code: &'static str,
    pub err_expired: &'static str,
    pub err_too_many_tries: &'static str,
    pub err_no_pending: &'static str,
    pub err_sms_refused: &'static str,
    pub err_sms_unavailable: &'static str,
    pub err_not_signed_in: &'static str,
    pub err_invalid_authorization: &'static str,
    pub err_internal: &'static str,
    pub err_transport: &'static str,
    /// The account page's passkeys: what they are, the list, adding, renaming, removing.
    pub passkeys_title: &'static str,
    pub passkeys_lead: &'static str,
    pub passkeys_empty: &'static str,
    pub passkey_add: &'static str,
    pub passkey_added: &'static str,
    pub passkey_fresh: &'static str,
    pub passkey_get_code: &'static str,
    pub passkey_created: &'static str,
    pub passkey_last_used: &'static str,
    pub passkey_never_used: &'static str,
    pub passkey_name_label: &'static str,
    pub passkey_rename: &'static str,
    pub passkey_remove: &'static str,
    /// A passkey's name when the browser did not say what it is.
    pub passkey_default_name: &'static str,
    /// The sign-in page's passkey button, and what a passkey session is called.
    pub sign_in_passkey: &'static str,
    /// Between the phone form and the passkey button.
    pub or: &'static str,
    pub session_by_passkey: &'static str,
    #[cfg(feature = "ssr")]
    pub event_passkey_sign_in: &'static str,
    #[cfg(feature = "ssr")]
    pub event_passkey_added: &'static str,
    #[cfg(feature = "ssr")]
    pub event_passkey_removed: &'static str,
    /// An app's events (the OpenID provider's): signed in to, allowed, disconnected;
    /// the app's name follows.
    #[cfg(feature = "ssr")]
    pub event_app_sign_in: &'static str,
    #[cfg(feature = "ssr")]
    pub event_app_consent: &'static str,
    #[cfg(feature = "ssr")]
    pub event_app_disconnected: &'static str,
    /// The alert SMS about a passkey added or removed went out.
    #[cfg(feature = "ssr")]
    pub event_alert_passkey: &'static str,
    /// The SMS after a passkey is added or removed; `{details}`: its name and the time.
    #[cfg(feature = "ssr")]
    pub sms_passkey_added: &'static str,
    #[cfg(feature = "ssr")]
    pub sms_passkey_removed: &'static str,
    pub err_passkeys_off: &'static str,
    pub err_passkey_cancelled: &'static str,
    pub err_passkey_fresh: &'static str,
    pub err_passkey_unknown: &'static str,
    pub err_passkey_refused: &'static str,
    pub err_passkey_replayed: &'static str,
    pub err_passkey_expired: &'static str,
    pub err_passkey_none: &'static str,
    pub err_passkey_added_already: &'static str,
    pub err_passkey_name: &'static str,
}

impl Texts {
    /// The sentence a person sees for an error.
    pub fn error(&self, error: &AppError) -> String {
        match error {
            AppError::InvalidPhone => self.err_invalid_phone.to_owned(),
            AppError::CountryNotAllowed => self.err_country.to_owned(),
            AppError::ResendCooldown { seconds } => fill(self.err_cooldown, "{n}", *seconds),
            AppError::PhoneHourlyCap => self.err_phone_cap.to_owned(),
            AppError::IpHourlyCap => self.err_ip_cap.to_owned(),
            AppError::DailyBudget => self.err_budget.to_owned(),
            AppError::NewNumbersBudget => self.err_new_numbers_budget.to_owned(),
            #[cfg(not(feature = "ssr"))]
            AppError::ChallengeRequired { .. } => self.challenge_solving.to_owned(),
            #[cfg(feature = "ssr")]
            AppError::ChallengeRequired { until: None, .. } => {
                self.err_challenge_required.to_owned()
            }
            #[cfg(feature = "ssr")]
            AppError::ChallengeRequired {
                until: Some(until), ..
            } => fill(
                self.err_challenge_required_until,
                "{time}",
                self.clock_zone.time_of_day(*until),
            ),
            AppError::ChallengeFailed => self.err_challenge_failed.to_owned(),
            AppError::ChallengeExpired => self.err_challenge_expired.to_owned(),
            AppError::PhoneLocked { until } => fill(
                self.err_locked,
                "{time}",
                self.clock_zone.time_of_day(*until),
            ),
            AppError::MalformedCode => self.err_malformed_code.to_owned(),
            AppError::WrongCode { tries_left } => fill(self.err_wrong_code, "{n}", *tries_left),
            AppError::CodeExpired => self.err_expired.to_owned(),
            AppError::TooManyTries => self.err_too_many_tries.to_owned(),
            AppError::NoPendingVerification => self.err_no_pending.to_owned(),
            AppError::SmsRefused => self.err_sms_refused.to_owned(),
            AppError::SmsUnavailable => self.err_sms_unavailable.to_owned(),
            AppError::NotSignedIn => self.err_not_signed_in.to_owned(),
            AppError::InvalidAuthorization => self.err_invalid_authorization.to_owned(),
            AppError::Internal => self.err_internal.to_owned(),
            AppError::Transport(_) => self.err_transport.to_owned(),
            AppError::PasskeysOff => self.err_passkeys_off.to_owned(),
            AppError::PasskeyCancelled => self.err_passkey_cancelled.to_owned(),
            AppError::PasskeyNeedsFreshSignIn => self.err_passkey_fresh.to_owned(),
            AppError::PasskeyUnknown => self.err_passkey_unknown.to_owned(),
            AppError::PasskeyRefused => self.err_passkey_refused.to_owned(),
            AppError::PasskeyReplayed => self.err_passkey_replayed.to_owned(),
            AppError::PasskeyExpired => self.err_passkey_expired.to_owned(),
            AppError::NoPasskeyCeremony => self.err_passkey_none.to_owned(),
            AppError::PasskeyAlreadyAdded => self.err_passkey_added_already.to_owned(),
            AppError::PasskeyName => self.err_passkey_name.to_owned(),
        }
    }

    pub fn resend_in(&self, seconds: u32) -> String {
        fill(self.resend_in, "{n}", seconds)
    }

    /// What was new about a sign-in (a session's `novelty`), in words; `None` when
    /// nothing was.
    #[cfg(feature = "ssr")]
    pub fn novelty(&self, key: &str) -> Option<&'static str> {
        match key {
            "device" => Some(self.sign_in_new_device),
            "country" => Some(self.sign_in_new_country),
            "device,country" => Some(self.sign_in_new_both),
            _ => None,
        }
    }

    /// `26 ноября 2026, 01:56`: a moment as this language writes it, `offset_secs`
    /// east of UTC.
    pub fn date_time(&self, unix: i64, offset_secs: i32) -> String {
        let at = local_time(unix, offset_secs);
        format!(
            "{} {} {}, {:02}:{:02}",
            at.day(),
            self.months[usize::from(u8::from(at.month())) - 1],
            at.year(),
            at.hour(),
            at.minute()
        )
    }

    /// `26 ноября, 01:56 МСК`: a moment of this day or year in the language's own
    /// zone, short enough for an SMS.
    pub fn sms_time(&self, unix: i64) -> String {
        let zone = &self.clock_zone;
        let at = local_time(unix, zone.offset_secs);
        format!(
            "{} {}, {:02}:{:02} {}",
            at.day(),
            self.months[usize::from(u8::from(at.month())) - 1],
            at.hour(),
            at.minute(),
            zone.name
        )
    }
}

fn fill(template: &str, placeholder: &str, value: impl std::fmt::Display) -> String {
    template.replace(placeholder, &value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality_and_defaults_to_russian() {
        assert_eq!(Lang::negotiate("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::negotiate("de-DE,en;q=0.5,ru;q=0.8"), Lang::Ru);
        assert_eq!(Lang::negotiate("fr-FR, de;q=0.9"), Lang::Ru);
        assert_eq!(Lang::negotiate(""), Lang::Ru);
        assert_eq!(Lang::negotiate("en;q=0, ru;q=0.1"), Lang::Ru);
        assert_eq!(Lang::negotiate("EN"), Lang::En);
    }

    #[test]
    fn moments_read_as_each_language_writes_them() {
        // 2026-11-25 22:56 UTC: past midnight in Moscow.
        let at = 1_795_647_360;
        assert_eq!(Lang::Ru.texts().date_time(at, 3 * 3600), "26 ноября 2026, 01:56");
        assert_eq!(Lang::En.texts().date_time(at, 0), "25 November 2026, 22:56");
        assert_eq!(Lang::Ru.texts().sms_time(at), "26 ноября, 01:56 МСК");
        assert_eq!(Lang::En.texts().sms_time(at), "25 November, 22:56 UTC");
        assert_eq!(Lang::En.texts().date_time(0, -5 * 3600), "31 December 1969, 19:00");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn countries_have_names_in_both_languages() {
        assert_eq!(Lang::Ru.country_name("DE"), Some("Германия"));
        assert_eq!(Lang::En.country_name("DE"), Some("Germany"));
        assert_eq!(Lang::Ru.country_name("RU"), Some("Россия"));
        assert_eq!(Lang::En.country_name("US"), Some("United States"));
        assert_eq!(Lang::En.country_name("ZZ"), None);
        assert_eq!(Lang::En.country_name("de"), None);
        let codes: Vec<&str> = countries::COUNTRIES.iter().map(|(c, _, _)| *c).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted, for the binary search");
        assert!(codes.len() >= 249, "every ISO 3166-1 country");
    }

    #[test]
    fn every_error_has_a_sentence_with_its_number() {
        for lang in Lang::ALL {
            let t = lang.texts();
            assert!(t
                .error(&AppError::WrongCode { tries_left: 3 })
                .contains('3'));
            assert!(t
                .error(&AppError::ResendCooldown { seconds: 42 })
                .contains("42"));
            assert!(t.resend_in(17).contains("17"));
            assert!(!t.error(&AppError::PhoneLocked { until: 0 }).contains('{'));
        }
    }

    #[test]
    fn locks_end_at_a_time_of_the_languages_zone() {
        // 2026-11-26 13:01 UTC.
        let until = 1_795_698_060;
        assert!(Lang::Ru
            .texts()
            .error(&AppError::PhoneLocked { until })
            .contains("до 16:01 МСК"));
        assert!(Lang::En
            .texts()
            .error(&AppError::PhoneLocked { until })
            .contains("until 13:01 UTC"));
        let late = ClockZone {
            offset_secs: 3 * 3600,
            name: "МСК",
        };
        assert_eq!(late.time_of_day(1_795_735_800), "02:30 МСК");
    }

    #[test]
    fn a_known_cookie_wins_over_the_header() {
        assert_eq!(Lang::choose(Some("ru"), "en-US"), Lang::Ru);
        assert_eq!(Lang::choose(Some("EN"), "ru"), Lang::En);
        assert_eq!(Lang::choose(Some("de"), "en-US"), Lang::En);
        assert_eq!(Lang::choose(None, "en"), Lang::En);
        assert_eq!(Lang::choose(None, ""), Lang::Ru);
    }

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("de"), None);
    }
}
