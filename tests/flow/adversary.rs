//! What a stranger can do with the service, hole by hole (issue "Hold against an
//! adversary"). The tests of each hole were seen failing before its fix; a few guard
//! behaviour that was already right (local paths are followed, a resend in the same
//! browser replaces its code).

use reqwest::{header, Method};
use sms_auth::{api::account::SessionView, clock::Clock, error::AppError, store::SessionLimits};

use crate::support::*;

// ---- 1. No redirect out -------------------------------------------------------------

/// Raw query values after `/lang/en?next=`: control characters, slashes and
/// backslashes in every encoding, other schemes, userinfo, IDN hosts.
pub(crate) const HOSTILE_NEXT: &[&str] = &[
    "/%09/evil.example",
    "%09//evil.example",
    "/%00",
    "%00",
    "/%0d%0aSet-Cookie:%20sid=x",
    "/%0a/evil.example",
    "//evil.example",
    "////evil.example",
    "%2f%2fevil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "/%2F%5C%2Fevil.example",
    "/.//evil.example",
    "/./%2F/evil.example",
    "javascript:alert(document.domain)",
    "JaVaScRiPt%3Aalert(1)",
    "data:text/html,%3Cscript%3Ealert(1)%3C/script%3E",
    "https://evil.example/",
    "https:evil.example",
    "http:%2F%2Fevil.example",
    "//user@evil.example",
    "https://127.0.0.1@evil.example/",
    "//xn--e1afmkfd.xn--p1ai/",
    "//%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80.%D1%80%D1%84/",
    "%20//evil.example",
    "/%E2%80%AE//evil.example",
];

/// Where a `Location` takes a browser: resolved against the page that answered.
fn landing(base: &str, location: &str) -> url::Url {
    url::Url::parse(base)
        .and_then(|base| base.join(location))
        .unwrap_or_else(|e| panic!("Location {location:?}: {e}"))
}

#[tokio::test]
async fn the_language_switch_never_redirects_off_the_site() {
    let app = TestApp::start().await;
    let ours = url::Url::parse(&app.base).expect("base").origin();
    let port = url::Url::parse(&app.base)
        .expect("base")
        .port()
        .expect("port");
    let other_port = format!("http://127.0.0.1:{}/account", port + 1);
    let other_port_encoded = other_port.replace(':', "%3A").replace('/', "%2F");
    let mut cases: Vec<&str> = HOSTILE_NEXT.to_vec();
    cases.push(&other_port);
    cases.push(&other_port_encoded);
    assert!(cases.len() >= 20);
    for raw in cases {
        let response = app
            .browser()
            .http
            .get(format!("{}/lang/en?next={raw}", app.base))
            .send()
            .await
            .expect("get");
        assert!(
            response.status().is_redirection(),
            "next={raw}: {}",
            response.status()
        );
        let location = response
            .headers()
            .get(header::LOCATION)
            .unwrap_or_else(|| panic!("next={raw}: no Location"))
            .as_bytes()
            .to_vec();
        assert!(
            location.iter().all(|b| b.is_ascii_graphic()),
            "next={raw}: Location {location:?} holds a control or non-ASCII byte"
        );
        let location = String::from_utf8(location).expect("ascii");
        let target = landing(&app.base, &location);
        assert_eq!(
            target.origin(),
            ours,
            "next={raw} sends the browser to {target}"
        );
        assert!(
            target.cannot_be_a_base() || target.path().starts_with('/'),
            "{target}"
        );
    }
}

#[tokio::test]
async fn the_language_switch_follows_paths_of_the_site() {
    let app = TestApp::start().await;
    for (raw, path) in [
        ("/signup", "/signup"),
        ("/verify", "/verify"),
        ("/account?tab=sessions", "/account?tab=sessions"),
        ("%2Faccount%3Ftab%3Dsessions", "/account?tab=sessions"),
        ("", "/"),
    ] {
        let response = app.browser().get(&format!("/lang/en?next={raw}")).await;
        assert_eq!(response.status(), 303, "next={raw}");
        let target = landing(&app.base, &location(&response));
        let query = target.query().map(|q| format!("?{q}")).unwrap_or_default();
        assert_eq!(format!("{}{query}", target.path()), path, "next={raw}");
    }
}

// ---- 2. Bounded metrics -------------------------------------------------------------

/// The label sets of the request-duration histogram in `/metrics`.
async fn latency_series(app: &TestApp) -> Vec<String> {
    let text = app.metrics().await;
    let mut series: Vec<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix("sms_auth_http_request_duration_seconds_count"))
        .filter_map(|rest| rest.split_once(' ').map(|(labels, _)| labels.to_owned()))
        .collect();
    series.sort();
    series
}

