//! A store as a big deployment has it, made in SQL (not through HTTP): a million
//! accounts, two million sessions, five million SMS sends of the last day and five
//! million activity events of the last 90 days; and a simulated month of traffic
//! with the purge run each day, to show which tables stay flat.

use std::time::Instant;

use sms_auth::store::{self, SessionLimits};
use sqlx::{AnyPool, Executor};

pub const ACCOUNTS: i64 = 1_000_000;
pub const SESSIONS: i64 = 2_000_000;
pub const SENDS: i64 = 5_000_000;
pub const EVENTS: i64 = 5_000_000;
const DAY: i64 = 24 * 3600;

/// Numbers 1..=n as a table `g(i)`, in the engine's SQL.
fn series(postgres: bool, n: i64) -> String {
    if postgres {
        format!("generate_series(1::bigint, {n}) AS g(i)")
    } else {
        format!(
            "(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n})
              SELECT i FROM s) AS g"
        )
    }
}

/// Rebuilds the running totals of sends from `sms_sends`, as migration 0005 does.
const RETOTAL: [&str; 2] = [
    "DELETE FROM sms_send_totals",
    "INSERT INTO sms_send_totals (second, total)
     SELECT sent_at, SUM(COUNT(*)) OVER (ORDER BY sent_at) FROM sms_sends GROUP BY sent_at",
];

pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres")
}

async fn pool(url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    AnyPool::connect(url).await.expect("fill: connect")
}

async fn run(db: &AnyPool, sql: &str) {
    db.execute(sql)
        .await
        .unwrap_or_else(|e| panic!("fill: {e}: {sql}"));
}

async fn scalar(db: &AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(db)
        .await
        .unwrap_or_else(|e| panic!("fill: {e}: {sql}"))
}

/// The store's size on disk, in bytes: the SQLite file (with its log), or the
/// PostgreSQL database.
pub async fn size(url: &str) -> u64 {
    if is_postgres(url) {
        let db = pool(url).await;
        let bytes = scalar(&db, "SELECT pg_database_size(current_database())").await;
        u64::try_from(bytes).unwrap_or(0)
    } else {
        let path = url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned();
        ["", "-wal"]
            .iter()
            .filter_map(|suffix| std::fs::metadata(format!("{path}{suffix}")).ok())
            .map(|meta| meta.len())
            .sum()
    }
}

