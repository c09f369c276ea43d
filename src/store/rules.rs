//! The rules several statements share, each spelt once. A statement that applies a
//! rule is a constant written out in full beside the function that binds it (so it
//! reads as the database runs it); the tests here hold every such constant to the
//! rule's one spelling, with the operands it applies it to. Change a rule here, and
//! the tests name each statement to change with it.

use crate::{
    otp::Policy,
    store::{
        codes::FAILURES_WINDOW,
        passkeys::credentials::OPEN_PASSKEY_SESSION,
        postgres::{HISTORIES, SIGN_IN as PG_SIGN_IN},
        sends::{
            history::{COUNT_SEND, DAY_WINDOW, IP_WINDOW, PHONE_WINDOW},
            standing::STANDING,
            ALERT_HISTORY, BUDGET_SPEND,
        },
        sqlite::{
            sends::{HISTORY, RECORD},
            sign_in::SIGN_IN as SQLITE_SIGN_IN,
        },
    },
};

/// Whether the device `device_hash` (NULL for none) is known to the account
/// `account`: it holds a session of the account, or is remembered after its last one.
fn device_known(account: &str, device_hash: &str) -> String {
    format!(
        "({device_hash} IS NOT NULL AND (
           EXISTS (SELECT 1 FROM sessions ks
                   WHERE ks.account_id = {account} AND ks.device_hash = {device_hash})
        OR EXISTS (SELECT 1 FROM known_devices kd
                   WHERE kd.account_id = {account} AND kd.id_hash = {device_hash})))"
    )
}

/// Whether the account `account` signed in from `country` since `since`: a live
/// session from there, or one remembered after it ended.
fn country_known(account: &str, country: &str, since: &str) -> String {
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
/// `since` (as `Novelty` words it), else `known`.
fn novelty_key(account: &str, device_hash: &str, country: &str, since: &str) -> String {
    let new_device = format!(
        "NOT {}",
        device_known(&format!("{account}.id"), device_hash)
    );
    let new_country = format!(
        "({country} IS NOT NULL AND NOT {})",
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

/// What a send's history is read from, as SQL expressions: where it goes (`phone`,
/// on `allowance`), where it comes from (`ip`), when (`now`), and the policy's limits
/// per phone, per address, and of wrong codes.
struct HistoryOf<'a> {
    phone: &'a str,
    ip: &'a str,
    allowance: &'a str,
    now: &'a str,
    per_phone: &'a str,
    per_ip: &'a str,
    failures: &'a str,
}

/// The columns of a send's history (`HistoryRow`). Each count stops at its limit:
/// knowing that a limit is reached is all the policy needs, and no count reads more
/// rows than its limit allows. The day's count reads the running totals, two rows.
fn history_columns(h: &HistoryOf) -> String {
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
    let (last_sent_since, phone_since, ip_since, failures_since) = (
        since(Policy::LAST_SENT_WINDOW),
        since(PHONE_WINDOW),
        since(IP_WINDOW),
        since(FAILURES_WINDOW),
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
         {} AS of_day_new,
         (SELECT f.at + {FAILURES_WINDOW} FROM failed_attempts f
          WHERE f.phone = {phone} AND f.allowance = {allowance} AND f.at > {failures_since}
          ORDER BY f.at DESC LIMIT 1 OFFSET {failures} - 1) AS locked_until",
        sends_since(&since(DAY_WINDOW)),
        running_since("new_total", &since(DAY_WINDOW)),
    )
}

/// The sends (code SMS and alerts) made after `since`: the running total now, less
/// the total as it stood at `since`. `sms_send_totals` holds, for each second a send
/// was made in, how many sends were made up to its end (`total`), and how many of
/// them were codes to new numbers (`new_total`).
fn sends_since(since: &str) -> String {
    running_since("total", since)
}

/// What the running total `column` grew by after `since`.
fn running_since(column: &str, since: &str) -> String {
    format!(
        "(COALESCE((SELECT {column} FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
          - COALESCE((SELECT {column} FROM sms_send_totals WHERE second <= {since}
                      ORDER BY second DESC LIMIT 1), 0))"
    )
}

/// Counts one more send at `second`, of the lane `lane` (its word), in the running
/// totals: in the totals of the seconds after it (there are some only when an
/// instance's clock is behind another's), then in its own second's, which starts
/// from the last totals before it.
fn count_send(second: &str, lane: &str) -> [String; 2] {
    let new = format!("CASE WHEN {lane} = 'new' THEN 1 ELSE 0 END");
    let last = |column: &str| {
        format!(
            "COALESCE((SELECT t.{column} FROM sms_send_totals t
                       WHERE t.second <= {second}
                       ORDER BY t.second DESC LIMIT 1), 0)"
        )
    };
    [
        format!(
            "UPDATE sms_send_totals SET total = total + 1, new_total = new_total + {new}
             WHERE second > {second}"
        ),
        format!(
            "INSERT INTO sms_send_totals (second, total, new_total)
             VALUES ({second}, {} + 1, {} + {new})
             ON CONFLICT (second) DO UPDATE SET total = excluded.total,
               new_total = excluded.new_total",
            last("total"),
            last("new_total"),
        ),
    ]
}

