//! Forward-auth (issue 18), as a reverse proxy calls it: nginx's `auth-request`
//! and Caddy's and Traefik's `forward-auth`, with the browser's own cookies passed
//! on. Every status the endpoints answer, who they answer, what they tell, and what
//! a stranger can make of them.

use reqwest::{header, Method};

use crate::soft_key::SoftKey;
use crate::support::*;

const AUTH_REQUEST: &str = "/api/authz/auth-request";
const FORWARD_AUTH: &str = "/api/authz/forward-auth";
const PROTECTED: &str = "https://app.example.ru/orders?id=5";
const HTML: &str = "text/html,application/xhtml+xml,*/*;q=0.8";
const OTHER_PHONE: &str = "+7 999 765-43-21";
const OTHER_DIGITS: &str = "79997654321";

/// An app behind a proxy on loopback, as a deployment puts it.
async fn app() -> TestApp {
    TestApp::builder()
        .localhost()
        .trusted_proxies("127.0.0.1")
        .policy(|p| p.limits[Limit::ResendCooldown] = 0)
        .start()
        .await
}

/// nginx's subrequest for the original request `method url`, with `browser`'s
/// cookies; `query`: the location's step-up.
async fn auth_request(
    browser: &Browser,
    query: &str,
    url: &str,
    method: &str,
) -> reqwest::Response {
    browser
        .http
        .request(
            Method::from_bytes(method.as_bytes()).expect("method"),
            format!("{}{AUTH_REQUEST}{query}", browser.base),
        )
        .header("x-original-url", url)
        .header("x-original-method", method)
        .send()
        .await
        .expect("auth-request")
}

/// What nginx's subrequest for a plain GET of `PROTECTED` gets, with `browser`'s cookies.
async fn proxy_answers(browser: &Browser) -> reqwest::StatusCode {
    auth_request(browser, "", PROTECTED, "GET").await.status()
}

/// Caddy's or Traefik's request for the original `method` of `PROTECTED`, which
/// accepted `accept`, with `browser`'s cookies and any `extra` header.
async fn forward_auth(
    browser: &Browser,
    query: &str,
    method: &str,
    accept: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = browser
        .http
        .get(format!("{}{FORWARD_AUTH}{query}", browser.base))
        .header("x-forwarded-method", method)
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", "app.example.ru")
        .header("x-forwarded-uri", "/orders?id=5")
        .header(header::ACCEPT, accept);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request.send().await.expect("forward-auth")
}

/// Where a person sent to sign in for `PROTECTED` goes, with `more` after `rd`.
fn sign_in_for(app: &TestApp, more: &str) -> String {
    format!(
        "{}/signup?rd=https%3A%2F%2Fapp.example.ru%2Forders%3Fid%3D5{more}",
        app.origin
    )
}

fn identity(response: &reqwest::Response) -> [String; 4] {
    [
        "remote-user",
        "remote-phone",
        "remote-groups",
        "remote-auth-method",
    ]
    .map(|name| header_of(response, name).to_owned())
}

fn assert_private(response: &reqwest::Response) {
    assert_eq!(header_of(response, "cache-control"), "no-store");
}

async fn public_id_of(app: &TestApp, phone: &str) -> String {
    sqlx::query_scalar("SELECT public_id FROM accounts WHERE phone = $1")
        .bind(phone)
        .fetch_one(&app.db)
        .await
        .expect("account")
}

