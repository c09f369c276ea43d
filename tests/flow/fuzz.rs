//! A fuzz run anyone can repeat: thousands of random requests (methods, paths,
//! bodies, `Origin`, `Cookie`, `X-Forwarded-For`, `Accept`, `Content-Type`, and the
//! headers a forward-auth proxy names the original request by, `Authorization` as
//! the OpenID provider's apps send it) against every route, server function and
//! OpenID endpoint, with the provider's parameters. Never a 5xx, never a dropped
//! connection (a panic), never a metrics series outside the fixed label sets.
//!
//! `FUZZ_SEED=<n>` replays another run; `FUZZ_REQUESTS=<n>` changes its length.

use std::collections::BTreeSet;

use proptest::{
    prelude::*,
    strategy::ValueTree,
    test_runner::{Config, RngAlgorithm, TestRng, TestRunner},
};
use reqwest::{header, Method};

use crate::support::*;

#[derive(Debug, Clone)]
struct FuzzRequest {
    method: String,
    path: String,
    origin: Option<String>,
    cookie: Option<String>,
    forwarded_for: Option<String>,
    accept: Option<String>,
    content_type: Option<String>,
    /// The original request's headers, as a forward-auth proxy sends them.
    original: Vec<(&'static str, String)>,
    /// Basic or Bearer, as the OpenID provider's apps send them.
    authorization: Option<String>,
    body: Vec<u8>,
}

const ROUTES: &[&str] = &[
    "/",
    "/signup",
    "/verify",
    "/account",
    "/lang/en",
    "/lang/ru",
    "/lang/xx",
    "/healthz",
    "/readyz",
    "/metrics",
    "/pkg/sms-auth.js",
    "/dev/outbox",
    "/nowhere",
    "/api/request_code",
    "/api/resend_code",
    "/api/verify_code",
    "/api/pending_code",
    "/api/account",
    "/api/sessions",
    "/api/end_session",
    "/api/sign_out",
    "/api/not_me",
    "/api/end_other_sessions",
    "/api/activity",
    "/api/passkey_register_start",
    "/api/passkey_register_finish",
    "/api/passkey_login_start",
    "/api/passkey_login_finish",
    "/api/passkey_rename",
    "/api/passkey_remove",
    "/api/unknown",
    "/api/authz/auth-request",
    "/api/authz/forward-auth",
    "/api/consent_screen",
    "/api/connected_apps",
    "/api/disconnect_app",
    "/.well-known/openid-configuration",
    "/oidc/jwks",
    "/oidc/authorize",
    "/oidc/consent",
    "/oidc/token",
    "/oidc/userinfo",
    "/oidc/logout",
];

/// An OpenID authorization's (or logout's) query: the registered apps and
/// addresses, others, and the parameters' values right and wrong.
fn oidc_query() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["grafana", "spa", "nobody", ""]),
        prop::sample::select(vec![
            "http://grafana.test/login/generic_oauth",
            "http://lk.test/callback",
            "http://evil.test/",
            "",
        ]),
        prop::sample::select(vec!["code", "token", "code id_token", ""]),
        prop::sample::select(vec!["openid", "openid phone offline_access", "phone", ""]),
        prop::collection::vec(
            (
                prop::sample::select(vec![
                    "state",
                    "nonce",
                    "prompt",
                    "max_age",
                    "ui_locales",
                    "code_challenge",
                    "code_challenge_method",
                    "login_after",
                    "request",
                    "response_mode",
                    "id_token_hint",
                    "post_logout_redirect_uri",
                    "client_id",
                ]),
                prop_oneof![
                    "(none|login|consent|S256|plain|ru|en|query|-1|0|99999999999999999999)",
                    "[A-Za-z0-9_-]{43}",
                    "[ -~]{0,20}",
                ],
            ),
            0..4,
        ),
    )
        .prop_map(|(client, redirect, response_type, scope, extra)| {
            let mut query = url::form_urlencoded::Serializer::new(String::from("?"));
            query
                .append_pair("client_id", client)
                .append_pair("redirect_uri", redirect)
                .append_pair("response_type", response_type)
                .append_pair("scope", scope)
                .extend_pairs(extra);
            query.finish()
        })
}

fn authorization() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        4 => Just(None),
        1 => ("[a-z]{0,8}", "[ -~]{0,16}").prop_map(|(id, secret)| {
            use base64::Engine;
            Some(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))))
        }),
        // grafana:test, a registered app's right secret.
        1 => Just(Some("Basic Z3JhZmFuYTp0ZXN0".to_owned())),
        1 => "[0-9a-f]{64}".prop_map(|token| Some(format!("Bearer {token}"))),
        1 => header_text().prop_map(Some),
    ]
}

/// Printable ASCII, as a header value must be, with the characters parsers trip on.
fn header_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,40}",
        "[a-z0-9=;,:/.@%\\[\\] \"-]{0,60}",
        Just(String::new()),
    ]
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("GET".to_owned()),
        6 => Just("POST".to_owned()),
        1 => Just("HEAD".to_owned()),
        1 => prop::sample::select(vec!["PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"])
            .prop_map(str::to_owned),
        1 => "[A-Z][A-Z0-9_-]{0,11}",
    ]
}