/// What a phone's account knows of a browser's device (NULL for none) and of a
/// country (signed in from since a time); the allowance the browser draws on (the
/// device's own once the account knows it); and the history of a send to the phone
/// on it from an address at a time, with the limits per phone, per address and of
/// wrong codes: placeholders `p(1)` to `p(9)` in that order. One row, with or without
/// an account.
fn standing_sql(p: &dyn Fn(usize) -> String) -> String {
    format!(
        "WITH account AS (
            SELECT a.id, {} AS device_known, {} AS country_known
            FROM accounts a WHERE a.phone = {phone}),
         chosen AS (
            SELECT CASE WHEN EXISTS (SELECT 1 FROM account WHERE device_known) THEN {device}
                        ELSE 'shared' END AS allowance_key)
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

/// A statement's words, one space apart: spelling, not layout, is compared.
fn squeeze(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `statement` applies the rule `spelt`, word for word.
fn applies(statement: &str, spelt: &str) -> bool {
    squeeze(statement).contains(&squeeze(spelt))
}

#[test]
fn the_standing_is_spelt_by_the_rules() {
    let rules = standing_sql(&|n| format!("${n}"));
    assert_eq!(squeeze(STANDING), squeeze(&rules));
}

#[test]
fn both_engines_read_a_send_history_by_the_rules() {
    let numbered = history_columns(&HistoryOf {
        phone: "$1",
        ip: "$2",
        allowance: "$3",
        now: "$4",
        per_phone: "$5",
        per_ip: "$6",
        failures: "$7",
    });
    assert_eq!(squeeze(HISTORY), squeeze(&format!("SELECT {numbered}")));
    let arrays = history_columns(&HistoryOf {
        phone: "j.phone",
        ip: "j.ip",
        allowance: "j.allowance",
        now: "j.now",
        per_phone: "j.per_phone",
        per_ip: "j.per_ip",
        failures: "j.failures",
    });
    assert!(applies(
        HISTORIES,
        &format!("SELECT j.op, {arrays} FROM UNNEST(")
    ));
}

#[test]
fn every_sign_in_decides_its_novelty_by_the_rules() {
    for (statement, novelty) in [
        (SQLITE_SIGN_IN, novelty_key("a", "$6", "$7", "$9")),
        (PG_SIGN_IN, novelty_key("a", "$6", "$7", "$9")),
        (OPEN_PASSKEY_SESSION, novelty_key("a", "$5", "$6", "$8")),
    ] {
        assert!(applies(statement, &novelty), "{statement}");
    }
}

#[test]
fn every_send_is_counted_by_the_rules() {
    let [later, own] = count_send("$1", "$2");
    assert_eq!(COUNT_SEND.map(squeeze), [squeeze(&later), squeeze(&own)]);
    let [later, own] = count_send("$3", "$13");
    assert!(applies(RECORD, &later) && applies(RECORD, &own));
    assert!(applies(ALERT_HISTORY, &sends_since("$5")));
    assert_eq!(
        squeeze(BUDGET_SPEND),
        squeeze(&format!(
            "SELECT {}, {}",
            sends_since("$1"),
            running_since("new_total", "$1")
        ))
    );
}

#[test]
fn the_standing_names_the_shared_allowance_as_the_app_does() {
    let shared = crate::store::Allowance::shared();
    assert!(applies(
        STANDING,
        &format!("ELSE '{}' END AS allowance_key", shared.key())
    ));
}
