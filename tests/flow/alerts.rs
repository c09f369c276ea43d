//! Telling the owner: an SMS after a sign-in from a new device or a new country, the
//! caps that keep it from being turned into SMS bombing, the code SMS's warning, and
//! the account's activity. Countries come from the real DB-IP database, through a
//! trusted proxy's `X-Forwarded-For`: 77.88.8.8 is in Russia, 8.8.8.8 in the United
//! States.

use reqwest::header::{self, HeaderName};
use sms_auth::{
    api::{account::SessionView, activity::EventView},
    clock::Clock,
    otp::Policy,
    store::SessionLimits,
};

use crate::support::*;

const RUSSIA: &str = "77.88.8.8";
const USA: &str = "8.8.8.8";
const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
    (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
const FIREFOX_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const ALERTS: &str = "SELECT COUNT(*) FROM sms_sends WHERE allowance = 'alert'";

async fn app() -> TestApp {
    app_with(|_| {}).await
}

async fn app_with(policy: impl FnOnce(&mut Policy)) -> TestApp {
    TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .policy(|p| {
            p.limits[Limit::ResendCooldown] = 0;
            policy(p);
        })
        .start()
        .await
}

/// A browser behind the trusted proxy, at `address`, saying it is `user_agent`.
fn browser(app: &TestApp, user_agent: &str, address: &str) -> Browser {
    app.browser_with(&[
        (header::USER_AGENT, user_agent),
        (HeaderName::from_static("x-forwarded-for"), address),
    ])
}

/// Waits until every alert under way has gone out, then returns what the phone got:
/// exactly the alerts the store claimed.
async fn settled_alerts(app: &TestApp) -> Vec<String> {
    app.settled().await;
    let claimed = usize::try_from(app.count(ALERTS).await).expect("count");
    let alerts = app.exolve.alerts_to(PHONE_DIGITS);
    // An alert is claimed before it is sent: none can arrive that was not claimed.
    assert_eq!(alerts.len(), claimed);
    alerts
}

#[tokio::test]
async fn the_first_sign_in_sends_no_alert() {
    let app = app().await;
    let owner = browser(&app, CHROME_ANDROID, RUSSIA);
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    assert!(settled_alerts(&app).await.is_empty());
    assert_eq!(app.count(ALERTS).await, 0);
    // The live session is its sign-in's event.
    let activity = activity_of(&owner).await;
    assert_eq!(activity.len(), 1);
    assert_eq!(activity[0].kind, "sign_in");
    assert_eq!(activity[0].what, "Вход — первый вход, аккаунт создан");
}

async fn activity_of(browser: &Browser) -> Vec<EventView> {
    browser.call("activity", &[]).await.expect("activity")
}

#[tokio::test]
async fn a_second_browser_alerts_once_and_a_known_one_never() {
    let app = app().await;
    let owner = browser(&app, CHROME_ANDROID, RUSSIA);
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    let other = browser(&app, FIREFOX_LINUX, RUSSIA);
    app.sign_in(&other, PHONE, PHONE_DIGITS).await;
    let alerts = app.alerts_to(PHONE_DIGITS).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let alert = &alerts[0];
    // A +7 number gets its alert in Russian, whatever the browser signing in speaks.
    assert!(
        alert.starts_with("Новый вход в 127.0.0.1: Firefox, Linux, Россия, 26 ноября, 15:00 МСК."),
        "{alert}"
    );
    assert!(
        alert.contains("Не вы? Откройте сайт сами: Аккаунт → Сеансы"),
        "{alert}"
    );
    assert!(
        !alert.contains("http") && !alert.contains('/'),
        "no link: {alert}"
    );
    // The same browser again, after signing out, and the owner's: nothing new.
    other.sign_out().await.expect("signed out");
    app.sign_in(&other, PHONE, PHONE_DIGITS).await;
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    assert_eq!(settled_alerts(&app).await.len(), 1);
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("sms_auth_security_alerts_total{result=\"sent\"} 1"),
        "{metrics}"
    );
    // Four codes and the one alert went out.
    assert!(metrics.contains("sms_auth_sms_sent_total 5"), "{metrics}");
    assert!(
        metrics.contains("sms_auth_new_sign_ins_total{signal=\"device\"} 1"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_new_country_alerts_once() {
    let app = app().await;
    let owner = browser(&app, CHROME_ANDROID, RUSSIA);
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    let travelling = browser(&app, CHROME_ANDROID, USA);
    travelling.set_cookie("did", &owner.cookie("did").expect("device cookie"));
    app.sign_in(&travelling, PHONE, PHONE_DIGITS).await;
    let alerts = app.alerts_to(PHONE_DIGITS).await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(
        alerts[0].contains("Chrome, Android, Соединенные Штаты, 26 ноября"),
        "{}",
        alerts[0]
    );
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("sms_auth_new_sign_ins_total{signal=\"country\"} 1"),
        "{metrics}"
    );
    assert!(!metrics.contains("signal=\"device\""), "{metrics}");
    // The country is known now.
    app.sign_in(&travelling, PHONE, PHONE_DIGITS).await;
    assert_eq!(settled_alerts(&app).await.len(), 1);
}

#[tokio::test]
async fn four_new_devices_in_a_day_send_three_alerts() {
    let app = app().await;
    app.sign_in(&browser(&app, CHROME_ANDROID, RUSSIA), PHONE, PHONE_DIGITS)
        .await;
    for _ in 0..4 {
        app.sign_in(&browser(&app, FIREFOX_LINUX, RUSSIA), PHONE, PHONE_DIGITS)
            .await;
    }
    assert_eq!(settled_alerts(&app).await.len(), 3);
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("sms_auth_security_alerts_total{result=\"daily_cap\"} 1"),
        "{metrics}"
    );
    // A day later the cap is free again.
    app.clock.advance(24 * 3600 + 1);
    app.sign_in(&browser(&app, FIREFOX_LINUX, RUSSIA), PHONE, PHONE_DIGITS)
        .await;
    assert_eq!(settled_alerts(&app).await.len(), 4);
}

#[tokio::test]
async fn exolve_down_for_the_alert_still_signs_in_and_records_the_failure() {
    let app = app().await;
    app.sign_in(&browser(&app, CHROME_ANDROID, RUSSIA), PHONE, PHONE_DIGITS)
        .await;
    let other = browser(&app, FIREFOX_LINUX, RUSSIA);
    other.request_code(PHONE).await.expect("code sent");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    app.exolve.set_mode(ExolveMode::Status(503, "down"));
    other.verify(&code).await.expect("signed in all the same");
    assert!(other.account().await.is_ok());
    app.settled().await;
    let failed = app
        .count("SELECT COUNT(*) FROM security_events WHERE kind = 'alert_failed'")
        .await;
    assert_eq!(failed, 1, "the failure is in the activity");
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("sms_auth_security_alerts_total{result=\"failed\"} 1"),
        "{metrics}"
    );
    // A 503 may have been sent: it stays counted, as a code would.
    assert_eq!(app.count(ALERTS).await, 1);
}

