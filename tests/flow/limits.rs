use sms_auth::error::AppError;

use reqwest::header::HeaderName;

use crate::support::*;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

fn phone(n: u32) -> (String, String) {
    (
        format!("+7 999 000-{:02}-{:02}", n / 100, n % 100),
        format!("7999000{:04}", n),
    )
}

#[tokio::test]
async fn resend_waits_for_the_cooldown_and_kills_the_old_code() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    let old = app.exolve.last_code_to(PHONE_DIGITS);
    assert_eq!(
        browser.resend().await,
        Err(AppError::ResendCooldown { seconds: 60 })
    );
    app.clock.advance(42);
    assert_eq!(
        browser.resend().await,
        Err(AppError::ResendCooldown { seconds: 18 })
    );
    app.clock.advance(18);
    browser.resend().await.expect("resent after 60 s");
    let new = app.exolve.last_code_to(PHONE_DIGITS);
    assert_eq!(app.exolve.sent().len(), 2);
    if old != new {
        assert_eq!(
            browser.verify(&old).await,
            Err(AppError::WrongCode { tries_left: 4 })
        );
    }
    browser.verify(&new).await.expect("the new code works");
}

#[tokio::test]
async fn resend_without_a_pending_code_is_refused() {
    let app = TestApp::start().await;
    assert_eq!(
        app.browser().resend().await,
        Err(AppError::NoPendingVerification)
    );
    assert!(app.exolve.sent().is_empty());
}

#[tokio::test]
async fn the_cooldown_is_per_phone_across_browsers_and_spares_the_other_browsers_code() {
    let app = TestApp::start().await;
    let first = app.browser();
    first.request_code(PHONE).await.expect("sent");
    let first_code = app.exolve.last_code_to(PHONE_DIGITS);
    let second = app.browser();
    assert_eq!(
        second.request_code("89991234567").await,
        Err(AppError::ResendCooldown { seconds: 60 })
    );
    app.clock.advance(60);
    second
        .request_code(PHONE)
        .await
        .expect("sent after the cooldown");
    first
        .verify(&first_code)
        .await
        .expect("a code asked for elsewhere does not kill this one");
}

#[tokio::test]
async fn five_sms_per_phone_per_hour() {
    let app = TestApp::builder()
        .policy(|p| p.limits[Limit::ResendCooldown] = 0)
        .start()
        .await;
    let browser = app.browser();
    for _ in 0..5 {
        browser.request_code(PHONE).await.expect("within the cap");
        app.clock.advance(60);
    }
    assert_eq!(
        browser.request_code(PHONE).await,
        Err(AppError::PhoneHourlyCap)
    );
    assert_eq!(
        app.browser().request_code(PHONE).await,
        Err(AppError::PhoneHourlyCap)
    );
    assert_eq!(app.exolve.sent().len(), 5);
    app.clock.advance(3600 - 5 * 60 + 60);
    browser
        .request_code(PHONE)
        .await
        .expect("an hour after the first");
}

#[tokio::test]
async fn ten_sms_per_client_address_per_hour() {
    let app = TestApp::start().await;
    let browser = app.browser();
    for n in 0..10 {
        browser
            .request_code(&phone(n).0)
            .await
            .expect("within the cap");
    }
    assert_eq!(
        browser.request_code(&phone(10).0).await,
        Err(AppError::IpHourlyCap)
    );
    assert_eq!(app.exolve.sent().len(), 10);
    app.clock.advance(3601);
    // Of another range: the conversion guard has seen ten codes of this one in the
    // day, none entered.
    browser
        .request_code(&phone(1011).0)
        .await
        .expect("an hour later");
}

#[tokio::test]
async fn the_daily_budget_holds_for_the_whole_service() {
    let app = TestApp::builder()
        .policy(|p| {
            p.limits[Limit::SmsPerDay] = 3;
            // Every number here is new: the lane is the whole budget.
            p.limits[Limit::NewNumbersShareOfDay] = 100;
        })
        .start()
        .await;
    for n in 0..3 {
        app.browser()
            .request_code(&phone(n).0)
            .await
            .expect("within budget");
    }
    assert_eq!(
        app.browser().request_code(&phone(3).0).await,
        Err(AppError::DailyBudget)
    );
    app.clock.advance(24 * 3600);
    app.browser()
        .request_code(&phone(4).0)
        .await
        .expect("a day later");
}

