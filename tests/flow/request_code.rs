use sms_auth::error::AppError;

use crate::support::*;

#[tokio::test]
async fn sends_the_code_to_exolve_with_bearer_sender_and_eleven_digits() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    let sent = app.exolve.sent();
    assert_eq!(sent.len(), 1);
    let sms = &sent[0];
    assert_eq!(sms.authorization, format!("Bearer {API_KEY}"));
    assert_eq!(sms.number, SENDER);
    assert_eq!(sms.destination, PHONE_DIGITS);
    let code = code_of(&sms.text);
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    assert!(
        sms.text
            .starts_with(&format!("Код {code}. Никому его не сообщайте\n")),
        "{}",
        sms.text
    );
    assert_eq!(
        sms.text.lines().last(),
        Some(format!("@127.0.0.1 #{code}").as_str())
    );
    assert!(
        browser.cookie("vid").is_some(),
        "the code is bound to this browser"
    );
}

#[tokio::test]
async fn the_sms_speaks_the_language_of_the_browser() {
    let app = TestApp::start().await;
    app.browser_with_language("en-GB,en;q=0.9")
        .request_code(PHONE)
        .await
        .expect("sent");
    assert!(app.exolve.sent()[0].text.starts_with("Your code: "));
}

#[tokio::test]
async fn the_ways_people_write_a_number_reach_one_phone() {
    let app = TestApp::builder()
        .policy(|p| p.limits[Limit::ResendCooldown] = 0)
        .start()
        .await;
    for written in ["8 (999) 123-45-67", "+7 999 123 45 67", "79991234567"] {
        app.browser().request_code(written).await.expect(written);
    }
    let destinations: Vec<String> = app
        .exolve
        .sent()
        .into_iter()
        .map(|s| s.destination)
        .collect();
    assert_eq!(destinations, vec![PHONE_DIGITS; 3]);
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT phone) FROM sms_sends")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sms_sends WHERE phone = '+79991234567'")
            .await,
        3
    );
}

#[tokio::test]
async fn a_bad_number_is_told_and_sends_nothing() {
    let app = TestApp::start().await;
    let browser = app.browser();
    let cases = [
        ("", AppError::InvalidPhone),
        ("12345", AppError::InvalidPhone),
        ("+7 495 123-45-67", AppError::InvalidPhone),
        ("8 800 555-35-35", AppError::InvalidPhone),
        ("call me", AppError::InvalidPhone),
        ("+1 650 253 0000", AppError::CountryNotAllowed),
    ];
    for (input, expected) in cases {
        assert_eq!(
            browser.request_code(input).await,
            Err(expected),
            "{input:?}"
        );
    }
    assert!(app.exolve.sent().is_empty());
    assert_eq!(app.count("SELECT COUNT(*) FROM sms_sends").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM verifications").await, 0);
    assert!(browser.cookie("vid").is_none());
}

#[tokio::test]
async fn a_missing_field_is_a_typed_error_not_a_crash() {
    let app = TestApp::start().await;
    let result: Result<(), AppError> = app.browser().call("request_code", &[]).await;
    assert_eq!(result, Err(AppError::InvalidPhone));
    let result: Result<(), AppError> = app.browser().call("verify_code", &[]).await;
    assert_eq!(result, Err(AppError::MalformedCode));
    assert!(app.exolve.sent().is_empty());
}

#[tokio::test]
async fn the_answer_is_the_same_whether_or_not_the_number_has_an_account() {
    let app = TestApp::start().await;
    app.signed_in(PHONE, PHONE_DIGITS).await;
    let known = app.browser();
    let unknown = app.browser();
    app.clock.advance(61);
    let a = known
        .http
        .post(format!("{}/api/request_code", app.base))
        .form(&[("phone", PHONE)])
        .send()
        .await
        .expect("known");
    let b = unknown
        .http
        .post(format!("{}/api/request_code", app.base))
        .form(&[("phone", "+7 999 765-43-21")])
        .send()
        .await
        .expect("unknown");
    assert_eq!(a.status(), b.status());
    let names = |r: &reqwest::Response| -> Vec<String> {
        set_cookies(r)
            .iter()
            .map(|c| c.split('=').next().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(names(&a), names(&b));
    assert_eq!(a.text().await.expect("a"), b.text().await.expect("b"));
}

#[tokio::test]
async fn codes_are_kept_only_as_keyed_hashes() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    let vid = browser.cookie("vid").expect("vid");
    let (id_hash, digest): (String, Vec<u8>) =
        sqlx::query_as("SELECT id_hash, code_digest FROM verifications")
            .fetch_one(&app.db)
            .await
            .expect("row");
    assert_eq!(digest.len(), 32);
    assert_ne!(id_hash, vid);
    assert!(!String::from_utf8_lossy(&digest).contains(&code));
    let dump: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM verifications WHERE id_hash LIKE '%' || $1 || '%'",
    )
    .bind(&code)
    .fetch_one(&app.db)
    .await
    .expect("scan");
    assert_eq!(dump, 0);
}
