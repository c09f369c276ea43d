//! The conversion guard's counts and challenges (`otp/guard.rs` decides on them):
//! per scope (a range, a country), the codes sent to new numbers and their first
//! sign-ins, in buckets of a minute and of an hour; each scope's last challenge; and
//! the operator's commands, recorded. Sends are counted by the reservations
//! themselves (`sqlite/sends.rs`, PostgreSQL's `record_codes`) and first sign-ins by
//! the sign-ins (`sqlite/sign_in.rs`, PostgreSQL's `SIGN_IN`), each in the same step
//! as what it counts.
use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

use super::{
    engine::{Bind, Column, Conn, Db, Engine},
    rows::count,
};
use crate::{
    error::AppError,
    otp::guard::{Challenged, Conversion, Watch},
};

/// Who imposed a challenge, as `guard_challenges.by` keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImposedBy {
    /// The scope's counts tripped the guard.
    Guard,
    /// The operator's command.
    Operator,
}

impl ImposedBy {
    pub const fn key(self) -> &'static str {
        match self {
            ImposedBy::Guard => "guard",
            ImposedBy::Operator => "operator",
        }
    }
}

#[async_trait]
pub trait GuardStore: Send + Sync + 'static {
    /// What the guard knows of a scope (a range, a country) at `now`.
    async fn guard_watch(&self, scope: &str, now: i64) -> Result<Watch, AppError>;

    /// Keeps `challenged` as `scope`'s challenge, imposed at `now`, unless a
    /// challenge of it still holds then: `true` when this call imposed it, so each
    /// challenge is imposed (and told) once across instances.
    async fn impose_challenge(
        &self,
        scope: &str,
        challenged: Challenged,
        now: i64,
        by: ImposedBy,
    ) -> Result<bool, AppError>;

    /// The scopes challenged at `now`, the latest to end first.
    async fn challenged_scopes(&self, now: i64) -> Result<Vec<ChallengedScope>, AppError>;

    /// The operator's command on `scope` at `now`, recorded: impose a challenge
    /// until `until`, or lift it and leave the scope unjudged until `until`.
    async fn command_guard(
        &self,
        scope: &str,
        action: GuardAction,
        until: i64,
        now: i64,
    ) -> Result<(), AppError>;

    /// The operator's commands since `since`, the latest first.
    async fn guard_actions(&self, since: i64) -> Result<Vec<GuardActionRecord>, AppError>;
}

/// A scope challenged now, and who imposed its challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengedScope {
    pub scope: String,
    pub challenged: Challenged,
    pub by: ImposedBy,
}

/// What the operator may do to a scope (`sms-auth guard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardAction {
    Impose,
    Lift,
}

impl GuardAction {
    pub const fn key(self) -> &'static str {
        match self {
            GuardAction::Impose => "impose",
            GuardAction::Lift => "lift",
        }
    }
}

/// One of the operator's commands, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GuardActionRecord {
    pub scope: String,
    pub action: String,
    pub until: i64,
    pub at: i64,
}

/// A scope's conversion over the last hour, to the minute, and day, to the hour,
/// and its last challenge. Binds: $1 the scope, $2 now.
const WATCH: &str = "SELECT
       COALESCE((SELECT CAST(SUM(sent) AS BIGINT) FROM guard_counts
                 WHERE scope = $1 AND span = 60 AND start > $2 - 3600), 0),
       COALESCE((SELECT CAST(SUM(verified) AS BIGINT) FROM guard_counts
                 WHERE scope = $1 AND span = 60 AND start > $2 - 3600), 0),
       COALESCE((SELECT CAST(SUM(sent) AS BIGINT) FROM guard_counts
                 WHERE scope = $1 AND span = 3600 AND start > $2 - 86400), 0),
       COALESCE((SELECT CAST(SUM(verified) AS BIGINT) FROM guard_counts
                 WHERE scope = $1 AND span = 3600 AND start > $2 - 86400), 0),
       (SELECT level FROM guard_challenges WHERE scope = $1),
       (SELECT until FROM guard_challenges WHERE scope = $1),
       COALESCE((SELECT exempt_until FROM guard_challenges WHERE scope = $1), 0)";

/// A scope's challenge, unless one still holds. Binds: $1 the scope, $2 its level,
/// $3 its end, $4 now, $5 who imposed it.
const IMPOSE: &str = "INSERT INTO guard_challenges (scope, level, until, imposed_at, by)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (scope) DO UPDATE SET level = excluded.level, until = excluded.until,
       imposed_at = excluded.imposed_at, by = excluded.by
     WHERE guard_challenges.until <= excluded.imposed_at";

