//! The daily budget's lanes: codes to new numbers spend only their share of it;
//! trusted requests (a browser the number's account knows, a number that has signed
//! in before) keep the rest, so an attack of new numbers cannot lock the owners out.

use std::collections::HashSet;

use reqwest::header::HeaderName;
use sms_auth::error::AppError;

use crate::support::*;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The owner's number and a returning customer's, each signed in once before.
const OWNER: (&str, &str) = (PHONE, PHONE_DIGITS);
const RETURNING: (&str, &str) = ("+7 999 765-43-21", "79997654321");

/// The attack measured on `main` before the lanes (issue 17): 180 code requests
/// from 23 addresses (at most 8 each, under the per-address cap), half to
/// consecutive numbers of one range, half spread over +7; the numbers' digits.
fn attack() -> Vec<(String, String)> {
    (0..180_u64)
        .map(|i| {
            let digits = if i % 2 == 0 {
                format!("790012340{:02}", i / 2)
            } else {
                format!("79{:09}", (i * 104_729 + 12_345) % 1_000_000_000)
            };
            (format!("10.66.{}.1", i % 23), digits)
        })
        .collect()
}

#[tokio::test]
async fn an_attack_of_new_numbers_gets_its_lane_and_the_owners_keep_signing_in() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .policy(|p| p.limits[Limit::SmsPerDay] = 60)
        .start()
        .await;
    // Both numbers' first sign-ins were new numbers: two of the lane's 30.
    let owner = app.signed_in(OWNER.0, OWNER.1).await;
    app.signed_in(RETURNING.0, RETURNING.1).await;
    app.clock.advance(60);

    let mut granted = HashSet::new();
    let mut refusals = Vec::new();
    for (address, digits) in attack() {
        let bot = app.browser_with(&[(X_FORWARDED_FOR, &address)]);
        match bot.request_code(&format!("+{digits}")).await {
            Ok(()) => {
                granted.insert(digits);
            }
            Err(refusal) => refusals.push(refusal),
        }
    }
    // The range's first 10 codes, until the conversion guard challenged it; then
    // codes to other numbers until the lane was above 80% spent (25 of its 30, two
    // of them the first sign-ins): from then on every new number is challenged, and
    // bots that solve nothing get nothing more.
    assert_eq!(granted.len(), 23);
    assert_eq!(
        granted
            .iter()
            .filter(|d| d.starts_with("790012340"))
            .count(),
        10
    );
    assert!(
        refusals
            .iter()
            .all(|r| matches!(r, AppError::ChallengeRequired { .. })),
        "{refusals:?}"
    );
    assert_eq!(refusals.len(), 180 - 23);
    assert_eq!(app.exolve.sent().len(), 25);
    let metrics = app.metrics().await;
    for line in [
        "sms_auth_budget_spent{lane=\"new\"} 25",
        "sms_auth_budget_limit{lane=\"new\"} 30",
        "sms_auth_budget_spent{lane=\"trusted\"} 0",
        "sms_auth_budget_limit{lane=\"trusted\"} 60",
        "sms_auth_challenges_total{result=\"issued\"} 157",
    ] {
        assert!(metrics.contains(line), "{line} missing in\n{metrics}");
    }

    // The owner's own browser, known to the account: a code, and in.
    owner
        .request_code(OWNER.0)
        .await
        .expect("the owner's browser");
    owner
        .verify(&app.exolve.last_code_to(OWNER.1))
        .await
        .expect("the owner signs in");
    // A number that signed in before, from a browser never seen: a code, and in.
    let elsewhere = app.browser_with(&[(X_FORWARDED_FOR, "10.77.0.1")]);
    elsewhere
        .request_code(RETURNING.0)
        .await
        .expect("a returning number");
    elsewhere
        .verify(&app.exolve.last_code_to(RETURNING.1))
        .await
        .expect("the returning customer signs in");
    // A new number, from an address the attack never used: its lane is nearly
    // spent, so it is challenged (its browser would solve it with JavaScript on).
    let newcomer = app.browser_with(&[(X_FORWARDED_FOR, "10.88.0.1")]);
    assert!(matches!(
        newcomer.request_code("+7 999 555-00-11").await,
        Err(AppError::ChallengeRequired { until: None, .. })
    ));
    // The two codes, and the returning customer's alert of a sign-in from a new
    // device: trusted sends, past the new numbers' lane.
    assert_eq!(app.alerts_to(RETURNING.1).await.len(), 1);
    assert_eq!(app.exolve.sent().len(), 28);
    assert!(app
        .metrics()
        .await
        .contains("sms_auth_budget_spent{lane=\"trusted\"} 3"));
}

