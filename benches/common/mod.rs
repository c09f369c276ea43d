//! What the benchmarks share: the fake Exolve, the release server's start, the
//! timed runs of requests and their figures, the client, and the numbers and
//! addresses requests come from.

use std::{
    collections::HashMap,
    path::Path,
    process::Command,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use axum::{extract::State, routing::post, Json, Router};

use crate::process::{free_port, ServerProcess};

/// Codes the fake Exolve was asked to send, by destination.
#[derive(Clone, Default)]
pub struct FakeExolve {
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
    pub async fn start() -> (Self, String) {
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

    pub fn code_to(&self, digits: &str) -> Option<String> {
        self.codes.lock().expect("codes").get(digits).cloned()
    }

    /// How many numbers whose digits start with `prefix` were sent a code.
    #[allow(dead_code)] // the attack bench's alone
    pub fn numbers_starting(&self, prefix: &str) -> usize {
        let codes = self.codes.lock().expect("codes");
        codes
            .keys()
            .filter(|digits| digits.starts_with(prefix))
            .count()
    }
}

/// The release server as a deployment runs it, with a fake Exolve, on the store
/// `database_url`, every request's address told by a trusted proxy; `vars`: the
/// bench's own settings (its limits).
pub async fn start_server(
    root: &Path,
    database_url: &str,
    exolve_url: &str,
    vars: &[(&str, &str)],
) -> ServerProcess {
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
        // A host name, as a deployment has: passkeys are on.
        .env("PUBLIC_ORIGIN", format!("http://localhost:{port}"))
        .env("DATABASE_URL", database_url)
        .env("EXOLVE_API_URL", exolve_url)
        .env("EXOLVE_API_KEY", "bench-key")
        .env("EXOLVE_SENDER", "79990000000")
        .env("APP_SECRET", "bench-secret-bench-secret-bench-secret")
        .env("TRUSTED_PROXIES", "127.0.0.1")
        .env("RUST_LOG", "warn")
        .envs(vars.iter().copied());
    ServerProcess::start(command, port).await
}

/// The most resident memory the process `pid` has had, in KiB.
#[allow(dead_code)] // the load bench's alone
pub fn peak_rss_kib(pid: u32) -> u64 {
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
pub struct Figures {
    pub per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// `per_sec` ÷ the `/healthz` ceiling of the same round.
    pub ratio: f64,
}

/// Each figure's median over the rounds.
pub fn median(rounds: &[Figures]) -> Figures {
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
pub async fn measure<F, Fut>(clients: usize, count: usize, request: F) -> Figures
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

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// An address of its own for every request of the run: private ones (no country),
/// or with `BENCH_ADDRESSES=public` addresses the country database places in Russia,
/// so every request looks its country up and the country rules run.
pub fn client_address(n: usize) -> String {
    if std::env::var("BENCH_ADDRESSES").as_deref() == Ok("public") {
        format!("95.{}.{}.{}", 24 + ((n >> 16) & 7), (n >> 8) & 255, n & 255)
    } else {
        format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
    }
}

/// A phone number of its own for every request of the run.
pub fn phone(n: usize) -> String {
    format!("+7999{n:07}")
}

pub fn cookie_of(response: &reqwest::Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix(&prefix)?
                .split(';')
                .next()
                .map(str::to_owned)
        })
}
