//! Server functions are a public API: failures carry meaningful HTTP statuses.

use crate::support::*;

#[tokio::test]
async fn failures_carry_http_statuses() {
    let app = TestApp::start().await;
    let browser = app.browser();
    assert_eq!(
        browser
            .raw_call("request_code", &[("phone", "12345")])
            .await
            .status(),
        422
    );
    assert_eq!(browser.raw_call("request_code", &[]).await.status(), 422);
    assert_eq!(browser.raw_call("verify_code", &[]).await.status(), 422);
    assert_eq!(browser.raw_call("account", &[]).await.status(), 401);
    assert_eq!(
        browser
            .raw_call("verify_code", &[("code", "123456")])
            .await
            .status(),
        400
    );
    assert_eq!(
        browser
            .raw_call("request_code", &[("phone", PHONE)])
            .await
            .status(),
        200
    );
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    assert_eq!(
        browser
            .raw_call("verify_code", &[("code", wrong_for(&code))])
            .await
            .status(),
        400
    );

    let cooldown = browser.raw_call("resend_code", &[]).await;
    assert_eq!(cooldown.status(), 429);
    let retry_after = cooldown
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok());
    assert_eq!(retry_after, Some("60"));

    app.exolve.set_mode(ExolveMode::Status(503, ""));
    app.clock.advance(60);
    assert_eq!(browser.raw_call("resend_code", &[]).await.status(), 503);
}
