//! Several app processes on one PostgreSQL, as behind a load balancer: codes,
//! sessions and every limit hold across them; shutdown lets requests finish.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use sms_auth::{
    error::AppError,
    store::{self, SessionLimits},
};
use sqlx::AnyPool;

use crate::{
    pg,
    process::{free_port, ServerProcess},
    support::*,
};

const BIN: &str = env!("CARGO_BIN_EXE_sms-auth");

/// An instance as a deployment runs it: production mode, the shared database,
/// secret and Exolve, nothing else from this process's environment.
async fn instance(database_url: &str, exolve: &FakeExolve, vars: &[(&str, &str)]) -> ServerProcess {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(BIN);
    command
        .current_dir(dir.path())
        .env_clear()
        .env("LEPTOS_OUTPUT_NAME", "sms-auth")
        .env("LEPTOS_ENV", "PROD")
        .env("PUBLIC_ORIGIN", "http://127.0.0.1:3000")
        .env("DATABASE_URL", database_url)
        .env("EXOLVE_API_URL", &exolve.url)
        .env("EXOLVE_API_KEY", API_KEY)
        .env("EXOLVE_SENDER", SENDER)
        .env("APP_SECRET", "shared-secret-of-every-instance-0123456789")
        .env("RUST_LOG", "warn")
        .envs(vars.iter().copied());
    ServerProcess::start(command, free_port()).await
}

struct Pair {
    a: ServerProcess,
    b: ServerProcess,
    exolve: FakeExolve,
    db: AnyPool,
}

impl Pair {
    async fn start(vars: &[(&str, &str)]) -> Self {
        let url = pg::fresh_database().await;
        let exolve = FakeExolve::start().await;
        // A migrates the fresh database while B starts: the migrator's lock serialises them.
        let (a, b) = tokio::join!(instance(&url, &exolve, vars), instance(&url, &exolve, vars));
        sqlx::any::install_default_drivers();
        let db = AnyPool::connect(&url).await.expect("assertion pool");
        Self { a, b, exolve, db }
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.db)
            .await
            .expect("count")
    }
}

#[tokio::test]
async fn a_code_from_one_instance_signs_in_on_the_other_and_sessions_cross() {
    let pair = Pair::start(&[]).await;
    let on_a = Browser::new(&pair.a.base, &[]);
    let on_b = on_a.at(&pair.b.base);
    on_a.request_code(PHONE).await.expect("sent through A");
    on_b.verify(&pair.exolve.last_code_to(PHONE_DIGITS))
        .await
        .expect("verified through B");
    let account = on_a.account().await.expect("session made on B works on A");
    assert_eq!(on_b.account().await.expect("and on B"), account);
    on_b.sign_out().await.expect("signed out on B");
    assert_eq!(on_a.account().await, Err(AppError::NotSignedIn));
}

#[tokio::test]
async fn the_cooldown_holds_across_instances() {
    let pair = Pair::start(&[]).await;
    let first = Browser::new(&pair.a.base, &[]);
    first.request_code(PHONE).await.expect("sent through A");
    let other = Browser::new(&pair.b.base, &[]);
    assert!(matches!(
        other.request_code(PHONE).await,
        Err(AppError::ResendCooldown { .. })
    ));
    assert!(matches!(
        first.at(&pair.b.base).resend().await,
        Err(AppError::ResendCooldown { .. })
    ));
    assert_eq!(pair.exolve.sent().len(), 1);
}

#[tokio::test]
async fn hourly_caps_and_the_daily_budget_count_both_instances() {
    let pair = Pair::start(&[
        ("OTP_RESEND_COOLDOWN_SECS", "0"),
        ("LIMIT_SMS_PER_PHONE_PER_HOUR", "2"),
        ("LIMIT_SMS_PER_DAY", "4"),
        ("LIMIT_SMS_NEW_NUMBERS_PERCENT", "100"),
    ])
    .await;
    let ask = |instance: &ServerProcess, phone: &str| {
        let browser = Browser::new(&instance.base, &[]);
        let phone = phone.to_owned();
        async move { browser.request_code(&phone).await }
    };
    ask(&pair.a, PHONE).await.expect("1st to the phone, on A");
    ask(&pair.b, PHONE).await.expect("2nd to the phone, on B");
    assert_eq!(ask(&pair.a, PHONE).await, Err(AppError::PhoneHourlyCap));
    ask(&pair.b, "+79990000002").await.expect("3rd of the day");
    ask(&pair.a, "+79990000003").await.expect("4th of the day");
    assert_eq!(
        ask(&pair.b, "+79990000004").await,
        Err(AppError::DailyBudget)
    );
    assert_eq!(
        ask(&pair.a, "+79990000005").await,
        Err(AppError::DailyBudget)
    );
    assert_eq!(pair.exolve.sent().len(), 4);
    assert_eq!(pair.count("SELECT COUNT(*) FROM sms_sends").await, 4);
}

