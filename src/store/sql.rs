//! The SQL both engines run: one text per statement, with `$n` placeholders (SQLite
//! reads `$n` by number too), so the rules cannot drift apart between the backends.
//!
//! [`Store`] for every [`Engine`]: the engine supplies what really differs (its
//! pools, locks and the statements written for it alone), this the rest.

use std::sync::LazyLock;

use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

use super::{
    engine::{Bind, Column, Conn, Db, Engine},
    model::{
        ActivityEvent, AlertClaim, Allowance, EndedBy, EventKind, Footprint, LiveSession,
        NewSession, NewVerification, OutboxMessage, SendTicket, SessionInfo, SessionLimits,
        SignedIn, Standing, Verification, WrongGuess, ACTIVITY_KEEP_SECS, COUNTRY_MEMORY_SECS,
        DEVICE_COOKIE_SECS, EXPIRED_CODES_KEPT_SECS,
    },
    reservations::SendJob,
    rows::{count, SessionAccountRow, SignInRow, StandingOf, VerificationRow},
    sends,
    traits::Store,
};
use crate::{
    error::AppError,
    otp::{Limit, Policy},
    phone::Phone,
};

/// Seconds in the counting windows.
/// The windows the statements count over, from the table of limits.
const PHONE_WINDOW: i64 = Limit::SmsPerPhonePerHour.window_secs();
const IP_WINDOW: i64 = Limit::SmsPerIpPerHour.window_secs();
const DAY_WINDOW: i64 = Limit::SmsPerDay.window_secs();
pub(super) const FAILURES_WINDOW: i64 = Limit::PhoneFailuresPerHour.window_secs();

/// A send is kept as long as the longest window that counts it.
const SENDS_KEPT_SECS: i64 = DAY_WINDOW;
const _: () = assert!(PHONE_WINDOW <= SENDS_KEPT_SECS && IP_WINDOW <= SENDS_KEPT_SECS);
/// The alerts of an account are counted over the budget's day: one read serves both.
const _: () = assert!(Limit::AlertsPerAccountPerDay.window_secs() == DAY_WINDOW);

/// How much longer the purge keeps what a count may still read: a request that read
/// the clock before a purge may be decided after it.
const CLOCK_SLACK_SECS: i64 = 3600;

/// A session's last use is written at most once a minute: reading a session is
/// then a read, not a write, for nearly every request.
pub(super) const TOUCH_EVERY_SECS: i64 = 60;

pub(super) fn needs_touch(last_seen_at: i64, now: i64) -> bool {
    now - last_seen_at >= TOUCH_EVERY_SECS
}

/// The lock rule, written once: when the lock of `phone` in `allowance` ends — `window`
/// after the oldest of its last `limit` wrong codes since `since` — as a subquery
/// that has no row while the phone is not locked.
fn lock_until(phone: &str, allowance: &str, since: &str, window: &str, limit: &str) -> String {
    format!(
        "SELECT f.at + {window} FROM failed_attempts f
         WHERE f.phone = {phone} AND f.allowance = {allowance} AND f.at > {since}
         ORDER BY f.at DESC LIMIT 1 OFFSET {limit} - 1"
    )
}

/// What a send's history is read from, as SQL expressions: where it goes (`phone`,
/// on `allowance`), where it comes from (`ip`), when (`now`), and the policy's limits
/// per phone, per address, and of wrong codes.
pub(super) struct HistoryOf<'a> {
    pub(super) phone: &'a str,
    pub(super) ip: &'a str,
    pub(super) allowance: &'a str,
    pub(super) now: &'a str,
    pub(super) per_phone: &'a str,
    pub(super) per_ip: &'a str,
    pub(super) failures: &'a str,
}

/// The columns of a send's history (`HistoryRow`). Each count stops at its limit:
/// knowing that a limit is reached is all the policy needs, and no count reads more
/// rows than its limit allows. The day's count reads the running totals, two rows.
pub(super) fn history_columns(h: &HistoryOf) -> String {
    let HistoryOf {
        phone,
        ip,
        allowance,
        now,
        per_phone,
        per_ip,
        failures,
    } = h;
    let since = |window: i64| format!("({now} - {window})");
    let (last_sent_since, phone_since, ip_since) = (
        since(Policy::LAST_SENT_WINDOW),
        since(PHONE_WINDOW),
        since(IP_WINDOW),
    );
    format!(
        "(SELECT MAX(sent_at) FROM sms_sends
          WHERE phone = {phone} AND allowance = {allowance} AND sent_at > {last_sent_since})
          AS last_sent,
         (SELECT COUNT(*) FROM
            (SELECT 1 FROM sms_sends
             WHERE phone = {phone} AND allowance = {allowance} AND sent_at > {phone_since}
             LIMIT {per_phone}) AS p) AS to_phone,
         (SELECT COUNT(*) FROM
            (SELECT 1 FROM sms_sends WHERE ip = {ip} AND sent_at > {ip_since}
             LIMIT {per_ip}) AS i) AS from_ip,
         {} AS of_day,
         ({}) AS locked_until",
        sends_since(&since(DAY_WINDOW)),
        lock_until(
            phone,
            allowance,
            &since(FAILURES_WINDOW),
            &FAILURES_WINDOW.to_string(),
            failures
        )
    )
}

