//! The load benchmark: starts the release server (`cargo leptos build --release
//! --precompress --split` first; `bench/run.sh` does both) on SQLite and on a
//! throwaway PostgreSQL, each with a fake Exolve on loopback, and prints for each
//! backend: requests/s and p50/p99 latency of request-code, verify-code, the account
//! page, the sign-up page, forward-auth's auth-request (a proxy asking for a
//! signed-in browser) and the OpenID provider's token endpoint (an app exchanging a
//! code) at 1, 8 and 64 concurrent clients beside `GET /healthz` at the
//! same concurrency (the ceiling), the server's peak RSS, and the bytes a first visit to
//! `/signup` transfers. Then it fills the store as a big deployment has it
//! (`load/fill.rs`), measures again at 64 clients, and runs a month of traffic with
//! the purge, printing the store's rows and size.
//!
//! The client and the server share the machine, so absolute figures move with its
//! load: read the ratios to the ceiling measured in the same round, and the medians
//! of several rounds.

#[path = "common/mod.rs"]
mod common;
#[path = "load/fill.rs"]
mod fill;
#[path = "load/lighthouse.rs"]
mod lighthouse;
#[path = "../tests/flow/pg.rs"]
mod pg;
#[path = "../tests/flow/process.rs"]
mod process;

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
};

use process::{free_port, ServerProcess};

use common::{
    client, client_address, cookie_of, measure, median, peak_rss_kib, phone, start_server,
    FakeExolve, Figures,
};

const CONCURRENCY: [usize; 3] = [1, 8, 64];
const REQUESTS: usize = 2_000;
const HEALTHZ_REQUESTS: usize = 10_000;
/// Each concurrency level is measured this many times; the medians are printed.
const ROUNDS: usize = 3;

/// The concurrency levels: all, or those `BENCH_CLIENTS` lists (`64` or `1,8`).
fn concurrency() -> Vec<usize> {
    match std::env::var("BENCH_CLIENTS") {
        Ok(list) => list
            .split(',')
            .map(|n| n.trim().parse().expect("BENCH_CLIENTS: numbers"))
            .collect(),
        Err(_) => CONCURRENCY.to_vec(),
    }
}

/// Asks for `count` codes (8 at a time) and returns each browser's cookie and code.
async fn pending_codes(
    server: &str,
    fake: &FakeExolve,
    first: usize,
    count: usize,
) -> Vec<(String, String)> {
    let http = client();
    let mut tasks = tokio::task::JoinSet::new();
    let next = Arc::new(AtomicUsize::new(0));
    for _ in 0..8 {
        let (http, next, server, fake) =
            (http.clone(), next.clone(), server.to_owned(), fake.clone());
        tasks.spawn(async move {
            let mut codes = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return codes;
                }
                let phone = phone(first + i);
                let response = http
                    .post(format!("{server}/api/request_code"))
                    .header("x-forwarded-for", client_address(first + i))
                    .form(&[("phone", phone.as_str())])
                    .send()
                    .await
                    .expect("request code");
                let vid = cookie_of(&response, "vid").expect("vid cookie");
                let code = fake
                    .code_to(phone.trim_start_matches('+'))
                    .expect("code sent");
                codes.push((vid, code));
            }
        });
    }
    tasks.join_all().await.into_iter().flatten().collect()
}

struct Row {
    name: &'static str,
    clients: usize,
    figures: Figures,
}

/// Signs `count` browsers in (their codes asked for from `first` on); their session
/// cookies.
async fn signed_in(server: &str, fake: &FakeExolve, first: usize, count: usize) -> Vec<String> {
    let http = client();
    let mut sessions = Vec::new();
    for (vid, code) in pending_codes(server, fake, first, count).await {
        let response = http
            .post(format!("{server}/api/verify_code"))
            .header(reqwest::header::COOKIE, format!("vid={vid}"))
            .form(&[("code", code.as_str())])
            .send()
            .await
            .expect("verify");
        sessions.push(cookie_of(&response, "sid").expect("sid cookie"));
    }
    sessions
}

