use reqwest::header;
use sms_auth::{api::account::SessionView, clock::Clock, error::AppError, store::SessionLimits};

use crate::support::*;

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_kept_hashed() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    let response = browser
        .http
        .post(format!("{}/api/verify_code", app.base))
        .form(&[("code", app.exolve.last_code_to(PHONE_DIGITS).as_str())])
        .send()
        .await
        .expect("verify");
    assert!(response.status().is_success());
    let cookies = set_cookies(&response);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("sid="))
        .expect("session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(!session.contains("Secure"), "plain http origin: {session}");
    assert!(!session.contains("Domain"), "host-only without COOKIE_DOMAIN: {session}");
    assert!(
        cookies.iter().any(|c| c.starts_with("vid=;")),
        "verification cookie cleared: {cookies:?}"
    );
    let id = session
        .trim_start_matches("sid=")
        .split(';')
        .next()
        .expect("value");
    assert_eq!(id.len(), 32, "128-bit id");
    let stored: String = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_one(&app.db)
        .await
        .expect("row");
    assert_ne!(stored, id);
}

#[tokio::test]
async fn cookies_are_secure_on_an_https_origin() {
    let app = TestApp::builder()
        .origin("https://auth.example.ru")
        .start()
        .await;
    let response = app
        .browser()
        .http
        .post(format!("{}/api/request_code", app.base))
        .form(&[("phone", PHONE)])
        .send()
        .await
        .expect("request");
    let cookies = set_cookies(&response);
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("vid=") && c.contains("Secure")),
        "{cookies:?}"
    );
    assert!(app.exolve.sent()[0]
        .text
        .lines()
        .last()
        .unwrap_or_default()
        .starts_with("@auth.example.ru #"));
}

#[tokio::test]
async fn sign_out_ends_the_session_for_good() {
    let app = TestApp::start().await;
    let browser = app.signed_in(PHONE, PHONE_DIGITS).await;
    let sid = browser.cookie("sid").expect("sid");
    browser.sign_out().await.expect("signed out");
    assert_eq!(browser.account().await, Err(AppError::NotSignedIn));
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    let replay = app.browser();
    replay.set_cookie("sid", &sid);
    assert_eq!(replay.account().await, Err(AppError::NotSignedIn));
}

#[tokio::test]
async fn a_new_sign_in_gets_a_new_session_id() {
    let app = TestApp::start().await;
    let browser = app.signed_in(PHONE, PHONE_DIGITS).await;
    let before = browser.cookie("sid").expect("sid");
    app.clock.advance(61);
    browser.request_code(PHONE).await.expect("sent");
    browser
        .verify(&app.exolve.last_code_to(PHONE_DIGITS))
        .await
        .expect("signed in again");
    let after = browser.cookie("sid").expect("sid");
    assert_ne!(before, after);
    let old = app.browser();
    old.set_cookie("sid", &before);
    assert_eq!(
        old.account().await,
        Err(AppError::NotSignedIn),
        "the old id is dead"
    );
}

#[tokio::test]
async fn sessions_end_after_the_idle_timeout() {
    let app = TestApp::builder()
        .sessions(SessionLimits {
            idle_secs: 3600,
            absolute_secs: 86_400,
        })
        .start()
        .await;
    let browser = app.signed_in(PHONE, PHONE_DIGITS).await;
    app.clock.advance(3599);
    browser.account().await.expect("used within the idle time");
    app.clock.advance(3599);
    browser
        .account()
        .await
        .expect("each use restarts the idle time");
    app.clock.advance(3600);
    assert_eq!(browser.account().await, Err(AppError::NotSignedIn));
}

#[tokio::test]
async fn a_session_in_use_is_written_at_most_once_a_minute() {
    let app = TestApp::start().await;
    let browser = app.signed_in(PHONE, PHONE_DIGITS).await;
    let last_seen = || app.count("SELECT last_seen_at FROM sessions");
    app.clock.advance(59);
    browser.account().await.expect("signed in");
    assert_eq!(
        last_seen().await,
        START,
        "a read within the minute writes nothing"
    );
    app.clock.advance(1);
    browser.account().await.expect("signed in");
    assert_eq!(last_seen().await, START + 60);
}

#[tokio::test]
async fn sessions_end_at_the_absolute_timeout_however_busy() {
    let app = TestApp::builder()
        .sessions(SessionLimits {
            idle_secs: 3600,
            absolute_secs: 3 * 3600,
        })
        .start()
        .await;
    let browser = app.signed_in(PHONE, PHONE_DIGITS).await;
    for _ in 0..3 {
        app.clock.advance(3000);
        browser.account().await.expect("busy and young");
    }
    app.clock.advance(3000);
    assert_eq!(browser.account().await, Err(AppError::NotSignedIn));
}