#[tokio::test]
async fn auth_request_lets_a_session_pass_with_who_it_is_and_sends_anyone_else_to_sign_in() {
    let app = app().await;
    let stranger = app.browser();
    let refused = auth_request(&stranger, "", PROTECTED, "GET").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(location(&refused), sign_in_for(&app, ""));
    assert_eq!(identity(&refused), [""; 4].map(str::to_owned));
    assert_private(&refused);

    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    let passed = auth_request(&owner, "", PROTECTED, "GET").await;
    assert_eq!(passed.status(), 200);
    assert_private(&passed);
    let [user, phone, groups, method] = identity(&passed);
    assert_eq!(user, public_id_of(&app, "+79991234567").await);
    assert_eq!(user.len(), 32, "{user}");
    assert!(user.bytes().all(|b| b.is_ascii_hexdigit()), "{user}");
    assert!(!user.contains(&PHONE_DIGITS[1..]), "never the number");
    assert_eq!(phone, "+79991234567");
    assert!(passed.headers().contains_key("remote-groups"));
    assert_eq!(groups, "");
    assert_eq!(method, "sms");

    // The same account from another browser is the same user; another account is not.
    let again = app.signed_in(PHONE, PHONE_DIGITS).await;
    let [same, ..] = identity(&auth_request(&again, "", PROTECTED, "GET").await);
    assert_eq!(same, user);
    let neighbour = app.signed_in(OTHER_PHONE, OTHER_DIGITS).await;
    let [other, other_phone, ..] = identity(&auth_request(&neighbour, "", PROTECTED, "GET").await);
    assert_ne!(other, user);
    assert_eq!(other_phone, "+79997654321");
}

#[tokio::test]
async fn nginx_asks_with_the_original_method_and_origin_and_is_answered_the_same() {
    let app = app().await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    let stranger = app.browser();
    for method in ["POST", "PUT", "DELETE", "HEAD"] {
        // A form of the protected site posts there: its Origin is that site's.
        let passed = owner
            .http
            .request(
                Method::from_bytes(method.as_bytes()).expect("method"),
                format!("{}{AUTH_REQUEST}", app.base),
            )
            .header("x-original-url", PROTECTED)
            .header("x-original-method", method)
            .header(header::ORIGIN, "https://app.example.ru")
            .send()
            .await
            .expect("auth-request");
        assert_eq!(passed.status(), 200, "{method}");
        let refused = auth_request(&stranger, "", PROTECTED, method).await;
        assert_eq!(refused.status(), 401, "{method}");
        assert_eq!(location(&refused), sign_in_for(&app, ""), "{method}");
    }
}

#[tokio::test]
async fn forward_auth_redirects_a_page_load_and_refuses_anything_else() {
    let app = app().await;
    let stranger = app.browser();
    for (method, accept, extra, status) in [
        ("GET", HTML, &[][..], 302),
        ("HEAD", HTML, &[], 302),
        ("POST", HTML, &[], 303),
        ("DELETE", HTML, &[], 303),
        ("GET", "application/json", &[], 401),
        ("GET", "*/*", &[], 401),
        ("GET", HTML, &[("x-requested-with", "XMLHttpRequest")], 401),
        ("POST", HTML, &[("x-requested-with", "XMLHttpRequest")], 401),
    ] {
        let refused = forward_auth(&stranger, "", method, accept, extra).await;
        assert_eq!(refused.status(), status, "{method} {accept} {extra:?}");
        assert_eq!(location(&refused), sign_in_for(&app, ""));
        assert_eq!(identity(&refused)[0], "");
        assert_private(&refused);
    }
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    for method in ["GET", "POST"] {
        let passed = forward_auth(&owner, "", method, "application/json", &[]).await;
        assert_eq!(passed.status(), 200);
        assert_private(&passed);
        let [user, phone, _, how] = identity(&passed);
        assert_eq!(user, public_id_of(&app, "+79991234567").await);
        assert_eq!((phone.as_str(), how.as_str()), ("+79991234567", "sms"));
    }
}