#[tokio::test]
async fn twenty_wrong_codes_an_hour_lock_the_phone_across_codes() {
    let app = TestApp::builder()
        .policy(|p| p.limits[Limit::ResendCooldown] = 0)
        .start()
        .await;
    let browser = app.browser();
    for _round in 0..4 {
        browser.request_code(PHONE).await.expect("sent");
        let code = app.exolve.last_code_to(PHONE_DIGITS);
        let wrong = wrong_for(&code);
        for _ in 0..5 {
            assert!(browser.verify(wrong).await.is_err());
        }
        app.clock.advance(60);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM failed_attempts").await, 20);
    assert_eq!(
        browser.request_code(PHONE).await,
        Err(AppError::PhoneLocked {
            until: START + 3600
        })
    );
    assert_eq!(app.exolve.sent().len(), 4);
    app.clock.advance(3600);
    browser
        .request_code(PHONE)
        .await
        .expect("unlocked an hour later");
    browser
        .verify(&app.exolve.last_code_to(PHONE_DIGITS))
        .await
        .expect("and signs in");
}

#[tokio::test]
async fn a_lock_also_stops_guesses_on_a_live_code() {
    let app = TestApp::builder()
        .policy(|p| {
            p.limits[Limit::PhoneFailuresPerHour] = 3;
        })
        .start()
        .await;
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    let wrong = wrong_for(&code);
    for _ in 0..2 {
        assert!(matches!(
            browser.verify(wrong).await,
            Err(AppError::WrongCode { .. })
        ));
    }
    let locked = Err(AppError::PhoneLocked {
        until: START + 3600,
    });
    assert_eq!(
        browser.verify(wrong).await,
        locked,
        "the guess that reaches the limit says so"
    );
    assert_eq!(
        browser.verify(&code).await,
        Err(AppError::PhoneLocked {
            until: START + 3600
        })
    );
}

#[tokio::test]
async fn refused_requests_do_not_count_against_the_caps() {
    let app = TestApp::builder()
        .policy(|p| p.limits[Limit::SmsPerIpPerHour] = 2)
        .start()
        .await;
    let browser = app.browser();
    for _ in 0..5 {
        assert!(browser.request_code("not a number").await.is_err());
    }
    browser.request_code(&phone(1).0).await.expect("first");
    assert!(browser.request_code(&phone(1).0).await.is_err(), "cooldown");
    browser.request_code(&phone(2).0).await.expect("second");
}

#[tokio::test]
async fn the_daily_budget_frees_each_send_exactly_a_day_after_it() {
    let app = TestApp::builder()
        .policy(|p| {
            p.limits[Limit::SmsPerDay] = 2;
            // Every number here is new: the lane is the whole budget.
            p.limits[Limit::NewNumbersShareOfDay] = 100;
        })
        .start()
        .await;
    app.browser().request_code(&phone(0).0).await.expect("1st");
    app.clock.advance(10);
    app.browser().request_code(&phone(1).0).await.expect("2nd");
    // A day after the first send, less a second: both still count.
    app.clock.advance(24 * 3600 - 11);
    assert_eq!(
        app.browser().request_code(&phone(2).0).await,
        Err(AppError::DailyBudget)
    );
    // A day after the first: it no longer counts, the second still does.
    app.clock.advance(1);
    app.browser().request_code(&phone(3).0).await.expect("3rd");
    assert_eq!(
        app.browser().request_code(&phone(4).0).await,
        Err(AppError::DailyBudget)
    );
}

/// Requests at once, each from a browser of its own behind the trusted proxy, which
/// names the i-th's address `forwarded(i)`; the refusals they got.
async fn at_once(
    app: &TestApp,
    phones: Vec<String>,
    forwarded: impl Fn(usize) -> String,
) -> Vec<AppError> {
    let requests = phones.into_iter().enumerate().map(|(i, phone)| {
        let browser = app.browser_with(&[(X_FORWARDED_FOR, &forwarded(i))]);
        async move { browser.request_code(&phone).await.err() }
    });
    futures::future::join_all(requests)
        .await
        .into_iter()
        .flatten()
        .collect()
}

#[tokio::test]
async fn requests_at_once_do_not_overshoot_any_cap() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .policy(|p| {
            p.limits[Limit::ResendCooldown] = 0;
            p.limits[Limit::SmsPerPhonePerHour] = 3;
            p.limits[Limit::SmsPerIpPerHour] = 4;
            p.limits[Limit::SmsPerDay] = 9;
            p.limits[Limit::NewNumbersShareOfDay] = 100;
        })
        .start()
        .await;
    // 12 to one number from 12 addresses: 3 go.
    let refused = at_once(&app, vec![phone(1).0; 12], |i| format!("10.0.1.{i}")).await;
    assert_eq!(refused, vec![AppError::PhoneHourlyCap; 9]);
    assert_eq!(app.exolve.sent().len(), 3);
    // 12 numbers from one address: 4 go.
    let numbers = (100..112).map(|n| phone(n).0).collect();
    let refused = at_once(&app, numbers, |_| "10.0.2.1".to_owned()).await;
    assert_eq!(refused, vec![AppError::IpHourlyCap; 8]);
    assert_eq!(app.exolve.sent().len(), 7);
    // 12 numbers from 12 addresses: the 2 sends left of the day go. Numbers with
    // accounts: trusted requests, which the conversion guard never asks for a proof
    // of work (new numbers would be, with their lane above 80% spent).
    for n in 200..212 {
        sqlx::query(
            "INSERT INTO accounts (phone, created_at, last_sign_in_at, sign_ins)
             VALUES ($1, $2, $2, 1)",
        )
        .bind(format!("+{}", phone(n).1))
        .bind(START)
        .execute(&app.db)
        .await
        .expect("an account");
    }
    let numbers = (200..212).map(|n| phone(n).0).collect();
    let refused = at_once(&app, numbers, |i| format!("10.0.3.{i}")).await;
    assert_eq!(refused, vec![AppError::DailyBudget; 10]);
    assert_eq!(app.exolve.sent().len(), 9);
    assert_eq!(app.count("SELECT COUNT(*) FROM sms_sends").await, 9);
}

