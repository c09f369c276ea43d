//! Telling the owner: one SMS after a sign-in from a device that has never signed in
//! to the account, or from a country it has not signed in from in 180 days. One alert
//! per (account, device) ever, at most three a day per account, counted in the daily
//! SMS budget but not in the phone's own caps (a stranger who spent the code cap must
//! not silence the alert). No link in it: a linked alert is the template phishers copy.
//! A failed alert is logged and recorded, and never fails the sign-in. A passkey
//! added or removed is told the same way, under the same daily cap.

use crate::server::state::AppState;
use crate::{
    i18n::Lang,
    phone::Phone,
    sms::text::{alert_sms, Notice},
    store::{
        Account, AlertAbout, AlertClaim, EventDetail, EventKind, Footprint, Novelty, SendTicket,
        Word,
    },
};

/// After a sign-in (its session exists): claims the alert if one is due, then sends
/// it on a task of its own, so the person signing in never waits for it.
pub async fn after_sign_in(
    state: &AppState,
    now: i64,
    account: &Account,
    device_hash: &str,
    from: &Footprint,
    novelty: Novelty,
) {
    if novelty.first || !novelty.any() {
        return;
    }
    state.metrics.new_sign_in(novelty.device, novelty.country);
    tracing::info!(
        account = %account.id,
        new = novelty.word(),
        "sign-in from a new device or country"
    );
    let about = About::SignIn {
        device_hash,
        novelty,
    };
    notify(state, now, account, about, from).await;
}

/// After a passkey was added to the account or removed from it: the SMS names the
/// device that did it, never the passkey's name (which whoever holds a session
/// chooses, and which must not put their words into an SMS from the site).
pub async fn after_passkey_change(
    state: &AppState,
    now: i64,
    account: &Account,
    added: bool,
    from: &Footprint,
) {
    notify(state, now, account, About::Passkey { added }, from).await;
}

/// What an alert is about.
#[derive(Clone, Copy)]
enum About<'a> {
    /// A sign-in from a new device (one alert per device, ever) or country.
    SignIn {
        device_hash: &'a str,
        novelty: Novelty,
    },
    /// A passkey added or removed.
    Passkey { added: bool },
}

impl About<'_> {
    fn notice(self) -> Notice {
        match self {
            About::SignIn { .. } => Notice::NewSignIn,
            About::Passkey { added: true } => Notice::PasskeyAdded,
            About::Passkey { added: false } => Notice::PasskeyRemoved,
        }
    }

    /// What the activity's `alert_sent` event tells: what the alert was about, and
    /// what was new about the sign-in it told of.
    fn detail(self) -> EventDetail {
        match self {
            About::SignIn { novelty, .. } => EventDetail {
                alert_about: Some(AlertAbout::SignIn),
                novelty: Some(novelty),
                ..EventDetail::default()
            },
            About::Passkey { .. } => EventDetail {
                alert_about: Some(AlertAbout::Passkey),
                ..EventDetail::default()
            },
        }
    }
}

/// Claims the alert if the caps allow it, then sends it on a task of its own, which
/// the state's tracker follows: a shutdown waits for it.
async fn notify(state: &AppState, now: i64, account: &Account, about: About<'_>, from: &Footprint) {
    if !state.settings.alerts {
        state.metrics.security_alert("off");
        return;
    }
    let device_hash = match about {
        About::SignIn { device_hash, .. } => Some(device_hash),
        About::Passkey { .. } => None,
    };
    let claim = state
        .store
        .claim_alert(
            account.id,
            &account.phone,
            device_hash,
            now,
            &state.settings.policy,
        )
        .await;
    let ticket = match claim {
        Ok(AlertClaim::Granted(ticket)) => ticket,
        Ok(refused) => {
            let result = match refused {
                AlertClaim::AlreadyAlerted => "already_alerted",
                AlertClaim::DailyCap => "daily_cap",
                _ => "budget",
            };
            tracing::info!(account = %account.id, result, "no alert sent");
            state.metrics.security_alert(result);
            return;
        }
        // The store logged the detail.
        Err(_) => {
            state.metrics.security_alert("error");
            return;
        }
    };
    let lang = language_of(&account.phone);
    let text = alert_sms(
        lang,
        about.notice(),
        state.settings.public_origin.host(),
        from.device.as_deref().unwrap_or_default(),
        from.country
            .as_deref()
            .and_then(|code| lang.country_name(code)),
        now,
    );
    state.tasks.spawn(send(
        state.clone(),
        account.clone(),
        from.clone(),
        about.detail(),
        text,
        ticket,
    ));
}

/// The owner's language, which the stranger signing in must not choose: Russian for
/// the numbers of Russia and Kazakhstan (+7), English otherwise.
fn language_of(phone: &Phone) -> Lang {
    if phone.e164().starts_with("+7") {
        Lang::Ru
    } else {
        Lang::En
    }
}

async fn send(
    state: AppState,
    account: Account,
    from: Footprint,
    detail: EventDetail,
    text: String,
    ticket: SendTicket,
) {
    let now = state.clock.now();
    let (kind, detail) = match state.sms.send(account.phone.digits(), &text).await {
        Ok(_) => {
            tracing::info!(phone = %account.phone, account = %account.id, "alert sent");
            state.metrics.sms_sent();
            state.metrics.security_alert("sent");
            (EventKind::AlertSent, detail)
        }
        Err(error) => {
            tracing::error!(
                phone = %account.phone,
                account = %account.id,
                reason = error.reason(),
                %error,
                "alert SMS not sent"
            );
            state.metrics.security_alert("failed");
            state.metrics.sms_failed(error.reason());
            if !error.may_have_been_sent() && state.store.release_sms(ticket).await.is_err() {
                tracing::warn!("the failed alert stays counted in the daily budget");
            }
            let failure = EventDetail {
                failure: Some(error.reason().to_owned()),
                ..EventDetail::default()
            };
            (EventKind::AlertFailed, failure)
        }
    };
    if state
        .store
        .record_event(account.id, kind, &from, &detail, now)
        .await
        .is_err()
    {
        tracing::warn!(
            account = %account.id,
            "the alert's activity event was not recorded"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owners_number_picks_the_language() {
        assert_eq!(
            language_of(&Phone::from_stored("+79991234567".into())),
            Lang::Ru
        );
        assert_eq!(
            language_of(&Phone::from_stored("+77011234567".into())),
            Lang::Ru
        );
        assert_eq!(
            language_of(&Phone::from_stored("+447700900123".into())),
            Lang::En
        );
    }
}
