//! A batch of SMS reservations on SQLite (see `sends/batch.rs`): each step is one text of
//! many statements, each reservation's with its own parameters, run in one call.
//! SQLite runs them in order, in the writer's transaction.

use std::sync::LazyLock;

use sqlx::SqliteConnection;

use crate::otp::{Limit, SendHistory};
use crate::store::{
    batches::{numbered, text_for, texts},
    rows::BatchHistoryRow,
    sends::{
        history::{count_send, history_columns, HistoryOf},
        job::SendJob,
    },
};

/// Bound parameters per history: phone, address, allowance, now, and the limits per
/// phone, per address and of wrong codes.
const HISTORY_PARAMS: usize = 7;

/// Bound parameters per write: phone, address, now, allowance, device, country,
/// network, the new code's id hash, the one it replaces, its digest, its expiry.
const RECORD_PARAMS: usize = 11;

fn histories_sql(count: usize) -> String {
    numbered(count, HISTORY_PARAMS, |op, p| {
        format!(
            "SELECT {op} AS op, {};",
            history_columns(&HistoryOf {
                phone: &p(1),
                ip: &p(2),
                allowance: &p(3),
                now: &p(4),
                per_phone: &p(5),
                per_ip: &p(6),
                failures: &p(7),
            })
        )
    })
}

fn record_sql(count: usize) -> String {
    numbered(count, RECORD_PARAMS, |op, p| {
        let [later, own] = count_send(&p(3));
        format!(
            "INSERT INTO sms_sends (phone, ip, sent_at, allowance) VALUES ({}, {}, {}, {});
             SELECT {op} AS op, last_insert_rowid() AS id;
             INSERT INTO security_events
               (account_id, at, kind, device, country, network, detail, send_id)
              SELECT id, {}, 'code_sent', {}, {}, {}, '', last_insert_rowid()
              FROM accounts WHERE phone = {};
             {later}; {own};
             DELETE FROM verifications WHERE id_hash = {} AND consumed_at IS NULL;
             INSERT INTO verifications
               (id_hash, phone, code_digest, created_at, expires_at, allowance)
              VALUES ({}, {}, {}, {}, {}, {});",
            p(1),
            p(2),
            p(3),
            p(4),
            p(3),
            p(5),
            p(6),
            p(7),
            p(1),
            p(9),
            p(8),
            p(1),
            p(10),
            p(3),
            p(11),
            p(4),
        )
    })
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
        for job in part {
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
                .bind(job.expires_at);
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
        assert!(sql.contains("VALUES ($12, $13, $14, $15)"));
        assert!(sql.contains("$22") && !sql.contains("$23"));
    }
}
