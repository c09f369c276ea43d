//! The load benchmark: starts the release server (`cargo leptos build --release
//! --precompress` first; `bench/run.sh` does both) on SQLite and on a throwaway
//! PostgreSQL, each with a fake Exolve on loopback, and prints for each backend:
//! requests/s and p50/p99 latency of request-code and verify-code at 1, 8 and 64
//! concurrent clients beside `GET /healthz` at the same concurrency (the ceiling),
//! the server's peak RSS, and the bytes a first visit to `/signup` transfers.
//!
//! The client and the server share the machine, so absolute figures move with its
//! load: read the ratios to the ceiling measured in the same round, and the medians
//! of several rounds.

#[path = "../tests/flow/pg.rs"]
mod pg;
#[path = "../tests/flow/process.rs"]
mod process;

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::Command,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use axum::{extract::State, routing::post, Json, Router};
use process::{free_port, ServerProcess};

const CONCURRENCY: [usize; 3] = [1, 8, 64];
const REQUESTS: usize = 2_000;
const HEALTHZ_REQUESTS: usize = 10_000;
/// Each concurrency level is measured this many times; the medians are printed.
const ROUNDS: usize = 3;

/// Codes the fake Exolve was asked to send, by destination.
#[derive(Clone, Default)]
struct FakeExolve {
    codes: Arc<Mutex<HashMap<String, String>>>,
}

async fn send_sms(
    State(fake): State<FakeExolve>,
    Json(body): Json<serde_json::Value>,
) -> Json<serde_json::Value> {
    let destination = body["destination"].as_str().unwrap_or_default().to_owned();
    let code = body["text"]
        .as_str()
        .and_then(|text| text.rsplit_once('#'))
        .map(|(_, code)| code.trim().to_owned())
        .unwrap_or_default();
    fake.codes.lock().expect("codes").insert(destination, code);
    Json(serde_json::json!({"message_id": "1"}))
}

impl FakeExolve {
    async fn start() -> (Self, String) {
        let fake = Self::default();
        let app = Router::new()
            .route("/messaging/v1/SendSMS", post(send_sms))
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake exolve");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (fake, url)
    }

    fn code_to(&self, digits: &str) -> Option<String> {
        self.codes.lock().expect("codes").get(digits).cloned()
    }
}

/// The release server with the limits raised for the run.
async fn start_server(root: &Path, database_url: &str, exolve_url: &str) -> ServerProcess {
    let binary = root.join("target/release/sms-auth");
    assert!(
        binary.exists() && root.join("target/site/pkg").exists(),
        "build first: cargo leptos build --release --precompress (bench/run.sh does)"
    );
    let port = free_port();
    let mut command = Command::new(binary);
    command
        .current_dir(root)
        .env("LEPTOS_ENV", "PROD")
        .env("PUBLIC_ORIGIN", format!("http://127.0.0.1:{port}"))
        .env("DATABASE_URL", database_url)
        .env("EXOLVE_API_URL", exolve_url)
        .env("EXOLVE_API_KEY", "bench-key")
        .env("EXOLVE_SENDER", "79990000000")
        .env("APP_SECRET", "bench-secret-bench-secret-bench-secret")
        .env("OTP_RESEND_COOLDOWN_SECS", "0")
        .env("LIMIT_SMS_PER_PHONE_PER_HOUR", "100000")
        .env("LIMIT_SMS_PER_IP_PER_HOUR", "1000000")
        .env("LIMIT_SMS_PER_DAY", "100000000")
        // Each request comes from an address of its own, as told by a trusted proxy.
        .env("TRUSTED_PROXIES", "127.0.0.1")
        .env("RUST_LOG", "warn");
    ServerProcess::start(command, port).await
}

/// The most resident memory the process `pid` has had, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[derive(Clone, Copy, Default)]
struct Figures {
    per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// `per_sec` ÷ the `/healthz` ceiling of the same round.
    ratio: f64,
}

/// Each figure's median over the rounds.
fn median(rounds: &[Figures]) -> Figures {
    let of = |pick: fn(&Figures) -> f64| {
        let mut values: Vec<f64> = rounds.iter().map(pick).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    Figures {
        per_sec: of(|f| f.per_sec),
        p50_ms: of(|f| f.p50_ms),
        p99_ms: of(|f| f.p99_ms),
        ratio: of(|f| f.ratio),
    }
}

/// Sends `count` requests from `clients` concurrent clients, each waiting for its
/// answer before the next; `request(i)` makes the i-th. Every answer must be 200.
async fn measure<F, Fut>(clients: usize, count: usize, request: F) -> Figures
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>> + Send,
{
    let request = Arc::new(request);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (request, next) = (request.clone(), next.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return latencies;
                }
                let sent = Instant::now();
                let response = request(i).await.expect("request");
                let status = response.status();
                let body = response.bytes().await.expect("body");
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
                latencies.push(sent.elapsed());
            }
        });
    }
    let mut latencies: Vec<Duration> = tasks.join_all().await.into_iter().flatten().collect();
    let elapsed = started.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Figures {
        per_sec: count as f64 / elapsed.as_secs_f64(),
        p50_ms: at(0.50).as_secs_f64() * 1e3,
        p99_ms: at(0.99).as_secs_f64() * 1e3,
        ratio: 1.0,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

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

/// An address of its own for every request of the run: private ones (no country),
/// or with `BENCH_ADDRESSES=public` addresses the country database places in Russia,
/// so every request looks its country up and the country rules run.
fn client_address(n: usize) -> String {
    if std::env::var("BENCH_ADDRESSES").as_deref() == Ok("public") {
        format!("95.{}.{}.{}", 24 + ((n >> 16) & 7), (n >> 8) & 255, n & 255)
    } else {
        format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
    }
}

/// A phone number of its own for every request of the run.
fn phone(n: usize) -> String {
    format!("+7999{n:07}")
}

fn vid_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("vid=")?.split(';').next().map(str::to_owned))
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
                let vid = vid_of(&response).expect("vid cookie");
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