/// The OpenID provider's app in the bench: trusted (no consent), its secret
/// `bench-app-secret` (client_secret_basic).
const OIDC_CLIENTS: &str = r#"[[clients]]
id = "bench"
name = "Bench"
secret_sha256 = "e8b71de66b2795ab9293b7bf90d30aec45d9e86b8441c35c00cc2db029624591"
redirect_uris = ["https://app.bench.test/cb"]
trusted = true
"#;
const OIDC_SECRET: &str = "bench-app-secret";
const OIDC_REDIRECT: &str = "https://app.bench.test/cb";

/// `count` authorization codes for the bench's app, each for one of the signed-in
/// `sessions` (as their browsers would get them).
async fn oidc_codes(base: &str, sessions: &[String], count: usize) -> Vec<String> {
    let http = client();
    let mut codes = Vec::with_capacity(count);
    for i in 0..count {
        let response = http
            .get(format!("{base}/oidc/authorize"))
            .query(&[
                ("client_id", "bench"),
                ("redirect_uri", OIDC_REDIRECT),
                ("response_type", "code"),
                ("scope", "openid phone"),
                ("nonce", "n"),
            ])
            .header(
                reqwest::header::COOKIE,
                format!("sid={}", sessions[i % sessions.len()]),
            )
            .send()
            .await
            .expect("authorize");
        let location = response.headers()[reqwest::header::LOCATION]
            .to_str()
            .expect("a location")
            .to_owned();
        let url = url::Url::parse(&location).expect("back to the app");
        let code = url
            .query_pairs()
            .find(|(name, _)| name == "code")
            .map(|(_, code)| code.into_owned())
            .unwrap_or_else(|| panic!("no code: {location}"));
        codes.push(code);
    }
    codes
}

/// The rounds at each concurrency level: /healthz, request-code (new numbers, and
/// numbers that have signed in), verify-code, the account page and the sign-up page, their medians. `next_phone` is the first phone number not used yet.
async fn measure_levels(
    base: &str,
    fake: &FakeExolve,
    next_phone: &mut usize,
    levels: &[usize],
    label: &str,
) -> Vec<Row> {
    let http = client();
    // Numbers that have signed in: their codes are trusted requests.
    let returning = *next_phone;
    let sessions = Arc::new(signed_in(base, fake, returning, 64).await);
    *next_phone += 64;
    let mut rows = Vec::new();
    for &clients in levels {
        let mut rounds: [Vec<Figures>; 8] = Default::default();
        for _ in 0..ROUNDS {
            let ceiling = {
                let (http, base) = (http.clone(), base.to_owned());
                measure(clients, HEALTHZ_REQUESTS, move |_| {
                    http.get(format!("{base}/healthz")).send()
                })
                .await
            };
            let first = *next_phone;
            *next_phone += REQUESTS;
            let request_code = {
                let (http, base) = (http.clone(), base.to_owned());
                measure(clients, REQUESTS, move |i| {
                    http.post(format!("{base}/api/request_code"))
                        .header("x-forwarded-for", client_address(first + i))
                        .form(&[("phone", phone(first + i))])
                        .send()
                })
                .await
            };
            let first = *next_phone;
            *next_phone += REQUESTS;
            let request_code_returning = {
                let (http, base) = (http.clone(), base.to_owned());
                measure(clients, REQUESTS, move |i| {
                    http.post(format!("{base}/api/request_code"))
                        .header("x-forwarded-for", client_address(first + i))
                        .form(&[("phone", phone(returning + i % 64))])
                        .send()
                })
                .await
            };
            let codes = Arc::new(pending_codes(base, fake, *next_phone, REQUESTS).await);
            *next_phone += REQUESTS;
            let verify_code = {
                let (http, base) = (http.clone(), base.to_owned());
                measure(clients, REQUESTS, move |i| {
                    let (vid, code) = &codes[i];
                    http.post(format!("{base}/api/verify_code"))
                        .header(reqwest::header::COOKIE, format!("vid={vid}"))
                        .form(&[("code", code.as_str())])
                        .send()
                })
                .await
            };
            let account = {
                let (http, base, sessions) = (http.clone(), base.to_owned(), sessions.clone());
                measure(clients, REQUESTS, move |i| {
                    http.get(format!("{base}/account"))
                        .header(
                            reqwest::header::COOKIE,
                            format!("sid={}", sessions[i % sessions.len()]),
                        )
                        .send()
                })
                .await
            };
            let signup = {
                let (http, base) = (http.clone(), base.to_owned());
                measure(clients, REQUESTS, move |_| {
                    http.get(format!("{base}/signup")).send()
                })
                .await
            };
            // A reverse proxy asking before a request of the site it protects.
            let auth_request = {
                let (http, base, sessions) = (http.clone(), base.to_owned(), sessions.clone());
                measure(clients, REQUESTS, move |i| {
                    http.get(format!("{base}/api/authz/auth-request"))
                        .header(
                            reqwest::header::COOKIE,
                            format!("sid={}", sessions[i % sessions.len()]),
                        )
                        .header("x-original-url", "https://app.example.ru/orders?id=5")
                        .header("x-original-method", "GET")
                        .send()
                })
                .await
            };
            // An app exchanging a code for tokens (an ID token signed each time).
            let token = if exchanging() {
                let codes = Arc::new(oidc_codes(base, &sessions, REQUESTS).await);
                let (http, base) = (http.clone(), base.to_owned());
                let figures = measure(clients, REQUESTS, move |i| {
                    http.post(format!("{base}/oidc/token"))
                        .basic_auth("bench", Some(OIDC_SECRET))
                        .form(&[
                            ("grant_type", "authorization_code"),
                            ("code", codes[i].as_str()),
                            ("redirect_uri", OIDC_REDIRECT),
                        ])
                        .send()
                })
                .await;
                Some(figures)
            } else {
                None
            };
            let measured = [
                Some(ceiling),
                Some(request_code),
                Some(request_code_returning),
                Some(verify_code),
                Some(account),
                Some(signup),
                Some(auth_request),
                token,
            ];
            for (round, figures) in rounds.iter_mut().zip(measured) {
                let Some(figures) = figures else { continue };
                round.push(Figures {
                    ratio: figures.per_sec / ceiling.per_sec,
                    ..figures
                });
            }
        }
        for (name, figures) in ENDPOINTS.into_iter().zip(&rounds) {
            if figures.is_empty() {
                continue;
            }
            rows.push(Row {
                name,
                clients,
                figures: median(figures),
            });
        }
        eprintln!("[{label}] {clients} clients done");
    }
    rows
}

