//! A code request's standing, read before it waits for its turn: what the phone's
//! account knows of the browser and its country, the allowance it draws on, and the
//! history of a send to the phone.

use super::history::{history_columns, HistoryOf};
use crate::store::devices::{country_known, device_known};

/// What a phone's account knows of a browser's device (`''` for none) and of a
/// country (signed in from since a time); the allowance the browser draws on (the
/// device's own once the account knows it); and the history of a send to the phone
/// on it from an address at a time, with the limits per phone, per address and of
/// wrong codes: placeholders `p(1)` to `p(9)` in that order. One row, with or without
/// an account.
pub(in crate::store) fn standing_sql(p: &dyn Fn(usize) -> String) -> String {
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