#[tokio::test]
async fn invented_methods_add_no_metrics_series() {
    let app = TestApp::start().await;
    let paths = ["/", "/healthz", "/api/request_code", "/nowhere", "/lang/en"];
    let client = app.browser().http;
    let send =
        |method: Method, path: &str| client.request(method, format!("{}{path}", app.base)).send();
    // Every kind of answer once, so the fixed series exist.
    for path in paths {
        for method in [Method::GET, Method::HEAD, Method::POST, Method::PUT] {
            send(method, path).await.expect("request");
        }
    }
    let before = latency_series(&app).await;
    let mut seed: u64 = 0x5eed_1234_abcd_ef01;
    for n in 0..1000 {
        // xorshift: a different invented method each time.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let name = format!("M{:X}{n}", seed % 0xFFFF_FFFF);
        let method = Method::from_bytes(name.as_bytes()).expect("method");
        send(method, paths[n % paths.len()]).await.expect("request");
    }
    let after = latency_series(&app).await;
    assert_eq!(before, after, "1,000 invented methods changed the series");
    assert!(after.len() <= 4 * 6, "{after:#?}");
}

// ---- 3. Client addresses: IPv6 by /64, ports in X-Forwarded-For ---------------------

fn nth_phone(n: u32) -> String {
    format!("+7999100{n:04}")
}

#[tokio::test]
async fn ipv6_clients_count_by_their_64() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .policy(|p| p.limits[Limit::SmsPerIpPerHour] = 2)
        .start()
        .await;
    let same_64 = [
        "2001:db8:1:2::1",
        "2001:db8:1:2:ffff:ffff:ffff:fffe",
        "2001:db8:1:2:1234:5678:9abc:def0",
    ];
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(1), same_64[0]).await,
        200
    );
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(2), same_64[1]).await,
        200
    );
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(3), same_64[2]).await,
        429,
        "a third address of the same /64 is the same client"
    );
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(4), "2001:db8:1:3::1")
            .await,
        200,
        "the next /64 is another client"
    );
    // IPv4-mapped IPv6 is the IPv4 address.
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(5), "198.51.100.7")
            .await,
        200
    );
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(6), "::ffff:198.51.100.7")
            .await,
        200
    );
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(7), "::ffff:c633:6407")
            .await,
        429
    );
    let stored: Vec<String> = sqlx::query_scalar("SELECT DISTINCT ip FROM sms_sends ORDER BY ip")
        .fetch_all(&app.db)
        .await
        .expect("rows");
    assert_eq!(
        stored,
        ["198.51.100.7", "2001:db8:1:2::/64", "2001:db8:1:3::/64"]
    );
}

#[tokio::test]
async fn forwarded_addresses_with_ports_are_read() {
    let app = TestApp::builder()
        .trusted_proxies("127.0.0.1")
        .policy(|p| p.limits[Limit::SmsPerIpPerHour] = 1)
        .start()
        .await;
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(1), "198.51.100.9:5678")
            .await,
        200
    );
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(2), "198.51.100.9:1111")
            .await,
        429
    );
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(3), "198.51.100.10:5678")
            .await,
        200,
        "another client, not the proxy's shared bucket"
    );
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(4), "[2001:db8::1]:443")
            .await,
        200
    );
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(5), "[2001:db8::2]:8443")
            .await,
        429
    );
    assert_eq!(
        app.request_code_via_proxy(&nth_phone(6), "\"[2001:db8:9::1]:443\"")
            .await,
        200,
        "quoted, as in RFC 7239's node syntax"
    );
}

// ---- 4. An SMS that may have gone out counts ----------------------------------------

