//! The test app: the real router and store on a fresh database, the real Exolve
//! client pointed at a fake Exolve server on loopback, and a clock the test moves.
//!
//! The database is a fresh SQLite file, or with `SMS_AUTH_TEST_DB=postgres` a fresh
//! database on a throwaway PostgreSQL server (see `pg.rs`): the README's test command
//! runs this whole suite once on each.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::post,
    Json, Router,
};
use leptos::config::LeptosOptions;
use reqwest::header;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use sms_auth::{
    api::{account::AccountView, auth::PendingCodeView},
    clock::{Clock, ManualClock},
    error::AppError,
    otp::Policy,
    server::{
        config::Config,
        geo::{GeoIp, DEFAULT_GEOIP_DB},
        http::router::router,
        state::{AppState, Settings},
    },
    sms::{DevOutbox, ExolveClient, SmsSender},
    store::{self, SessionLimits, Store},
};
use sqlx::AnyPool;
use tempfile::TempDir;

use crate::pg;

/// The table of limits, for the tests that set one.
pub use sms_auth::otp::Limit;

pub const API_KEY: &str = "test-exolve-key";
/// `APP_SECRET`.
pub const SECRET: &str = "test-secret-test-secret-test-secret";
pub const SENDER: &str = "79990000000";
pub const PHONE: &str = "+7 999 123-45-67";
pub const PHONE_DIGITS: &str = "79991234567";
/// 2026-11-26 12:00 UTC.
pub const START: i64 = 1_795_694_400;

/// What the fake Exolve answers to SendSMS.
#[derive(Clone, Debug)]
pub enum ExolveMode {
    Ok,
    OkNumericId,
    Status(u16, &'static str),
    Slow(Duration),
}

#[derive(Clone, Debug)]
pub struct SentSms {
    pub authorization: String,
    pub number: String,
    pub destination: String,
    pub text: String,
}

#[derive(Clone)]
pub struct FakeExolve {
    pub url: String,
    sent: Arc<Mutex<Vec<SentSms>>>,
    mode: Arc<Mutex<ExolveMode>>,
}

impl FakeExolve {
    pub async fn start() -> Self {
        let fake = Self {
            url: String::new(),
            sent: Arc::default(),
            mode: Arc::new(Mutex::new(ExolveMode::Ok)),
        };
        let app = Router::new()
            .route("/messaging/v1/SendSMS", post(send_sms))
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake exolve");
        let addr = listener.local_addr().expect("fake exolve address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url: format!("http://{addr}"),
            ..fake
        }
    }

    pub fn set_mode(&self, mode: ExolveMode) {
        *self.mode.lock().expect("mode lock") = mode;
    }

    pub fn sent(&self) -> Vec<SentSms> {
        self.sent.lock().expect("sent lock").clone()
    }

    /// The code of the last code SMS to `destination`, read from its WebOTP line.
    pub fn last_code_to(&self, destination: &str) -> String {
        let sent = self.sent();
        let sms = sent
            .iter()
            .rev()
            .find(|s| s.destination == destination && is_code_sms(&s.text))
            .unwrap_or_else(|| panic!("no SMS to {destination}"));
        code_of(&sms.text)
    }

