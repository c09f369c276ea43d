use sms_auth::error::AppError;

use crate::support::*;

#[tokio::test]
async fn the_first_code_creates_the_account_and_later_ones_open_it() {
    let app = TestApp::start().await;
    let first = app.signed_in(PHONE, PHONE_DIGITS).await;
    let account = first.account().await.expect("account");
    assert_eq!(account.phone, "+7 999 123-45-67");
    assert_eq!(account.account_number.len(), 8);
    assert_eq!(account.member_since, START);
    assert!(
        first.cookie("vid").is_none(),
        "the verification cookie is cleared"
    );

    app.clock.advance(3 * 3600);
    let again = app.signed_in("89991234567", PHONE_DIGITS).await;
    let later = again.account().await.expect("account");
    assert_eq!(later.account_number, account.account_number);
    assert_eq!(later.member_since, account.member_since);
    assert_eq!(later.last_sign_in, START + 3 * 3600);
    assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 2);
}

#[tokio::test]
async fn a_wrong_code_says_how_many_tries_are_left_then_the_code_dies() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    let wrong = wrong_for(&code);
    for tries_left in (1..=4).rev() {
        assert_eq!(
            browser.verify(wrong).await,
            Err(AppError::WrongCode { tries_left })
        );
    }
    assert_eq!(browser.verify(wrong).await, Err(AppError::TooManyTries));
    assert_eq!(
        browser.verify(&code).await,
        Err(AppError::TooManyTries),
        "dead even for the right code"
    );
    assert_eq!(browser.account().await, Err(AppError::NotSignedIn));
    assert_eq!(app.count("SELECT COUNT(*) FROM failed_attempts").await, 5);
}

#[tokio::test]
async fn a_malformed_code_costs_no_try() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    for bad in ["", "12345", "abcdef", "1234567"] {
        assert_eq!(
            browser.verify(bad).await,
            Err(AppError::MalformedCode),
            "{bad:?}"
        );
    }
    assert_eq!(
        app.count("SELECT CAST(SUM(failed_tries) AS BIGINT) FROM verifications")
            .await,
        0
    );
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    browser
        .verify(&spaced)
        .await
        .expect("a spaced code is the code");
}

#[tokio::test]
async fn a_code_expires_after_five_minutes() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    app.clock.advance(300);
    assert_eq!(browser.verify(&code).await, Err(AppError::CodeExpired));

    let in_time = app.browser();
    app.clock.advance(60);
    in_time.request_code(PHONE).await.expect("sent again");
    app.clock.advance(299);
    in_time
        .verify(&app.exolve.last_code_to(PHONE_DIGITS))
        .await
        .expect("still valid at 299 s");
}

#[tokio::test]
async fn a_code_is_accepted_once() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    let vid = browser.cookie("vid").expect("vid");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    browser.verify(&code).await.expect("signed in");
    let replay = app.browser();
    replay.set_cookie("vid", &vid);
    assert_eq!(
        replay.verify(&code).await,
        Err(AppError::NoPendingVerification)
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
}

#[tokio::test]
async fn a_code_works_only_in_the_browser_that_asked_for_it() {
    let app = TestApp::start().await;
    app.browser().request_code(PHONE).await.expect("sent");
    let other = app.browser();
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    assert_eq!(
        other.verify(&code).await,
        Err(AppError::NoPendingVerification)
    );
    let forged = app.browser();
    forged.set_cookie("vid", "00000000000000000000000000000000");
    assert_eq!(
        forged.verify(&code).await,
        Err(AppError::NoPendingVerification)
    );
}

#[tokio::test]
async fn parallel_correct_submissions_create_one_session() {
    let app = TestApp::start().await;
    let owner = app.browser();
    owner.request_code(PHONE).await.expect("sent");
    let vid = owner.cookie("vid").expect("vid");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    let browsers: Vec<Browser> = (0..8)
        .map(|_| {
            let b = app.browser();
            b.set_cookie("vid", &vid);
            b
        })
        .collect();
    let mut tasks = tokio::task::JoinSet::new();
    for browser in browsers {
        let code = code.clone();
        tasks.spawn(async move { browser.verify(&code).await });
    }
    let mut wins = 0;
    while let Some(result) = tasks.join_next().await {
        match result.expect("task") {
            Ok(()) => wins += 1,
            Err(e) => assert_eq!(e, AppError::NoPendingVerification),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
}

#[tokio::test]
async fn parallel_wrong_guesses_never_exceed_the_try_limit() {
    let app = TestApp::start().await;
    let owner = app.browser();
    owner.request_code(PHONE).await.expect("sent");
    let vid = owner.cookie("vid").expect("vid");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    let wrong = wrong_for(&code);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let b = app.browser();
        b.set_cookie("vid", &vid);
        tasks.spawn(async move { b.verify(wrong).await });
    }
    while let Some(result) = tasks.join_next().await {
        assert!(matches!(
            result.expect("task"),
            Err(AppError::WrongCode { .. } | AppError::TooManyTries)
        ));
    }
    assert_eq!(app.count("SELECT failed_tries FROM verifications").await, 5);
    assert_eq!(app.count("SELECT COUNT(*) FROM failed_attempts").await, 5);
}

#[tokio::test]
async fn the_verify_screen_data_masks_the_number_and_counts_down() {
    let app = TestApp::start().await;
    let browser = app.browser();
    assert_eq!(
        browser.pending().await,
        Err(AppError::NoPendingVerification)
    );
    browser.request_code(PHONE).await.expect("sent");
    let pending = browser.pending().await.expect("pending");
    assert_eq!(pending.masked_phone, "+7999***4567");
    assert_eq!(pending.resend_in_secs, 60);
    app.clock.advance(45);
    assert_eq!(browser.pending().await.expect("pending").resend_in_secs, 15);
}