const ENDPOINTS: [&str; 8] = [
    "GET /healthz",
    "request-code",
    "request-code (returning)",
    "verify-code",
    "GET /account",
    "GET /signup",
    "auth-request",
    "token (code exchange)",
];

struct Report {
    rows: Vec<Row>,
    peak_kib: u64,
    transfer: Vec<(String, [u64; 3])>,
    /// At 64 clients on the filled store, when the bench filled one.
    filled: Option<Vec<Row>>,
    audits: Vec<lighthouse::Scores>,
}

/// Lighthouse's scores of the start, sign-up, verify and account pages (the last two
/// with a code pending, and signed in).
async fn audits(
    root: &Path,
    base: &str,
    fake: &FakeExolve,
    next_phone: &mut usize,
) -> Vec<lighthouse::Scores> {
    let (vid, _) = pending_codes(base, fake, *next_phone, 1).await.remove(0);
    let sid = signed_in(base, fake, *next_phone + 1, 1).await.remove(0);
    *next_phone += 2;
    let site = base.replace("127.0.0.1", "localhost");
    let pages = [
        ("/", None),
        ("/signup", None),
        ("/verify", Some(format!("vid={vid}"))),
        ("/account", Some(format!("sid={sid}"))),
    ];
    let root = root.to_owned();
    tokio::task::spawn_blocking(move || {
        pages
            .into_iter()
            .map(|(page, cookie)| {
                lighthouse::audit(&root, page, &format!("{site}{page}"), cookie.as_deref())
            })
            .collect()
    })
    .await
    .expect("lighthouse")
}

/// Whether the run fills the store after the empty-store figures (`BENCH_FILL=0`
/// leaves it out: it takes minutes).
fn filling() -> bool {
    std::env::var("BENCH_FILL").as_deref() != Ok("0")
}

