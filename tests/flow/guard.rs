//! The conversion guard (issue 17): a range or a country whose codes to new numbers
//! are rarely entered is challenged: a new number there gets a code only after its
//! browser solves a proof of work (the `altcha` field). So is every new number while
//! the new numbers' lane is above 80% spent. Trusted requests are never challenged.

use reqwest::header::HeaderName;
use sms_auth::{
    clock::{Clock, SystemClock},
    domain::operator,
    error::AppError,
};

use crate::support::*;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// A browser behind the trusted proxy at its own address: the per-address cap
/// never stops a test's bots.
fn bot(app: &TestApp, n: u32) -> Browser {
    app.browser_with(&[(
        X_FORWARDED_FOR,
        &format!("10.66.{}.{}", n / 250, n % 250 + 1),
    )])
}

/// A code asked with the answer to a proof of work.
async fn request_with(browser: &Browser, phone: &str, answer: &str) -> Result<(), AppError> {
    browser
        .call("request_code", &[("phone", phone), ("altcha", answer)])
        .await
}

/// Codes to `count` (at most 10) new numbers of the range `+7 900 123 400x`, each
/// from a bot of its own, none entered.
async fn unentered(app: &TestApp, count: u32) {
    for n in 0..count {
        bot(app, n)
            .request_code(&format!("+7900123400{n}"))
            .await
            .expect("under the minimum");
    }
}

/// Ten of them: the range's minimum.
async fn ten_unentered(app: &TestApp) {
    unentered(app, 10).await;
}

#[tokio::test]
async fn a_range_that_enters_no_codes_is_challenged_after_the_minimum() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .start()
        .await;
    // The owner of a number in the range signed in before: one code sent, one
    // entered. Nine more, never entered: 10 sent, 10% entered.
    let owner = app.signed_in("+7 900 123-49-99", "79001234999").await;
    app.clock.advance(60);
    unentered(&app, 9).await;
    let now = app.clock.now();
    let (challenge, until) = challenge_of(bot(&app, 10).request_code("+79001234010").await);
    assert_eq!(
        until,
        Some(now + 15 * 60),
        "the first challenge: 15 minutes"
    );
    assert_eq!(
        app.exolve.sent().len(),
        10,
        "the owner's first code and the 9"
    );
    // Another range, and the owner's own number: codes as before.
    bot(&app, 11)
        .request_code("+79001235000")
        .await
        .expect("another range");
    owner
        .request_code("+7 900 123-49-99")
        .await
        .expect("a trusted request is never challenged");

    // Solved, the challenge lets one code through, to its number only, once.
    let answer = solve(&challenge);
    assert_eq!(
        request_with(&bot(&app, 12), "+79001234011", &answer).await,
        Err(AppError::ChallengeFailed),
        "bound to the number it was issued for"
    );
    request_with(&bot(&app, 10), "+79001234010", &answer)
        .await
        .expect("solved");
    assert_eq!(app.exolve.sent().len(), 13);
    app.clock.advance(60);
    assert_eq!(
        request_with(&bot(&app, 13), "+79001234010", &answer).await,
        Err(AppError::ChallengeFailed),
        "used once"
    );
    assert_eq!(
        request_with(&bot(&app, 14), "+79001234012", "{\"forged\":true}").await,
        Err(AppError::ChallengeFailed)
    );
    assert_eq!(app.exolve.sent().len(), 13);
    let metrics = app.metrics().await;
    for line in [
        "sms_auth_challenges_total{result=\"issued\"} 1",
        "sms_auth_challenges_total{result=\"solved\"} 1",
        "sms_auth_challenges_total{result=\"failed\"} 3",
    ] {
        assert!(metrics.contains(line), "{line} missing in\n{metrics}");
    }
}

#[tokio::test]
async fn a_challenge_lengthens_while_the_range_trips_and_ends_a_day_after() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .start()
        .await;
    ten_unentered(&app).await;
    let first = app.clock.now();
    let (_, until) = challenge_of(bot(&app, 10).request_code("+79001234010").await);
    assert_eq!(until, Some(first + 15 * 60));

    // Its 15 minutes end; the range's hour still trips: the next level, an hour.
    app.clock.advance(15 * 60);
    let second = app.clock.now();
    let (_, until) = challenge_of(bot(&app, 11).request_code("+79001234011").await);
    assert_eq!(until, Some(second + 3600));
    // Then 4 hours, on the day's counts (the hour's have aged out).
    app.clock.advance(3600);
    let third = app.clock.now();
    let (_, until) = challenge_of(bot(&app, 12).request_code("+79001234012").await);
    assert_eq!(until, Some(third + 4 * 3600));

    // A day later the counts have aged out and the challenge has ended: no more.
    app.clock.advance(24 * 3600);
    bot(&app, 13)
        .request_code("+79001234013")
        .await
        .expect("the range is clear again");
}