#[tokio::test]
async fn the_new_numbers_refusal_is_its_own_and_says_to_try_later() {
    let app = TestApp::builder()
        .policy(|p| p.limits[Limit::SmsPerDay] = 2)
        .start()
        .await;
    app.browser()
        .request_code("+7 999 000-00-01")
        .await
        .expect("the lane's one");
    assert_eq!(
        app.browser().request_code("+7 999 000-00-02").await,
        Err(AppError::NewNumbersBudget)
    );
    let english = app.browser_with_language("en");
    let refused = english
        .raw_call("request_code", &[("phone", "+7 999 000-00-03")])
        .await;
    assert_eq!(refused.status(), 503);
    assert!(app
        .metrics()
        .await
        .contains("sms_auth_rate_limited_total{limit=\"sms_new_numbers_per_day\"} 2"));

    // Without JavaScript: the form's page again, with the reason as an alert.
    let browser = app.browser();
    let posted = browser
        .form_post("request_code", &[("phone", "+7 999 000-00-04")], "/signup")
        .await;
    assert_eq!(posted.status(), 302);
    let back = location(&posted);
    let page = browser.page(back.trim_start_matches(&app.base)).await;
    assert!(page.contains(r#"role="alert""#), "{page}");
    assert!(
        page.contains("не отправляем коды на новые номера") && page.contains("Попробуйте позже"),
        "{page}"
    );
    let posted = english
        .form_post("request_code", &[("phone", "+7 999 000-00-05")], "/signup")
        .await;
    let page = english
        .page(location(&posted).trim_start_matches(&app.base))
        .await;
    assert!(
        page.contains("not sending codes to new numbers") && page.contains("try again later"),
        "{page}"
    );
    assert_eq!(app.exolve.sent().len(), 1);
}

#[tokio::test]
async fn an_sms_exolve_refused_gives_its_place_in_the_lane_back() {
    let app = TestApp::builder()
        .policy(|p| p.limits[Limit::SmsPerDay] = 2)
        .start()
        .await;
    app.exolve
        .set_mode(ExolveMode::Status(422, r#"{"error":"bad number"}"#));
    assert_eq!(
        app.browser().request_code("+7 999 000-00-01").await,
        Err(AppError::SmsRefused)
    );
    app.exolve.set_mode(ExolveMode::Ok);
    app.browser()
        .request_code("+7 999 000-00-02")
        .await
        .expect("the lane's one place was given back");
    assert_eq!(
        app.browser().request_code("+7 999 000-00-03").await,
        Err(AppError::NewNumbersBudget)
    );
}

#[tokio::test]
async fn the_lane_frees_each_send_a_day_after_it() {
    let app = TestApp::builder()
        .policy(|p| p.limits[Limit::SmsPerDay] = 4)
        .start()
        .await;
    app.browser()
        .request_code("+7 999 000-00-01")
        .await
        .expect("1st");
    app.clock.advance(10);
    app.browser()
        .request_code("+7 999 000-00-02")
        .await
        .expect("2nd");
    app.clock.advance(24 * 3600 - 11);
    assert_eq!(
        app.browser().request_code("+7 999 000-00-03").await,
        Err(AppError::NewNumbersBudget)
    );
    app.clock.advance(1);
    app.browser()
        .request_code("+7 999 000-00-04")
        .await
        .expect("a day after the first");
    assert_eq!(
        app.browser().request_code("+7 999 000-00-05").await,
        Err(AppError::NewNumbersBudget)
    );
}
