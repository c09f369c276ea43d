//! The SMS-pumping benchmark: the release server (`cargo leptos build --release
//! --precompress --split` first; `bench/run.sh` does both) on SQLite and on a
//! throwaway PostgreSQL, under a flood of code requests to new numbers from rotating
//! addresses (each under the per-address cap), as a pumping bot sends them, while
//! the business's customers go on signing in. For each backend it prints the SMS
//! the attack got beside the new numbers' lane, the customers' sign-ins during it,
//! and the rate of trusted code requests (customers' known browsers) during the
//! flood beside their rate without it: each as its ratio to `GET /healthz` measured
//! just before it, so the figures are read against the machine's load of the moment.

#[path = "common/mod.rs"]
mod common;
#[path = "../tests/flow/pg.rs"]
mod pg;
#[path = "../tests/flow/process.rs"]
mod process;

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use common::{
    client, client_address, cookie_of, measure, median, phone, start_server, FakeExolve, Figures,
};

/// The service's SMS of a day, and the new numbers' lane: a fifth of it, so the
/// bots spend it in seconds and the trusted rest holds every round's codes.
const BUDGET: usize = 10_000;
const NEW_PERCENT: usize = 20;
const LANE: usize = BUDGET * NEW_PERCENT / 100;
/// Customers, each signed in once before the attack from a browser of their own.
const CUSTOMERS: usize = 64;
/// People who have never signed in, arriving during the attack.
const NEWCOMERS: usize = 16;
const REQUESTS: usize = 1_000;
const HEALTHZ_REQUESTS: usize = 10_000;
/// The bots' concurrent connections, their pace (requests a second, all together:
/// 720,000 an hour, a pumping campaign rather than a denial of service), and the
/// requests each address sends (under the per-address cap of 10 an hour, which
/// stays on).
const BOTS: usize = 16;
const BOTS_PER_SEC: usize = 200;
const PER_ADDRESS: usize = 8;
/// Each phase measures this many rounds of /healthz and trusted request-code; the
/// median ratio is printed.
const ROUNDS: usize = 3;
/// The bots' numbers: consecutive, `+7 900 …`, none of them a customer's.
const BOT_PREFIX: &str = "7900";

/// The customers' numbers and their browsers' device cookies.
struct Customers {
    phones: Vec<String>,
    devices: Vec<String>,
}

/// A browser without cookies asks for a code to `number` from `address` and enters
/// it: the answer to the code, or `None` when no code was given.
async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    fake: &FakeExolve,
    number: &str,
    address: &str,
) -> Option<reqwest::Response> {
    let asked = http
        .post(format!("{base}/api/request_code"))
        .header("x-forwarded-for", address)
        .form(&[("phone", number)])
        .send()
        .await
        .expect("request code");
    let vid = cookie_of(&asked, "vid")?;
    let code = fake
        .code_to(number.trim_start_matches('+'))
        .expect("code sent");
    let verified = http
        .post(format!("{base}/api/verify_code"))
        .header(reqwest::header::COOKIE, format!("vid={vid}"))
        .form(&[("code", code.as_str())])
        .send()
        .await
        .expect("verify");
    Some(verified)
}

/// Signs the customers in, each from a browser of its own: their first sign-ins
/// (codes to new numbers, from the lane), after which their numbers and browsers are
/// trusted.
async fn sign_in_customers(base: &str, fake: &FakeExolve) -> Customers {
    let http = client();
    let (mut phones, mut devices) = (Vec::new(), Vec::new());
    for n in 0..CUSTOMERS {
        let number = phone(n);
        let verified = sign_in(&http, base, fake, &number, &client_address(n))
            .await
            .expect("a code for a customer");
        devices.push(cookie_of(&verified, "did").expect("a device cookie"));
        phones.push(number);
    }
    Customers { phones, devices }
}

/// `ROUNDS` rounds of `/healthz`, then `REQUESTS` code requests of the customers'
/// known browsers at 64 clients, each from an address of its own (from
/// `first_address` on); the medians, the ratio being the latter's to the former's.
async fn trusted_rate(base: &str, customers: &Arc<Customers>, first_address: usize) -> Figures {
    let mut rounds = Vec::new();
    for round in 0..ROUNDS {
        rounds.push(trusted_round(base, customers, first_address + round * REQUESTS).await);
    }
    median(&rounds)
}