#[tokio::test]
async fn a_range_whose_codes_are_entered_is_never_challenged() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .start()
        .await;
    for n in 0..12_u32 {
        let browser = bot(&app, n);
        let digits = format!("790012340{n:02}");
        browser
            .request_code(&format!("+{digits}"))
            .await
            .expect("a range of customers");
        // Half of them enter their code: 50%, above the guard's 35%.
        if n % 2 == 0 {
            browser
                .verify(&app.exolve.last_code_to(&digits))
                .await
                .expect("signed in");
        }
    }
    assert!(!app.metrics().await.contains("sms_auth_challenges_total{"));
}

#[tokio::test]
async fn a_country_trips_on_its_own_minimum_across_ranges() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .policy(|p| p.limits[Limit::GuardCountryMinSends] = 12)
        .start()
        .await;
    // Twelve numbers, each of its own range: no range reaches its minimum.
    for n in 0..12_u32 {
        bot(&app, n)
            .request_code(&format!("+79{n:02}1234567"))
            .await
            .expect("under the country's minimum");
    }
    let now = app.clock.now();
    let (_, until) = challenge_of(bot(&app, 12).request_code("+79501234567").await);
    assert_eq!(until, Some(now + 15 * 60));
}

#[tokio::test]
async fn every_new_number_is_challenged_once_its_lane_is_four_fifths_spent() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .policy(|p| {
            p.limits[Limit::SmsPerDay] = 12;
            p.limits[Limit::NewNumbersShareOfDay] = 100;
        })
        .start()
        .await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    app.clock.advance(60);
    // The owner's first sign-in and 9 more: 10 of 12, above 80%.
    for n in 0..9_u32 {
        bot(&app, n)
            .request_code(&format!("+79{n:02}7654321"))
            .await
            .expect("the lane is not pressed yet");
    }
    let (challenge, until) = challenge_of(bot(&app, 9).request_code("+79097654321").await);
    assert_eq!(
        until, None,
        "no end is known: the lane frees as its sends age"
    );
    request_with(&bot(&app, 9), "+79097654321", &solve(&challenge))
        .await
        .expect("solved");
    owner
        .request_code(PHONE)
        .await
        .expect("the owner's browser is never challenged");
}

#[tokio::test]
async fn without_javascript_a_challenged_number_is_told_why_and_until_when() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .start()
        .await;
    ten_unentered(&app).await;
    for (browser, words) in [
        (
            app.browser_with(&[(X_FORWARDED_FOR, "10.77.0.1")]),
            ["JavaScript", "попробуйте после"],
        ),
        (
            app.browser_with(&[
                (X_FORWARDED_FOR, "10.77.0.2"),
                (reqwest::header::ACCEPT_LANGUAGE, "en"),
            ]),
            ["JavaScript", "try again after"],
        ),
    ] {
        let posted = browser
            .form_post("request_code", &[("phone", "+79001234010")], "/signup")
            .await;
        assert_eq!(posted.status(), 302);
        let page = browser
            .page(location(&posted).trim_start_matches(&app.base))
            .await;
        assert!(page.contains(r#"role="alert""#), "{page}");
        for word in words {
            assert!(page.contains(word), "{word} missing in {page}");
        }
    }
    assert_eq!(app.exolve.sent().len(), 10);
}

#[tokio::test]
async fn codes_asked_at_once_are_each_counted() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .start()
        .await;
    // Nine at once: decided in one batch, each counted in the range.
    let asked = (0..9_u32).map(|n| {
        let browser = bot(&app, n);
        async move { browser.request_code(&format!("+7900123400{n}")).await }
    });
    let results = futures::future::join_all(asked).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    bot(&app, 9)
        .request_code("+79001234009")
        .await
        .expect("the tenth");
    challenge_of(bot(&app, 10).request_code("+79001234010").await);
}