#[tokio::test]
async fn the_account_needs_a_session() {
    let app = TestApp::start().await;
    assert_eq!(app.browser().account().await, Err(AppError::NotSignedIn));
    let forged = app.browser();
    forged.set_cookie("sid", "0123456789abcdef0123456789abcdef");
    assert_eq!(forged.account().await, Err(AppError::NotSignedIn));
}

#[tokio::test]
async fn the_purge_removes_only_what_has_expired() {
    let app = TestApp::start().await;
    let limits = SessionLimits::default();
    let signed_in = app.signed_in(PHONE, PHONE_DIGITS).await;
    let pending = app.browser();
    pending
        .request_code("+7 999 765-43-21")
        .await
        .expect("sent");
    let code = app.exolve.last_code_to("79997654321");
    assert!(pending.verify(wrong_for(&code)).await.is_err());

    let now = app.clock.now();
    assert_eq!(
        app.store.purge(now, limits).await,
        Ok(0),
        "nothing is old yet"
    );
    signed_in
        .account()
        .await
        .expect("the session survives a purge");

    app.clock.advance(2 * 3600);
    app.store
        .purge(app.clock.now(), limits)
        .await
        .expect("purge");
    assert_eq!(app.count("SELECT COUNT(*) FROM verifications").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM failed_attempts").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sms_sends").await,
        2,
        "the day's budget still counts them"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);

    app.clock.advance(8 * 24 * 3600);
    app.store
        .purge(app.clock.now(), limits)
        .await
        .expect("purge");
    assert_eq!(app.count("SELECT COUNT(*) FROM sms_sends").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions").await,
        0,
        "idle for 8 days"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts").await,
        1,
        "accounts are kept"
    );
}

const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
const LAPTOP: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

async fn list(browser: &Browser) -> Vec<SessionView> {
    browser.call("sessions", &[]).await.expect("sessions")
}

#[tokio::test]
async fn a_person_lists_their_sessions_and_ends_one() {
    let app = TestApp::start().await;
    let laptop = app.browser_with(&[(header::USER_AGENT, LAPTOP)]);
    app.sign_in(&laptop, PHONE, PHONE_DIGITS).await;
    app.clock.advance(61);
    let phone = app.browser_with(&[(header::USER_AGENT, ANDROID)]);
    app.sign_in(&phone, PHONE, PHONE_DIGITS).await;

    let sessions = list(&laptop).await;
    assert_eq!(sessions.len(), 2);
    let devices: Vec<(&str, bool)> = sessions
        .iter()
        .map(|s| (s.device.as_str(), s.current))
        .collect();
    assert_eq!(
        devices,
        vec![("Chrome, Android", false), ("Firefox, Linux", true)]
    );
    let phone_handle = sessions[0].handle.clone();
    assert_ne!(
        Some(phone_handle.clone()),
        phone.cookie("sid"),
        "the handle is not the cookie"
    );

    laptop
        .call::<()>("end_session", &[("session", &phone_handle)])
        .await
        .expect("ended");
    assert_eq!(phone.account().await, Err(AppError::NotSignedIn));
    laptop.account().await.expect("the laptop stays signed in");
    assert_eq!(list(&laptop).await.len(), 1);
}

#[tokio::test]
async fn nobody_ends_another_accounts_session() {
    let app = TestApp::start().await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    let handle = list(&owner).await[0].handle.clone();
    let stranger = app.signed_in("+7 999 765-43-21", "79997654321").await;
    stranger
        .call::<()>("end_session", &[("session", &handle)])
        .await
        .expect("no-op");
    owner.account().await.expect("still signed in");
    let anonymous = app.browser();
    let refused: Result<(), AppError> =
        anonymous.call("end_session", &[("session", &handle)]).await;
    assert_eq!(refused, Err(AppError::NotSignedIn));
    owner.account().await.expect("still signed in");
}

#[tokio::test]
async fn ending_ones_own_session_signs_out() {
    let app = TestApp::start().await;
    let browser = app.signed_in(PHONE, PHONE_DIGITS).await;
    let own = list(&browser).await[0].handle.clone();
    let response = browser
        .form_post("end_session", &[("session", &own)], "/account")
        .await;
    assert_eq!(location(&response), "/");
    assert_eq!(browser.account().await, Err(AppError::NotSignedIn));
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
}