    /// The alerts (every SMS but codes) sent to `destination`.
    pub fn alerts_to(&self, destination: &str) -> Vec<String> {
        self.sent()
            .into_iter()
            .filter(|s| s.destination == destination && !is_code_sms(&s.text))
            .map(|s| s.text)
            .collect()
    }
}

/// A code SMS ends with its WebOTP line, `@host #123456`.
/// The browser's part of a proof of work: the answer (the `altcha` field) to the
/// challenge a `ChallengeRequired` carries.
pub fn solve(challenge: &str) -> String {
    sms_auth::components::challenge::answer(challenge).expect("solved")
}

/// The challenge of a refusal that asks for a proof of work, and when it ends.
pub fn challenge_of(refused: Result<(), AppError>) -> (String, Option<i64>) {
    match refused {
        Err(AppError::ChallengeRequired { challenge, until }) => (challenge, until),
        other => panic!("a challenge was expected: {other:?}"),
    }
}

pub fn is_code_sms(text: &str) -> bool {
    text.lines()
        .last()
        .is_some_and(|last| last.starts_with('@') && last.contains(" #"))
}

/// A code that is not `code`.
pub fn wrong_for(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

pub fn code_of(text: &str) -> String {
    let last = text.lines().last().expect("SMS text has lines");
    let (_, code) = last.rsplit_once('#').expect("WebOTP line");
    code.to_owned()
}

async fn send_sms(
    State(fake): State<FakeExolve>,
    headers: HeaderMap,
    Json(body): Json<serde_json::Value>,
) -> axum::response::Response {
    let mode = fake.mode.lock().expect("mode lock").clone();
    if let ExolveMode::Slow(delay) = mode {
        tokio::time::sleep(delay).await;
    }
    let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
    fake.sent.lock().expect("sent lock").push(SentSms {
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        number: field("number"),
        destination: field("destination"),
        text: field("text"),
    });
    match mode {
        ExolveMode::Ok | ExolveMode::Slow(_) => {
            Json(serde_json::json!({"message_id": "571497026622089119"})).into_response()
        }
        ExolveMode::OkNumericId => {
            Json(serde_json::json!({"message_id": 571497026622089119i64})).into_response()
        }
        ExolveMode::Status(status, body) => (
            StatusCode::from_u16(status).expect("status"),
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
    }
}

pub struct TestApp {
    pub base: String,
    /// The site's `PUBLIC_ORIGIN`.
    pub origin: String,
    pub store: Arc<dyn Store>,
    pub clock: ManualClock,
    pub exolve: FakeExolve,
    /// For assertions on the stored rows; SQL in `$n` placeholders runs on both.
    pub db: AnyPool,
    /// Its `DATABASE_URL`, for a command run beside it.
    pub database_url: String,
    /// The state the app's router was built from.
    pub state: AppState,
    _dir: TempDir,
}

/// Which database the suite runs on.
pub fn on_postgres() -> bool {
    match std::env::var("SMS_AUTH_TEST_DB").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("SMS_AUTH_TEST_DB={other}: sqlite or postgres"),
    }
}

/// A fresh database of the backend under test, and the folder that holds it.
pub async fn fresh_database() -> (String, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = if on_postgres() {
        pg::fresh_database().await
    } else {
        format!("sqlite://{}/nested/test.db?mode=rwc", dir.path().display())
    };
    (url, dir)
}

pub struct TestAppBuilder {
    policy: Policy,
    sessions: SessionLimits,
    /// `None`: the app's own address.
    origin: Option<&'static str>,
    dev_outbox: bool,
    exolve_timeout: Duration,
    exolve_url: Option<String>,
    /// `TRUSTED_PROXIES`.
    trusted_proxies: String,
    /// A site folder with built assets, and whether their names are hashed.
    site: Option<(std::path::PathBuf, bool)>,
    alerts: bool,
    geoip: bool,
    /// `PUBLIC_ORIGIN` is `http://localhost:<port>`: passkeys are on.
    localhost: bool,
    /// Development mode's second origin (`http://127.0.0.1:<port>` beside localhost).
    dev_alias: bool,
    /// `OPERATOR_PHONES`.
    operator_phones: &'static str,
    /// `COOKIE_DOMAIN`.
    cookie_domain: &'static str,
    /// The text of the file `OIDC_CLIENTS` names; `None`: no OpenID provider.
    oidc_clients: Option<String>,
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            policy: {
                // A sign-in page starts a passkey ceremony per visit: tests make many.
                let mut policy = Policy::default();
                policy.limits[Limit::PasskeyStartsPerIpPerHour] = 60;
                // A debug build solves the proof of work slowly: the tests' is light.
                policy.challenge_difficulty = 1_000;
                policy
            },
            sessions: SessionLimits::default(),
            origin: None,
            dev_outbox: false,
            exolve_timeout: Duration::from_secs(5),
            exolve_url: None,
            trusted_proxies: String::new(),
            site: None,
            alerts: true,
            geoip: true,
            localhost: false,
            dev_alias: false,
            operator_phones: "",
            cookie_domain: "",
            oidc_clients: None,
        }
    }

