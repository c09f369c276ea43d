//! Codes: the one-time codes waiting to be entered, the wrong guesses counted on
//! them, and the phone's lock that too many wrong guesses set.

use async_trait::async_trait;
use sqlx::{query::QueryScalar, ColumnIndex, Database, Executor, IntoArguments};

use super::{
    activity::EVENT_BY_PHONE,
    engine::{Bind, Column, Conn, Db, Engine},
    model::{Allowance, EventKind, Footprint, Verification, Word, WrongGuess},
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

// The phone's lock. A phone is locked in an allowance while it has `limit` wrong
// codes there within the window: the lock ends `window` after the oldest of its last
// `limit` wrong codes since `since` (= now - window). Every statement that decides or
// tells the lock spells it as one subquery, which has no row while the phone is not
// locked:
//
//   SELECT f.at + <window> FROM failed_attempts f
//   WHERE f.phone = <phone> AND f.allowance = <allowance> AND f.at > <since>
//   ORDER BY f.at DESC LIMIT 1 OFFSET <limit> - 1
//
// Here: VERIFICATION, COUNT_WRONG_GUESS, LOCK_UNTIL; in a send's history: the
// standing (`sends/standing.rs`) and both engines' reservations (`sqlite/sends.rs`,
// `postgres/`). The test `every_statement_spells_the_phone_lock_the_same_way` holds
// them to it.

/// A code, with when its phone's lock (in the code's allowance) ends.
/// Binds: $1 the code's id hash, $2 failures since, $3 the window, $4 the limit.
pub(super) const VERIFICATION: &str =
    "SELECT phone, code_digest, expires_at, failed_tries, consumed_at, allowance,
       (SELECT f.at + $3 FROM failed_attempts f
        WHERE f.phone = v.phone AND f.allowance = v.allowance AND f.at > $2
        ORDER BY f.at DESC LIMIT 1 OFFSET $4 - 1) AS phone_locked_until
     FROM verifications v WHERE id_hash = $1";

/// Counts a wrong guess on a code if it has a try left and its phone is not locked:
/// the try and the lock are decided by this one statement. Binds: $1 the code's id
/// hash, $2 the tries allowed, then the lock's: $3 the phone, $4 the allowance, $5
/// failures since, $6 the window, $7 the limit.
pub(super) const COUNT_WRONG_GUESS: &str =
    "UPDATE verifications SET failed_tries = failed_tries + 1
     WHERE id_hash = $1 AND consumed_at IS NULL AND failed_tries < $2
       AND NOT EXISTS (SELECT f.at + $6 FROM failed_attempts f
                       WHERE f.phone = $3 AND f.allowance = $4 AND f.at > $5
                       ORDER BY f.at DESC LIMIT 1 OFFSET $7 - 1)
     RETURNING failed_tries";

/// When a phone's lock ends; no row while it is not locked. Binds: $1 the phone, $2
/// the allowance, $3 failures since, $4 the window, $5 the limit.
pub(super) const LOCK_UNTIL: &str = "SELECT f.at + $4 FROM failed_attempts f
     WHERE f.phone = $1 AND f.allowance = $2 AND f.at > $3
     ORDER BY f.at DESC LIMIT 1 OFFSET $5 - 1";

/// The binds of a phone's lock, in the order COUNT_WRONG_GUESS and LOCK_UNTIL number
/// them (after their own): the phone, the allowance, failures since, the window,
/// the limit.
#[derive(Clone, Copy)]
struct Lock<'a> {
    phone: &'a str,
    allowance: &'a str,
    since: i64,
    window: i64,
    limit: i64,
}

impl<'a> Lock<'a> {
    fn of(phone: &'a Phone, allowance: &'a Allowance, now: i64, policy: &Policy) -> Self {
        Self {
            phone: phone.e164(),
            allowance: allowance.key(),
            since: now - FAILURES_WINDOW,
            window: FAILURES_WINDOW,
            limit: i64::from(policy.limit(Limit::PhoneFailuresPerHour)),
        }
    }