/// Fills the store (its server stopped) as of `now`; prints what it made and how long
/// that took.
pub async fn fill(url: &str, now: i64) {
    let postgres = is_postgres(url);
    let db = pool(url).await;
    let started = Instant::now();
    let base = scalar(&db, "SELECT COALESCE(MAX(id), 0) FROM accounts").await;
    let account = |i: &str| format!("({base} + 1 + ({i}) % {ACCOUNTS})");
    let statements = [
        format!(
            "INSERT INTO accounts (phone, created_at, last_sign_in_at, sign_ins)
             SELECT '+7950' || (1000000 + i), {now} - i % (365 * {DAY}), {now} - i % {DAY}, 2
             FROM {}",
            series(postgres, ACCOUNTS)
        ),
        format!(
            "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, device,
                                   device_hash, country, network, novelty, method)
             SELECT 'fill-' || i, {}, {now} - i % (29 * {DAY}), {now} - i % {DAY},
                    'Chrome, Android', 'device-' || i, 'RU', '95.24.0.0/24', 'known', 'sms'
             FROM {}",
            account("i"),
            series(postgres, SESSIONS)
        ),
        format!(
            "INSERT INTO known_devices (account_id, id_hash, first_seen_at, last_seen_at, name,
                                        country)
             SELECT {}, 'known-' || i, {now} - 90 * {DAY}, {now} - i % (60 * {DAY}),
                    'Safari, iOS', 'RU'
             FROM {}",
            account("i"),
            series(postgres, ACCOUNTS)
        ),
        format!(
            "INSERT INTO sms_sends (phone, ip, sent_at, allowance)
             SELECT '+7950' || (1000000 + i % {ACCOUNTS}), 'fill-' || (i % 200000),
                    {now} - 1 - i % ({DAY} - 60), 'shared'
             FROM {}",
            series(postgres, SENDS)
        ),
        format!(
            "INSERT INTO security_events (account_id, at, kind, device, country, network)
             SELECT {}, {now} - i % (89 * {DAY}), 'sign_in', 'Chrome, Android', 'RU',
                    '95.24.0.0/24'
             FROM {}",
            account("i"),
            series(postgres, EVENTS)
        ),
    ];
    for statement in statements.iter().map(String::as_str).chain(RETOTAL) {
        run(&db, statement).await;
    }
    run(
        &db,
        if postgres {
            "ANALYZE"
        } else {
            "PRAGMA optimize"
        },
    )
    .await;
    println!(
        "\nfilled: {ACCOUNTS} accounts, {SESSIONS} sessions, {SENDS} SMS sends and {EVENTS} \
         activity events in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

/// Rows in the tables the purge keeps short.
const COUNTED: [&str; 6] = [
    "sms_sends",
    "sms_send_totals",
    "verifications",
    "failed_attempts",
    "sessions",
    "security_events",
];

/// A month of one day's traffic each day (codes sent and asked for, a wrong code
/// each, sign-ins with their sessions and events), each day's purge run at its end
/// with the clock at that time; prints the store's rows and size each week.
pub async fn month(url: &str, start: i64) {
    const PER_DAY: i64 = 100_000;
    let postgres = is_postgres(url);
    let db = pool(url).await;
    let store = store::connect(url, 4).await.expect("fill: store");
    let base = scalar(&db, "SELECT MIN(id) FROM accounts").await;
    println!("\n| day | {} | store size MB |", COUNTED.join(" | "));
    println!("|---:|{}---:|", "---:|".repeat(COUNTED.len()));
    for day in 0..=30 {
        let from = start + day * DAY;
        if day > 0 {
            let at = format!("{from} - {DAY} + i * {DAY} / {PER_DAY}");
            let statements = [
                format!(
                    "INSERT INTO sms_sends (phone, ip, sent_at, allowance)
                     SELECT '+7951' || (1000000 + i), 'month-' || (i % 5000), {at}, 'shared'
                     FROM {}",
                    series(postgres, PER_DAY)
                ),
                format!(
                    "INSERT INTO verifications (id_hash, phone, code_digest, created_at,
                                                expires_at, allowance)
                     SELECT 'month-{day}-' || i, '+7951' || (1000000 + i), {}, {at},
                            {at} + 300, 'shared'
                     FROM {}",
                    if postgres { "'\\x00'::bytea" } else { "x'00'" },
                    series(postgres, PER_DAY)
                ),
                format!(
                    "INSERT INTO failed_attempts (phone, at, allowance)
                     SELECT '+7951' || (1000000 + i), {at}, 'shared' FROM {}",
                    series(postgres, PER_DAY)
                ),
                format!(
                    "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at,
                                           device, device_hash, country, network, novelty)
                     SELECT 'month-{day}-' || i, {base} + i, {at}, {at}, 'Chrome, Android',
                            'month-' || i, 'RU', '95.24.0.0/24', 'known'
                     FROM {}",
                    series(postgres, PER_DAY / 5)
                ),
                format!(
                    "INSERT INTO security_events (account_id, at, kind)
                     SELECT {base} + i, {at}, 'sign_in' FROM {}",
                    series(postgres, PER_DAY / 5)
                ),
            ];
            for statement in statements.iter().map(String::as_str).chain(RETOTAL) {
                run(&db, statement).await;
            }
            store
                .purge(from, SessionLimits::default())
                .await
                .expect("fill: purge");
            // PostgreSQL's autovacuum frees what the purge deleted; here, at once.
            if postgres {
                run(&db, "VACUUM").await;
            }
        }
        if day % 7 == 0 || day == 30 {
            let mut counts = Vec::new();
            for table in COUNTED {
                counts.push(scalar(&db, &format!("SELECT COUNT(*) FROM {table}")).await);
            }
            let counts: Vec<String> = counts.iter().map(i64::to_string).collect();
            println!(
                "| {day} | {} | {:.0} |",
                counts.join(" | "),
                size(url).await as f64 / 1e6
            );
        }
    }
}