    pub async fn start() -> Self {
        Self::builder().start().await
    }

    pub fn browser(&self) -> Browser {
        self.browser_with_language("ru")
    }

    pub fn browser_with_language(&self, accept_language: &str) -> Browser {
        self.browser_with(&[(header::ACCEPT_LANGUAGE, accept_language)])
    }

    pub fn browser_with(&self, default_headers: &[(header::HeaderName, &str)]) -> Browser {
        Browser::new(&self.base, default_headers)
    }

    /// The text of `/metrics`.
    pub async fn metrics(&self) -> String {
        self.browser()
            .get("/metrics")
            .await
            .text()
            .await
            .expect("metrics")
    }

    /// A code asked for `phone` by a client a trusted proxy names in
    /// `X-Forwarded-For`; the answer's status.
    pub async fn request_code_via_proxy(&self, phone: &str, forwarded_for: &str) -> u16 {
        self.browser()
            .http
            .post(format!("{}/api/request_code", self.base))
            .header("x-forwarded-for", forwarded_for)
            .form(&[("phone", phone)])
            .send()
            .await
            .expect("post")
            .status()
            .as_u16()
    }

    /// Waits until the work that requests left behind (the owner's alerts) is done.
    /// `sms-auth <words>` run beside the app, on its database and secret: whether
    /// it succeeded, and what it said.
    pub fn command(&self, words: &[&str]) -> (bool, String) {
        let dir = tempfile::tempdir().expect("dir");
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_sms-auth"))
            .args(words)
            .current_dir(dir.path())
            .env_clear()
            .env("DATABASE_URL", &self.database_url)
            .env("APP_SECRET", SECRET)
            .env("RUST_LOG", "off")
            .output()
            .expect("the command runs");
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    }

    pub async fn settled(&self) {
        let tasks = &self.state.tasks;
        tasks.close();
        tasks.wait().await;
        tasks.reopen();
    }

    /// The alerts (every SMS but codes) `destination` got, once every alert under way
    /// has gone out.
    pub async fn alerts_to(&self, destination: &str) -> Vec<String> {
        self.settled().await;
        self.exolve.alerts_to(destination)
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.db)
            .await
            .expect("count query")
    }

    /// Signs a new browser in with `phone` and returns it.
    pub async fn signed_in(&self, phone: &str, digits: &str) -> Browser {
        let browser = self.browser();
        self.sign_in(&browser, phone, digits).await;
        browser
    }

    pub async fn sign_in(&self, browser: &Browser, phone: &str, digits: &str) {
        browser.request_code(phone).await.expect("code sent");
        browser
            .verify(&self.exolve.last_code_to(digits))
            .await
            .expect("signed in");
    }
}

impl TestAppBuilder {
    pub fn policy(mut self, change: impl FnOnce(&mut Policy)) -> Self {
        change(&mut self.policy);
        self
    }

    pub fn sessions(mut self, sessions: SessionLimits) -> Self {
        self.sessions = sessions;
        self
    }

    pub fn origin(mut self, origin: &'static str) -> Self {
        self.origin = Some(origin);
        self
    }

    pub fn dev_outbox(mut self) -> Self {
        self.dev_outbox = true;
        self
    }

    pub fn exolve_timeout(mut self, timeout: Duration) -> Self {
        self.exolve_timeout = timeout;
        self
    }

    pub fn cookie_domain(mut self, domain: &'static str) -> Self {
        self.cookie_domain = domain;
        self
    }

    pub fn trusted_proxies(mut self, list: &str) -> Self {
        self.trusted_proxies = list.to_owned();
        self
    }

    /// Serves `/pkg` from `root`. With `hashed`, pages cannot render (they read
    /// cargo-leptos' hash file beside the binary): only files may be fetched.
    pub fn site(mut self, root: &std::path::Path, hashed: bool) -> Self {
        self.site = Some((root.to_owned(), hashed));
        self
    }