    fn bind<'q, DB, O>(
        self,
        query: QueryScalar<'q, DB, O, <DB as Database>::Arguments<'q>>,
    ) -> QueryScalar<'q, DB, O, <DB as Database>::Arguments<'q>>
    where
        DB: Database,
        'a: 'q,
        i64: Column<DB>,
        for<'b> &'b str: Bind<'b, DB>,
    {
        query
            .bind(self.phone)
            .bind(self.allowance)
            .bind(self.since)
            .bind(self.window)
            .bind(self.limit)
    }
}

/// A wrong guess. Binds: $1 the phone, $2 at, $3 the allowance.
const RECORD_FAILURE: &str =
    "INSERT INTO failed_attempts (phone, at, allowance) VALUES ($1, $2, $3)";

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
    for<'q> Option<&'q str>: Bind<'q, Db<E>>,
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
        let row: Option<VerificationRow> = sqlx::query_as(VERIFICATION)
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
        let lock = Lock::of(phone, allowance, now, policy);
        let tries: Option<i64> = lock
            .bind(
                sqlx::query_scalar(COUNT_WRONG_GUESS)
                    .bind(id_hash)
                    .bind(i64::from(policy.max_tries)),
            )
            .fetch_optional(&mut *tx)
            .await?;
        if tries.is_some() {
            sqlx::query(RECORD_FAILURE)
                .bind(phone.e164())
                .bind(now)
                .bind(allowance.key())
                .execute(&mut *tx)
                .await?;
        }
        let phone_locked_until: Option<i64> = lock
            .bind(sqlx::query_scalar(LOCK_UNTIL))
            .fetch_optional(&mut *tx)
            .await?;
        if tries.is_some() {
            // The guess that locks the phone is a lock in the activity.
            let kind = match phone_locked_until {
                Some(_) => EventKind::Locked,
                None => EventKind::WrongCode,
            };
            sqlx::query(EVENT_BY_PHONE)
                .bind(phone.e164())
                .bind(now)
                .bind(kind.word())
                .bind(from.device.as_deref())
                .bind(from.country.as_deref())
                .bind(from.network.as_deref())
                .bind(phone_locked_until)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{postgres::HISTORIES, sends::standing::STANDING, sqlite::sends::HISTORY};

    /// A statement's words, one space apart.
    fn squeeze(sql: &str) -> String {
        sql.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The lock rule (see above), spelt with these operands.
    fn lock_rule(phone: &str, allowance: &str, since: &str, window: &str, limit: &str) -> String {
        squeeze(&format!(
            "SELECT f.at + {window} FROM failed_attempts f
             WHERE f.phone = {phone} AND f.allowance = {allowance} AND f.at > {since}
             ORDER BY f.at DESC LIMIT 1 OFFSET {limit} - 1"
        ))
    }

    #[test]
    fn every_statement_spells_the_phone_lock_the_same_way() {
        let window = FAILURES_WINDOW.to_string();
        let spelt = [
            (
                VERIFICATION,
                ["v.phone", "v.allowance", "$2", "$3", "$4"].map(String::from),
            ),
            (
                COUNT_WRONG_GUESS,
                ["$3", "$4", "$5", "$6", "$7"].map(String::from),
            ),
            (LOCK_UNTIL, ["$1", "$2", "$3", "$4", "$5"].map(String::from)),
            (
                HISTORY,
                ["$1", "$3", &format!("($4 - {window})"), &window, "$7"].map(String::from),
            ),
            (
                HISTORIES,
                [
                    "j.phone",
                    "j.allowance",
                    &format!("(j.now - {window})"),
                    &window,
                    "j.failures",
                ]
                .map(String::from),
            ),
            (
                STANDING,
                [
                    "$1",
                    "chosen.allowance_key",
                    &format!("($6 - {window})"),
                    &window,
                    "$9",
                ]
                .map(String::from),
            ),
        ];
        for (statement, [phone, allowance, since, window, limit]) in spelt {
            let statement = squeeze(statement);
            let rule = lock_rule(&phone, &allowance, &since, &window, &limit);
            assert!(statement.contains(&rule), "{statement}\nlacks\n{rule}");
            // And no other reading of the wrong codes beside it.
            assert_eq!(
                statement.matches("failed_attempts").count(),
                1,
                "{statement}"
            );
        }
    }
}
