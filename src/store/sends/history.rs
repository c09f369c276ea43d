//! A send's history: the windows its counts read (a phone's and an address's sends
//! of the hour, the day's and its lane's), and the running totals (`sms_send_totals`) the day's
//! count reads. The statements that read a history (`standing.rs`, each engine's
//! reservations) spell it as `store/rules.rs` says.

use crate::otp::Limit;

/// The windows the statements count over, from the table of limits.
pub(in crate::store) const PHONE_WINDOW: i64 = Limit::SmsPerPhonePerHour.window_secs();
pub(in crate::store) const IP_WINDOW: i64 = Limit::SmsPerIpPerHour.window_secs();
pub(in crate::store) const DAY_WINDOW: i64 = Limit::SmsPerDay.window_secs();

/// A send is kept as long as the longest window that counts it.
pub(in crate::store) const SENDS_KEPT_SECS: i64 = DAY_WINDOW;
const _: () = assert!(PHONE_WINDOW <= SENDS_KEPT_SECS && IP_WINDOW <= SENDS_KEPT_SECS);
/// The alerts of an account are counted over the budget's day: one read serves both.
const _: () = assert!(Limit::AlertsPerAccountPerDay.window_secs() == DAY_WINDOW);

/// One more send at a second in the running totals (`sms_send_totals`: for each
/// second a send was made in, how many sends were made up to its end, and how many
/// of them were new numbers'): in the totals of the seconds after it (there are some
/// only when an instance's clock is behind another's), then in its own second's,
/// which starts from the last totals before it. Binds: $1 the second, $2 its lane.
pub(in crate::store) const COUNT_SEND: [&str; 2] = [
    "UPDATE sms_send_totals SET total = total + 1,
       new_total = new_total + CASE WHEN $2 = 'new' THEN 1 ELSE 0 END
     WHERE second > $1",
    "INSERT INTO sms_send_totals (second, total, new_total)
     VALUES ($1, COALESCE((SELECT t.total FROM sms_send_totals t
                           WHERE t.second <= $1
                           ORDER BY t.second DESC LIMIT 1), 0) + 1,
             COALESCE((SELECT t.new_total FROM sms_send_totals t
                       WHERE t.second <= $1
                       ORDER BY t.second DESC LIMIT 1), 0)
             + CASE WHEN $2 = 'new' THEN 1 ELSE 0 END)
     ON CONFLICT (second) DO UPDATE SET total = excluded.total,
       new_total = excluded.new_total",
];