/// Whether the run measures the token endpoint (`BENCH_TOKEN=0` leaves it out, so
/// that the other rows compare with a tree that had no OpenID provider: its codes
/// and tokens are rows in the same store).
fn exchanging() -> bool {
    std::env::var("BENCH_TOKEN").as_deref() != Ok("0")
}

/// Whether the run audits the pages with Lighthouse (`BENCH_LIGHTHOUSE=0` leaves it
/// out).
fn auditing() -> bool {
    std::env::var("BENCH_LIGHTHOUSE").as_deref() != Ok("0")
}

/// The server's limits for the load: codes by the thousand to one number and from
/// one address. The bench's new numbers are consecutive and never entered: the
/// conversion guard reads and counts them, and never trips.
const LIMITS: &[(&str, &str)] = &[
    ("OTP_RESEND_COOLDOWN_SECS", "0"),
    ("LIMIT_SMS_PER_PHONE_PER_HOUR", "100000"),
    ("LIMIT_SMS_PER_IP_PER_HOUR", "1000000"),
    ("LIMIT_SMS_PER_DAY", "100000000"),
    ("GUARD_MIN_SENDS", "100000000"),
    ("GUARD_COUNTRY_MIN_SENDS", "100000000"),
];

async fn run_backend(label: &str, root: &Path, database_url: &str) -> Report {
    println!("\n## {label}\n");
    let (fake, exolve_url) = FakeExolve::start().await;
    let mut next_phone = 0;
    let clients_dir = tempfile::tempdir().expect("temp dir");
    let clients_file = clients_dir.path().join("oidc-clients.toml");
    std::fs::write(&clients_file, OIDC_CLIENTS).expect("the apps' file");
    let clients_path = clients_file.display().to_string();
    let vars: Vec<(&str, &str)> = LIMITS
        .iter()
        .copied()
        .chain([("OIDC_CLIENTS", clients_path.as_str())])
        .collect();
    let server = start_server(root, database_url, &exolve_url, &vars).await;
    let rows = measure_levels(&server.base, &fake, &mut next_phone, &concurrency(), label).await;
    let transfer = first_visit(&client(), &server.base, "/signup").await;
    let audits = if auditing() {
        audits(root, &server.base, &fake, &mut next_phone).await
    } else {
        Vec::new()
    };
    let peak_kib = peak_rss_kib(server.child.id());
    drop(server);
    print_rows(&rows);
    println!(
        "\npeak RSS of the server: {:.1} MiB",
        peak_kib as f64 / 1024.0
    );
    print_transfer("first visit to /signup", &transfer);
    print_audits(&audits);
    let filled = if filling() {
        let now = sms_auth::clock::Clock::now(&sms_auth::clock::SystemClock);
        let before = fill::size(database_url).await;
        fill::fill(database_url, now).await;
        println!(
            "store size: {:.1} MB before, {:.1} MB after",
            before as f64 / 1e6,
            fill::size(database_url).await as f64 / 1e6
        );
        let server = start_server(root, database_url, &exolve_url, &vars).await;
        let rows = measure_levels(&server.base, &fake, &mut next_phone, &[64], label).await;
        drop(server);
        println!("\nOn the filled store:\n");
        print_rows(&rows);
        println!("\nA month on the filled store, purged each day:");
        fill::month(database_url, now).await;
        Some(rows)
    } else {
        None
    };
    Report {
        rows,
        peak_kib,
        transfer,
        filled,
        audits,
    }
}

/// The modules a script imports statically from beside it (`from"./x.js"`).
fn static_imports(script: &str) -> Vec<String> {
    script
        .split("from")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix("\"./"))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// What a first visit to `page` fetches (the page, the files it names under /pkg/,