    /// `ALERTS=off`.
    /// The site's origin is `http://localhost:<port>`, a host name: passkeys are on.
    pub fn localhost(mut self) -> Self {
        self.localhost = true;
        self
    }

    /// As in development: form posts from `http://127.0.0.1:<port>` are the site's own
    /// too (with [`TestAppBuilder::localhost`]).
    pub fn dev_alias(mut self) -> Self {
        self.dev_alias = true;
        self
    }

    pub fn passkey_starts(mut self, per_hour: u32) -> Self {
        self.policy.limits[Limit::PasskeyStartsPerIpPerHour] = per_hour;
        self
    }

    pub fn alerts_off(mut self) -> Self {
        self.alerts = false;
        self
    }

    /// No country database.
    pub fn without_geoip(mut self) -> Self {
        self.geoip = false;
        self
    }

    /// `OPERATOR_PHONES`: who is told as the budget's lanes fill.
    /// The OpenID provider on, serving the apps of `toml` (`OIDC_CLIENTS`' file).
    pub fn oidc_clients(mut self, toml: &str) -> Self {
        self.oidc_clients = Some(toml.to_owned());
        self
    }

    pub fn operator_phones(mut self, list: &'static str) -> Self {
        self.operator_phones = list;
        self
    }

    /// Sends SMS somewhere other than the fake Exolve (a closed port, say).
    pub fn exolve_url(mut self, url: String) -> Self {
        self.exolve_url = Some(url);
        self
    }

    pub async fn start(self) -> TestApp {
        let (url, dir) = fresh_database().await;
        let store = store::connect(&url, 8).await.expect("store");
        sqlx::any::install_default_drivers();
        let db = AnyPool::connect(&url).await.expect("assertion pool");
        let clock = ManualClock::at(START);
        let exolve = FakeExolve::start().await;
        let sms: Arc<dyn SmsSender> = if self.dev_outbox {
            Arc::new(DevOutbox::new(
                store.clone(),
                Arc::new(clock.clone()) as Arc<dyn Clock>,
            ))
        } else {
            Arc::new(
                ExolveClient::new(
                    self.exolve_url.as_deref().unwrap_or(&exolve.url),
                    SecretString::from(API_KEY),
                    SENDER.to_owned(),
                    self.exolve_timeout,
                )
                .expect("exolve client"),
            )
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind app");
        let addr = listener.local_addr().expect("app address");
        let origin = match (self.origin, self.localhost) {
            (Some(origin), _) => origin.to_owned(),
            (None, true) => format!("http://localhost:{}", addr.port()),
            (None, false) => format!("http://{addr}"),
        };
        // The settings come from the environment's variables as the binary reads
        // them; the policy and the session limits as the test sets them.
        let mut vars = vec![
            ("PUBLIC_ORIGIN", origin.as_str()),
            ("DATABASE_URL", url.as_str()),
            ("APP_SECRET", SECRET),
            ("TRUSTED_PROXIES", self.trusted_proxies.as_str()),
            ("ALERTS", if self.alerts { "on" } else { "off" }),
            ("OPERATOR_PHONES", self.operator_phones),
            ("COOKIE_DOMAIN", self.cookie_domain),
            // Development: SMS go to the outbox, and a localhost site takes posts from
            // its loopback address too.
            ("LEPTOS_ENV", if self.dev_outbox || self.dev_alias { "DEV" } else { "PROD" }),
        ];
        if !self.dev_outbox {
            vars.extend([("EXOLVE_API_KEY", API_KEY), ("EXOLVE_SENDER", SENDER)]);
        }
        let clients_file = dir.path().join("oidc-clients.toml");
        let clients_path = clients_file.display().to_string();
        if let Some(toml) = &self.oidc_clients {
            std::fs::write(&clients_file, toml).expect("the clients' file");
            vars.push(("OIDC_CLIENTS", clients_path.as_str()));
        }
        let mut config = Config::from_lookup(|name| {
            vars.iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| (*value).to_owned())
        })
        .expect("the test's configuration");
        config.policy = self.policy;
        config.sessions = self.sessions;
        let geo = if self.geoip {
            GeoIp::open(std::path::Path::new(DEFAULT_GEOIP_DB))
                .expect("the country database (run scripts/bootstrap.sh)")
        } else {
            GeoIp::off()
        };
        let settings = Settings::from_config(&config, SecretString::from(SECRET), geo);
        let (site_root, hashed) = self
            .site
            .map_or(("target/site".to_owned(), false), |(root, hashed)| {
                (root.display().to_string(), hashed)
            });
        let options = LeptosOptions::builder()
            .output_name("sms-auth")
            .site_root(site_root)
            .hash_files(hashed)
            .site_addr(addr)
            .build();
        let state = AppState::new(
            options,
            store.clone(),
            sms,
            Arc::new(clock.clone()),
            settings,
        );
        state.start_oidc().await.expect("the OpenID provider's keys");
        let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        TestApp {
            origin,
            base: format!("http://{addr}"),
            store,
            clock,
            exolve,
            db,
            database_url: url,
            state,
            _dir: dir,
        }
    }
}