#[tokio::test]
async fn only_a_definite_refusal_releases_the_send() {
    let counted = [
        ExolveMode::Status(500, "internal"),
        ExolveMode::Status(502, "<html>bad gateway</html>"),
        ExolveMode::Status(503, ""),
        ExolveMode::Status(200, "<html>not json</html>"),
        ExolveMode::Status(200, r#"{"message_id": ""}"#),
        ExolveMode::Status(200, r#"{"id": "571497026622089119"}"#),
        ExolveMode::Status(404, "<html>not found</html>"),
        ExolveMode::Status(400, "plain text, not Exolve's error"),
        ExolveMode::Status(302, ""),
        ExolveMode::Status(429, ""),
    ];
    let released = [
        ExolveMode::Status(401, r#"{"error":{"message":"invalid token"}}"#),
        ExolveMode::Status(403, ""),
        ExolveMode::Status(
            400,
            r#"{"error":{"message":"invalid SendRequest.Destination","details":null}}"#,
        ),
        ExolveMode::Status(422, r#"{"error":"bad number"}"#),
        ExolveMode::Status(429, r#"{"error":{"message":"too many"}}"#),
    ];
    for (mode, counts) in counted
        .into_iter()
        .map(|m| (m, true))
        .chain(released.into_iter().map(|m| (m, false)))
    {
        let app = TestApp::start().await;
        app.exolve.set_mode(mode.clone());
        let browser = app.browser();
        assert!(browser.request_code(PHONE).await.is_err(), "{mode:?}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM verifications").await,
            0,
            "{mode:?}: no usable code"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sms_sends").await,
            i64::from(counts),
            "{mode:?}"
        );
        app.exolve.set_mode(ExolveMode::Ok);
        let again = browser.request_code(PHONE).await;
        if counts {
            assert_eq!(
                again,
                Err(AppError::ResendCooldown { seconds: 60 }),
                "{mode:?}"
            );
        } else {
            assert_eq!(again, Ok(()), "{mode:?}");
        }
    }
}

/// A server that reads the request, then closes the connection without answering.
async fn hang_up_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            use tokio::io::AsyncReadExt;
            let mut buffer = vec![0; 64 * 1024];
            let mut read = Vec::new();
            // Until the JSON body has arrived.
            while !read.ends_with(b"}") {
                match socket.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => read.extend_from_slice(&buffer[..n]),
                }
            }
            drop(socket);
        }
    });
    url
}

#[tokio::test]
async fn a_connection_lost_after_the_request_counts() {
    let app = TestApp::builder()
        .exolve_url(hang_up_server().await)
        .start()
        .await;
    let browser = app.browser();
    assert_eq!(
        browser.request_code(PHONE).await,
        Err(AppError::SmsUnavailable)
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM verifications").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM sms_sends").await, 1);
}

// ---- 5. The owner cannot be locked out by a stranger --------------------------------

#[tokio::test]
async fn a_code_from_another_browser_does_not_kill_the_owners() {
    let app = TestApp::start().await;
    let owner = app.browser();
    owner.request_code(PHONE).await.expect("sent");
    let owners_code = app.exolve.last_code_to(PHONE_DIGITS);
    app.clock.advance(60);
    let stranger = app.browser();
    stranger.request_code(PHONE).await.expect("sent");
    owner
        .verify(&owners_code)
        .await
        .expect("the owner's code still signs in");
}

#[tokio::test]
async fn a_resend_in_the_same_browser_replaces_its_code() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    app.clock.advance(60);
    browser.resend().await.expect("resent");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM verifications WHERE consumed_at IS NULL")
            .await,
        1
    );
    app.clock.advance(60);
    browser.request_code(PHONE).await.expect("asked again");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM verifications WHERE consumed_at IS NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn parallel_guesses_do_not_overshoot_the_phone_lock() {
    let app = TestApp::builder()
        .policy(|p| {
            p.limits[Limit::ResendCooldown] = 0;
            p.limits[Limit::SmsPerPhonePerHour] = 100;
            p.limits[Limit::PhoneFailuresPerHour] = 3;
        })
        .start()
        .await;
    let mut browsers = Vec::new();
    for _ in 0..6 {
        let browser = app.browser();
        browser.request_code(PHONE).await.expect("sent");
        browsers.push(browser);
    }
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    let wrong = wrong_for(&code).to_owned();
    let guesses = browsers
        .iter()
        .flat_map(|b| (0..5).map(move |_| b))
        .map(|b| b.verify(&wrong));
    let results = futures::future::join_all(guesses).await;
    assert!(results.iter().all(Result::is_err));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM failed_attempts").await,
        3,
        "the lock holds under parallel guesses"
    );
}

/// A stranger who knows the number asks for every SMS the number may get in an hour
/// and burns its failure allowance: 5 codes, 20 wrong guesses, from one browser,
/// starting at the clock's time and a minute apart (wrong guesses from the second
/// minute on).
async fn burn_the_numbers_allowance(app: &TestApp, stranger: &Browser) {
    burn_allowance_of(app, stranger, PHONE, PHONE_DIGITS).await;
}

async fn burn_allowance_of(app: &TestApp, stranger: &Browser, phone: &str, digits: &str) {
    for round in 0..5 {
        stranger
            .request_code(phone)
            .await
            .expect("the stranger's code");
        if round > 0 {
            let wrong = wrong_for(&app.exolve.last_code_to(digits)).to_owned();
            for _ in 0..5 {
                assert!(stranger.verify(&wrong).await.is_err());
            }
        }
        app.clock.advance(60);
    }
}

