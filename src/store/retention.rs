//! Retention: what the store keeps, for how long, and the purge that deletes what
//! no rule can look at any more; and whether the database answers.

use async_trait::async_trait;
use sqlx::{Database, Executor, IntoArguments};

use super::{
    codes::FAILURES_WINDOW,
    engine::{Column, Conn, Db, Engine},
    model::{
        SessionLimits, ACTIVITY_KEEP_SECS, COUNTRY_MEMORY_SECS, DEVICE_COOKIE_SECS,
        EXPIRED_CODES_KEPT_SECS,
    },
    sends::{DAY_WINDOW, SENDS_KEPT_SECS},
    sessions::{DELETE_ENDED, MARK_IDLE, MARK_OLD, REMEMBER},
};
use crate::{error::AppError, otp::Limit};

#[async_trait]
pub trait RetentionStore: Send + Sync + 'static {
    /// Deletes what no rule can look at any more: expired codes, dead sessions, old
    /// counting windows. Returns the rows removed.
    async fn purge(&self, now: i64, limits: SessionLimits) -> Result<u64, AppError>;

    /// Whether the database answers: the readiness probe.
    async fn ping(&self) -> Result<(), AppError>;
}

/// How much longer the purge keeps what a count may still read: a request that read
/// the clock before a purge may be decided after it.
const CLOCK_SLACK_SECS: i64 = 3600;

/// One step of the purge: a statement, and the time before which it picks rows
/// (for the statements that bind one).
pub(super) struct PurgeStep {
    pub(super) sql: &'static str,
    pub(super) before: Option<i64>,
    /// Whether its rows are removed ones (the steps that mark sessions or remember
    /// what they leave behind change or add rows).
    pub(super) removes: bool,
}

/// What the purge deletes, each with how far back it keeps rows.
pub(super) fn purge_steps(now: i64, limits: SessionLimits) -> Vec<PurgeStep> {
    let removes = |sql, before| PurgeStep {
        sql,
        before: Some(before),
        removes: true,
    };
    let marks = |sql, before| PurgeStep {
        sql,
        before: Some(before),
        removes: false,
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
        // A challenge answered is kept while an answer to it could still check.
        removes("DELETE FROM spent_challenges WHERE expires_at <= $1", now),
        // The guard's buckets count while a window reaches them (a day, to the hour);
        // a challenge is remembered a day past its end, to know whether it repeats.
        removes(
            "DELETE FROM guard_counts WHERE start <= $1",
            now - DAY_WINDOW - 3600 - CLOCK_SLACK_SECS,
        ),
        removes(
            "DELETE FROM guard_challenges WHERE until <= $1 AND exempt_until <= $1",
            now - crate::otp::guard::REPEAT_SECS,
        ),
        // The operator's commands stay on record as long as an account's activity.
        removes(
            "DELETE FROM guard_actions WHERE at <= $1",
            now - ACTIVITY_KEEP_SECS,
        ),
        removes(
            "DELETE FROM operator_alerts WHERE at <= $1",
            now - Limit::OperatorAlertsPerDay.window_secs(),
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
        // The OpenID provider's codes are kept a day past their minute, so that a
        // replay within it still revokes what they issued; tokens until they expire.
        removes(
            "DELETE FROM oidc_codes WHERE expires_at <= $1",
            now - DAY_WINDOW,
        ),
        removes("DELETE FROM oidc_tokens WHERE expires_at <= $1", now),
    ];
    // Sessions idle too long or opened too long ago end, leaving behind what any
    // ended session does.
    steps.push(marks(MARK_IDLE, now - limits.idle_secs));
    steps.push(marks(MARK_OLD, now - limits.absolute_secs));
    steps.extend(REMEMBER.map(|sql| PurgeStep {
        sql,
        before: None,
        removes: false,
    }));
    steps.push(PurgeStep {
        sql: DELETE_ENDED,
        before: None,
        removes: true,
    });
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

#[async_trait]
impl<E> RetentionStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
{
    async fn purge(&self, now: i64, limits: SessionLimits) -> Result<u64, AppError> {
        let Some(mut tx) = self.purge_turn().await? else {
            return Ok(0);
        };
        let mut removed = 0;
        for step in purge_steps(now, limits) {
            let statement = sqlx::query(step.sql);
            let statement = match step.before {
                Some(before) => statement.bind(before),
                None => statement,
            };
            let done = statement.execute(&mut *tx).await?;
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