/// and the scripts they import), in bytes on the wire: identity, gzip, brotli.
async fn first_visit(http: &reqwest::Client, base: &str, page: &str) -> Vec<(String, [u64; 3])> {
    let fetch = |path: String, encoding: &'static str| {
        let http = http.clone();
        let url = format!("{base}{path}");
        async move {
            let response = http
                .get(url)
                .header(reqwest::header::ACCEPT, "text/html,*/*")
                .header(reqwest::header::ACCEPT_ENCODING, encoding)
                .send()
                .await
                .expect("fetch");
            assert_eq!(response.status(), 200, "{path}");
            response.bytes().await.expect("body")
        }
    };
    let html = fetch(page.to_owned(), "identity").await;
    let html = String::from_utf8_lossy(&html);
    let mut paths = vec![page.to_owned()];
    for piece in html.split("\"/pkg/").skip(1) {
        let path = format!("/pkg/{}", piece.split('"').next().unwrap_or_default());
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    // The app's script imports the wasm splitter's loader: the browser fetches that
    // before it starts.
    let mut next = 0;
    while next < paths.len() {
        if paths[next].ends_with(".js") {
            let script = fetch(paths[next].clone(), "identity").await;
            for import in static_imports(&String::from_utf8_lossy(&script)) {
                let path = format!("/pkg/{import}");
                if !paths.contains(&path) {
                    paths.push(path);
                }
            }
        }
        next += 1;
    }
    let mut sizes = Vec::new();
    for path in paths {
        let mut wire = [0; 3];
        for (slot, encoding) in wire.iter_mut().zip(["identity", "gzip", "br"]) {
            *slot = fetch(path.clone(), encoding).await.len() as u64;
        }
        sizes.push((path, wire));
    }
    sizes
}

fn print_rows(rows: &[Row]) {
    println!("| endpoint | clients | req/s | p50 ms | p99 ms | req/s ÷ /healthz |");
    println!("|---|---:|---:|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.3} |",
            row.name,
            row.clients,
            row.figures.per_sec,
            row.figures.p50_ms,
            row.figures.p99_ms,
            row.figures.ratio
        );
    }
}

fn at_64<'a>(rows: &'a [Row], name: &str) -> Option<&'a Figures> {
    rows.iter()
        .find(|r| r.name == name && r.clients == 64)
        .map(|r| &r.figures)
}

fn print_transfer(title: &str, transfer: &[(String, [u64; 3])]) {
    println!("\n| {title} | raw | gzip | brotli |");
    println!("|---|---:|---:|---:|");
    let mut total = [0; 3];
    for (path, wire) in transfer {
        println!("| {path} | {} | {} | {} |", wire[0], wire[1], wire[2]);
        for (sum, bytes) in total.iter_mut().zip(wire) {
            *sum += bytes;
        }
    }
    println!("| **total** | {} | {} | {} |", total[0], total[1], total[2]);
}

fn print_audits(audits: &[lighthouse::Scores]) {
    if audits.is_empty() {
        return;
    }
    println!(
        "\n| Lighthouse, mobile | performance | accessibility | best practices | SEO | goals |"
    );
    println!("|---|---:|---:|---:|---:|---|");
    for a in audits {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            a.page,
            a.performance,
            a.accessibility,
            a.best_practices,
            a.seo,
            mark(a.meets_goals())
        );
    }
}

fn brotli_total(transfer: &[(String, [u64; 3])]) -> u64 {
    transfer.iter().map(|(_, wire)| wire[2]).sum()
}

/// The first visit to the bare Leptos app of `bench/bare` (a router, one page, one
/// server function, the same release profile), if `bench/run.sh` built it.
async fn bare_first_visit(root: &Path) -> Option<Vec<(String, [u64; 3])>> {
    let folder = root.join("bench/bare");
    let binary = folder.join("target/release/bare");
    if !binary.exists() {
        println!("\n(no bare app: bench/run.sh builds it in bench/bare)");
        return None;
    }
    let port = free_port();
    let mut command = Command::new(binary);
    command.current_dir(&folder).env("RUST_LOG", "warn");
    let server = ServerProcess::start_answering(command, port, "/").await;
    Some(first_visit(&client(), &server.base, "/").await)
}