#[tokio::test]
async fn the_owners_own_browser_signs_in_while_a_stranger_burns_the_number() {
    let app = TestApp::start().await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    owner.sign_out().await.expect("signed out");
    app.clock.advance(3600);

    let stranger = app.browser();
    burn_the_numbers_allowance(&app, &stranger).await;
    assert!(matches!(
        stranger.request_code(PHONE).await,
        Err(AppError::PhoneLocked { .. })
    ));
    assert!(matches!(
        app.browser().request_code(PHONE).await,
        Err(AppError::PhoneLocked { .. })
    ));

    // The owner's browser has signed in to this account before: its own allowance.
    owner
        .request_code(PHONE)
        .await
        .expect("the owner still gets a code");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    assert!(matches!(
        owner.verify(wrong_for(&code)).await,
        Err(AppError::WrongCode { tries_left: 4 })
    ));
    owner.verify(&code).await.expect("and signs in");
    assert!(owner.account().await.is_ok());
    // The stranger is still locked out.
    assert!(matches!(
        stranger.request_code(PHONE).await,
        Err(AppError::PhoneLocked { .. })
    ));
}

#[tokio::test]
async fn a_stranger_cannot_hold_the_owners_cooldown_or_hourly_cap() {
    let app = TestApp::start().await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    app.clock.advance(3600);
    let stranger = app.browser();
    for _ in 0..5 {
        stranger.request_code(PHONE).await.expect("sent");
        app.clock.advance(60);
    }
    assert_eq!(
        stranger.request_code(PHONE).await,
        Err(AppError::PhoneHourlyCap)
    );
    // The stranger asks again right before the owner does: no cooldown for the owner.
    app.clock.advance(59);
    owner
        .request_code(PHONE)
        .await
        .expect("the owner's own allowance");
    assert_eq!(
        owner.request_code(PHONE).await,
        Err(AppError::ResendCooldown { seconds: 60 }),
        "the owner's own browser keeps its own cooldown"
    );
}

#[tokio::test]
async fn a_forged_device_cookie_is_a_stranger() {
    let app = TestApp::start().await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    let device = owner
        .cookie("did")
        .expect("a device cookie after signing in");
    assert_eq!(device.len(), 32);
    app.clock.advance(3600);
    let stranger = app.browser();
    stranger.set_cookie("did", "0123456789abcdef0123456789abcdef");
    burn_the_numbers_allowance(&app, &stranger).await;
    assert!(matches!(
        stranger.request_code(PHONE).await,
        Err(AppError::PhoneLocked { .. })
    ));
    // The device cookie is known per account: it opens no other number's allowance.
    let elsewhere = app.browser();
    elsewhere.set_cookie("did", &device);
    burn_allowance_of(&app, &elsewhere, "+79990001122", "79990001122").await;
    assert!(matches!(
        elsewhere.request_code("+79990001122").await,
        Err(AppError::PhoneLocked { .. })
    ));
}

#[tokio::test]
async fn the_device_cookie_is_long_lived_http_only_and_stored_hashed() {
    let app = TestApp::builder()
        .origin("https://auth.example.ru")
        .start()
        .await;
    let browser = app.browser_with(&[(header::ORIGIN, "https://auth.example.ru")]);
    browser.request_code(PHONE).await.expect("sent");
    let response = browser
        .raw_call(
            "verify_code",
            &[("code", &app.exolve.last_code_to(PHONE_DIGITS))],
        )
        .await;
    assert_eq!(response.status(), 200);
    let cookies = set_cookies(&response);
    let device = cookies
        .iter()
        .find(|c| c.starts_with("did="))
        .unwrap_or_else(|| panic!("no device cookie in {cookies:?}"));
    for part in [
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=34560000",
    ] {
        assert!(device.contains(part), "{device}");
    }
    let id = &device["did=".len()..device.find(';').expect("attributes")];
    let stored: String = sqlx::query_scalar("SELECT device_hash FROM sessions")
        .fetch_one(&app.db)
        .await
        .expect("the session's device");
    assert_ne!(stored, id);
    assert_eq!(stored.len(), 64);
}

