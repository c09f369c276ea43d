//! The HTTP edge: security headers, cross-site refusal, trusted proxies, the body
//! limit, static files, probes and metrics.

use reqwest::header;

use crate::support::*;

#[tokio::test]
async fn pages_carry_a_nonce_policy_that_matches_their_scripts() {
    let app = TestApp::start().await;
    let response = app.browser().get("/signup").await;
    assert_eq!(response.status(), 200);
    let csp = header_of(&response, "content-security-policy").to_owned();
    assert_eq!(header_of(&response, "x-content-type-options"), "nosniff");
    assert_eq!(header_of(&response, "referrer-policy"), "same-origin");
    assert_eq!(header_of(&response, "x-frame-options"), "DENY");
    assert_eq!(
        header_of(&response, "strict-transport-security"),
        "",
        "http origin"
    );
    let html = response.text().await.expect("page");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {csp}"));
    assert!(nonce.len() >= 16, "{nonce}");
    assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // Every inline script carries this render's nonce.
    let scripts = html.matches("<script").count();
    assert!(scripts > 0, "{html}");
    assert!(
        html.matches(&format!("nonce=\"{nonce}\"")).count() >= scripts,
        "{html}"
    );

    let next = app.browser().get("/signup").await;
    assert_ne!(
        header_of(&next, "content-security-policy"),
        csp,
        "a new nonce per page"
    );

    let api = app.browser().raw_call("account", &[]).await;
    assert!(header_of(&api, "content-security-policy").starts_with("default-src 'none'"));
    assert_eq!(header_of(&api, "x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn https_sites_send_hsts() {
    let app = TestApp::builder()
        .origin("https://auth.example.ru")
        .start()
        .await;
    let response = app.browser().get("/").await;
    assert_eq!(
        header_of(&response, "strict-transport-security"),
        "max-age=31536000"
    );
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_send_nothing() {
    let app = TestApp::start().await;
    let browser = app.browser();
    for (name, value) in [
        (header::ORIGIN, "https://evil.example".to_owned()),
        (header::ORIGIN, "null".to_owned()),
        (header::REFERER, "https://evil.example/form.html".to_owned()),
    ] {
        let response = browser
            .http
            .post(format!("{}/api/request_code", app.base))
            .header(name.clone(), value.clone())
            .header(header::ACCEPT, "text/html")
            .form(&[("phone", PHONE)])
            .send()
            .await
            .expect("post");
        assert_eq!(response.status(), 403, "{name}: {value}");
    }
    assert!(app.exolve.sent().is_empty());
    assert_eq!(app.count("SELECT COUNT(*) FROM sms_sends").await, 0);
    assert_eq!(browser.cookie("vid"), None);

    // The site's own page posts as before.
    let own = browser
        .http
        .post(format!("{}/api/request_code", app.base))
        .header(header::ORIGIN, app.base.clone())
        .form(&[("phone", PHONE)])
        .send()
        .await
        .expect("post");
    assert_eq!(own.status(), 200);
    assert_eq!(app.exolve.sent().len(), 1);
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let phones = ["+79990000001", "+79990000002", "+79990000003"];
    let trusting = TestApp::builder()
        .trusted_proxies("127.0.0.1/32")
        .policy(|p| p.limits[Limit::SmsPerIpPerHour] = 1)
        .start()
        .await;
    assert_eq!(
        trusting
            .request_code_via_proxy(phones[0], "198.51.100.1")
            .await,
        200
    );
    assert_eq!(
        trusting
            .request_code_via_proxy(phones[1], "198.51.100.1")
            .await,
        429
    );
    assert_eq!(
        trusting
            .request_code_via_proxy(phones[2], "198.51.100.2")
            .await,
        200
    );
    let stored: String = sqlx::query_scalar("SELECT ip FROM sms_sends ORDER BY id LIMIT 1")
        .fetch_one(&trusting.db)
        .await
        .expect("row");
    assert_eq!(stored, "198.51.100.1");

    let direct = TestApp::builder()
        .policy(|p| p.limits[Limit::SmsPerIpPerHour] = 1)
        .start()
        .await;
    assert_eq!(
        direct
            .request_code_via_proxy(phones[0], "198.51.100.1")
            .await,
        200
    );
    assert_eq!(
        direct
            .request_code_via_proxy(phones[1], "198.51.100.2")
            .await,
        429,
        "a forged header is ignored"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::start().await;
    let big = "7".repeat(64 * 1024);
    let response = app
        .browser()
        .raw_call("request_code", &[("phone", &big)])
        .await;
    assert_eq!(response.status(), 413);
    assert!(app.exolve.sent().is_empty());
}

#[tokio::test]
async fn hashed_assets_are_served_precompressed_and_immutable() {
    let site = tempfile::tempdir().expect("site");
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    std::fs::write(pkg.join("app.abc123.js"), "console.log('plain');").expect("js");
    std::fs::write(pkg.join("app.abc123.js.br"), "brotli bytes").expect("br");
    std::fs::write(pkg.join("app.abc123.js.gz"), "gzip bytes").expect("gz");
    let app = TestApp::builder().site(site.path(), true).start().await;
    let get = |encoding: &'static str| {
        app.browser()
            .http
            .get(format!("{}/pkg/app.abc123.js", app.base))
            .header(header::ACCEPT_ENCODING, encoding)
            .send()
    };
    let br = get("gzip, br").await.expect("br");
    assert_eq!(br.status(), 200);
    assert_eq!(header_of(&br, "content-encoding"), "br");
    assert_eq!(
        header_of(&br, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header_of(&br, "x-content-type-options"), "nosniff");
    assert_eq!(br.bytes().await.expect("body").as_ref(), b"brotli bytes");
    let gz = get("gzip").await.expect("gz");
    assert_eq!(header_of(&gz, "content-encoding"), "gzip");
    let plain = get("identity").await.expect("plain");
    assert_eq!(header_of(&plain, "content-encoding"), "");
    assert_eq!(plain.text().await.expect("body"), "console.log('plain');");

    let unhashed = TestApp::builder().site(site.path(), false).start().await;
    let response = unhashed.browser().get("/pkg/app.abc123.js").await;
    assert_eq!(header_of(&response, "cache-control"), "no-cache");
}

#[tokio::test]
async fn assets_built_without_precompressed_files_are_compressed_as_they_go() {
    // A release built without `--precompress`: no .br or .gz beside the wasm.
    let site = tempfile::tempdir().expect("site");
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    let wasm: Vec<u8> = (0..200_000u32).map(|n| (n % 61) as u8).collect();
    std::fs::write(pkg.join("app.abc123.wasm"), &wasm).expect("wasm");
    let app = TestApp::builder().site(site.path(), true).start().await;
    let get = |encoding: &'static str| {
        app.browser()
            .http
            .get(format!("{}/pkg/app.abc123.wasm", app.base))
            .header(header::ACCEPT_ENCODING, encoding)
            .send()
    };
    let br = get("gzip, deflate, br").await.expect("br");
    assert_eq!(br.status(), 200);
    assert_eq!(header_of(&br, "content-encoding"), "br");
    assert_eq!(header_of(&br, "content-type"), "application/wasm");
    assert_eq!(
        header_of(&br, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let body = br.bytes().await.expect("body");
    assert!(body.len() < wasm.len() / 10, "{} bytes", body.len());
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(&mut brotli::Decompressor::new(&body[..], 4096), &mut unpacked)
        .expect("brotli");
    assert!(unpacked == wasm, "the same bytes");
    let gz = get("gzip").await.expect("gz");
    assert_eq!(header_of(&gz, "content-encoding"), "gzip");
    let mut unpacked = Vec::new();
    let body = gz.bytes().await.expect("body");
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut unpacked)
        .expect("gzip");
    assert!(unpacked == wasm, "the same bytes");
    let plain = get("identity").await.expect("plain");
    assert_eq!(header_of(&plain, "content-encoding"), "");
    assert!(plain.bytes().await.expect("body") == wasm);
}

#[tokio::test]
async fn probes_answer_and_metrics_count_what_happened() {
    let app = TestApp::builder().policy(|p| p.max_tries = 3).start().await;
    let browser = app.browser();
    assert_eq!(browser.get("/healthz").await.status(), 200);
    assert_eq!(browser.get("/readyz").await.status(), 200);
    browser.request_code(PHONE).await.expect("sent");
    let code = app.exolve.last_code_to(PHONE_DIGITS);
    assert!(browser.resend().await.is_err(), "cooldown");
    assert!(browser.verify(wrong_for(&code)).await.is_err());
    browser.verify(&code).await.expect("signed in");
    app.exolve.set_mode(ExolveMode::Status(503, ""));
    app.clock.advance(120);
    assert!(app.browser().request_code("+79997776655").await.is_err());

    let metrics = browser.get("/metrics").await.text().await.expect("metrics");
    for line in [
        "sms_auth_sms_sent_total 1",
        "sms_auth_sms_failed_total{reason=\"unavailable\"} 1",
        "sms_auth_verifications_total{result=\"success\"} 1",
        "sms_auth_verifications_total{result=\"wrong_code\"} 1",
        "sms_auth_rate_limited_total{limit=\"resend_cooldown\"} 1",
        "sms_auth_http_request_duration_seconds_count{method=\"POST\",status=\"200\"}",
        "sms_auth_http_request_duration_seconds_bucket{",
    ] {
        assert!(metrics.contains(line), "{line} missing in\n{metrics}");
    }
}

/// Development's origin is `http://localhost:3000` (a host name, for passkeys); a
/// newcomer who types `http://127.0.0.1:3000` can still sign in. Production has no
/// such second origin.
#[tokio::test]
async fn in_development_the_loopback_address_posts_as_the_site_itself() {
    for (dev, expected) in [(true, 200), (false, 403)] {
        let builder = TestApp::builder().localhost();
        let app = if dev { builder.dev_alias() } else { builder }.start().await;
        let port = app.base.rsplit(':').next().expect("port").to_owned();
        let response = app
            .browser()
            .http
            .post(format!("{}/api/request_code", app.base))
            .header(header::ORIGIN, format!("http://127.0.0.1:{port}"))
            .form(&[("phone", PHONE)])
            .send()
            .await
            .expect("post");
        assert_eq!(response.status(), expected, "development: {dev}");
        // Another port of the loopback address is another site.
        let response = app
            .browser()
            .http
            .post(format!("{}/api/request_code", app.base))
            .header(header::ORIGIN, "http://127.0.0.1:1")
            .form(&[("phone", PHONE)])
            .send()
            .await
            .expect("post");
        assert_eq!(response.status(), 403);
    }
}

/// A page's HTML goes out compressed as `/pkg` does, for a client that accepts it, and
/// the answer says it varies with what the client accepts.
#[tokio::test]
async fn pages_are_compressed_for_clients_that_accept_it() {
    let app = TestApp::start().await;
    let get = |encoding: &'static str| {
        app.browser()
            .http
            .get(format!("{}/signup", app.base))
            .header(header::ACCEPT, "text/html")
            .header(header::ACCEPT_ENCODING, encoding)
            .send()
    };
    let plain = get("identity").await.expect("plain");
    assert_eq!(plain.status(), 200);
    assert_eq!(header_of(&plain, "content-encoding"), "");
    let html = plain.text().await.expect("body");
    assert!(html.contains("name=\"phone\""), "{html}");

    // A browser's: gzip (brotli costs pages more CPU than it saves bytes).
    for accepted in ["gzip, deflate, br", "gzip"] {
        let gz = get(accepted).await.expect("gz");
        assert_eq!(gz.status(), 200);
        assert_eq!(header_of(&gz, "content-encoding"), "gzip", "{accepted}");
        assert!(header_of(&gz, "vary").to_ascii_lowercase().contains("accept-encoding"));
        assert!(header_of(&gz, "content-security-policy").contains("'nonce-"));
        let body = gz.bytes().await.expect("body");
        assert!(body.len() < html.len() * 3 / 5, "{} of {} bytes", body.len(), html.len());
        let mut unpacked = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&body[..]), &mut unpacked)
            .expect("gzip");
        // The same page, but for its nonce, which has the same length in every render.
        assert_eq!(unpacked.len(), html.len(), "{unpacked}");
        assert!(unpacked.contains("name=\"phone\""), "{unpacked}");
    }
    let br_only = get("br").await.expect("br");
    assert_eq!(header_of(&br_only, "content-encoding"), "", "no gzip accepted: as it is");
}

/// Whether an answer may be kept by caches is declared with its route: the personal
/// screens (signed in or not), every server function and the dev outbox answer
/// `no-store`; the public pages, files, probes and the language switch do not.
#[tokio::test]
async fn only_the_routes_declared_private_forbid_caches() {
    let app = TestApp::start().await;
    let owner = app.signed_in(PHONE, PHONE_DIGITS).await;
    let pending = app.browser();
    pending.request_code("+79997776655").await.expect("sent");
    let stranger = app.browser();
    let no_store = |response: &reqwest::Response| header_of(response, "cache-control") == "no-store";
    for (who, path) in [
        (&owner, "/account"),
        (&owner, "/account/activity"),
        (&stranger, "/account/activity"),
        (&pending, "/verify"),
        (&stranger, "/verify"),
    ] {
        let response = who.get(path).await;
        assert!(no_store(&response), "{path}: {:?}", response.headers());
    }
    for endpoint in ["sessions", "activity", "pending_code"] {
        let response = owner.raw_call(endpoint, &[]).await;
        assert!(no_store(&response), "/api/{endpoint}");
    }
    for path in ["/", "/signup", "/pkg/app.js", "/accounts", "/healthz", "/lang/en"] {
        let response = stranger.get(path).await;
        assert!(!no_store(&response), "{path}");
    }

    let dev = TestApp::builder().dev_outbox().start().await;
    let outbox = dev.browser().get("/dev/outbox").await;
    assert_eq!(outbox.status(), 200);
    assert!(no_store(&outbox), "/dev/outbox");
}