#[tokio::test]
async fn alerts_can_be_turned_off() {
    let app = TestApp::builder()
        .alerts_off()
        .policy(|p| p.limits[Limit::ResendCooldown] = 0)
        .start()
        .await;
    app.signed_in(PHONE, PHONE_DIGITS).await;
    app.signed_in(PHONE, PHONE_DIGITS).await;
    assert!(settled_alerts(&app).await.is_empty());
    assert!(app
        .metrics()
        .await
        .contains("sms_auth_security_alerts_total{result=\"off\"} 1"));
}

#[tokio::test]
async fn a_bare_code_request_alerts_nobody() {
    let app = app().await;
    app.sign_in(&browser(&app, CHROME_ANDROID, RUSSIA), PHONE, PHONE_DIGITS)
        .await;
    let stranger = browser(&app, FIREFOX_LINUX, USA);
    for _ in 0..3 {
        stranger.request_code(PHONE).await.expect("code sent");
        let wrong = wrong_for(&app.exolve.last_code_to(PHONE_DIGITS));
        assert!(stranger.verify(wrong).await.is_err());
    }
    assert!(settled_alerts(&app).await.is_empty());
    assert_eq!(app.count(ALERTS).await, 0);
}

/// A stranger who spent the number's hourly code cap cannot thereby silence the
/// alert of their own sign-in; and alerts do not eat the owner's code cap.
#[tokio::test]
async fn alerts_are_outside_the_phones_code_cap() {
    // The owner's first code was on the number's shared allowance too.
    let app = app_with(|p| p.limits[Limit::SmsPerPhonePerHour] = 3).await;
    app.sign_in(&browser(&app, CHROME_ANDROID, RUSSIA), PHONE, PHONE_DIGITS)
        .await;
    let stranger = browser(&app, FIREFOX_LINUX, RUSSIA);
    stranger.request_code(PHONE).await.expect("first code");
    stranger.request_code(PHONE).await.expect("second code");
    assert!(
        stranger.request_code(PHONE).await.is_err(),
        "the cap is spent"
    );
    stranger
        .verify(&app.exolve.last_code_to(PHONE_DIGITS))
        .await
        .expect("signed in");
    assert_eq!(app.alerts_to(PHONE_DIGITS).await.len(), 1);
    // The owner's own browser still gets codes: its allowance is its own.
}