fn path() -> impl Strategy<Value = String> {
    (
        // The code request again, so that some requests reach Exolve whatever the
        // seed: it is one route of many, and only a well-formed number gets there.
        prop_oneof![
            9 => prop::sample::select(ROUTES),
            1 => Just("/api/request_code"),
        ],
        prop_oneof![
            3 => Just(String::new()),
            1 => "\\?next=[ -~&&[^# ]]{0,30}",
            1 => "\\?[a-z]{1,5}=[a-zA-Z0-9%]{0,20}",
            1 => "\\?(method=(passkey|sms|)|max_age=-?[0-9]{0,12})(&max_age=[0-9a-z]{0,3})?",
            1 => "/[a-z%0-9.]{0,12}",
            2 => oidc_query(),
        ],
    )
        .prop_map(|(route, tail)| format!("{route}{tail}"))
}

fn origin() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        8 => Just(None),
        1 => Just(Some("https://evil.example".to_owned())),
        1 => Just(Some("null".to_owned())),
        1 => header_text().prop_map(Some),
    ]
}

fn cookie() -> impl Strategy<Value = Option<String>> {
    let value = prop_oneof!["[0-9a-f]{32}", "[ -~&&[^;,]]{0,40}"];
    prop_oneof![
        2 => Just(None),
        3 => (
            prop::sample::select(vec!["sid", "vid", "did", "pkc", "lang", "x"]),
            value,
            prop::sample::select(vec!["sid", "vid", "did", "pkc", "lang"]),
            "[a-z0-9]{0,32}",
        )
            .prop_map(|(a, x, b, y)| Some(format!("{a}={x}; {b}={y}"))),
        1 => header_text().prop_map(Some),
    ]
}

fn forwarded_for() -> impl Strategy<Value = Option<String>> {
    let hop = prop_oneof![
        any::<[u8; 4]>().prop_map(|b| format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])),
        (any::<[u8; 4]>(), any::<u16>())
            .prop_map(|(b, p)| format!("{}.{}.{}.{}:{p}", b[0], b[1], b[2], b[3])),
        any::<[u16; 8]>().prop_map(|w| std::net::Ipv6Addr::from(w).to_string()),
        (any::<[u16; 8]>(), any::<u16>())
            .prop_map(|(w, p)| format!("[{}]:{p}", std::net::Ipv6Addr::from(w))),
        "[ -~&&[^,]]{0,20}",
    ];
    prop_oneof![
        2 => Just(None),
        3 => prop::collection::vec(hop, 1..4).prop_map(|hops| Some(hops.join(", "))),
    ]
}

fn accept() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("text/html,application/xhtml+xml".to_owned())),
        Just(Some("application/json".to_owned())),
        header_text().prop_map(Some),
    ]
}

/// What a forward-auth proxy says of the original request: each header well
/// formed, malformed, or left out.
fn original() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let header = prop_oneof![
        (
            Just("x-original-url"),
            prop_oneof![
                Just("https://app.example.ru/orders?id=5".to_owned()),
                Just("javascript:alert(1)".to_owned()),
                Just("https://u:p@app.example.ru/".to_owned()),
                header_text(),
            ],
        ),
        (
            Just("x-original-method"),
            prop_oneof![method(), header_text()]
        ),
        (
            Just("x-forwarded-method"),
            prop_oneof![method(), header_text()]
        ),
        (
            Just("x-forwarded-proto"),
            prop_oneof![
                Just("https".to_owned()),
                Just("http".to_owned()),
                header_text()
            ],
        ),
        (
            Just("x-forwarded-host"),
            prop_oneof![Just("app.example.ru".to_owned()), header_text()],
        ),
        (
            Just("x-forwarded-uri"),
            prop_oneof![
                Just("/orders?id=5".to_owned()),
                "/[ -~]{0,30}",
                header_text()
            ],
        ),
        (Just("x-requested-with"), Just("XMLHttpRequest".to_owned())),
    ];
    prop_oneof![
        3 => Just(Vec::new()),
        2 => prop::collection::vec(header, 1..7),
    ]
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("application/x-www-form-urlencoded".to_owned())),
        Just(Some("application/json".to_owned())),
        Just(Some("multipart/form-data; boundary=x".to_owned())),
        header_text().prop_map(Some),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let field = prop::sample::select(vec![
        "phone",
        "code",
        "session",
        "next",
        "credential",
        "passkey",
        "name",
        "x",
        "grant_type",
        "redirect_uri",
        "client_id",
        "client_secret",
        "code_verifier",
        "refresh_token",
        "answer",
        "id_token_hint",
        "query",
    ]);
    let value = prop_oneof![
        "\\+7 ?9[0-9]{2} ?[0-9]{3}-?[0-9]{2}-?[0-9]{2}",
        "[0-9]{6}",
        "(authorization_code|refresh_token|password|allow|deny|grafana|spa)",
        "[ -~]{0,30}",
        "\\PC{0,20}",
    ];
    prop_oneof![
        3 => Just(Vec::new()),
        8 => prop::collection::vec((field, value), 1..4).prop_map(|pairs| {
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish()
                .into_bytes()
        }),
        1 => prop::collection::vec(any::<u8>(), 0..256),
        1 => Just(vec![b'7'; 20 * 1024]),
    ]
}