/// The sends (code SMS and alerts) made after `since`: the running total now, less
/// the total as it stood at `since`. `sms_send_totals` holds, for each second a send
/// was made in, how many sends were made up to its end.
pub(super) fn sends_since(since: &str) -> String {
    format!(
        "(COALESCE((SELECT total FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
          - COALESCE((SELECT total FROM sms_send_totals WHERE second <= {since}
                      ORDER BY second DESC LIMIT 1), 0))"
    )
}

/// Counts one more send at `second` in the running totals: in the totals of the
/// seconds after it (there are some only when an instance's clock is behind
/// another's), then in its own second's, which starts from the last total before it.
pub(super) fn count_send(second: &str) -> [String; 2] {
    [
        format!("UPDATE sms_send_totals SET total = total + 1 WHERE second > {second}"),
        format!(
            "INSERT INTO sms_send_totals (second, total)
             VALUES ({second}, COALESCE((SELECT t.total FROM sms_send_totals t
                                         WHERE t.second <= {second}
                                         ORDER BY t.second DESC LIMIT 1), 0) + 1)
             ON CONFLICT (second) DO UPDATE SET total = excluded.total"
        ),
    ]
}

/// One more send at $1 in the running totals.
pub(super) static COUNT_SEND: LazyLock<[String; 2]> = LazyLock::new(|| count_send("$1"));

/// What an alert to the account $1 about the device $2 (`''` for none) is decided
/// on: whether the device was alerted about, the alerts to the phone $3 (allowance
/// $4) and the sends of the service since $5.
pub(super) static ALERT_HISTORY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT
           EXISTS (SELECT 1 FROM device_alerts WHERE account_id = $1 AND device_hash = $2),
           (SELECT COUNT(*) FROM sms_sends
            WHERE phone = $3 AND allowance = $4 AND sent_at > $5),
           {}",
        sends_since("$5")
    )
});

/// Uncounts the send $1 from the running totals (before its row goes).
pub(super) const UNCOUNT_SEND: &str = "UPDATE sms_send_totals SET total = total - 1
     WHERE second >= (SELECT sent_at FROM sms_sends WHERE id = $1)";

/// The code $1, with when its phone's lock (in the code's allowance) ends: the
/// failures since $2, the window $3, the limit $4.
pub(super) static VERIFICATION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT phone, code_digest, expires_at, failed_tries, consumed_at, allowance,
           ({}) AS phone_locked_until
         FROM verifications v WHERE id_hash = $1",
        lock_until("v.phone", "v.allowance", "$2", "$3", "$4")
    )
});

/// Counts a wrong guess on the code $1 if it has a try left (fewer than $2) and its
/// phone $3 is not locked in the allowance $6 (failures since $4, the window $7,
/// the limit $5): the try and the lock are decided by this one statement.
pub(super) static COUNT_WRONG_GUESS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE verifications SET failed_tries = failed_tries + 1
         WHERE id_hash = $1 AND consumed_at IS NULL AND failed_tries < $2
           AND NOT EXISTS ({})
         RETURNING failed_tries",
        lock_until("$3", "$6", "$4", "$7", "$5")
    )
});

/// When the lock of phone $1 in allowance $2 ends (failures since $3, the window $4,
/// the limit $5); no row while it is not locked.
pub(super) static LOCK_UNTIL: LazyLock<String> =
    LazyLock::new(|| lock_until("$1", "$2", "$3", "$4", "$5"));

/// Whether the device `device_hash` (`''` for none) is known to the account
/// `account`: it holds a session of the account, or is remembered after its last one.
pub(super) fn device_known(account: &str, device_hash: &str) -> String {
    format!(
        "({device_hash} <> '' AND (
           EXISTS (SELECT 1 FROM sessions ks
                   WHERE ks.account_id = {account} AND ks.device_hash = {device_hash})
        OR EXISTS (SELECT 1 FROM known_devices kd
                   WHERE kd.account_id = {account} AND kd.id_hash = {device_hash})))"
    )
}

