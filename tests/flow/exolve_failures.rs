use std::time::Duration;

use sms_auth::error::AppError;

use crate::support::*;

/// Each failure of Exolve: what the person is told. (Which of them still count
/// against the limits: `adversary::only_a_definite_refusal_releases_the_send`.)
#[tokio::test]
async fn each_exolve_failure_is_typed_and_leaves_no_usable_code() {
    let cases = [
        (
            ExolveMode::Status(401, r#"{"error":{"message":"invalid token"}}"#),
            AppError::SmsUnavailable,
        ),
        (
            ExolveMode::Status(403, r#"{"error":"forbidden"}"#),
            AppError::SmsUnavailable,
        ),
        (
            ExolveMode::Status(429, r#"{"error":{"message":"too many"}}"#),
            AppError::SmsUnavailable,
        ),
        (
            ExolveMode::Status(500, "internal"),
            AppError::SmsUnavailable,
        ),
        (ExolveMode::Status(503, ""), AppError::SmsUnavailable),
        (
            ExolveMode::Status(200, "<html>not json</html>"),
            AppError::SmsUnavailable,
        ),
        (
            ExolveMode::Status(200, r#"{"message_id": ""}"#),
            AppError::SmsUnavailable,
        ),
        (
            ExolveMode::Status(
                400,
                r#"{"error":{"message":"invalid SendRequest.Destination: value does not match regex pattern","details":null}}"#,
            ),
            AppError::SmsRefused,
        ),
        (
            ExolveMode::Status(422, r#"{"error":"bad number"}"#),
            AppError::SmsRefused,
        ),
    ];
    for (mode, expected) in cases {
        let app = TestApp::start().await;
        app.exolve.set_mode(mode.clone());
        let browser = app.browser();
        assert_eq!(browser.request_code(PHONE).await, Err(expected), "{mode:?}");
        assert!(browser.cookie("vid").is_none(), "{mode:?}: no code bound");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM verifications").await,
            0,
            "{mode:?}"
        );
        // Exolve recovers: the person can try again after the cooldown.
        app.exolve.set_mode(ExolveMode::Ok);
        app.clock.advance(60);
        browser
            .request_code(PHONE)
            .await
            .unwrap_or_else(|e| panic!("{mode:?}: retry: {e}"));
        browser
            .verify(&app.exolve.last_code_to(PHONE_DIGITS))
            .await
            .unwrap_or_else(|e| panic!("{mode:?}: sign-in after retry: {e}"));
    }
}

#[tokio::test]
async fn a_timeout_kills_the_code_but_counts_the_send() {
    let app = TestApp::builder()
        .exolve_timeout(Duration::from_millis(300))
        .start()
        .await;
    app.exolve
        .set_mode(ExolveMode::Slow(Duration::from_secs(2)));
    let browser = app.browser();
    assert_eq!(
        browser.request_code(PHONE).await,
        Err(AppError::SmsUnavailable)
    );
    assert!(browser.cookie("vid").is_none());
    assert_eq!(app.count("SELECT COUNT(*) FROM verifications").await, 0);
    // Exolve may have delivered it: the send counts, so the cooldown holds.
    assert_eq!(app.count("SELECT COUNT(*) FROM sms_sends").await, 1);
    app.exolve.set_mode(ExolveMode::Ok);
    assert_eq!(
        browser.request_code(PHONE).await,
        Err(AppError::ResendCooldown { seconds: 60 })
    );
}

#[tokio::test]
async fn a_numeric_message_id_is_accepted() {
    let app = TestApp::start().await;
    app.exolve.set_mode(ExolveMode::OkNumericId);
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    browser
        .verify(&app.exolve.last_code_to(PHONE_DIGITS))
        .await
        .expect("signed in");
}

#[tokio::test]
async fn exolve_unreachable_is_unavailable_and_not_counted() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let app = TestApp::builder().exolve_url(url).start().await;
    let browser = app.browser();
    assert_eq!(
        browser.request_code(PHONE).await,
        Err(AppError::SmsUnavailable)
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sms_sends").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM verifications").await, 0);
}