#[tokio::test]
async fn the_code_sms_names_a_country_the_account_never_signed_in_from() {
    let app = app().await;
    let owner = browser(&app, CHROME_ANDROID, RUSSIA);
    // No account yet: nothing to compare with.
    let newcomer = browser(&app, CHROME_ANDROID, USA);
    newcomer.request_code(PHONE).await.expect("code sent");
    let first = app.exolve.sent().last().expect("sms").text.clone();
    assert!(!first.contains("Запрошен из"), "{first}");
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    let home = app.exolve.sent().last().expect("sms").text.clone();
    assert!(
        home.contains("Никому его не сообщайте") && !home.contains("Запрошен из"),
        "{home}"
    );
    browser(&app, FIREFOX_LINUX, USA)
        .request_code(PHONE)
        .await
        .expect("code sent");
    let abroad = app.exolve.sent().last().expect("sms").text.clone();
    assert!(
        abroad.contains("Запрошен из: Соединенные Штаты"),
        "{abroad}"
    );
    assert!(is_code_sms(&abroad));
}

#[tokio::test]
async fn the_activity_records_each_event_and_nothing_secret() {
    let app = app().await;
    let owner = browser(&app, CHROME_ANDROID, RUSSIA);
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    let stranger = browser(&app, FIREFOX_LINUX, USA);
    app.clock.advance(1);
    stranger.request_code(PHONE).await.expect("code sent");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    app.clock.advance(1);
    assert!(stranger.verify(wrong_for(&code)).await.is_err());
    app.clock.advance(1);
    stranger.verify(&code).await.expect("signed in");
    settled_alerts(&app).await;
    app.clock.advance(1);
    stranger.sign_out().await.expect("signed out");
    let activity = activity_of(&owner).await;
    let kinds: Vec<&str> = activity.iter().map(|e| e.kind.as_str()).collect();
    // Newest first; the owner's first code went out before there was an account to
    // record it in.
    assert_eq!(
        kinds,
        [
            "session_ended",
            "alert_sent",
            "sign_in",
            "wrong_code",
            "code_sent",
            "sign_in"
        ]
    );
    let told: Vec<(&str, &str)> = activity
        .iter()
        .map(|e| (e.what.as_str(), e.place.as_str()))
        .collect();
    assert_eq!(
        told,
        [
            (
                "Сеанс завершён — выходом",
                "Firefox, Linux · Соединенные Штаты · 8.8.8.0/24"
            ),
            (
                "Отправлено SMS о новом входе — новое устройство и страна",
                "Firefox, Linux · Соединенные Штаты · 8.8.8.0/24"
            ),
            (
                "Вход — новое устройство и страна",
                "Firefox, Linux · Соединенные Штаты · 8.8.8.0/24"
            ),
            (
                "Введён неверный код",
                "Firefox, Linux · Соединенные Штаты · 8.8.8.0/24"
            ),
            (
                "Отправлен код",
                "Firefox, Linux · Соединенные Штаты · 8.8.8.0/24"
            ),
            (
                "Вход — первый вход, аккаунт создан",
                "Chrome, Android · Россия · 77.88.8.0/24"
            ),
        ]
    );
    // Nothing secret: no code, no cookie value, no whole address, in any column of
    // the events or of the sessions they are read from.
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT kind || '|' || COALESCE(device, '') || '|' || COALESCE(country, '') || '|'
                || COALESCE(network, '') || '|' || COALESCE(novelty, '') || '|'
                || COALESCE(ended_by, '') || '|' || COALESCE(passkey_name, '') || '|'
                || COALESCE(alert_about, '') || '|' || COALESCE(failure, '')
         FROM security_events
         UNION ALL SELECT COALESCE(device, '') || '|' || COALESCE(country, '') || '|'
                || COALESCE(network, '') || '|' || novelty
         FROM sessions",
    )
    .fetch_all(&app.db)
    .await
    .expect("rows");
    assert_eq!(stored.len(), 6, "{stored:?}");
    let secrets = [
        code,
        owner.cookie("sid").expect("session"),
        owner.cookie("did").expect("device"),
        USA.to_owned(),
        RUSSIA.to_owned(),
    ];
    for secret in secrets {
        assert!(
            !stored.iter().any(|v| v.contains(&secret)),
            "{secret} leaked"
        );
    }
}