/// The filled store against the empty one, and the goals.
fn print_backend(label: &str, report: &Report, bare: Option<u64>) {
    if let Some(filled) = &report.filled {
        println!("\n| at 64 clients | empty ÷ /healthz | filled ÷ /healthz | filled ÷ empty |");
        println!("|---|---:|---:|---:|");
        for name in &ENDPOINTS[1..] {
            if let (Some(empty), Some(full)) = (at_64(&report.rows, name), at_64(filled, name)) {
                println!(
                    "| {name} | {:.3} | {:.3} | {:.2} {} |",
                    empty.ratio,
                    full.ratio,
                    full.ratio / empty.ratio,
                    mark(full.ratio >= 0.8 * empty.ratio)
                );
            }
        }
    }
    println!("\ngoals ({label}):");
    let (request_goal, authz_goal) = if label == "SQLite" {
        (0.15, 0.5)
    } else {
        (0.08, 0.3)
    };
    rate_goals(&report.rows, "request-code", request_goal, 50.0);
    rate_goals(&report.rows, "auth-request", authz_goal, 10.0);
    if let Some(token) = at_64(&report.rows, "token (code exchange)") {
        println!(
            "- token (code exchange) at 64 clients: {:.0} req/s, {:.3} of /healthz; p99 {:.1} ms (goal ≤ 50) {}",
            token.per_sec,
            token.ratio,
            token.p99_ms,
            mark(token.p99_ms <= 50.0)
        );
    }
    if let Some(verify) = at_64(&report.rows, "verify-code") {
        println!(
            "- verify-code p99 at 64 clients: {:.1} ms (goal < 50) {}",
            verify.p99_ms,
            mark(verify.p99_ms < 50.0)
        );
    }
    println!(
        "- peak RSS: {:.1} MiB (goal < 64) {}",
        report.peak_kib as f64 / 1024.0,
        mark(report.peak_kib < 64 * 1024)
    );
    if !report.audits.is_empty() {
        println!(
            "- Lighthouse: performance ≥ 95, accessibility, best practices and SEO 100 on \
             every page {}",
            mark(report.audits.iter().all(lighthouse::Scores::meets_goals))
        );
    }
    let brotli = brotli_total(&report.transfer);
    if let Some(bare) = bare {
        let ratio = brotli as f64 / bare as f64;
        println!(
            "- first visit, brotli: {:.1} KB, {ratio:.2}× the bare app's {:.1} KB (goal ≤ 1.25×) {}",
            brotli as f64 / 1000.0,
            bare as f64 / 1000.0,
            mark(ratio <= 1.25)
        );
    } else {
        println!("- first visit, brotli: {:.1} KB", brotli as f64 / 1000.0);
    }
}

/// `name`'s goals at 64 clients: its rate ÷ /healthz at least `ratio`, its p99 at
/// most `p99_ms`.
fn rate_goals(rows: &[Row], name: &str, ratio: f64, p99_ms: f64) {
    if let Some(figures) = at_64(rows, name) {
        println!(
            "- {name} at 64 clients ÷ /healthz: {:.3} (goal ≥ {ratio}) {}",
            figures.ratio,
            mark(figures.ratio >= ratio)
        );
        println!(
            "- {name} p99 at 64 clients: {:.1} ms (goal ≤ {p99_ms}) {}",
            figures.p99_ms,
            mark(figures.p99_ms <= p99_ms)
        );
    }
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗"
    }
}

#[tokio::main]
async fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let only = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".to_owned());
    println!(
        "# sms-auth load benchmark\n\nMedians of {ROUNDS} rounds; a round sends {HEALTHZ_REQUESTS} \
         GET /healthz, then {REQUESTS} request-code, then {REQUESTS} verify-code (each with \
         a code asked for beforehand, outside the timing), then {REQUESTS} GET /account \
         (64 signed-in browsers), then {REQUESTS} GET /signup, then {REQUESTS} \
         GET /api/authz/auth-request (the same browsers, as a proxy asks), then {REQUESTS} \
         POST /oidc/token (an app exchanging a code got beforehand, outside the timing). The \
         ratio is to the /healthz of the same round."
    );
    let bare = bare_first_visit(&root).await;
    if let Some(transfer) = &bare {
        print_transfer("first visit to the bare app's /", transfer);
    }
    let bare = bare.as_deref().map(brotli_total);
    for backend in only.split(',').map(str::trim) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (label, url) = match backend {
            "sqlite" => (
                "SQLite",
                format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()),
            ),
            "postgres" => ("PostgreSQL", pg::fresh_database().await),
            other => panic!("BENCH_BACKENDS: unknown backend {other}"),
        };
        let report = run_backend(label, &root, &url).await;
        print_backend(label, &report, bare);
    }
}
