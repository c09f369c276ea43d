//! A batch of SMS reservations on SQLite (see `sends/batch.rs`): each step is one text of
//! many statements, each reservation's with its own parameters, run in one call.
//! SQLite runs them in order, in the writer's transaction.

use std::sync::LazyLock;

use sqlx::SqliteConnection;

use crate::otp::{Limit, SendHistory};
use crate::store::{
    batches::{repeated, text_for, texts},
    rows::BatchHistoryRow,
    sends::job::SendJob,
};

/// Bound parameters per history.
const HISTORY_PARAMS: usize = 7;

/// A send's history (`HistoryRow`), each count stopping at its limit: knowing that
/// a limit is reached is all the policy needs. The rules it shares with the standing
/// and PostgreSQL's reservations are spelt in `store/rules.rs`. Binds: $1 the phone,
/// $2 the address, $3 the allowance, $4 now, $5 the limit per phone, $6 per
/// address, $7 of wrong codes.
pub(in crate::store) const HISTORY: &str = "SELECT
       (SELECT MAX(sent_at) FROM sms_sends
        WHERE phone = $1 AND allowance = $3 AND sent_at > ($4 - 86400)) AS last_sent,
       (SELECT COUNT(*) FROM
          (SELECT 1 FROM sms_sends
           WHERE phone = $1 AND allowance = $3 AND sent_at > ($4 - 3600)
           LIMIT $5) AS p) AS to_phone,
       (SELECT COUNT(*) FROM
          (SELECT 1 FROM sms_sends WHERE ip = $2 AND sent_at > ($4 - 3600)
           LIMIT $6) AS i) AS from_ip,
       (COALESCE((SELECT total FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
        - COALESCE((SELECT total FROM sms_send_totals WHERE second <= ($4 - 86400)
                    ORDER BY second DESC LIMIT 1), 0)) AS of_day,
       (COALESCE((SELECT new_total FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
        - COALESCE((SELECT new_total FROM sms_send_totals WHERE second <= ($4 - 86400)
                    ORDER BY second DESC LIMIT 1), 0)) AS of_day_new,
       (SELECT f.at + 3600 FROM failed_attempts f
        WHERE f.phone = $1 AND f.allowance = $3 AND f.at > ($4 - 3600)
        ORDER BY f.at DESC LIMIT 1 OFFSET $7 - 1) AS locked_until";

/// Bound parameters per write.
const RECORD_PARAMS: usize = 15;

/// Writes a granted reservation: its send, counted in `sms_sends` (its id read back,
/// tagged with its place in the batch) and in the running totals, its lane's
/// included (as `history::COUNT_SEND`); a new number's, in the conversion guard's
/// minute and hour of its range and country (`store/guard.rs`); the code sent, in
/// the activity of the phone's account if it has one; the new code, killing the live
/// one it replaces. Binds: $1 the phone, $2 the address, $3 now, $4 the allowance,
/// $5 the device, $6 the country, $7 the network, $8 the new code's id hash, $9 the
/// one it replaces, $10 its digest, $11 its expiry, $12 its place in the batch, $13
/// its lane, $14 and $15 the guard's range and country (NULL on the trusted lane).
pub(in crate::store) const RECORD: &str =
    "INSERT INTO sms_sends (phone, ip, sent_at, allowance, lane) VALUES ($1, $2, $3, $4, $13);
     SELECT $12 AS op, last_insert_rowid() AS id;
     INSERT INTO security_events
       (account_id, at, kind, device, country, network, send_id)
      SELECT id, $3, 'code_sent', $5, $6, $7, last_insert_rowid()
      FROM accounts WHERE phone = $1;
     UPDATE sms_send_totals SET total = total + 1,
       new_total = new_total + CASE WHEN $13 = 'new' THEN 1 ELSE 0 END
      WHERE second > $3;
     INSERT INTO sms_send_totals (second, total, new_total)
      VALUES ($3, COALESCE((SELECT t.total FROM sms_send_totals t
                            WHERE t.second <= $3
                            ORDER BY t.second DESC LIMIT 1), 0) + 1,
              COALESCE((SELECT t.new_total FROM sms_send_totals t
                        WHERE t.second <= $3
                        ORDER BY t.second DESC LIMIT 1), 0)
              + CASE WHEN $13 = 'new' THEN 1 ELSE 0 END)
      ON CONFLICT (second) DO UPDATE SET total = excluded.total,
        new_total = excluded.new_total;
     INSERT INTO guard_counts (scope, span, start, sent)
      SELECT g.scope, p.span, $3 - $3 % p.span, 1
      FROM (SELECT $14 AS scope UNION ALL SELECT $15) AS g,
           (SELECT 60 AS span UNION ALL SELECT 3600) AS p
      WHERE $13 = 'new'
      ON CONFLICT (scope, span, start) DO UPDATE SET sent = guard_counts.sent + 1;
     DELETE FROM verifications WHERE id_hash = $9 AND consumed_at IS NULL;
     INSERT INTO verifications
       (id_hash, phone, code_digest, created_at, expires_at, allowance)
      VALUES ($8, $1, $10, $3, $11, $4);";

fn histories_sql(count: usize) -> String {
    repeated(count, HISTORY_PARAMS, HISTORY, |op, one| {
        format!("SELECT {op} AS op, h.* FROM ({one}) AS h;")
    })
}

fn record_sql(count: usize) -> String {
    repeated(count, RECORD_PARAMS, RECORD, |_, one| one.to_owned())
}

static HISTORIES: LazyLock<Vec<String>> = LazyLock::new(|| texts(histories_sql));
static RECORDS: LazyLock<Vec<String>> = LazyLock::new(|| texts(record_sql));

/// The reservations' histories, in order.
pub(super) async fn histories(
    tx: &mut SqliteConnection,
    jobs: &[SendJob],
) -> Result<Vec<SendHistory>, sqlx::Error> {
    let mut query = sqlx::query_as::<_, BatchHistoryRow>(text_for(&HISTORIES, jobs.len())?);
    for job in jobs {
        query = query
            .bind(&job.phone)
            .bind(&job.ip)
            .bind(&job.allowance)
            .bind(job.now)
            .bind(i64::from(job.policy.limit(Limit::SmsPerPhonePerHour)))
            .bind(i64::from(job.policy.limit(Limit::SmsPerIpPerHour)))
            .bind(i64::from(job.policy.limit(Limit::PhoneFailuresPerHour)));
    }
    let mut rows = query.fetch_all(&mut *tx).await?;
    rows.sort_by_key(|row| row.op);
    Ok(rows.into_iter().map(|row| row.history.into()).collect())
}

/// Writes the granted reservations; their sends' ids, in order.
pub(super) async fn record(
    tx: &mut SqliteConnection,
    jobs: &[&SendJob],
) -> Result<Vec<i64>, sqlx::Error> {
    // Granted ones are any number: written in power-of-two parts.
    let mut ids = Vec::with_capacity(jobs.len());
    let mut rest = jobs;
    while !rest.is_empty() {
        let (part, after) = rest.split_at(1 << rest.len().ilog2());
        rest = after;
        let mut query = sqlx::query_as::<_, (i64, i64)>(text_for(&RECORDS, part.len())?);
        for (op, job) in (0_i64..).zip(part) {
            query = query
                .bind(&job.phone)
                .bind(&job.ip)
                .bind(job.now)
                .bind(&job.allowance)
                .bind(&job.from.device)
                .bind(&job.from.country)
                .bind(&job.from.network)
                .bind(&job.id_hash)
                .bind(&job.replaces)
                .bind(&job.code_digest)
                .bind(job.expires_at)
                .bind(op)
                .bind(job.lane.key())
                .bind(job.guard.as_ref().map(|g| g.range.as_str()))
                .bind(job.guard.as_ref().map(|g| g.country.as_str()));
        }
        let mut rows = query.fetch_all(&mut *tx).await?;
        rows.sort_by_key(|(op, _)| *op);
        ids.extend(rows.into_iter().map(|(_, id)| id));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reservation_of_a_batch_has_its_own_parameters() {
        let sql = histories_sql(2);
        assert!(sql.contains("SELECT 0 AS op") && sql.contains("SELECT 1 AS op"));
        assert!(sql.contains("phone = $1 ") && sql.contains("phone = $8 "));
        assert!(sql.contains("$14") && !sql.contains("$15"));
        let sql = record_sql(2);
        assert!(sql.contains("VALUES ($16, $17, $18, $19, $28)"));
        assert!(sql.contains("SELECT $12 AS op") && sql.contains("SELECT $27 AS op"));
        assert!(sql.contains("$30") && !sql.contains("$31"));
    }
}