/// Whether the account `account` signed in from `country` since `since`: a live
/// session from there, or one remembered after it ended.
pub(super) fn country_known(account: &str, country: &str, since: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM sessions ks
                  WHERE ks.account_id = {account} AND ks.country = {country}
                    AND ks.created_at > {since})
       OR EXISTS (SELECT 1 FROM account_countries kc
                  WHERE kc.account_id = {account} AND kc.country = {country}
                    AND kc.last_seen_at > {since}))"
    )
}

/// What is new about a sign-in to the account `account` (an `accounts` row, after
/// the sign-in counted itself in `sign_ins`) from `device_hash` and `country`, as a
/// session keeps it and its activity event tells it: `first` (nothing to compare
/// with), a device it does not know and/or a country it has not signed in from since
/// `since` (`Novelty::session_key`), else `known`.
pub(super) fn novelty_key(account: &str, device_hash: &str, country: &str, since: &str) -> String {
    let new_device = format!(
        "NOT {}",
        device_known(&format!("{account}.id"), device_hash)
    );
    let new_country = format!(
        "({country} <> '' AND NOT {})",
        country_known(&format!("{account}.id"), country, since)
    );
    format!(
        "CASE WHEN {account}.sign_ins = 1 THEN 'first'
              WHEN {new_device} AND {new_country} THEN 'device,country'
              WHEN {new_device} THEN 'device'
              WHEN {new_country} THEN 'country'
              ELSE 'known' END"
    )
}

/// What a phone's account knows of a browser's device (`''` for none) and of a
/// country (signed in from since a time); the allowance the browser draws on (the
/// device's own once the account knows it); and the history of a send to the phone
/// on it from an address at a time, with the limits per phone, per address and of
/// wrong codes: placeholders `p(1)` to `p(9)` in that order. One row, with or without
/// an account.
pub(super) fn standing_sql(p: &dyn Fn(usize) -> String) -> String {
    format!(
        "WITH account AS (
            SELECT a.id, {} AS device_known, {} AS country_known
            FROM accounts a WHERE a.phone = {phone}),
         chosen AS (
            SELECT CASE WHEN EXISTS (SELECT 1 FROM account WHERE device_known) THEN {device}
                        ELSE '' END AS allowance_key)
         SELECT account.id AS account_id,
                COALESCE(account.country_known, FALSE) AS country_known,
                chosen.allowance_key, {}
         FROM chosen LEFT JOIN account ON TRUE",
        device_known("a.id", &p(2)),
        country_known("a.id", &p(3), &p(4)),
        history_columns(&HistoryOf {
            phone: &p(1),
            ip: &p(5),
            allowance: "chosen.allowance_key",
            now: &p(6),
            per_phone: &p(7),
            per_ip: &p(8),
            failures: &p(9),
        }),
        phone = p(1),
        device = p(2),
    )
}

/// The allowance alerts are counted under in `sms_sends`: neither the number's
/// shared one (`''`) nor a device's (a 64-digit hash), so alerts count in the daily
/// budget but never in a phone's own caps; and no address (`ip = ''`).
pub(super) const ALERT_ALLOWANCE: &str = "alert";

/// An event of the account of phone $1, if it has one: at $2, kind $3, device $4,
/// country $5, network $6, detail $7, the SMS $8 it is about (or NULL).
pub(super) const EVENT_BY_PHONE: &str =
    "INSERT INTO security_events (account_id, at, kind, device, country, network, detail, send_id)
     SELECT id, $2, $3, $4, $5, $6, $7, $8 FROM accounts WHERE phone = $1";

/// An event of the account $1: at $2, kind $3, device $4, country $5, network $6,
/// detail $7.
pub(super) const EVENT_OF_ACCOUNT: &str =
    "INSERT INTO security_events (account_id, at, kind, device, country, network, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// Records the end of the sessions `condition` picks, with the time `now` and who
/// ended them `by` (placeholders), before they go.
pub(super) fn sessions_ended(condition: &str, now: &str, by: &str) -> String {
    format!(
        "INSERT INTO security_events (account_id, at, kind, device, country, network, detail)
         SELECT account_id, {now}, 'session_ended', device, country, network, {by}
         FROM sessions WHERE {condition}"
    )
}