#[tokio::test]
async fn parallel_submissions_to_both_instances_decide_once() {
    let pair = Pair::start(&[]).await;
    let on_a = Browser::new(&pair.a.base, &[]);
    on_a.request_code(PHONE).await.expect("sent");
    let code = pair.exolve.last_code_to(PHONE_DIGITS);
    let wrong = wrong_for(&code);

    // 20 wrong guesses at once, half through each instance: at most 5 are counted.
    let guesses = (0..20).map(|i| {
        let browser = on_a.at(if i % 2 == 0 {
            &pair.a.base
        } else {
            &pair.b.base
        });
        async move { browser.verify(wrong).await }
    });
    let results = all(guesses).await;
    assert!(results.iter().all(Result::is_err));
    assert_eq!(
        pair.count("SELECT failed_tries FROM verifications").await,
        5
    );
    assert_eq!(pair.count("SELECT COUNT(*) FROM failed_attempts").await, 5);

    // A fresh code, 8 correct submissions at once through both: one session.
    let fresh = Browser::new(&pair.b.base, &[]);
    pair.exolve.set_mode(ExolveMode::Ok);
    fresh.request_code("+79990000002").await.expect("sent");
    let code = pair.exolve.last_code_to("79990000002");
    let submissions = (0..8).map(|i| {
        let browser = fresh.at(if i % 2 == 0 {
            &pair.a.base
        } else {
            &pair.b.base
        });
        let code = code.clone();
        async move { browser.verify(&code).await }
    });
    let results = all(submissions).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert_eq!(pair.count("SELECT COUNT(*) FROM sessions").await, 1);
    assert_eq!(pair.count("SELECT COUNT(*) FROM accounts").await, 1);
}

/// Runs the calls at once and collects their results.
async fn all<T: Send + 'static>(
    calls: impl Iterator<Item = impl std::future::Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let mut tasks = tokio::task::JoinSet::new();
    for call in calls {
        tasks.spawn(call);
    }
    tasks.join_all().await
}

#[tokio::test]
async fn instances_purging_at_once_remove_each_row_once() {
    let url = pg::fresh_database().await;
    let (one, two) = (
        store::connect(&url, 4).await.expect("store"),
        store::connect(&url, 4).await.expect("store"),
    );
    sqlx::any::install_default_drivers();
    let db = AnyPool::connect(&url).await.expect("pool");
    for i in 0..200 {
        sqlx::query("INSERT INTO sms_sends (phone, ip, sent_at) VALUES ($1, '127.0.0.1', $2)")
            .bind(format!("+7999000{i:04}"))
            .bind(START - 2 * 86_400)
            .execute(&db)
            .await
            .expect("old send");
    }
    sqlx::query(
        "INSERT INTO sms_sends (phone, ip, sent_at) VALUES ('+79991234567', '127.0.0.1', $1)",
    )
    .bind(START)
    .execute(&db)
    .await
    .expect("fresh send");
    let limits = SessionLimits::default();
    let (first, second) = tokio::join!(one.purge(START, limits), two.purge(START, limits));
    let removed = first.expect("purge on one") + second.expect("purge on two");
    // Whichever ran (or both, one after the other), each old row went once.
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sms_sends")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(left, 1);
    assert_eq!(removed, 200);
    assert_eq!(
        one.purge(START, limits).await.expect("again")
            + two.purge(START, limits).await.expect("again"),
        0
    );
}