async fn trusted_round(base: &str, customers: &Arc<Customers>, first_address: usize) -> Figures {
    let http = client();
    let ceiling = {
        let (http, base) = (http.clone(), base.to_owned());
        measure(64, HEALTHZ_REQUESTS, move |_| {
            http.get(format!("{base}/healthz")).send()
        })
        .await
    };
    let (base, customers) = (base.to_owned(), customers.clone());
    let trusted = measure(64, REQUESTS, move |i| {
        let n = i % CUSTOMERS;
        http.post(format!("{base}/api/request_code"))
            .header("x-forwarded-for", client_address(first_address + i))
            .header(
                reqwest::header::COOKIE,
                format!("did={}", customers.devices[n]),
            )
            .form(&[("phone", customers.phones[n].as_str())])
            .send()
    })
    .await;
    Figures {
        ratio: trusted.per_sec / ceiling.per_sec,
        ..trusted
    }
}

/// What the bots got: their requests, the SMS granted, the proofs of work asked
/// (403: the bots solve none), and the other refusals by status.
#[derive(Default)]
struct Flood {
    requests: AtomicUsize,
    granted: AtomicUsize,
    challenged: AtomicUsize,
    refused_503: AtomicUsize,
    refused_other: AtomicUsize,
}

impl Flood {
    fn refused(&self) -> usize {
        self.challenged.load(Ordering::Relaxed) + self.refused_503.load(Ordering::Relaxed)
    }
}