/// Holds the store's write side as another writer would: SQLite's write lock, or the
/// lock PostgreSQL's SMS reservations take.
async fn hold_the_writer(app: &TestApp) -> sqlx::pool::PoolConnection<sqlx::Any> {
    let mut connection = app.db.acquire().await.expect("connection");
    let sql = if on_postgres() {
        // store::postgres::SENDS_LOCK
        "SELECT pg_advisory_lock(8317430725568954369)"
    } else {
        "BEGIN IMMEDIATE"
    };
    sqlx::query(sql).execute(&mut *connection).await.expect("lock");
    connection
}

#[tokio::test]
async fn a_request_past_a_cap_is_refused_without_waiting_for_the_writer() {
    let app = TestApp::builder()
        .policy(|p| p.limits[Limit::SmsPerIpPerHour] = 1)
        .start()
        .await;
    let browser = app.browser();
    browser.request_code(&phone(1).0).await.expect("the one");
    let mut held = hold_the_writer(&app).await;
    // While another writer holds the store, refusals are still told at once: a flood
    // of refused requests never queues for the writer, nor holds it.
    let refused = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        browser.request_code(&phone(2).0),
    )
    .await;
    let release = if on_postgres() { "SELECT pg_advisory_unlock_all()" } else { "ROLLBACK" };
    sqlx::query(release).execute(&mut *held).await.expect("release");
    assert_eq!(refused.ok(), Some(Err(AppError::IpHourlyCap)));
}