#[tokio::test]
async fn the_device_stays_known_after_its_sessions_end() {
    let limits = SessionLimits::default();
    let app = TestApp::start().await;
    // Two browsers of the owner: one's session expires and is purged, the other's
    // is ended from the first.
    let laptop = app.signed_in(PHONE, PHONE_DIGITS).await;
    app.clock.advance(60);
    let phone_browser = app.signed_in(PHONE, PHONE_DIGITS).await;
    let sessions: Vec<SessionView> = laptop.call("sessions", &[]).await.expect("sessions");
    let other = sessions
        .iter()
        .find(|s| !s.current)
        .expect("the other session");
    laptop
        .call::<()>("end_session", &[("session", &other.handle)])
        .await
        .expect("ended");
    app.clock.advance(limits.absolute_secs + 1);
    app.store
        .purge(app.clock.now(), limits)
        .await
        .expect("purged");
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM known_devices").await, 2);

    let stranger = app.browser();
    burn_the_numbers_allowance(&app, &stranger).await;
    for owner in [&laptop, &phone_browser] {
        owner
            .request_code(PHONE)
            .await
            .expect("a known device's own allowance");
        owner
            .verify(&app.exolve.last_code_to(PHONE_DIGITS))
            .await
            .expect("signed in");
    }
    // Forgotten 400 days after the device's last sign-in.
    app.clock.advance(400 * 24 * 3600);
    app.store
        .purge(app.clock.now(), limits)
        .await
        .expect("purged");
    assert_eq!(app.count("SELECT COUNT(*) FROM known_devices").await, 0);
}

#[tokio::test]
async fn the_lock_says_until_when() {
    let app = TestApp::start().await;
    let stranger = app.browser();
    burn_the_numbers_allowance(&app, &stranger).await;
    // The first of the 20 wrong codes was a minute after START: the lock ends an
    // hour after it.
    assert_eq!(
        app.browser().request_code(PHONE).await,
        Err(AppError::PhoneLocked {
            until: START + 60 + 3600
        })
    );
    let response = app
        .browser()
        .form_post("request_code", &[("phone", PHONE)], "/signup")
        .await;
    let page = app
        .browser()
        .page(location(&response).trim_start_matches(&app.base))
        .await;
    // START + 1 h 1 min is 13:01 UTC, 16:01 in Moscow.
    assert!(page.contains("16:01"), "{page}");
    let en = app.browser_with_language("en");
    let response = en
        .form_post("request_code", &[("phone", PHONE)], "/signup")
        .await;
    let page = en
        .page(location(&response).trim_start_matches(&app.base))
        .await;
    assert!(page.contains("13:01 UTC"), "{page}");
    app.clock.advance(START + 3660 - app.clock.now());
    app.browser()
        .request_code(PHONE)
        .await
        .expect("the lock has ended");
}

// ---- 6. Nothing leaks ---------------------------------------------------------------

fn cache_control_of(response: &reqwest::Response) -> &str {
    header_of(response, "cache-control")
}

#[tokio::test]
async fn personal_answers_are_never_stored_by_caches() {
    let app = TestApp::start().await;
    let browser = app.browser();
    browser.request_code(PHONE).await.expect("sent");
    let verify = browser.get("/verify").await;
    assert_eq!(verify.status(), 200);
    assert_eq!(cache_control_of(&verify), "no-store", "/verify");
    let pending = browser.raw_call("pending_code", &[]).await;
    assert_eq!(cache_control_of(&pending), "no-store", "/api/pending_code");
    browser
        .verify(&app.exolve.last_code_to(PHONE_DIGITS))
        .await
        .expect("signed in");
    let account = browser.get("/account").await;
    assert_eq!(account.status(), 200);
    assert_eq!(cache_control_of(&account), "no-store", "/account");
    for endpoint in ["account", "sessions"] {
        let answer = browser.raw_call(endpoint, &[]).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(cache_control_of(&answer), "no-store", "/api/{endpoint}");
    }
    // A signed-out visit to /account is a redirect that no cache may keep either.
    let away = app.browser().get("/account").await;
    assert_eq!(cache_control_of(&away), "no-store");
}

#[tokio::test]
async fn the_language_cookie_is_secure_on_https() {
    let app = TestApp::builder()
        .origin("https://auth.example.ru")
        .start()
        .await;
    let response = app.browser().get("/lang/en?next=/signup").await;
    let cookies = set_cookies(&response);
    let lang = cookies
        .iter()
        .find(|c| c.starts_with("lang="))
        .unwrap_or_else(|| panic!("no lang cookie in {cookies:?}"));
    assert!(lang.contains("Secure"), "{lang}");
    assert!(lang.contains("SameSite=Lax"), "{lang}");
    assert!(lang.contains("Path=/"), "{lang}");
}