async fn run_backend(
    label: &str,
    root: &Path,
    database_url: &str,
) -> (Vec<Row>, u64, Vec<(String, [u64; 3])>) {
    let (fake, exolve_url) = FakeExolve::start().await;
    let server = start_server(root, database_url, &exolve_url).await;
    let base = server.base.clone();
    let http = client();
    let mut rows = Vec::new();
    let mut next_phone = 0;
    for clients in concurrency() {
        let mut rounds: [Vec<Figures>; 3] = Default::default();
        for _ in 0..ROUNDS {
            let ceiling = {
                let (http, base) = (http.clone(), base.clone());
                measure(clients, HEALTHZ_REQUESTS, move |_| {
                    http.get(format!("{base}/healthz")).send()
                })
                .await
            };
            let first = next_phone;
            next_phone += REQUESTS;
            let request_code = {
                let (http, base) = (http.clone(), base.clone());
                measure(clients, REQUESTS, move |i| {
                    http.post(format!("{base}/api/request_code"))
                        .header("x-forwarded-for", client_address(first + i))
                        .form(&[("phone", phone(first + i))])
                        .send()
                })
                .await
            };
            let codes = Arc::new(pending_codes(&base, &fake, next_phone, REQUESTS).await);
            next_phone += REQUESTS;
            let verify_code = {
                let (http, base) = (http.clone(), base.clone());
                measure(clients, REQUESTS, move |i| {
                    let (vid, code) = &codes[i];
                    http.post(format!("{base}/api/verify_code"))
                        .header(reqwest::header::COOKIE, format!("vid={vid}"))
                        .form(&[("code", code.as_str())])
                        .send()
                })
                .await
            };
            for (round, figures) in rounds.iter_mut().zip([ceiling, request_code, verify_code]) {
                round.push(Figures {
                    ratio: figures.per_sec / ceiling.per_sec,
                    ..figures
                });
            }
        }
        for (name, figures) in ["GET /healthz", "request-code", "verify-code"]
            .into_iter()
            .zip(&rounds)
        {
            rows.push(Row {
                name,
                clients,
                figures: median(figures),
            });
        }
        eprintln!("[{label}] {clients} clients done");
    }
    let transfer = first_visit(&http, &base).await;
    (rows, peak_rss_kib(server.child.id()), transfer)
}

/// What a first visit to /signup fetches (the page, then the files it names under
/// /pkg/), in bytes on the wire: identity, gzip, brotli.
async fn first_visit(http: &reqwest::Client, base: &str) -> Vec<(String, [u64; 3])> {
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
    let page = fetch("/signup".to_owned(), "identity").await;
    let html = String::from_utf8_lossy(&page);
    let mut paths = vec!["/signup".to_owned()];
    for piece in html.split("\"/pkg/").skip(1) {
        let path = format!("/pkg/{}", piece.split('"').next().unwrap_or_default());
        if !paths.contains(&path) {
            paths.push(path);
        }
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

fn print_backend(label: &str, rows: &[Row], peak_kib: u64, transfer: &[(String, [u64; 3])]) {
    println!("\n## {label}\n");
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
    println!(
        "\npeak RSS of the server: {:.1} MiB",
        peak_kib as f64 / 1024.0
    );
    println!("\n| first visit to /signup | raw | gzip | brotli |");
    println!("|---|---:|---:|---:|");
    let mut total = [0; 3];
    for (path, wire) in transfer {
        println!("| {path} | {} | {} | {} |", wire[0], wire[1], wire[2]);
        for (sum, bytes) in total.iter_mut().zip(wire) {
            *sum += bytes;
        }
    }
    println!("| **total** | {} | {} | {} |", total[0], total[1], total[2]);
    let verify64 = rows
        .iter()
        .find(|r| r.name == "verify-code" && r.clients == 64);
    if let Some(row) = verify64 {
        let ratio = row.figures.ratio;
        println!("\ngoals ({label}):");
        println!(
            "- verify-code at 64 clients ÷ /healthz: {ratio:.3} (goal ≥ 0.25) {}",
            mark(ratio >= 0.25)
        );
        println!(
            "- verify-code p99 at 64 clients: {:.1} ms (goal < 50) {}",
            row.figures.p99_ms,
            mark(row.figures.p99_ms < 50.0)
        );
    }
    println!(
        "- peak RSS: {:.1} MiB (goal < 64) {}",
        peak_kib as f64 / 1024.0,
        mark(peak_kib < 64 * 1024)
    );
    println!(
        "- first visit, brotli: {:.1} KB (goal < 200) {}",
        total[2] as f64 / 1000.0,
        mark(total[2] < 200_000)
    );
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
         a code asked for beforehand, outside the timing). The ratio is to the /healthz \
         of the same round."
    );
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
        let (rows, peak, transfer) = run_backend(label, &root, &url).await;
        print_backend(label, &rows, peak, &transfer);
    }
}
