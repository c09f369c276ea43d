//! The operator's alerts (`OPERATOR_PHONES`): told once per event as the budget's
//! lanes fill, within a daily cap, across instances, and never out of the budget.

use sms_auth::{clock::Clock, domain::operator};

use crate::support::*;

const OPERATOR: &str = "79991112233";
const DEPUTY: &str = "79994445566";

/// The SMS the operator number `digits` got, in order.
fn told(app: &TestApp, digits: &str) -> Vec<String> {
    app.exolve
        .sent()
        .into_iter()
        .filter(|sms| sms.destination == digits)
        .map(|sms| sms.text)
        .collect()
}

/// One periodic check, as the server's task runs it.
async fn check(app: &TestApp) -> usize {
    operator::check(&app.state, app.clock.now())
        .await
        .expect("checked")
}

/// Codes to new numbers, `from` to `to` (exclusive).
async fn new_numbers(app: &TestApp, from: u32, to: u32) {
    for n in from..to {
        app.browser()
            .request_code(&format!("+7999000{n:04}"))
            .await
            .expect("a code");
    }
}

#[tokio::test]
async fn the_operator_is_told_once_as_the_new_numbers_lane_fills() {
    let app = TestApp::builder()
        .policy(|p| p.limits[Limit::SmsPerDay] = 10)
        .operator_phones("+7 999 111-22-33, 8 999 444 55 66")
        .start()
        .await;
    new_numbers(&app, 0, 3).await;
    assert_eq!(check(&app).await, 0, "3 of a lane of 5: below 80%");
    new_numbers(&app, 3, 4).await;
    assert_eq!(check(&app).await, 2, "4 of 5: each operator number told");
    assert_eq!(check(&app).await, 0, "told once");
    let texts = told(&app, OPERATOR);
    assert_eq!(texts, told(&app, DEPUTY));
    assert_eq!(texts.len(), 1);
    assert!(
        texts[0].contains("80%") && texts[0].contains("(4 из 5)"),
        "{}",
        texts[0]
    );
    assert!(!texts[0].contains("http") && !texts[0].contains(&app.origin));

    new_numbers(&app, 4, 5).await;
    assert_eq!(check(&app).await, 2, "the lane is spent");
    let texts = told(&app, OPERATOR);
    assert!(texts[1].contains("(5 из 5)"), "{}", texts[1]);
    assert_eq!(check(&app).await, 0);
    // The operator's SMS are outside the budget: its count is the customers' codes.
    assert_eq!(app.count("SELECT COUNT(*) FROM sms_sends").await, 5);
    let spend = app
        .store
        .budget_spend(app.clock.now())
        .await
        .expect("spend");
    assert_eq!((spend.all, spend.new), (5, 5));
    assert!(app
        .metrics()
        .await
        .contains("sms_auth_budget_spent{lane=\"new\"} 5"));

    // A day on, the lane has emptied: nothing to tell, and the events may be told
    // again when it fills.
    app.clock.advance(24 * 3600 + 1);
    assert_eq!(check(&app).await, 0);
    new_numbers(&app, 5, 9).await;
    assert_eq!(check(&app).await, 2);
}

#[tokio::test]
async fn the_whole_budget_is_told_of_too_and_the_cap_holds() {
    let app = TestApp::builder()
        .policy(|p| {
            p.limits[Limit::SmsPerDay] = 5;
            p.limits[Limit::NewNumbersShareOfDay] = 100;
            p.limits[Limit::OperatorAlertsPerDay] = 3;
        })
        .operator_phones("+79991112233")
        .start()
        .await;
    new_numbers(&app, 0, 4).await;
    // The lane and the budget are one here: both past 80%.
    assert_eq!(check(&app).await, 2);
    let texts = told(&app, OPERATOR);
    assert!(texts[0].contains("новые номера"), "{}", texts[0]);
    assert!(texts[1].contains("дневного бюджета"), "{}", texts[1]);
    new_numbers(&app, 4, 5).await;
    // Both spent: the cap of 3 lets one more through.
    assert_eq!(check(&app).await, 1);
    assert_eq!(check(&app).await, 0);
    assert_eq!(told(&app, OPERATOR).len(), 3);
}

#[tokio::test]
async fn checks_at_once_tell_each_event_once() {
    let app = TestApp::builder()
        .policy(|p| p.limits[Limit::SmsPerDay] = 10)
        .operator_phones("+79991112233")
        .start()
        .await;
    new_numbers(&app, 0, 4).await;
    // As instances checking in the same moment: the store claims the event once.
    let checks = (0..8).map(|_| check(&app));
    let sent: usize = futures::future::join_all(checks).await.into_iter().sum();
    assert_eq!(sent, 1);
    assert_eq!(told(&app, OPERATOR).len(), 1);
}

#[tokio::test]
async fn without_operator_phones_nobody_is_told() {
    let app = TestApp::builder()
        .policy(|p| p.limits[Limit::SmsPerDay] = 2)
        .start()
        .await;
    new_numbers(&app, 0, 1).await;
    assert_eq!(check(&app).await, 0);
    assert_eq!(app.exolve.sent().len(), 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM operator_alerts").await, 0);
}