#[tokio::test]
async fn sigterm_lets_a_request_in_flight_finish() {
    let pair_db = pg::fresh_database().await;
    let exolve = FakeExolve::start().await;
    exolve.set_mode(ExolveMode::Slow(Duration::from_millis(1500)));
    let mut instance = instance(&pair_db, &exolve, &[]).await;
    let browser = Browser::new(&instance.base, &[]);
    let in_flight = tokio::spawn(async move { browser.request_code(PHONE).await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    terminate(&instance);
    let answer = in_flight.await.expect("task");
    assert_eq!(answer, Ok(()), "the request in flight was answered");
    let status = exit_status(&mut instance).await;
    assert!(status.success(), "{status}");
    assert!(reqwest::get(format!("{}/healthz", instance.base))
        .await
        .is_err());
}

/// The owner's alert goes out on a task of its own after the sign-in is answered; a
/// shutdown right then waits for it instead of dropping it.
#[tokio::test]
async fn sigterm_waits_for_the_owners_alert_under_way() {
    let db = pg::fresh_database().await;
    let exolve = FakeExolve::start().await;
    let mut instance = instance(&db, &exolve, &[("OTP_RESEND_COOLDOWN_SECS", "0")]).await;
    let owner = Browser::new(&instance.base, &[]);
    owner.request_code(PHONE).await.expect("sent");
    owner
        .verify(&exolve.last_code_to(PHONE_DIGITS))
        .await
        .expect("the first sign-in");
    let stranger = Browser::new(&instance.base, &[]);
    stranger.request_code(PHONE).await.expect("sent");
    exolve.set_mode(ExolveMode::Slow(Duration::from_millis(1500)));
    stranger
        .verify(&exolve.last_code_to(PHONE_DIGITS))
        .await
        .expect("signed in from a new device");
    terminate(&instance);
    let status = exit_status(&mut instance).await;
    assert!(status.success(), "{status}");
    assert_eq!(exolve.alerts_to(PHONE_DIGITS).len(), 1, "the alert went out");
}

/// SIGTERM to the instance.
fn terminate(instance: &ServerProcess) {
    let pid = i32::try_from(instance.child.id()).expect("pid");
    // SAFETY: kill with a valid pid of our own child and a standard signal.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
}

/// How the instance ended; it must end within 10 seconds.
async fn exit_status(instance: &mut ServerProcess) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = instance.child.try_wait().expect("wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "still running after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn requests_at_once_on_both_instances_keep_the_daily_budget() {
    let pair = Pair::start(&[
        ("LIMIT_SMS_PER_DAY", "5"),
        ("LIMIT_SMS_NEW_NUMBERS_PERCENT", "100"),
    ])
    .await;
    // 16 numbers at once, half through each instance: each instance decides its own
    // in batches, and the batches of both take turns.
    let asks = (0..16).map(|n| {
        let base = if n % 2 == 0 { &pair.a.base } else { &pair.b.base };
        let browser = Browser::new(base, &[]);
        async move { browser.request_code(&format!("+7999000{n:04}")).await }
    });
    let answers = all(asks).await;
    let refused: Vec<_> = answers.into_iter().filter_map(Result::err).collect();
    assert_eq!(refused, vec![AppError::DailyBudget; 11]);
    assert_eq!(pair.exolve.sent().len(), 5);
    assert_eq!(pair.count("SELECT COUNT(*) FROM sms_sends").await, 5);
}

#[tokio::test]
async fn both_instances_keep_to_the_new_numbers_lane() {
    let pair = Pair::start(&[("LIMIT_SMS_PER_DAY", "4")]).await;
    let owner = Browser::new(&pair.a.base, &[]);
    owner.request_code(PHONE).await.expect("a first sign-in");
    owner
        .verify(&pair.exolve.last_code_to(PHONE_DIGITS))
        .await
        .expect("signed in on A");
    let new_number = |instance: &ServerProcess, n: u32| {
        let browser = Browser::new(&instance.base, &[]);
        async move { browser.request_code(&format!("+7999000{n:04}")).await }
    };
    new_number(&pair.b, 1)
        .await
        .expect("the lane's second, on B");
    // Half of 4: the lane is spent, on either instance.
    assert_eq!(
        new_number(&pair.a, 2).await,
        Err(AppError::NewNumbersBudget)
    );
    assert_eq!(
        new_number(&pair.b, 3).await,
        Err(AppError::NewNumbersBudget)
    );
    // The owner's browser draws on the rest of the budget, through B.
    let owner = owner.at(&pair.b.base);
    owner.sign_out().await.expect("signed out");
    owner
        .request_code(PHONE)
        .await
        .expect("the owner's known browser");
    assert_eq!(pair.exolve.sent().len(), 3);
}

#[tokio::test]
async fn both_instances_agree_on_the_guards_challenges() {
    let pair = Pair::start(&[
        ("GUARD_MIN_SENDS", "4"),
        ("CHALLENGE_DIFFICULTY", "1000"),
        // A replay is told as such, not as a resend too soon.
        ("OTP_RESEND_COOLDOWN_SECS", "0"),
    ])
    .await;
    let new_number = |instance: &ServerProcess, n: u32| {
        let browser = Browser::new(&instance.base, &[]);
        async move { browser.request_code(&format!("+7999000{n:04}")).await }
    };
    // Four codes to one range, two through each instance, none entered.
    for (instance, n) in [(&pair.a, 1), (&pair.b, 2), (&pair.a, 3), (&pair.b, 4)] {
        new_number(instance, n).await.expect("under the minimum");
    }
    let (challenge, until) = challenge_of(new_number(&pair.a, 5).await);
    let imposed = until.expect("a challenged range's challenge ends");
    let (_, on_b) = challenge_of(new_number(&pair.b, 6).await);
    assert_eq!(on_b, Some(imposed), "B sees the challenge A imposed");
    assert_eq!(pair.count("SELECT COUNT(*) FROM guard_challenges").await, 1);
    // A solved challenge goes through once, whichever instance it is answered on.
    let answer = solve(&challenge);
    let answered = |instance: &ServerProcess| {
        let browser = Browser::new(&instance.base, &[]);
        let form = [("phone", "+79990000005"), ("altcha", answer.as_str())];
        async move { browser.call::<()>("request_code", &form).await }
    };
    answered(&pair.a).await.expect("solved, through A");
    assert_eq!(answered(&pair.b).await, Err(AppError::ChallengeFailed));
    assert_eq!(pair.exolve.sent().len(), 5);
}

/// Forward-auth's answer through `instance` for the browser `browser`: its status,
/// and its body when it is neither a pass nor a refusal to sign in.
async fn proxied(browser: &Browser, instance: &ServerProcess) -> u16 {
    let answer = browser
        .http
        .get(format!("{}/api/authz/auth-request", instance.base))
        .header("x-original-url", "https://app.example.ru/")
        .header("x-original-method", "GET")
        .send()
        .await
        .expect("auth-request");
    let status = answer.status().as_u16();
    if status != 200 && status != 401 {
        let body = answer.text().await.unwrap_or_default();
        panic!("{} answered {status}: {body}", instance.base);
    }
    status
}

#[tokio::test]
async fn a_session_ended_on_one_instance_stops_passing_forward_auth_on_the_other_within_a_second() {
    let pair = Pair::start(&[
        ("TRUSTED_PROXIES", "127.0.0.1"),
        ("OTP_RESEND_COOLDOWN_SECS", "0"),
    ])
    .await;
    let sign_in = |browser: Browser| async {
        browser.request_code(PHONE).await.expect("sent");
        browser
            .verify(&pair.exolve.last_code_to(PHONE_DIGITS))
            .await
            .expect("signed in");
        browser
    };
    let lost = sign_in(Browser::new(&pair.a.base, &[])).await;
    let owner = sign_in(Browser::new(&pair.a.base, &[])).await;
    // B reads the lost browser's session (and keeps it for the rest of its second).
    assert_eq!(proxied(&lost, &pair.b).await, 200);
    assert_eq!(proxied(&lost, &pair.b).await, 200);
    assert_eq!(proxied(&lost, &pair.a).await, 200);
    let sessions: Vec<sms_auth::api::account::SessionView> =
        owner.call("sessions", &[]).await.expect("sessions");
    let theirs = sessions
        .iter()
        .find(|s| !s.current)
        .expect("the lost session");
    owner
        .call::<()>("not_me", &[("session", &theirs.handle)])
        .await
        .expect("not me, on A");
    let ended = Instant::now();
    // A, where it ended, denies at once; B once its second is over.
    assert_eq!(proxied(&lost, &pair.a).await, 401);
    while proxied(&lost, &pair.b).await != 401 {
        // A second, and slack for a busy machine's scheduling.
        assert!(
            ended.elapsed() < Duration::from_millis(1500),
            "B still lets it pass"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(proxied(&owner, &pair.b).await, 200);
}