/// What a session leaves behind when it goes, for the sessions `condition` picks.
/// While a session lives, the account knows its device (`sessions.device_hash`) and
/// its country, and the activity shows its sign-in, all from its own row: the
/// sign-in writes nothing more than the session. When it ends, these statements keep
/// them: its device, known until its cookie would have expired; its country, known
/// for 180 days; its sign-in, in the activity for 90 days.
pub(super) fn remember_sessions(condition: &str) -> [String; 3] {
    [
        format!(
            "INSERT INTO known_devices
               (account_id, id_hash, first_seen_at, last_seen_at, name, country)
             SELECT account_id, device_hash, MIN(created_at), MAX(last_seen_at), MAX(device),
                    MAX(country)
             FROM sessions
             WHERE device_hash <> '' AND {condition}
             GROUP BY account_id, device_hash
             ON CONFLICT (account_id, id_hash) DO UPDATE SET
               name = excluded.name, country = excluded.country,
               last_seen_at = CASE WHEN excluded.last_seen_at > known_devices.last_seen_at
                    THEN excluded.last_seen_at ELSE known_devices.last_seen_at END"
        ),
        format!(
            "INSERT INTO account_countries (account_id, country, last_seen_at)
             SELECT account_id, country, MAX(created_at) FROM sessions
             WHERE country <> '' AND {condition}
             GROUP BY account_id, country
             ON CONFLICT (account_id, country) DO UPDATE SET last_seen_at =
               CASE WHEN excluded.last_seen_at > account_countries.last_seen_at
                    THEN excluded.last_seen_at ELSE account_countries.last_seen_at END"
        ),
        record_sign_ins(condition),
    ]
}

/// The sign-ins of the sessions `condition` picks, into the activity (a session's
/// `novelty` is its sign-in's detail).
pub(super) fn record_sign_ins(condition: &str) -> String {
    format!(
        "INSERT INTO security_events (account_id, at, kind, device, country, network, detail)
         SELECT account_id, created_at, {SIGN_IN_KIND}, device, country, network, novelty
         FROM sessions WHERE {condition}"
    )
}

/// The account $1's activity since $2, newest first, at most $3 events: the events
/// kept, and the sign-ins of its live sessions. Events of one second are told in the
/// order a sign-in makes them.
pub(super) static ACTIVITY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT at, kind, device, country, network, detail FROM (
        SELECT at, kind, device, country, network, detail, id FROM security_events
        WHERE account_id = $1 AND at > $2
      UNION ALL
        SELECT created_at, {SIGN_IN_KIND}, device, country, network, novelty, NULL FROM sessions
        WHERE account_id = $1 AND created_at > $2) AS activity
    ORDER BY at DESC,
      CASE kind WHEN 'session_ended' THEN 0 WHEN 'alert_sent' THEN 1 WHEN 'alert_failed' THEN 1
                WHEN 'sign_in' THEN 2 WHEN 'passkey_sign_in' THEN 2 WHEN 'locked' THEN 3
                WHEN 'wrong_code' THEN 4 ELSE 5 END,
      id DESC NULLS FIRST
    LIMIT $3"
    )
});

/// A session's sign-in as an activity event's kind.
const SIGN_IN_KIND: &str = "CASE method WHEN 'passkey' THEN 'passkey_sign_in' ELSE 'sign_in' END";

/// One step of the purge: a statement and the time before which it removes rows.
pub(super) struct PurgeStep {
    pub(super) sql: String,
    pub(super) before: i64,
    /// Whether its rows are removed ones (the steps that remember sessions add rows).
    pub(super) removes: bool,
}