/// Mostly the method the route expects (POST for server functions, GET for the
/// rest), so most requests reach a handler; else any method.
fn method_and_path() -> impl Strategy<Value = (String, String)> {
    path().prop_flat_map(|path| {
        let posted = path.starts_with("/oidc/token") || path.starts_with("/oidc/consent");
        let natural = if posted || (path.starts_with("/api/") && !path.starts_with("/api/authz/")) {
            "POST"
        } else {
            "GET"
        };
        (
            prop_oneof![4 => Just(natural.to_owned()), 1 => method()],
            Just(path),
        )
    })
}

fn request() -> impl Strategy<Value = FuzzRequest> {
    (
        method_and_path(),
        origin(),
        cookie(),
        forwarded_for(),
        accept(),
        content_type(),
        original(),
        authorization(),
        body(),
    )
        .prop_map(
            |(
                (method, path),
                origin,
                cookie,
                forwarded_for,
                accept,
                content_type,
                original,
                authorization,
                body,
            )| {
                FuzzRequest {
                    method,
                    path,
                    origin,
                    cookie,
                    forwarded_for,
                    accept,
                    content_type,
                    original,
                    authorization,
                    body,
                }
            },
        )
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The label sets of every `sms_auth_` series in `/metrics`.
async fn series(app: &TestApp) -> BTreeSet<String> {
    app.metrics()
        .await
        .lines()
        .filter(|line| line.starts_with("sms_auth_") && !line.contains("_bucket{"))
        .filter_map(|line| line.rsplit_once(' ').map(|(series, _)| series.to_owned()))
        .collect()
}

const METHODS: [&str; 4] = ["GET", "HEAD", "POST", "OTHER"];

#[tokio::test]
async fn random_requests_never_fail_the_server() {
    let app = TestApp::builder()
        .localhost()
        .trusted_proxies("127.0.0.1")
        .oidc_clients(crate::oidc::CLIENTS)
        .policy(|p| {
            p.limits[Limit::SmsPerDay] = 100_000_000;
            p.limits[Limit::ResendCooldown] = 0;
        })
        .start()
        .await;
    let seed = env_number("FUZZ_SEED", 0x5eed);
    let count = env_number("FUZZ_REQUESTS", 3000);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = request();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut failures = Vec::new();
    let mut answered = std::collections::BTreeMap::<u16, u32>::new();
    for n in 0..count {
        let request = strategy.new_tree(&mut runner).expect("a request").current();
        let method = Method::from_bytes(request.method.as_bytes()).expect("method");
        let mut builder = client
            .request(method, format!("{}{}", app.base, request.path))
            .body(request.body.clone());
        for (name, value) in [
            (header::ORIGIN, &request.origin),
            (header::COOKIE, &request.cookie),
            (header::ACCEPT, &request.accept),
            (header::CONTENT_TYPE, &request.content_type),
            (header::AUTHORIZATION, &request.authorization),
        ] {
            if let Some(value) = value {
                builder = builder.header(name, value);
            }
        }
        if let Some(value) = &request.forwarded_for {
            builder = builder.header("x-forwarded-for", value);
        }
        for (name, value) in &request.original {
            builder = builder.header(*name, value);
        }
        let sent = builder.send().await;
        if let Ok(response) = &sent {
            *answered.entry(response.status().as_u16()).or_insert(0) += 1;
        }
        match sent {
            Ok(response) if response.status().is_server_error() => failures.push(format!(
                "{} {} ← request {n} {request:?}",
                response.status(),
                response.text().await.unwrap_or_default()
            )),
            Ok(_) => {}
            Err(error) => failures.push(format!("no answer ({error}) ← request {n} {request:?}")),
        }
        // Some requests move the clock, so limits and codes expire along the way.
        if n % 97 == 0 {
            app.clock.advance(61);
        }
    }
    assert!(
        failures.is_empty(),
        "FUZZ_SEED={seed}: {} of {count} requests failed the server; the first:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
    // The run reached the handlers, not only the edge's refusals: pages rendered, codes
    // went out, wrong codes were told.
    println!("FUZZ_SEED={seed}: answers by status: {answered:?}");
    for status in [200, 400, 403, 404] {
        assert!(
            answered.get(&status).copied().unwrap_or(0) >= 10,
            "{status}: {answered:?}"
        );
    }
    assert!(!app.exolve.sent().is_empty(), "no request sent a code");
    assert_eq!(app.browser().get("/healthz").await.status(), 200);
    for series in series(&app).await {
        if let Some(labels) = series.strip_prefix("sms_auth_http_request_duration_seconds_") {
            let method = labels
                .split("method=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default();
            assert!(METHODS.contains(&method), "{series}");
            let status = labels
                .split("status=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default();
            assert!(
                status.len() == 3 && status.is_ascii() && !status.starts_with('5'),
                "{series}"
            );
        }
    }
}