/// A browser with its own cookies, calling server functions the way the hydrated
/// app does (JSON answers) or posting forms the way it does with JavaScript off.
pub struct Browser {
    pub http: reqwest::Client,
    pub jar: Arc<reqwest::cookie::Jar>,
    pub base: String,
}

impl Browser {
    pub fn new(base: &str, default_headers: &[(header::HeaderName, &str)]) -> Self {
        let mut headers = header::HeaderMap::new();
        for (name, value) in default_headers {
            headers.insert(
                name.clone(),
                header::HeaderValue::from_str(value).expect("header value"),
            );
        }
        let jar = Arc::new(reqwest::cookie::Jar::default());
        Self {
            http: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .default_headers(headers)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            jar,
            base: base.to_owned(),
        }
    }

    /// The same browser (cookies and all) talking to another server on the same host,
    /// as behind a load balancer.
    pub fn at(&self, base: &str) -> Self {
        Self {
            http: self.http.clone(),
            jar: self.jar.clone(),
            base: base.to_owned(),
        }
    }

    /// A server function call as the hydrated app makes it, answered in JSON.
    pub async fn raw_call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}/api/{endpoint}", self.base))
            .form(form)
            .send()
            .await
            .expect("server function reachable")
    }

    pub async fn call<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> Result<T, AppError> {
        let response = self.raw_call(endpoint, form).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        if status.is_success() {
            Ok(serde_json::from_str(&body).unwrap_or_else(|e| panic!("{endpoint}: {e}: {body}")))
        } else {
            Err(serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("{endpoint} {status}: {e}: {body}")))
        }
    }

    pub async fn request_code(&self, phone: &str) -> Result<(), AppError> {
        self.call("request_code", &[("phone", phone)]).await
    }

    pub async fn verify(&self, code: &str) -> Result<(), AppError> {
        self.call("verify_code", &[("code", code)]).await
    }

    pub async fn resend(&self) -> Result<(), AppError> {
        self.call("resend_code", &[]).await
    }

    pub async fn pending(&self) -> Result<PendingCodeView, AppError> {
        self.call("pending_code", &[]).await
    }

    pub async fn account(&self) -> Result<AccountView, AppError> {
        self.call("account", &[]).await
    }

    pub async fn sign_out(&self) -> Result<(), AppError> {
        self.call("sign_out", &[]).await
    }

    /// A plain HTML form post (JavaScript off), from the page `referer`.
    pub async fn form_post(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        referer: &str,
    ) -> reqwest::Response {
        self.http
            .post(format!("{}/api/{endpoint}", self.base))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, format!("{}{referer}", self.base))
            .form(form)
            .send()
            .await
            .expect("form post")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html")
            .send()
            .await
            .expect("get")
    }

    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.expect("page body")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().expect("base url");
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        let url = self.base.parse().expect("base url");
        self.jar
            .add_cookie_str(&format!("{name}={value}; Path=/"), &url);
    }
}

/// A header of the answer, empty when absent.
pub fn header_of<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

pub fn location(response: &reqwest::Response) -> String {
    header_of(response, "location").to_owned()
}

pub fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}