#[tokio::test]
async fn the_operator_is_told_once_when_the_guard_challenges_a_range() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .operator_phones("+7 999 111-22-33")
        .start()
        .await;
    ten_unentered(&app).await;
    challenge_of(bot(&app, 10).request_code("+79001234010").await);
    let check = || operator::check(&app.state, app.clock.now());
    assert_eq!(check().await.expect("checked"), 1);
    let told: Vec<_> = app
        .exolve
        .sent()
        .into_iter()
        .filter(|sms| sms.destination == "79991112233")
        .map(|sms| sms.text)
        .collect();
    assert_eq!(told.len(), 1);
    assert!(
        told[0].contains("+79001234xxx") && told[0].contains("не вводят"),
        "{}",
        told[0]
    );
    // Once, however it lengthens.
    app.clock.advance(15 * 60);
    challenge_of(bot(&app, 11).request_code("+79001234011").await);
    assert_eq!(check().await.expect("checked"), 0);
    let metrics = app.metrics().await;
    for line in [
        "sms_auth_guard_challenged{scope=\"range\"} 1",
        "sms_auth_guard_challenged{scope=\"country\"} 0",
        "sms_auth_guard_sent{country=\"7\"} 10",
        "sms_auth_guard_verified{country=\"7\"} 0",
    ] {
        assert!(metrics.contains(line), "{line} missing in\n{metrics}");
    }
}

/// `sms-auth guard …` run beside the app, on its database.
fn guard_command(app: &TestApp, words: &[&str]) -> (bool, String) {
    app.command(&[&["guard"], words].concat())
}

#[tokio::test]
async fn the_operator_imposes_and_lifts_a_challenge_on_record() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .start()
        .await;
    // The command reads the system's clock: the app's is set to it.
    app.clock.advance(SystemClock.now() - app.clock.now());
    // Imposed on a range nobody asked codes of: its next new number is challenged.
    let (ok, said) = guard_command(&app, &["impose", "range:+79001235", "2"]);
    assert!(
        ok && said.contains("impose range:+79001235 (+79001235xxx)"),
        "{said}"
    );
    challenge_of(bot(&app, 0).request_code("+79001235000").await);

    // A range the guard challenged, lifted: codes without a challenge, though its
    // counts still trip.
    ten_unentered(&app).await;
    challenge_of(bot(&app, 10).request_code("+79001234010").await);
    let (ok, said) = guard_command(&app, &["lift", "range:+79001234", "24"]);
    assert!(ok, "{said}");
    // The command ran a moment after the app's clock was set.
    app.clock.advance(2);
    bot(&app, 11)
        .request_code("+79001234011")
        .await
        .expect("lifted");

    let (ok, listed) = guard_command(&app, &[]);
    assert!(ok, "{listed}");
    assert!(
        listed.contains("range:+79001235 (+79001235xxx) until"),
        "{listed}"
    );
    assert!(listed.contains("by operator"), "{listed}");
    for recorded in ["impose range:+79001235", "lift range:+79001234"] {
        assert!(listed.contains(recorded), "{recorded} missing in {listed}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM guard_actions").await, 2);

    // Nothing it does not know.
    for wrong in [
        &["impose", "range:+1202555", "2"][..],
        &["lift", "country:7", "0"],
    ] {
        let (ok, said) = guard_command(&app, wrong);
        assert!(!ok && !said.is_empty(), "{wrong:?}: {said}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM guard_actions").await, 2);
}

#[tokio::test]
async fn a_number_signing_in_again_does_not_raise_its_ranges_conversion() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .start()
        .await;
    // One number of the range, signed in five times: one first sign-in.
    let owner = app.signed_in("+7 900 123-49-99", "79001234999").await;
    for _ in 0..4 {
        app.clock.advance(60);
        owner
            .request_code("+7 900 123-49-99")
            .await
            .expect("a returning number");
        owner
            .verify(&app.exolve.last_code_to("79001234999"))
            .await
            .expect("signed in again");
    }
    app.clock.advance(60);
    unentered(&app, 9).await;
    // 10 codes to new numbers of the range, 1 entered: its own sign-ins again
    // counted neither as codes nor as entries.
    challenge_of(bot(&app, 10).request_code("+79001234010").await);
}