/// What the purge deletes, each with how far back it keeps rows.
pub(super) fn purge_steps(now: i64, limits: SessionLimits) -> Vec<PurgeStep> {
    let removes = |sql: &str, before: i64| PurgeStep {
        sql: sql.to_owned(),
        before,
        removes: true,
    };
    let mut steps = vec![
        removes(
            "DELETE FROM verifications WHERE expires_at <= $1",
            now - EXPIRED_CODES_KEPT_SECS,
        ),
        removes(
            "DELETE FROM sms_sends WHERE sent_at <= $1",
            now - SENDS_KEPT_SECS,
        ),
        // The running totals keep the seconds a day's count may start from: the last
        // one at or before a day (and the clock's slack) ago, and those after it.
        removes(
            "DELETE FROM sms_send_totals
             WHERE second < (SELECT MAX(second) FROM sms_send_totals WHERE second <= $1)",
            now - DAY_WINDOW - CLOCK_SLACK_SECS,
        ),
        removes(
            "DELETE FROM failed_attempts WHERE at <= $1",
            now - FAILURES_WINDOW,
        ),
        // Used or expired, a ceremony stays an hour: a late or repeated answer is told
        // so, and the starts of an address are counted over the hour.
        removes(
            "DELETE FROM passkey_ceremonies WHERE created_at <= $1",
            now - Limit::PasskeyStartsPerIpPerHour.window_secs(),
        ),
    ];
    for (condition, before) in [
        ("last_seen_at <= $1", now - limits.idle_secs),
        ("created_at <= $1", now - limits.absolute_secs),
    ] {
        for sql in remember_sessions(condition) {
            steps.push(PurgeStep {
                sql,
                before,
                removes: false,
            });
        }
        steps.push(removes(
            &format!("DELETE FROM sessions WHERE {condition}"),
            before,
        ));
    }
    // As long as the device cookie lives after the device's last sign-in.
    steps.push(removes(
        "DELETE FROM known_devices WHERE last_seen_at <= $1",
        now - DEVICE_COOKIE_SECS,
    ));
    // An alert's claim lives as long as the account knows its device.
    steps.push(removes(
        "DELETE FROM device_alerts WHERE at <= $1
           AND NOT EXISTS (SELECT 1 FROM known_devices k
                           WHERE k.account_id = device_alerts.account_id
                             AND k.id_hash = device_alerts.device_hash)
           AND NOT EXISTS (SELECT 1 FROM sessions s
                           WHERE s.account_id = device_alerts.account_id
                             AND s.device_hash = device_alerts.device_hash)",
        now - DEVICE_COOKIE_SECS,
    ));
    steps.push(removes(
        "DELETE FROM security_events WHERE at <= $1",
        now - ACTIVITY_KEEP_SECS,
    ));
    steps.push(removes(
        "DELETE FROM account_countries WHERE last_seen_at <= $1",
        now - COUNTRY_MEMORY_SECS,
    ));
    steps
}

/// Ends the sessions `ending` picks, in a transaction of their own, keeping what
/// they leave behind (`remember_sessions`); the sessions ended.
async fn end_remembered<E: Engine>(
    store: &E,
    ending: Ending<'_>,
    now: i64,
    by: EndedBy,
) -> Result<u64, sqlx::Error>
where
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    for<'a> &'a str: Bind<'a, Db<E>>,
{
    let mut tx = store.decision().await?;
    let keep = remember_sessions(ending.condition());
    let ended = end_sessions::<E>(&mut tx, &keep, ending, now, by).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Which sessions end: the condition that picks them, with its binds.
#[derive(Clone, Copy)]
pub(super) enum Ending<'a> {
    /// The session `$1` (its browser signed out).
    Session(&'a str),
    /// The session `$2` of the account `$1`.
    OfAccount(i64, &'a str),
    /// The session `$2` of the account `$1`, and every other of its device `$3` (none
    /// for a session that has no device id).
    Device(i64, &'a str, &'a str),
    /// Every session of the account `$1` but `$2`.
    AllBut(i64, &'a str),
}

impl Ending<'_> {
    const fn condition(self) -> &'static str {
        match self {
            Ending::Session(_) => "id_hash = $1",
            Ending::OfAccount(..) => "account_id = $1 AND id_hash = $2",
            Ending::Device(..) => {
                "account_id = $1 AND (id_hash = $2 OR (device_hash <> '' AND device_hash = $3))"
            }
            Ending::AllBut(..) => "account_id = $1 AND id_hash <> $2",
        }
    }

    /// How many placeholders the condition has.
    const fn binds(self) -> usize {
        match self {
            Ending::Session(_) => 1,
            Ending::OfAccount(..) | Ending::AllBut(..) => 2,
            Ending::Device(..) => 3,
        }
    }

    fn bind<'q, DB: Database>(
        self,
        query: sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>,
    ) -> sqlx::query::Query<'q, DB, <DB as Database>::Arguments<'q>>
    where
        Self: 'q,
        i64: Column<DB>,
        for<'a> &'a str: Bind<'a, DB>,
    {
        match self {
            Ending::Session(id) => query.bind(id),
            Ending::OfAccount(account, id) | Ending::AllBut(account, id) => {
                query.bind(account).bind(id)
            }
            Ending::Device(account, id, device) => query.bind(account).bind(id).bind(device),
        }
    }
}

/// Ends the sessions `ending` picks: runs `keep` (what they leave behind:
/// `remember_sessions`, or only their sign-ins for "not me"), records their end at
/// `now` by `by`, then deletes them; the rows deleted. Inside a transaction of the
/// store.
pub(super) async fn end_sessions<E: Engine>(
    tx: &mut Conn<E>,
    keep: &[String],
    ending: Ending<'_>,
    now: i64,
    by: EndedBy,
) -> Result<u64, sqlx::Error>
where
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    for<'a> &'a str: Bind<'a, Db<E>>,
{
    for statement in keep {
        ending
            .bind(sqlx::query(statement))
            .execute(&mut *tx)
            .await?;
    }
    let after = ending.binds();
    let ended = sessions_ended(
        ending.condition(),
        &format!("${}", after + 1),
        &format!("${}", after + 2),
    );
    ending
        .bind(sqlx::query(&ended))
        .bind(now)
        .bind(by.as_str())
        .execute(&mut *tx)
        .await?;
    let delete = format!("DELETE FROM sessions WHERE {}", ending.condition());
    let deleted = ending.bind(sqlx::query(&delete)).execute(&mut *tx).await?;
    Ok(E::rows_affected(&deleted))
}