#[tokio::test]
async fn the_purge_forgets_events_after_90_days() {
    let app = app().await;
    app.sign_in(&browser(&app, CHROME_ANDROID, RUSSIA), PHONE, PHONE_DIGITS)
        .await;
    let events = "SELECT COUNT(*) FROM security_events";
    assert_eq!(
        app.count(events).await,
        0,
        "the live session is its sign-in"
    );
    let limits = SessionLimits::default();
    app.clock.advance(89 * 24 * 3600);
    app.store
        .purge(app.clock.now(), limits)
        .await
        .expect("purge");
    assert_eq!(
        app.count(events).await,
        1,
        "the expired session's sign-in, kept"
    );
    app.clock.advance(2 * 24 * 3600);
    app.store
        .purge(app.clock.now(), limits)
        .await
        .expect("purge");
    assert_eq!(app.count(events).await, 0);
    // A country is remembered 180 days.
    assert_eq!(app.count("SELECT COUNT(*) FROM account_countries").await, 1);
    app.clock.advance(90 * 24 * 3600);
    app.store
        .purge(app.clock.now(), limits)
        .await
        .expect("purge");
    assert_eq!(app.count("SELECT COUNT(*) FROM account_countries").await, 0);
}

#[tokio::test]
async fn the_activity_page_tells_each_event_and_credits_db_ip() {
    let app = app().await;
    let owner = browser(&app, CHROME_ANDROID, RUSSIA);
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    let stranger = browser(&app, FIREFOX_LINUX, USA);
    stranger.request_code(PHONE).await.expect("code sent");
    let wrong = wrong_for(&app.exolve.last_code_to(PHONE_DIGITS));
    assert!(stranger.verify(wrong).await.is_err());
    let page = owner.page("/account/activity").await;
    // START is 12:00 UTC: 15:00 in Moscow, which a page without JavaScript says.
    for expected in [
        "Вход — первый вход, аккаунт создан",
        r#"<time datetime="2026-11-26T12:00:00Z">26 ноября 2026, 15:00</time> · Chrome, Android · Россия · 77.88.8.0/24"#,
        "Отправлен код",
        "Firefox, Linux · Соединенные Штаты · 8.8.8.0/24",
        "Введён неверный код",
        "Время — МСК.",
        r#"<a href="https://db-ip.com""#,
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    assert!(!page.contains("8.8.8.8") && !page.contains("77.88.8.8"));
    let account = owner.page("/account").await;
    assert!(account.contains(r#"href="/account/activity""#), "{account}");
    let english = app.browser_with_language("en");
    english.set_cookie("sid", &owner.cookie("sid").expect("session"));
    let page = english.page("/account/activity").await;
    assert!(
        page.contains("Sign-in — first sign-in, account created"),
        "{page}"
    );
    assert!(
        page.contains("26 November 2026, 12:00</time> · Chrome, Android · Russia"),
        "{page}"
    );
    assert!(page.contains("Times are UTC."), "{page}");
}

async fn sessions_of(browser: &Browser) -> Vec<SessionView> {
    browser.call("sessions", &[]).await.expect("sessions")
}

#[tokio::test]
async fn the_owner_sees_the_new_session_and_not_me_ends_it_and_forgets_its_device() {
    let app = app().await;
    let owner = browser(&app, CHROME_ANDROID, RUSSIA);
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    let thief = browser(&app, FIREFOX_LINUX, USA);
    app.sign_in(&thief, PHONE, PHONE_DIGITS).await;
    assert_eq!(app.alerts_to(PHONE_DIGITS).await.len(), 1);
    // Without JavaScript the page shows the new session, its country and what was new.
    let page = owner.page("/account").await;
    for expected in [
        "Firefox, Linux",
        r#"<span class="country">Соединенные Штаты</span>"#,
        r#"<span class="badge new">новое устройство и страна</span>"#,
        "Это не я",
        "Завершить все другие сеансы",
        "Время — МСК.",
        r#"<a href="https://db-ip.com""#,
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    let sessions = sessions_of(&owner).await;
    let theirs = sessions
        .iter()
        .find(|s| !s.current)
        .expect("the thief's session");
    assert_eq!(
        (
            theirs.device.as_str(),
            theirs.country.as_str(),
            theirs.new.as_str()
        ),
        (
            "Firefox, Linux",
            "Соединенные Штаты",
            "новое устройство и страна"
        )
    );
    assert!(sessions
        .iter()
        .find(|s| s.current)
        .is_some_and(|s| s.new.is_empty()));
    // "Not me", without JavaScript: a form post, answered with a redirect back.
    let response = owner
        .form_post("not_me", &[("session", &theirs.handle)], "/account")
        .await;
    assert!(
        location(&response).contains("/account"),
        "{}",
        location(&response)
    );
    assert!(
        thief.account().await.is_err(),
        "the thief's session is over"
    );
    assert_eq!(sessions_of(&owner).await.len(), 1);
    assert!(owner.account().await.is_ok());
    // The device is forgotten: its next sign-in is new again, and alerts again.
    app.sign_in(&thief, PHONE, PHONE_DIGITS).await;
    assert_eq!(app.alerts_to(PHONE_DIGITS).await.len(), 2);
    let ended = app
        .count("SELECT COUNT(*) FROM security_events WHERE kind = 'session_ended' AND ended_by = 'not_me'")
        .await;
    assert_eq!(ended, 1);
}

#[tokio::test]
async fn not_me_reaches_no_other_account_and_ends_all_the_others_on_request() {
    let app = app().await;
    let owner = browser(&app, CHROME_ANDROID, RUSSIA);
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    let second = browser(&app, FIREFOX_LINUX, RUSSIA);
    app.sign_in(&second, PHONE, PHONE_DIGITS).await;
    let third = browser(&app, FIREFOX_LINUX, USA);
    app.sign_in(&third, PHONE, PHONE_DIGITS).await;
    // Someone else's account cannot "not me" these sessions.
    let neighbour = browser(&app, CHROME_ANDROID, RUSSIA);
    app.sign_in(&neighbour, "+7 999 765-43-21", "79997654321")
        .await;
    let handles: Vec<String> = sessions_of(&owner)
        .await
        .into_iter()
        .map(|s| s.handle)
        .collect();
    for handle in &handles {
        neighbour
            .call::<()>("not_me", &[("session", handle)])
            .await
            .expect("answers as for a session it does not have");
    }
    assert_eq!(sessions_of(&owner).await.len(), 3);
    assert!(neighbour.account().await.is_ok());
    // Nor can a browser that is not signed in.
    let nobody = app.browser();
    assert_eq!(
        nobody
            .call::<()>("not_me", &[("session", &handles[0])])
            .await,
        Err(sms_auth::error::AppError::NotSignedIn)
    );
    owner
        .call::<()>("end_other_sessions", &[])
        .await
        .expect("ended");
    assert_eq!(sessions_of(&owner).await.len(), 1);
    assert!(second.account().await.is_err() && third.account().await.is_err());
    assert!(owner.account().await.is_ok() && neighbour.account().await.is_ok());
    // Ending them is not forgetting them: their devices stay known, no new alert.
    let alerts = settled_alerts(&app).await.len();
    app.sign_in(&second, PHONE, PHONE_DIGITS).await;
    assert_eq!(settled_alerts(&app).await.len(), alerts);
}

#[tokio::test]
async fn without_a_country_database_only_new_devices_alert() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .policy(|p| p.limits[Limit::ResendCooldown] = 0)
        .without_geoip()
        .start()
        .await;
    let owner = browser(&app, CHROME_ANDROID, RUSSIA);
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    let travelling = browser(&app, CHROME_ANDROID, USA);
    travelling.set_cookie("did", &owner.cookie("did").expect("device cookie"));
    app.sign_in(&travelling, PHONE, PHONE_DIGITS).await;
    let code_sms = app.exolve.sent().last().expect("sms").text.clone();
    assert!(!code_sms.contains("Запрошен из"), "{code_sms}");
    assert!(settled_alerts(&app).await.is_empty());
    let page = owner.page("/account/activity").await;
    assert!(
        !page.contains("db-ip.com"),
        "no country shown, no credit: {page}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM security_events WHERE country IS NOT NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn alerts_count_in_the_daily_budget_and_stop_when_it_is_spent() {
    let app = app_with(|p| p.limits[Limit::SmsPerDay] = 4).await;
    app.sign_in(&browser(&app, CHROME_ANDROID, RUSSIA), PHONE, PHONE_DIGITS)
        .await;
    // Code, code, alert: three of the day's four.
    app.sign_in(&browser(&app, FIREFOX_LINUX, RUSSIA), PHONE, PHONE_DIGITS)
        .await;
    assert_eq!(app.alerts_to(PHONE_DIGITS).await.len(), 1);
    // The fourth is a code; its sign-in finds the budget spent, and no alert goes.
    app.sign_in(&browser(&app, FIREFOX_LINUX, RUSSIA), PHONE, PHONE_DIGITS)
        .await;
    assert_eq!(settled_alerts(&app).await.len(), 1);
    assert!(app
        .metrics()
        .await
        .contains("sms_auth_security_alerts_total{result=\"budget\"} 1"));
    assert_eq!(
        browser(&app, CHROME_ANDROID, RUSSIA)
            .request_code(PHONE)
            .await,
        Err(sms_auth::error::AppError::DailyBudget)
    );
}

#[tokio::test]
async fn the_guess_that_locks_the_number_is_a_lock_in_the_activity() {
    let app = app_with(|p| p.limits[Limit::PhoneFailuresPerHour] = 2).await;
    app.sign_in(&browser(&app, CHROME_ANDROID, RUSSIA), PHONE, PHONE_DIGITS)
        .await;
    let stranger = browser(&app, FIREFOX_LINUX, USA);
    stranger.request_code(PHONE).await.expect("code sent");
    let wrong = wrong_for(&app.exolve.last_code_to(PHONE_DIGITS));
    assert!(stranger.verify(wrong).await.is_err());
    assert!(stranger.verify(wrong).await.is_err());
    let kinds: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, COALESCE(CAST(locked_until AS TEXT), '') FROM security_events
             ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .expect("events");
    let until = (START + 3600).to_string();
    assert_eq!(
        kinds[kinds.len() - 2..],
        [
            ("wrong_code".to_owned(), String::new()),
            ("locked".to_owned(), until)
        ]
    );
}

#[tokio::test]
async fn an_alerts_claim_lives_as_long_as_its_device_is_known() {
    let app = app().await;
    app.sign_in(&browser(&app, CHROME_ANDROID, RUSSIA), PHONE, PHONE_DIGITS)
        .await;
    let other = browser(&app, FIREFOX_LINUX, RUSSIA);
    app.sign_in(&other, PHONE, PHONE_DIGITS).await;
    settled_alerts(&app).await;
    let claims = "SELECT COUNT(*) FROM device_alerts";
    assert_eq!(app.count(claims).await, 1);
    let limits = SessionLimits::default();
    // Its sessions expire; the device stays known (and alerted about) for 400 days.
    app.clock.advance(399 * 24 * 3600);
    app.store
        .purge(app.clock.now(), limits)
        .await
        .expect("purge");
    assert_eq!(app.count(claims).await, 1);
    app.clock.advance(2 * 24 * 3600);
    app.store
        .purge(app.clock.now(), limits)
        .await
        .expect("purge");
    assert_eq!(app.count(claims).await, 0);
}

/// What a stranger who knows only the number can do with the new endpoints: read
/// nothing, end nothing, and add no more to the owner's activity than the limits let
/// them send and guess.
#[tokio::test]
async fn a_stranger_with_the_number_reads_and_ends_nothing_and_floods_no_activity() {
    use sms_auth::error::AppError;
    let app = app_with(|p| {
        p.limits[Limit::SmsPerPhonePerHour] = 4;
        p.limits[Limit::PhoneFailuresPerHour] = 3;
    })
    .await;
    let owner = browser(&app, CHROME_ANDROID, RUSSIA);
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    let stranger = browser(&app, FIREFOX_LINUX, USA);
    assert_eq!(
        stranger.call::<Vec<EventView>>("activity", &[]).await,
        Err(AppError::NotSignedIn)
    );
    assert_eq!(
        stranger.call::<()>("end_other_sessions", &[]).await,
        Err(AppError::NotSignedIn)
    );
    let handle = sessions_of(&owner).await[0].handle.clone();
    assert_eq!(
        stranger.call::<()>("not_me", &[("session", &handle)]).await,
        Err(AppError::NotSignedIn)
    );
    assert!(owner.account().await.is_ok(), "the owner's session lives");
    // Twenty code requests and forty guesses: the caps count them, and the activity
    // holds only what went through (3 codes: the owner's own first one used the
    // shared allowance; 3 counted wrong codes, the last of them the lock).
    for _ in 0..20 {
        let _ = stranger.request_code(PHONE).await;
    }
    for _ in 0..40 {
        let _ = stranger.verify("000000").await;
    }
    let events = |kind: &'static str| {
        let app = &app;
        async move {
            app.count(&format!(
                "SELECT COUNT(*) FROM security_events WHERE kind = '{kind}'"
            ))
            .await
        }
    };
    assert_eq!(events("code_sent").await, 3);
    assert_eq!(events("wrong_code").await + events("locked").await, 3);
    assert!(
        settled_alerts(&app).await.is_empty(),
        "no alert without a sign-in"
    );
}