#[tokio::test]
async fn a_peer_outside_trusted_proxies_is_never_answered_200() {
    for trusted in ["", "10.0.0.0/8", "::1"] {
        let app = TestApp::builder().trusted_proxies(trusted).start().await;
        let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
        let direct = auth_request(&owner, "", PROTECTED, "GET").await;
        assert_eq!(direct.status(), 400, "TRUSTED_PROXIES={trusted:?}");
        assert!(direct
            .text()
            .await
            .expect("body")
            .contains("TRUSTED_PROXIES"));
        let direct = forward_auth(&owner, "", "GET", HTML, &[]).await;
        assert_eq!(direct.status(), 400, "TRUSTED_PROXIES={trusted:?}");
        assert_eq!(identity(&direct)[0], "");
        assert_eq!(location(&direct), "", "nothing to follow either");
        assert_private(&direct);
    }
}

#[tokio::test]
async fn missing_or_malformed_headers_are_refused_with_the_reason() {
    let app = app().await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    let url = format!("{}{AUTH_REQUEST}", app.base);
    for (headers, reason) in [
        (&[("x-original-method", "GET")][..], "X-Original-URL"),
        (&[("x-original-url", PROTECTED)][..], "X-Original-Method"),
        (
            &[("x-original-url", "/orders"), ("x-original-method", "GET")][..],
            "X-Original-URL",
        ),
        (
            &[
                ("x-original-url", "javascript:alert(1)"),
                ("x-original-method", "GET"),
            ][..],
            "X-Original-URL",
        ),
        (
            &[
                ("x-original-url", "https://me@app.example.ru/"),
                ("x-original-method", "GET"),
            ][..],
            "X-Original-URL",
        ),
    ] {
        let mut request = owner.http.get(&url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let refused = request.send().await.expect("auth-request");
        assert_eq!(refused.status(), 400, "{headers:?}");
        assert_private(&refused);
        assert!(
            refused.text().await.expect("body").contains(reason),
            "{headers:?}"
        );
    }
    let url = format!("{}{FORWARD_AUTH}", app.base);
    let whole = [
        ("x-forwarded-method", "GET"),
        ("x-forwarded-proto", "https"),
        ("x-forwarded-host", "app.example.ru"),
        ("x-forwarded-uri", "/orders"),
    ];
    for left_out in 0..whole.len() {
        let mut request = owner.http.get(&url).header(header::ACCEPT, HTML);
        for (n, (name, value)) in whole.iter().enumerate() {
            if n != left_out {
                request = request.header(*name, *value);
            }
        }
        let refused = request.send().await.expect("forward-auth");
        assert_eq!(refused.status(), 400, "without {}", whole[left_out].0);
        let reason = refused.text().await.expect("body");
        assert!(
            reason.to_ascii_lowercase().contains(whole[left_out].0),
            "{reason}"
        );
    }
    for query in ["?method=sms", "?max_age=soon", "?max_age=-5"] {
        let refused = auth_request(&owner, query, PROTECTED, "GET").await;
        assert_eq!(refused.status(), 400, "{query}");
    }
}

#[tokio::test]
async fn the_sign_in_page_is_always_this_sites_whatever_the_original_url() {
    // A stranger names any URL as the original: the answer still sends the browser
    // only to this site's sign-in page; where it goes after is the page's rule.
    let app = app().await;
    let stranger = app.browser();
    let refused = auth_request(&stranger, "", "https://evil.example/phish", "GET").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(
        location(&refused),
        format!(
            "{}/signup?rd=https%3A%2F%2Fevil.example%2Fphish",
            app.origin
        )
    );
}

#[tokio::test]
async fn signing_out_or_not_me_denies_the_next_request() {
    let app = app().await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    assert_eq!(proxy_answers(&owner).await, 200);
    owner.sign_out().await.expect("signed out");
    assert_eq!(proxy_answers(&owner).await, 401);

    let lost = app.signed_in(PHONE, PHONE_DIGITS).await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    assert_eq!(proxy_answers(&lost).await, 200);
    let sessions: Vec<sms_auth::api::account::SessionView> =
        owner.call("sessions", &[]).await.expect("sessions");
    let theirs = sessions
        .iter()
        .find(|s| !s.current)
        .expect("the other session");
    owner
        .call::<()>("not_me", &[("session", &theirs.handle)])
        .await
        .expect("not me");
    assert_eq!(proxy_answers(&lost).await, 401);
    assert_eq!(proxy_answers(&owner).await, 200);
}

#[tokio::test]
async fn max_age_sends_an_older_sign_in_to_sign_in_again() {
    let app = app().await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    app.clock.advance(301);
    assert_eq!(
        auth_request(&owner, "?max_age=400", PROTECTED, "GET")
            .await
            .status(),
        200
    );
    let refused = auth_request(&owner, "?max_age=300", PROTECTED, "GET").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(location(&refused), sign_in_for(&app, "&max_age=300"));
    let redirected = forward_auth(&owner, "?max_age=300", "GET", HTML, &[]).await;
    assert_eq!(redirected.status(), 302);
    assert_eq!(location(&redirected), sign_in_for(&app, "&max_age=300"));
    // Signing in again makes it recent.
    app.sign_in(&owner, PHONE, PHONE_DIGITS).await;
    assert_eq!(
        auth_request(&owner, "?max_age=300", PROTECTED, "GET")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_passkey_location_passes_only_a_passkey_session() {
    let app = app().await;
    // Not signed in: sent to sign in with a passkey at once, so the page says so
    // before a code is asked for in vain. (`max_age` alone says nothing then: any
    // sign-in is recent.)
    let stranger = app.browser();
    let refused = auth_request(&stranger, "?method=passkey&max_age=60", PROTECTED, "GET").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(location(&refused), sign_in_for(&app, "&method=passkey"));
    let redirected = forward_auth(&stranger, "?max_age=60", "GET", HTML, &[]).await;
    assert_eq!(location(&redirected), sign_in_for(&app, ""));

    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    let refused = auth_request(&owner, "?method=passkey", PROTECTED, "GET").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(location(&refused), sign_in_for(&app, "&method=passkey"));
    let mut key = SoftKey::new(&app.origin);
    crate::passkeys::add_passkey(&owner, &mut key)
        .await
        .expect("added");
    // Adding a passkey does not make this session one.
    assert_eq!(
        auth_request(&owner, "?method=passkey", PROTECTED, "GET")
            .await
            .status(),
        401
    );
    let elsewhere = app.browser();
    crate::passkeys::passkey_sign_in(&elsewhere, &mut key)
        .await
        .expect("signed in by passkey");
    let passed = auth_request(&elsewhere, "?method=passkey&max_age=60", PROTECTED, "GET").await;
    assert_eq!(passed.status(), 200);
    let [user, phone, _, how] = identity(&passed);
    assert_eq!(user, public_id_of(&app, "+79991234567").await);
    assert_eq!((phone.as_str(), how.as_str()), ("+79991234567", "passkey"));
}

#[tokio::test]
async fn every_account_gets_a_public_id_of_its_own() {
    let app = app().await;
    app.signed_in(PHONE, PHONE_DIGITS).await;
    app.signed_in(OTHER_PHONE, OTHER_DIGITS).await;
    // A row written by hand (an import, a repair) gets one too.
    sqlx::query(
        "INSERT INTO accounts (phone, created_at, last_sign_in_at, sign_ins)
         VALUES ('+79990000001', $1, $1, 1)",
    )
    .bind(START)
    .execute(&app.db)
    .await
    .expect("an account");
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT public_id) FROM accounts")
            .await,
        3
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM accounts WHERE public_id IS NULL")
            .await,
        0
    );
}

/// The `Set-Cookie` of `response` for `name`.
fn set_cookie_of(response: &reqwest::Response, name: &str) -> String {
    set_cookies(response)
        .into_iter()
        .find(|cookie| cookie.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

fn value_of(set_cookie: &str) -> &str {
    set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map_or("", |(_, value)| value)
}

/// A browser holds the redirects that answer a form post to the page's `form-action`
/// (Chromium refused the return to `rd` from the no-JavaScript forms before this).
#[tokio::test]
async fn with_cookie_domain_the_pages_forms_may_return_to_the_sites_under_it() {
    let app = TestApp::builder()
        .origin("https://auth.example.ru")
        .cookie_domain("example.ru")
        .start()
        .await;
    for path in [
        "/signup?rd=https%3A%2F%2Fapp.example.ru%2F",
        "/verify",
        "/signout",
    ] {
        let page = app.browser().get(path).await;
        let csp = header_of(&page, "content-security-policy");
        assert!(
            csp.contains("form-action 'self' https://example.ru:* https://*.example.ru:*;"),
            "{path}: {csp}"
        );
    }
    // Without COOKIE_DOMAIN, forms go to this site alone.
    let alone = TestApp::start().await;
    let page = alone.browser().get("/signup").await;
    assert!(header_of(&page, "content-security-policy").contains("form-action 'self';"));
}

#[tokio::test]
async fn with_cookie_domain_the_session_and_device_cookies_reach_the_sites_under_it() {
    let app = TestApp::builder()
        .origin("https://auth.example.ru")
        .cookie_domain("example.ru")
        .trusted_proxies("127.0.0.1")
        .start()
        .await;
    // Secure cookies on a plain-http test server: the cookies travel by hand.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let asked = http
        .post(format!("{}/api/request_code", app.base))
        .form(&[("phone", PHONE)])
        .send()
        .await
        .expect("request_code");
    assert_eq!(asked.status(), 200);
    let pending = set_cookie_of(&asked, "vid");
    assert!(
        !pending.contains("Domain"),
        "the pending code is this host's: {pending}"
    );
    let verified = http
        .post(format!("{}/api/verify_code", app.base))
        .header(header::COOKIE, format!("vid={}", value_of(&pending)))
        .form(&[("code", app.exolve.last_code_to(PHONE_DIGITS).as_str())])
        .send()
        .await
        .expect("verify_code");
    assert_eq!(verified.status(), 200);
    let session = set_cookie_of(&verified, "sid");
    let device = set_cookie_of(&verified, "did");
    for cookie in [&session, &device] {
        assert!(cookie.contains("Domain=example.ru"), "{cookie}");
        assert!(
            cookie.contains("Secure") && cookie.contains("HttpOnly"),
            "{cookie}"
        );
    }
    assert!(!set_cookie_of(&verified, "vid").contains("Domain"));
    // What app.example.ru's proxy passes on lets the request through.
    let passed = http
        .get(format!("{}{AUTH_REQUEST}", app.base))
        .header(header::COOKIE, format!("sid={}", value_of(&session)))
        .header("x-original-url", PROTECTED)
        .header("x-original-method", "GET")
        .send()
        .await
        .expect("auth-request");
    assert_eq!(passed.status(), 200);
    // Signing out clears the cookie where it was set: the domain's.
    let out = http
        .post(format!("{}/api/sign_out", app.base))
        .header(header::COOKIE, format!("sid={}", value_of(&session)))
        .send()
        .await
        .expect("sign_out");
    let cleared = set_cookie_of(&out, "sid");
    assert!(
        cleared.contains("Domain=example.ru") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
}

/// A site behind a proxy under `example.localhost`, sms-auth at its `auth.` host.
async fn behind_a_proxy() -> TestApp {
    TestApp::builder()
        .origin("http://auth.example.localhost:3100")
        .cookie_domain("example.localhost")
        .trusted_proxies("127.0.0.1")
        .policy(|p| p.limits[Limit::ResendCooldown] = 0)
        .start()
        .await
}

const ORDERS: &str = "http://app.example.localhost:8080/orders?id=5";

/// A form posted with JavaScript off. (No `Referer`: the test server's address is
/// not `PUBLIC_ORIGIN`'s, and a request naming no page is no cross-site post.)
async fn form(browser: &Browser, endpoint: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    browser
        .http
        .post(format!("{}/api/{endpoint}", browser.base))
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .form(fields)
        .send()
        .await
        .expect("form post")
}

/// The `rd` cookie `response` sets, if any.
fn remembered(response: &reqwest::Response) -> Option<String> {
    set_cookies(response)
        .into_iter()
        .find(|cookie| cookie.starts_with("rd="))
}

#[tokio::test]
async fn a_sign_in_by_code_returns_to_the_protected_page_through_every_step() {
    let app = behind_a_proxy().await;
    let browser = app.browser();
    let rd = url::form_urlencoded::byte_serialize(ORDERS.as_bytes()).collect::<String>();
    let page = browser.get(&format!("/signup?rd={rd}")).await;
    assert_eq!(page.status(), 200);
    assert!(remembered(&page).is_some(), "{:?}", set_cookies(&page));
    // JavaScript off: the code, "send again", "change number", the code again.
    let asked = form(&browser, "request_code", &[("phone", PHONE)]).await;
    assert_eq!(location(&asked), "/verify");
    let again = form(&browser, "resend_code", &[]).await;
    assert_eq!(location(&again), "/verify");
    let changed = browser.get("/signup").await;
    assert_eq!(
        remembered(&changed),
        None,
        "a page without rd forgets nothing"
    );
    form(&browser, "request_code", &[("phone", OTHER_PHONE)]).await;
    let code = app.exolve.last_code_to(OTHER_DIGITS);
    let signed_in = form(&browser, "verify_code", &[("code", &code)]).await;
    assert_eq!(location(&signed_in), ORDERS);
    let spent = remembered(&signed_in).expect("the memory is spent");
    assert!(spent.contains("Max-Age=0"), "{spent}");
    // The next sign-in of that browser goes to its account.
    browser.request_code(OTHER_PHONE).await.expect("sent");
    let next = browser
        .raw_call(
            "verify_code",
            &[("code", &app.exolve.last_code_to(OTHER_DIGITS))],
        )
        .await;
    assert_eq!(location(&next), "/account");
}

#[tokio::test]
async fn with_javascript_the_sign_in_returns_as_well() {
    let app = behind_a_proxy().await;
    let browser = app.browser();
    let rd = url::form_urlencoded::byte_serialize(ORDERS.as_bytes()).collect::<String>();
    browser.get(&format!("/signup?rd={rd}")).await;
    browser.request_code(PHONE).await.expect("sent");
    let signed_in = browser
        .raw_call(
            "verify_code",
            &[("code", &app.exolve.last_code_to(PHONE_DIGITS))],
        )
        .await;
    assert!(signed_in.status().is_success());
    assert_eq!(location(&signed_in), ORDERS);
}

#[tokio::test]
async fn a_place_to_return_to_off_the_site_and_its_domain_is_never_followed() {
    let app = behind_a_proxy().await;
    let mut hostile: Vec<String> = crate::adversary::HOSTILE_NEXT
        .iter()
        .map(|raw| (*raw).to_owned())
        .collect();
    for url in [
        "http://evilexample.localhost/",
        "http://example.localhost.evil.example/",
        "http://localhost/",
        "http://user@app.example.localhost/",
        "http://app.example.localhost@evil.example/",
        "ftp://app.example.localhost/",
    ] {
        hostile.push(url::form_urlencoded::byte_serialize(url.as_bytes()).collect());
    }
    hostile.push("x".repeat(3000));
    for (raw, start) in hostile
        .iter()
        .flat_map(|raw| [(raw, "/signup"), (raw, "/")])
    {
        let page = app.browser().get(&format!("{start}?rd={raw}")).await;
        assert_eq!(page.status(), 200, "{start}?rd={raw}");
        // Nothing, or a page of this very site (a local path, as `/lang?next=`).
        if let Some(cookie) = remembered(&page) {
            let value = value_of(&cookie);
            let url: String = url::form_urlencoded::parse(format!("u={value}").as_bytes())
                .map(|(_, v)| v.into_owned())
                .next()
                .unwrap_or_default();
            assert!(
                url.starts_with("http://auth.example.localhost:3100/"),
                "rd={raw} remembered {url}"
            );
        }
    }
    // One planted in the cookie by hand is checked again when followed.
    let browser = app.browser();
    browser.set_cookie("rd", "http%3A%2F%2Fevil.example%2F");
    browser.request_code(PHONE).await.expect("sent");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    let signed_in = form(&browser, "verify_code", &[("code", &code)]).await;
    assert_eq!(location(&signed_in), "/account");
}

/// From the start page, as its passkey button signs in.
#[tokio::test]
async fn a_passkey_sign_in_returns_to_the_page_too() {
    let app = app().await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    let mut key = SoftKey::new(&app.origin);
    crate::passkeys::add_passkey(&owner, &mut key)
        .await
        .expect("added");
    let elsewhere = app.browser();
    let activity = format!("{}/account/activity", app.origin);
    let rd = url::form_urlencoded::byte_serialize(activity.as_bytes()).collect::<String>();
    let start = elsewhere.get(&format!("/?rd={rd}")).await;
    assert!(remembered(&start).is_some(), "{:?}", set_cookies(&start));
    let options: String = elsewhere
        .call("passkey_login_start", &[])
        .await
        .expect("started");
    let answer = key.get(&options).await;
    let signed_in = elsewhere
        .raw_call("passkey_login_finish", &[("credential", &answer)])
        .await;
    assert!(signed_in.status().is_success(), "{}", signed_in.status());
    assert_eq!(location(&signed_in), activity);
}

#[tokio::test]
async fn signout_asks_first_then_signs_out_and_returns_to_the_site() {
    let app = app().await;
    let browser = app.signed_in(PHONE, PHONE_DIGITS).await;
    let back = format!("{}/account/activity", app.origin);
    let rd = url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>();
    // A GET (a link, an e-mail) only asks.
    let page = browser.get(&format!("/signout?rd={rd}")).await;
    assert_eq!(page.status(), 200);
    assert_eq!(header_of(&page, "cache-control"), "no-store");
    let html = page.text().await.expect("page");
    assert!(html.contains(r#"action="/api/sign_out""#), "{html}");
    assert!(html.contains(r#"name="rd""#), "{html}");
    assert!(html.contains("Выход"), "{html}");
    assert_eq!(proxy_answers(&browser).await, 200);
    // Its button posts, signs out and goes back.
    let out = form(&browser, "sign_out", &[("rd", &back)]).await;
    assert_eq!(location(&out), back);
    assert_eq!(proxy_answers(&browser).await, 401);
    // Off the site, the start page instead.
    for rd in [
        "https://evil.example/",
        "//evil.example",
        "javascript:alert(1)",
        "",
    ] {
        let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
        let out = form(&owner, "sign_out", &[("rd", rd)]).await;
        assert_eq!(location(&out), "/", "{rd}");
        assert_eq!(proxy_answers(&owner).await, 401);
    }
}

#[tokio::test]
async fn the_sign_in_page_says_why_a_step_up_sends_the_person_there() {
    let app = app().await;
    let page = |query: &'static str, lang: &'static str| {
        let browser = app.browser_with_language(lang);
        async move { browser.page(&format!("/signup{query}")).await }
    };
    let passkey = page("?rd=https%3A%2F%2Fapp.example.ru%2F&method=passkey", "ru").await;
    assert!(
        passkey.contains("просит войти с ключом доступа"),
        "{passkey}"
    );
    assert!(passkey.contains(r#"role="status""#));
    let again = page("?rd=https%3A%2F%2Fapp.example.ru%2F&max_age=300", "en").await;
    assert!(again.contains("asks you to sign in again"), "{again}");
    let plain = page("?rd=https%3A%2F%2Fapp.example.ru%2F", "ru").await;
    assert!(!plain.contains("step-up"), "no note without a step-up");
}