#[async_trait::async_trait]
impl<E> Store for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    bool: Column<Db<E>>,
    String: Column<Db<E>>,
    Vec<u8>: Column<Db<E>>,
    Option<i64>: Column<Db<E>>,
    Option<String>: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'q> &'q [u8]: Bind<'q, Db<E>>,
    for<'a> &'a str: ColumnIndex<<Db<E> as Database>::Row>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
{
    async fn standing(
        &self,
        phone: &Phone,
        device_hash: Option<&str>,
        from: &Footprint,
        ip: &str,
        now: i64,
        policy: &Policy,
    ) -> Result<Standing, AppError> {
        let row = self
            .standing_row(StandingOf {
                phone: phone.e164().to_owned(),
                device_hash: device_hash.unwrap_or("").to_owned(),
                country: from.country.clone(),
                country_since: now - COUNTRY_MEMORY_SECS,
                ip: ip.to_owned(),
                now,
                per_phone: i64::from(policy.limit(Limit::SmsPerPhonePerHour)),
                per_ip: i64::from(policy.limit(Limit::SmsPerIpPerHour)),
                failures: i64::from(policy.limit(Limit::PhoneFailuresPerHour)),
            })
            .await?;
        Ok(row.into())
    }

    async fn reserve_code(
        &self,
        code: NewVerification<'_>,
        ip: &str,
        from: &Footprint,
        policy: &Policy,
    ) -> Result<SendTicket, AppError> {
        sends::reserve(
            self.sends(),
            SendJob {
                phone: code.phone.e164().to_owned(),
                allowance: code.allowance.key().to_owned(),
                ip: ip.to_owned(),
                now: code.created_at,
                from: from.clone(),
                policy: policy.clone(),
                id_hash: code.id_hash.to_owned(),
                replaces: code.replaces.map(str::to_owned),
                code_digest: code.code_digest.to_vec(),
                expires_at: code.expires_at,
            },
        )
        .await
    }

    async fn release_sms(&self, ticket: SendTicket) -> Result<(), AppError> {
        let mut tx = self.decision().await?;
        // The running totals are written by reservations, which take this
        // turn too: a release between their read and their write is not lost.
        Self::serialize_sends(&mut tx).await?;
        sqlx::query("DELETE FROM security_events WHERE send_id = $1")
            .bind(ticket.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(UNCOUNT_SEND)
            .bind(ticket.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sms_sends WHERE id = $1")
            .bind(ticket.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn claim_alert(
        &self,
        account_id: i64,
        phone: &Phone,
        device_hash: Option<&str>,
        now: i64,
        policy: &Policy,
    ) -> Result<AlertClaim, AppError> {
        let mut tx = self.decision().await?;
        Self::serialize_sends(&mut tx).await?;
        let (alerted, alerts_today, sent_today): (bool, i64, i64) = sqlx::query_as(&ALERT_HISTORY)
            .bind(account_id)
            .bind(device_hash.unwrap_or(""))
            .bind(phone.e164())
            .bind(ALERT_ALLOWANCE)
            .bind(now - DAY_WINDOW)
            .fetch_one(&mut *tx)
            .await?;
        let refused = if alerted {
            Some(AlertClaim::AlreadyAlerted)
        } else if alerts_today >= i64::from(policy.limit(Limit::AlertsPerAccountPerDay)) {
            Some(AlertClaim::DailyCap)
        } else if sent_today >= i64::from(policy.limit(Limit::SmsPerDay)) {
            Some(AlertClaim::Budget)
        } else {
            None
        };
        if let Some(refused) = refused {
            return Ok(refused);
        }
        if let Some(device_hash) = device_hash {
            sqlx::query(
                "INSERT INTO device_alerts (account_id, device_hash, at) VALUES ($1, $2, $3)",
            )
            .bind(account_id)
            .bind(device_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sms_sends (phone, ip, sent_at, allowance) VALUES ($1, '', $2, $3)
             RETURNING id",
        )
        .bind(phone.e164())
        .bind(now)
        .bind(ALERT_ALLOWANCE)
        .fetch_one(&mut *tx)
        .await?;
        for statement in COUNT_SEND.iter() {
            sqlx::query(statement).bind(now).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(AlertClaim::Granted(SendTicket(id)))
    }

    async fn record_event(
        &self,
        account_id: i64,
        kind: EventKind,
        from: &Footprint,
        detail: &str,
        now: i64,
    ) -> Result<(), AppError> {
        sqlx::query(EVENT_OF_ACCOUNT)
            .bind(account_id)
            .bind(now)
            .bind(kind.as_str())
            .bind(&from.device)
            .bind(&from.country)
            .bind(&from.network)
            .bind(detail)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn activity(
        &self,
        account_id: i64,
        since: i64,
        limit: u32,
    ) -> Result<Vec<ActivityEvent>, AppError> {
        Ok(sqlx::query_as(&ACTIVITY)
            .bind(account_id)
            .bind(since)
            .bind(i64::from(limit))
            .fetch_all(self.reader())
            .await?)
    }

    async fn last_sms_to(
        &self,
        phone: &Phone,
        allowance: &Allowance,
        now: i64,
    ) -> Result<Option<i64>, AppError> {
        Ok(sqlx::query_scalar(
            "SELECT MAX(sent_at) FROM sms_sends
             WHERE phone = $1 AND allowance = $2 AND sent_at > $3",
        )
        .bind(phone.e164())
        .bind(allowance.key())
        .bind(now - Policy::LAST_SENT_WINDOW)
        .fetch_one(self.reader())
        .await?)
    }

    async fn delete_verification(&self, id_hash: &str) -> Result<(), AppError> {
        sqlx::query("DELETE FROM verifications WHERE id_hash = $1")
            .bind(id_hash)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn verification(
        &self,
        id_hash: &str,
        now: i64,
        policy: &Policy,
    ) -> Result<Option<Verification>, AppError> {
        let row: Option<VerificationRow> = sqlx::query_as(&VERIFICATION)
            .bind(id_hash)
            .bind(now - FAILURES_WINDOW)
            .bind(FAILURES_WINDOW)
            .bind(i64::from(policy.limit(Limit::PhoneFailuresPerHour)))
            .fetch_optional(self.reader())
            .await?;
        Ok(row.map(Into::into))
    }

    async fn record_wrong_guess(
        &self,
        id_hash: &str,
        phone: &Phone,
        allowance: &Allowance,
        from: &Footprint,
        now: i64,
        policy: &Policy,
    ) -> Result<WrongGuess, AppError> {
        let mut tx = self.decision().await?;
        Self::serialize_guesses(&mut tx, phone).await?;
        let tries: Option<i64> = sqlx::query_scalar(&COUNT_WRONG_GUESS)
            .bind(id_hash)
            .bind(i64::from(policy.max_tries))
            .bind(phone.e164())
            .bind(now - FAILURES_WINDOW)
            .bind(i64::from(policy.limit(Limit::PhoneFailuresPerHour)))
            .bind(allowance.key())
            .bind(FAILURES_WINDOW)
            .fetch_optional(&mut *tx)
            .await?;
        if tries.is_some() {
            sqlx::query("INSERT INTO failed_attempts (phone, at, allowance) VALUES ($1, $2, $3)")
                .bind(phone.e164())
                .bind(now)
                .bind(allowance.key())
                .execute(&mut *tx)
                .await?;
        }
        let phone_locked_until: Option<i64> = sqlx::query_scalar(&LOCK_UNTIL)
            .bind(phone.e164())
            .bind(allowance.key())
            .bind(now - FAILURES_WINDOW)
            .bind(FAILURES_WINDOW)
            .bind(i64::from(policy.limit(Limit::PhoneFailuresPerHour)))
            .fetch_optional(&mut *tx)
            .await?;
        if tries.is_some() {
            // The guess that locks the phone is a lock in the activity.
            let (kind, detail) = match phone_locked_until {
                Some(until) => (EventKind::Locked, until.to_string()),
                None => (EventKind::WrongCode, String::new()),
            };
            sqlx::query(EVENT_BY_PHONE)
                .bind(phone.e164())
                .bind(now)
                .bind(kind.as_str())
                .bind(&from.device)
                .bind(&from.country)
                .bind(&from.network)
                .bind(detail)
                .bind(None::<i64>)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(WrongGuess {
            tries: tries.map(count),
            phone_locked_until,
        })
    }

    async fn complete_sign_in(
        &self,
        id_hash: &str,
        session: NewSession<'_>,
        now: i64,
        max_tries: u32,
    ) -> Result<Option<SignedIn>, AppError> {
        let signed_in: Option<SignInRow> = self.sign_in(id_hash, session, now, max_tries).await?;
        Ok(signed_in.map(Into::into))
    }

    async fn session_account(
        &self,
        session_hash: &str,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<LiveSession>, AppError> {
        let row: Option<SessionAccountRow> = sqlx::query_as(
            "SELECT a.id, a.phone, a.created_at, a.last_sign_in_at, s.last_seen_at,
                    s.method, s.created_at AS signed_in_at
             FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.id_hash = $1 AND s.last_seen_at > $2 - $3 AND s.created_at > $2 - $4",
        )
        .bind(session_hash)
        .bind(now)
        .bind(limits.idle_secs)
        .bind(limits.absolute_secs)
        .fetch_optional(self.reader())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        if needs_touch(row.last_seen_at, now) {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(now)
                .bind(session_hash)
                .execute(self.writer())
                .await?;
        }
        Ok(Some(row.into()))
    }

    async fn delete_session(&self, session_hash: &str, now: i64) -> Result<(), AppError> {
        end_remembered(self, Ending::Session(session_hash), now, EndedBy::SignOut).await?;
        Ok(())
    }

    async fn sessions_of(
        &self,
        account_id: i64,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Vec<SessionInfo>, AppError> {
        Ok(sqlx::query_as(
            "SELECT id_hash, created_at, last_seen_at, device, country, novelty, method
             FROM sessions
             WHERE account_id = $1 AND last_seen_at > $2 - $3 AND created_at > $2 - $4
             ORDER BY last_seen_at DESC, created_at DESC",
        )
        .bind(account_id)
        .bind(now)
        .bind(limits.idle_secs)
        .bind(limits.absolute_secs)
        .fetch_all(self.reader())
        .await?)
    }

    async fn delete_session_of(
        &self,
        account_id: i64,
        session_hash: &str,
        now: i64,
    ) -> Result<(), AppError> {
        let ending = Ending::OfAccount(account_id, session_hash);
        end_remembered(self, ending, now, EndedBy::OtherSession).await?;
        Ok(())
    }

    async fn disown_session(
        &self,
        account_id: i64,
        session_hash: &str,
        now: i64,
    ) -> Result<bool, AppError> {
        let mut tx = self.decision().await?;
        let device_hash: Option<String> = sqlx::query_scalar(
            "SELECT device_hash FROM sessions WHERE account_id = $1 AND id_hash = $2",
        )
        .bind(account_id)
        .bind(session_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(device_hash) = device_hash else {
            return Ok(false);
        };
        // Its sign-ins stay in the activity; its device and country are not
        // remembered for the account.
        let ending = Ending::Device(account_id, session_hash, &device_hash);
        let keep = [record_sign_ins(ending.condition())];
        end_sessions::<E>(&mut tx, &keep, ending, now, EndedBy::NotMe).await?;
        for forget in [
            "DELETE FROM known_devices WHERE account_id = $1 AND id_hash = $2",
            "DELETE FROM device_alerts WHERE account_id = $1 AND device_hash = $2",
        ] {
            sqlx::query(forget)
                .bind(account_id)
                .bind(&device_hash)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn delete_other_sessions(
        &self,
        account_id: i64,
        keep_hash: &str,
        now: i64,
    ) -> Result<u64, AppError> {
        let ending = Ending::AllBut(account_id, keep_hash);
        Ok(end_remembered(self, ending, now, EndedBy::OtherSession).await?)
    }

    async fn outbox_push(&self, destination: &str, text: &str, now: i64) -> Result<(), AppError> {
        sqlx::query("INSERT INTO dev_outbox (destination, text, created_at) VALUES ($1, $2, $3)")
            .bind(destination)
            .bind(text)
            .bind(now)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, AppError> {
        Ok(sqlx::query_as(
            "SELECT destination, text, created_at FROM dev_outbox ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?)
    }

    async fn purge(&self, now: i64, limits: SessionLimits) -> Result<u64, AppError> {
        let Some(mut tx) = self.purge_turn().await? else {
            return Ok(0);
        };
        let mut removed = 0;
        for step in purge_steps(now, limits) {
            let done = sqlx::query(&step.sql)
                .bind(step.before)
                .execute(&mut *tx)
                .await?;
            let rows = E::rows_affected(&done);
            if step.removes {
                removed += rows;
            }
        }
        tx.commit().await?;
        Ok(removed)
    }

    async fn ping(&self) -> Result<(), AppError> {
        sqlx::query("SELECT 1").execute(self.reader()).await?;
        Ok(())
    }
}
