//! What the sign-in steps' unit tests share: an app state on a real SQLite store,
//! with the development outbox as the SMS sender and a clock the test moves; a
//! browser as a step sees it. No HTTP: the steps take plain values.

use std::sync::Arc;

use leptos::config::LeptosOptions;
use secrecy::SecretString;

use super::{
    client::{Client, SESSION_COOKIE, VERIFICATION_COOKIE},
    devices::DEVICE_COOKIE,
    signin, token,
};
use crate::{
    clock::{Clock, ManualClock},
    i18n::Lang,
    phone::Phone,
    server::{
        config::Config,
        geo::GeoIp,
        state::{AppState, Settings},
    },
    sms::DevOutbox,
    store::{self, Footprint},
};

/// The tests' start.
pub const NOW: i64 = 1_795_694_400;

/// An app state on a fresh SQLite file in `dir`, in development (SMS go to the
/// outbox), with the default policy, at an IP origin (no passkeys).
pub async fn state(dir: &tempfile::TempDir) -> (AppState, ManualClock) {
    state_at(dir, "http://127.0.0.1:3000").await
}

/// The same, at the site `origin`.
pub async fn state_at(dir: &tempfile::TempDir, origin: &str) -> (AppState, ManualClock) {
    let url = format!("sqlite://{}/test.db?mode=rwc", dir.path().display());
    let store = store::connect(&url, 4).await.expect("store");
    let clock = ManualClock::at(NOW);
    let sms = Arc::new(DevOutbox::new(store.clone(), Arc::new(clock.clone())));
    let config = Config::from_lookup(|name| {
        let value = match name {
            "LEPTOS_ENV" => "DEV",
            "PUBLIC_ORIGIN" => origin,
            "DATABASE_URL" => &url,
            _ => return None,
        };
        Some(value.to_owned())
    })
    .expect("configuration");
    let secret = SecretString::from("test-secret-of-at-least-32-bytes!");
    let settings = Settings::from_config(&config, secret, GeoIp::off());
    let options = LeptosOptions::builder().output_name("sms-auth").build();
    let state = AppState::new(options, store, sms, Arc::new(clock.clone()), settings);
    (state, clock)
}

/// A browser at `address`, holding the pending code `pending`, at `now`.
pub fn browser(address: &str, pending: Option<&str>, now: i64) -> Client {
    Client {
        limit_key: address.to_owned(),
        device_id: None,
        device_hash: None,
        session: None,
        session_memo: Default::default(),
        ceremony: None,
        footprint: Footprint::default(),
        pending_code: pending.map(str::to_owned),
        lang: Lang::Ru,
        now,
    }
}

pub fn phone() -> Phone {
    Phone::parse("+79991234567", &[7]).expect("phone")
}

/// The code in the last SMS the outbox holds.
pub async fn last_code(state: &AppState) -> String {
    let sent = state.store.outbox(1).await.expect("outbox");
    let text = &sent.first().expect("an SMS").text;
    let digits: Vec<char> = text.chars().collect();
    digits
        .windows(6)
        .find(|run| run.iter().all(char::is_ascii_digit))
        .map(|run| run.iter().collect())
        .expect("a six-digit code")
}

/// A browser at `address` that asked for a code to [`phone`] at `now` and holds its
/// cookie, with the code the SMS brought.
pub async fn asked(state: &AppState, address: &str, now: i64) -> (Client, String) {
    let cookie = signin::send_code(state, &browser(address, None, now), &phone(), None)
        .await
        .expect("a code sent");
    let code = last_code(state).await;
    (browser(address, Some(&cookie.value), now), code)
}

/// A browser at `address` signed in to [`phone`] at the clock's time: it asked for a
/// code, read it, entered it, and holds the cookies the steps handed it.
pub async fn signed_in(state: &AppState, clock: &ManualClock, address: &str) -> Client {
    let (mut client, code) = asked(state, address, clock.now()).await;
    let opened = signin::check_code(state, &client, &code)
        .await
        .expect("signed in");
    for cookie in opened.cookies {
        match cookie.name {
            SESSION_COOKIE => client.session = Some(cookie.value),
            DEVICE_COOKIE => {
                client.device_hash = Some(token::hash(&cookie.value));
                client.device_id = Some(cookie.value);
            }
            VERIFICATION_COOKIE => client.pending_code = None,
            _ => {}
        }
    }
    client
}
