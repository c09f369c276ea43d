//! A send's history, as the statements read it: the counting windows, the counts of
//! a phone's and an address's sends and of the day's, and the phone's lock; and the
//! running totals (`sms_send_totals`) the day's count reads.

use std::sync::LazyLock;

use crate::{
    otp::{Limit, Policy},
    store::codes::FAILURES_WINDOW,
};

/// The windows the statements count over, from the table of limits.
pub(in crate::store) const PHONE_WINDOW: i64 = Limit::SmsPerPhonePerHour.window_secs();
pub(in crate::store) const IP_WINDOW: i64 = Limit::SmsPerIpPerHour.window_secs();
pub(in crate::store) const DAY_WINDOW: i64 = Limit::SmsPerDay.window_secs();

/// A send is kept as long as the longest window that counts it.
pub(in crate::store) const SENDS_KEPT_SECS: i64 = DAY_WINDOW;
const _: () = assert!(PHONE_WINDOW <= SENDS_KEPT_SECS && IP_WINDOW <= SENDS_KEPT_SECS);
/// The alerts of an account are counted over the budget's day: one read serves both.
const _: () = assert!(Limit::AlertsPerAccountPerDay.window_secs() == DAY_WINDOW);

/// What a send's history is read from, as SQL expressions: where it goes (`phone`,
/// on `allowance`), where it comes from (`ip`), when (`now`), and the policy's limits
/// per phone, per address, and of wrong codes.
pub(in crate::store) struct HistoryOf<'a> {
    pub(in crate::store) phone: &'a str,
    pub(in crate::store) ip: &'a str,
    pub(in crate::store) allowance: &'a str,
    pub(in crate::store) now: &'a str,
    pub(in crate::store) per_phone: &'a str,
    pub(in crate::store) per_ip: &'a str,
    pub(in crate::store) failures: &'a str,
}

/// The columns of a send's history (`HistoryRow`). Each count stops at its limit:
/// knowing that a limit is reached is all the policy needs, and no count reads more
/// rows than its limit allows. The day's count reads the running totals, two rows.
pub(in crate::store) fn history_columns(h: &HistoryOf) -> String {
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
         (SELECT f.at + {FAILURES_WINDOW} FROM failed_attempts f
          WHERE f.phone = {phone} AND f.allowance = {allowance} AND f.at > {failures_since}
          ORDER BY f.at DESC LIMIT 1 OFFSET {failures} - 1) AS locked_until",
        sends_since(&since(DAY_WINDOW)),
    )
}

/// The sends (code SMS and alerts) made after `since`: the running total now, less
/// the total as it stood at `since`. `sms_send_totals` holds, for each second a send
/// was made in, how many sends were made up to its end.
pub(in crate::store) fn sends_since(since: &str) -> String {
    format!(
        "(COALESCE((SELECT total FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
          - COALESCE((SELECT total FROM sms_send_totals WHERE second <= {since}
                      ORDER BY second DESC LIMIT 1), 0))"
    )
}

/// Counts one more send at `second` in the running totals: in the totals of the
/// seconds after it (there are some only when an instance's clock is behind
/// another's), then in its own second's, which starts from the last total before it.
pub(in crate::store) fn count_send(second: &str) -> [String; 2] {
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
pub(in crate::store) static COUNT_SEND: LazyLock<[String; 2]> = LazyLock::new(|| count_send("$1"));