/// The bots: `BOTS` connections asking for codes to consecutive new numbers at
/// `BOTS_PER_SEC` together, each address used for `PER_ADDRESS` requests, until
/// `stop`.
async fn flood(base: String, flood: Arc<Flood>, stop: Arc<AtomicBool>) {
    let http = client();
    let mut bots = tokio::task::JoinSet::new();
    for _ in 0..BOTS {
        let (http, base, flood, stop) = (http.clone(), base.clone(), flood.clone(), stop.clone());
        bots.spawn(async move {
            let mut pace = tokio::time::interval(Duration::from_micros(
                (BOTS * 1_000_000 / BOTS_PER_SEC) as u64,
            ));
            pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !stop.load(Ordering::Relaxed) {
                pace.tick().await;
                let k = flood.requests.fetch_add(1, Ordering::Relaxed);
                let address = k / PER_ADDRESS;
                let Ok(answer) = http
                    .post(format!("{base}/api/request_code"))
                    .header(
                        "x-forwarded-for",
                        format!(
                            "172.{}.{}.{}",
                            16 + ((address >> 16) & 15),
                            (address >> 8) & 255,
                            address & 255
                        ),
                    )
                    .form(&[("phone", format!("+{BOT_PREFIX}{k:07}"))])
                    .send()
                    .await
                else {
                    continue;
                };
                let counter = match answer.status().as_u16() {
                    200 => &flood.granted,
                    403 => &flood.challenged,
                    503 => &flood.refused_503,
                    _ => &flood.refused_other,
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    bots.join_all().await;
}

/// Customers signing in from browsers they never used (no device cookie), and
/// newcomers asking for their first code, during the attack: how many got in, and
/// how many newcomers got a code (solving the proof of work when asked, as their
/// browsers do).
async fn sign_ins_during(base: &str, fake: &FakeExolve, customers: &Customers) -> (usize, usize) {
    let http = client();
    let mut signed_in = 0;
    for (n, number) in customers.phones.iter().enumerate() {
        let address = client_address(900_000 + n);
        if let Some(verified) = sign_in(&http, base, fake, number, &address).await {
            signed_in += usize::from(cookie_of(&verified, "sid").is_some());
        }
    }
    let mut newcomers = 0;
    for n in 0..NEWCOMERS {
        let number = phone(500_000 + n);
        let ask = |answer: String| {
            http.post(format!("{base}/api/request_code"))
                .header("x-forwarded-for", client_address(950_000 + n))
                .form(&[("phone", number.as_str()), ("altcha", answer.as_str())])
                .send()
        };
        let mut asked = ask(String::new()).await.expect("request code");
        if asked.status() == 403 {
            let refusal: serde_json::Value = asked.json().await.expect("a refusal");
            let challenge = refusal["ChallengeRequired"]["challenge"]
                .as_str()
                .expect("a challenge");
            let answer = sms_auth::components::challenge::answer(challenge).expect("solved");
            asked = ask(answer).await.expect("request code");
        }
        newcomers += usize::from(asked.status() == 200);
    }
    (signed_in, newcomers)
}


async fn run_backend(label: &str, root: &Path, database_url: &str) -> f64 {
    println!("\n## {label}\n");
    let (fake, exolve_url) = FakeExolve::start().await;
    let (budget, share) = (BUDGET.to_string(), NEW_PERCENT.to_string());
    let server = start_server(
        root,
        database_url,
        &exolve_url,
        &[
            ("LIMIT_SMS_PER_DAY", budget.as_str()),
            ("LIMIT_SMS_NEW_NUMBERS_PERCENT", share.as_str()),
            // The customers' codes are measured by the thousand: no cooldown or
            // per-number cap for them. The per-address cap stays: the bots rotate.
            ("OTP_RESEND_COOLDOWN_SECS", "0"),
            ("LIMIT_SMS_PER_PHONE_PER_HOUR", "100000"),
        ],
    )
    .await;
    let base = server.base.clone();
    let customers = Arc::new(sign_in_customers(&base, &fake).await);
    let without = trusted_rate(&base, &customers, 100_000).await;

    let (counts, stop) = (Arc::new(Flood::default()), Arc::new(AtomicBool::new(false)));
    let bots = tokio::spawn(flood(base.clone(), counts.clone(), stop.clone()));
    // The flood is held off once the bots are refused: challenged (their ranges, or
    // every new number once the lane is 80% spent), or the lane spent.
    let held = async {
        while counts.refused() < 100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(600), held)
        .await
        .expect("the bots are refused within 10 minutes");
    let during = trusted_rate(&base, &customers, 200_000).await;
    let (signed_in, newcomers) = sign_ins_during(&base, &fake, &customers).await;
    stop.store(true, Ordering::Relaxed);
    bots.await.expect("bots");
    drop(server);

    let sent_to_bots = fake.numbers_starting(BOT_PREFIX);
    let addresses = counts
        .requests
        .load(Ordering::Relaxed)
        .div_ceil(PER_ADDRESS);
    println!("| trusted request-code, 64 clients | req/s | p50 ms | p99 ms | ÷ /healthz |");
    println!("|---|---:|---:|---:|---:|");
    for (phase, f) in [
        ("without the attack", without),
        ("during the flood", during),
    ] {
        println!(
            "| {phase} | {:.0} | {:.2} | {:.2} | {:.3} |",
            f.per_sec, f.p50_ms, f.p99_ms, f.ratio
        );
    }
    let kept = during.ratio / without.ratio;
    println!(
        "\n- trusted requests during the flood: {kept:.2}× their rate without it, each \
         against /healthz (goal ≥ 0.80) {}; in requests a second alone, {:.2}×",
        if kept >= 0.8 { "✓" } else { "✗" },
        during.per_sec / without.per_sec
    );
    println!(
        "- the attack: {} requests from {addresses} addresses; {sent_to_bots} SMS (the new \
         numbers' lane is {LANE}, of which the customers' first sign-ins spent \
         {CUSTOMERS}); {} asked for a proof of work (403: the bots solve none), {} \
         refused with 503, {} otherwise",
        counts.requests.load(Ordering::Relaxed),
        counts.challenged.load(Ordering::Relaxed),
        counts.refused_503.load(Ordering::Relaxed),
        counts.refused_other.load(Ordering::Relaxed),
    );
    assert_eq!(
        sent_to_bots,
        counts.granted.load(Ordering::Relaxed),
        "every SMS granted reached the fake Exolve"
    );
    println!(
        "- during the flood: {signed_in} of {CUSTOMERS} customers signed in from a new \
         browser; {newcomers} of {NEWCOMERS} newcomers got a code (each solving the \
         proof of work when asked, at the default difficulty)"
    );
    kept
}

#[tokio::main]
async fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let only = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".to_owned());
    println!(
        "# sms-auth SMS-pumping benchmark\n\nA budget of {BUDGET} SMS a day (the new \
         numbers' lane: {LANE}); {CUSTOMERS} customers signed in before; {BOTS} bot \
         connections ask for codes to consecutive new numbers, {BOTS_PER_SEC} a second \
         together, {PER_ADDRESS} from each address. Trusted request-code: medians of \
         {ROUNDS} rounds of {REQUESTS} requests of the customers' known browsers at 64 \
         clients, each after {HEALTHZ_REQUESTS} GET /healthz."
    );
    for backend in only.split(',').map(str::trim) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (label, url) = match backend {
            "sqlite" => (
                "SQLite",
                format!("sqlite://{}/attack.db?mode=rwc", dir.path().display()),
            ),
            "postgres" => ("PostgreSQL", pg::fresh_database().await),
            other => panic!("BENCH_BACKENDS: unknown backend {other}"),
        };
        run_backend(label, &root, &url).await;
    }
}