/// The operator's challenge of $1 from $2 (now) until $3, at the first level, over
/// whatever the scope had.
const OPERATOR_IMPOSES: &str = "INSERT INTO guard_challenges (scope, level, until, imposed_at, by)
     VALUES ($1, 0, $3, $2, 'operator')
     ON CONFLICT (scope) DO UPDATE SET level = 0, until = excluded.until,
       imposed_at = excluded.imposed_at, by = 'operator', exempt_until = 0";

/// The operator's lift of $1 at $2 (now): its challenge ends, and it is not judged
/// until $3.
const OPERATOR_LIFTS: &str =
    "INSERT INTO guard_challenges (scope, level, until, imposed_at, by, exempt_until)
     VALUES ($1, 0, $2, $2, 'operator', $3)
     ON CONFLICT (scope) DO UPDATE SET until = excluded.until,
       imposed_at = excluded.imposed_at, by = 'operator',
       exempt_until = excluded.exempt_until";

type WatchRow = (i64, i64, i64, i64, Option<i64>, Option<i64>, i64);

fn watch(
    (hour_sent, hour_verified, day_sent, day_verified, level, until, exempt_until): WatchRow,
) -> Watch {
    let conversion = |sent, verified| Conversion {
        sent: count(sent),
        verified: count(verified),
    };
    Watch {
        hour: conversion(hour_sent, hour_verified),
        day: conversion(day_sent, day_verified),
        last: level.zip(until).map(|(level, until)| Challenged {
            level: usize::try_from(level).unwrap_or(0),
            until,
        }),
        exempt_until,
    }
}

fn challenged((scope, level, until, by): (String, i64, i64, String)) -> ChallengedScope {
    ChallengedScope {
        scope,
        challenged: Challenged {
            level: usize::try_from(level).unwrap_or(0),
            until,
        },
        by: if by == ImposedBy::Operator.key() {
            ImposedBy::Operator
        } else {
            ImposedBy::Guard
        },
    }
}

#[async_trait]
impl<E> GuardStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    Option<i64>: Column<Db<E>>,
    String: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
    for<'r> GuardActionRecord: sqlx::FromRow<'r, <Db<E> as Database>::Row>,
{
    async fn guard_watch(&self, scope: &str, now: i64) -> Result<Watch, AppError> {
        let row: WatchRow = sqlx::query_as(WATCH)
            .bind(scope)
            .bind(now)
            .fetch_one(self.reader())
            .await?;
        Ok(watch(row))
    }

    async fn impose_challenge(
        &self,
        scope: &str,
        challenged: Challenged,
        now: i64,
        by: ImposedBy,
    ) -> Result<bool, AppError> {
        let result = sqlx::query(IMPOSE)
            .bind(scope)
            .bind(i64::try_from(challenged.level).unwrap_or(0))
            .bind(challenged.until)
            .bind(now)
            .bind(by.key())
            .execute(self.writer())
            .await?;
        Ok(Self::rows_affected(&result) == 1)
    }

    async fn challenged_scopes(&self, now: i64) -> Result<Vec<ChallengedScope>, AppError> {
        let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(
            "SELECT scope, level, until, by FROM guard_challenges WHERE until > $1
             ORDER BY until DESC, scope",
        )
        .bind(now)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(challenged).collect())
    }

    async fn command_guard(
        &self,
        scope: &str,
        action: GuardAction,
        until: i64,
        now: i64,
    ) -> Result<(), AppError> {
        let mut tx = self.decision().await?;
        let statement = match action {
            GuardAction::Impose => OPERATOR_IMPOSES,
            GuardAction::Lift => OPERATOR_LIFTS,
        };
        sqlx::query(statement)
            .bind(scope)
            .bind(now)
            .bind(until)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO guard_actions (scope, action, until, at) VALUES ($1, $2, $3, $4)")
            .bind(scope)
            .bind(action.key())
            .bind(until)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn guard_actions(&self, since: i64) -> Result<Vec<GuardActionRecord>, AppError> {
        Ok(sqlx::query_as(
            "SELECT scope, action, until, at FROM guard_actions WHERE at > $1
             ORDER BY at DESC, id DESC",
        )
        .bind(since)
        .fetch_all(self.reader())
        .await?)
    }
}
