//! The screens as a browser without JavaScript gets them: server-rendered HTML,
//! form posts answered with redirects, errors shown in `role="alert"`.

use crate::support::*;
use sms_auth::store::OutboxMessage;

#[tokio::test]
async fn the_start_page_links_to_signup_in_the_asked_language() {
    let app = TestApp::start().await;
    let ru = app.browser().page("/").await;
    assert!(ru.contains(r#"<html lang="ru""#), "{ru}");
    assert!(ru.contains(r#"href="/signup""#));
    assert!(ru.contains("Вход по коду из SMS"));
    assert!(
        ru.contains("<title>Вход по коду из SMS · Вход по SMS</title>"),
        "{ru}"
    );
    let en = app.browser_with_language("en-US,en;q=0.9").page("/").await;
    assert!(en.contains(r#"<html lang="en""#));
    assert!(en.contains("Sign in with a code by SMS"));
    let neither = app.browser_with_language("de-DE").page("/").await;
    assert!(neither.contains(r#"<html lang="ru""#));
}

#[tokio::test]
async fn every_page_describes_the_service_to_search_engines_in_its_language() {
    let app = TestApp::start().await;
    for path in ["/", "/signup"] {
        let ru = app.browser().page(path).await;
        assert!(
            ru.contains(r#"<meta name="description" content="Без пароля: введите номер"#),
            "{path}: {ru}"
        );
        let en = app.browser_with_language("en").page(path).await;
        assert!(
            en.contains(r#"<meta name="description" content="No password to remember:"#),
            "{path}: {en}"
        );
    }
}

#[tokio::test]
async fn the_language_switch_is_remembered_and_only_goes_home() {
    let app = TestApp::start().await;
    let browser = app.browser();
    let response = browser.get("/lang/en?next=/signup").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("{}/signup", app.base));
    assert!(browser.page("/signup").await.contains("Mobile number"));
    let away = browser.get("/lang/ru?next=//evil.example").await;
    assert_eq!(location(&away), format!("{}/", app.base));
}

#[tokio::test]
async fn the_signup_page_has_the_phone_field() {
    let app = TestApp::start().await;
    let page = app.browser().page("/signup").await;
    assert!(page.contains("<title>Вход · Вход по SMS</title>"), "{page}");
    for attribute in [
        r#"name="phone""#,
        r#"type="tel""#,
        r#"autocomplete="tel webauthn""#,
    ] {
        assert!(page.contains(attribute), "{attribute}");
    }
    assert!(
        page.contains(r#"action="/api/request_code""#),
        "a real form: {page}"
    );
    assert!(page.contains(r#"method="post""#));
}

#[tokio::test]
async fn pages_that_need_state_redirect_to_signup() {
    let app = TestApp::start().await;
    for path in ["/account", "/account/activity", "/verify"] {
        let response = app.browser().get(path).await;
        assert_eq!(response.status(), 302, "{path}");
        assert_eq!(location(&response), "/signup", "{path}");
    }
}

#[tokio::test]
async fn the_whole_sign_in_works_without_javascript() {
    let app = TestApp::start().await;
    let browser = app.browser();

    let bad = browser
        .form_post("request_code", &[("phone", "12345")], "/signup")
        .await;
    assert_eq!(bad.status(), 302);
    let back = location(&bad);
    assert!(back.starts_with(&format!("{}/signup?", app.base)), "{back}");
    let page = browser.page(back.trim_start_matches(&app.base)).await;
    assert!(page.contains(r#"role="alert""#), "{page}");
    assert!(page.contains("Это не похоже на номер мобильного"));

    let sent = browser
        .form_post("request_code", &[("phone", PHONE)], "/signup")
        .await;
    assert_eq!(sent.status(), 302);
    assert_eq!(location(&sent), "/verify");
    let verify = browser.page("/verify").await;
    assert!(verify.contains("+7999***4567"), "{verify}");
    assert!(
        !verify.contains("123-45-67") && !verify.contains("1234567"),
        "whole number leaked"
    );
    for attribute in [
        r#"name="code""#,
        r#"autocomplete="one-time-code""#,
        r#"inputmode="numeric""#,
    ] {
        assert!(verify.contains(attribute), "{attribute}");
    }
    assert!(verify.contains(r#"action="/api/resend_code""#));
    assert!(verify.contains(r#"href="/signup""#), "change number");

    let code = app.exolve.last_code_to(PHONE_DIGITS);
    let wrong = wrong_for(&code);
    let refused = browser
        .form_post("verify_code", &[("code", wrong)], "/verify")
        .await;
    let back = location(&refused);
    let page = browser.page(back.trim_start_matches(&app.base)).await;
    assert!(page.contains(r#"role="alert""#));
    assert!(page.contains("Осталось попыток: 4"), "{page}");

    let resend = browser.form_post("resend_code", &[], "/verify").await;
    let page = browser
        .page(location(&resend).trim_start_matches(&app.base))
        .await;
    assert!(page.contains("Новый можно запросить через 60"), "{page}");

    let accepted = browser
        .form_post("verify_code", &[("code", &code)], "/verify")
        .await;
    assert_eq!(location(&accepted), "/account");
    let account = browser.page("/account").await;
    assert!(account.contains("+7 999 123-45-67"), "{account}");
    assert!(account.contains(r#"action="/api/sign_out""#));
    assert!(
        account.contains("этот браузер"),
        "the sessions list marks this browser"
    );
    assert!(account.contains(r#"action="/api/end_session""#));

    let out = browser.form_post("sign_out", &[], "/account").await;
    assert_eq!(location(&out), "/");
    assert_eq!(browser.get("/account").await.status(), 302);
}

#[tokio::test]
async fn a_dead_code_says_so_and_offers_a_new_one() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser
        .form_post("request_code", &[("phone", PHONE)], "/signup")
        .await;
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    app.clock.advance(301);
    let refused = browser
        .form_post("verify_code", &[("code", &code)], "/verify")
        .await;
    let page = browser
        .page(location(&refused).trim_start_matches(&app.base))
        .await;
    assert!(page.contains("Срок действия кода истёк"), "{page}");
    assert!(page.contains("Получить новый код"), "{page}");
}

#[tokio::test]
async fn the_dev_outbox_shows_codes_only_in_development() {
    let dev = TestApp::builder().dev_outbox().start().await;
    let browser = dev.browser();
    browser.request_code(PHONE).await.expect("captured");
    let page = browser.page("/dev/outbox").await;
    let (_, tail) = page.split_once("@127.0.0.1 #").expect("the SMS is listed");
    let code = &tail[..6];
    browser
        .verify(code)
        .await
        .expect("the outbox code signs in");
    assert!(dev.exolve.sent().is_empty(), "nothing went to Exolve");
    dev.store
        .outbox_push(&OutboxMessage {
            destination: "79990000000".into(),
            text: "<script>alert('x')</script> & more".into(),
            created_at: START,
        })
        .await
        .expect("pushed");
    let page = browser.page("/dev/outbox").await;
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;script&gt;alert"), "{page}");

    let real = TestApp::start().await;
    assert_eq!(real.browser().get("/dev/outbox").await.status(), 404);
}

/// Building a router once listed the app's routes by rendering it with resource
/// loading suppressed by a process-wide flag (leptos issue 4773): a render elsewhere
/// in the process whose resource was first polled then never finished. The test
/// suite starts an app per test in one process, and hung now and then. Routes are
/// listed once per process now; pages render while other routers are built.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_another_router_is_built() {
    use std::sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    };
    let app = TestApp::start().await;
    let browser = app.signed_in(PHONE, PHONE_DIGITS).await;
    let stop = Arc::new(AtomicBool::new(false));
    let builder = {
        let (stop, state) = (stop.clone(), app.state.clone());
        std::thread::spawn(move || {
            let mut built = 0;
            while !stop.load(Ordering::Relaxed) {
                drop(sms_auth::server::http::router::router(state.clone()));
                built += 1;
            }
            built
        })
    };
    for _ in 0..100 {
        let page =
            tokio::time::timeout(std::time::Duration::from_secs(10), browser.page("/account"))
                .await
                .expect("the page rendered while a router was being built");
        assert!(page.contains("+7 999 123-45-67"));
    }
    stop.store(true, Ordering::Relaxed);
    assert!(builder.join().expect("builder thread") > 0);
}
