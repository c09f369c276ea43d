//! Codes: the one-time codes waiting to be entered, the wrong guesses counted on
//! them, and the phone's lock that too many wrong guesses set.

use std::sync::LazyLock;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

use super::{
    activity::EVENT_BY_PHONE,
    engine::{Bind, Column, Conn, Db, Engine},
    model::{Allowance, EventKind, Footprint, Verification, WrongGuess},
    rows::{count, VerificationRow},
};
use crate::{
    error::AppError,
    otp::{Limit, Policy},
    phone::Phone,
};

/// The window wrong guesses are counted over, from the table of limits.
pub(super) const FAILURES_WINDOW: i64 = Limit::PhoneFailuresPerHour.window_secs();

#[async_trait]
pub trait CodeStore: Send + Sync + 'static {
    async fn delete_verification(&self, id_hash: &str) -> Result<(), AppError>;

    /// The code, with its phone's lock (in the code's allowance) as of `now`.
    async fn verification(
        &self,
        id_hash: &str,
        now: i64,
        policy: &Policy,
    ) -> Result<Option<Verification>, AppError>;

    /// Counts a wrong guess on the code `id_hash` (of `phone`, asked for on
    /// `allowance`) if the code still had a try left and the phone is not locked, in
    /// one step that parallel guesses cannot overshoot; and tells whether the phone is
    /// locked now.
    async fn record_wrong_guess(
        &self,
        id_hash: &str,
        phone: &Phone,
        allowance: &Allowance,
        from: &Footprint,
        now: i64,
        policy: &Policy,
    ) -> Result<WrongGuess, AppError>;
}

/// The lock rule, written once: when the lock of `phone` in `allowance` ends — `window`
/// after the oldest of its last `limit` wrong codes since `since` — as a subquery
/// that has no row while the phone is not locked.
pub(super) fn lock_until(
    phone: &str,
    allowance: &str,
    since: &str,
    window: &str,
    limit: &str,
) -> String {
    format!(
        "SELECT f.at + {window} FROM failed_attempts f
         WHERE f.phone = {phone} AND f.allowance = {allowance} AND f.at > {since}
         ORDER BY f.at DESC LIMIT 1 OFFSET {limit} - 1"
    )
}

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

#[async_trait]
impl<E> CodeStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    String: Column<Db<E>>,
    Vec<u8>: Column<Db<E>>,
    Option<i64>: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'a> &'a str: ColumnIndex<<Db<E> as Database>::Row>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
{
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
}
