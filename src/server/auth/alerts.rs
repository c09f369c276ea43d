//! Telling the owner: one SMS after a sign-in from a device that has never signed in
//! to the account, or from a country it has not signed in from in 180 days. One alert
//! per (account, device) ever, at most three a day per account, counted in the daily
//! SMS budget but not in the phone's own caps (a stranger who spent the code cap must
//! not silence the alert). No link in it: a linked alert is the template phishers copy.
//! A failed alert is logged and recorded, and never fails the sign-in.

use crate::server::{http::request::RequestContext, state::AppState};
use crate::{
    i18n::Lang,
    phone::Phone,
    sms::text::alert_sms,
    store::{Account, AlertClaim, EventKind, Footprint, Novelty, SendTicket},
};

/// After a sign-in (its session exists): claims the alert if one is due, then sends
/// it on a task of its own, so the person signing in never waits for it.
pub async fn after_sign_in(
    request: &RequestContext,
    account: &Account,
    device_hash: &str,
    from: &Footprint,
    novelty: Novelty,
) {
    let state = &request.state;
    if novelty.first || !novelty.any() {
        return;
    }
    state.metrics.new_sign_in(novelty.device, novelty.country);
    tracing::info!(
        account = account.id,
        new = novelty.session_key(),
        "sign-in from a new device or country"
    );
    if !state.settings.alerts {
        state.metrics.security_alert("off");
        return;
    }
    let now = request.now();
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
            tracing::info!(account = account.id, result, "no alert sent");
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
        state.settings.public_origin.host(),
        &from.device,
        lang.country_name(&from.country),
        now,
    );
    tokio::spawn(send(
        state.clone(),
        account.clone(),
        from.clone(),
        novelty,
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
    novelty: Novelty,
    text: String,
    ticket: SendTicket,
) {
    let now = state.clock.now();
    let (kind, detail) = match state.sms.send(account.phone.digits(), &text).await {
        Ok(_) => {
            tracing::info!(phone = %account.phone, account = account.id, "alert sent");
            state.metrics.sms_sent();
            state.metrics.security_alert("sent");
            (EventKind::AlertSent, novelty.session_key())
        }
        Err(error) => {
            tracing::error!(
                phone = %account.phone,
                account = account.id,
                reason = error.reason(),
                %error,
                "alert SMS not sent"
            );
            state.metrics.security_alert("failed");
            state.metrics.sms_failed(error.reason());
            if !error.may_have_been_sent() && state.store.release_sms(ticket).await.is_err() {
                tracing::warn!("the failed alert stays counted in the daily budget");
            }
            (EventKind::AlertFailed, error.reason())
        }
    };
    if state
        .store
        .record_event(account.id, kind, &from, detail, now)
        .await
        .is_err()
    {
        tracing::warn!(account = account.id, "the alert's activity event was not recorded");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owners_number_picks_the_language() {
        assert_eq!(language_of(&Phone::from_stored("+79991234567".into())), Lang::Ru);
        assert_eq!(language_of(&Phone::from_stored("+77011234567".into())), Lang::Ru);
        assert_eq!(language_of(&Phone::from_stored("+447700900123".into())), Lang::En);
    }
}
