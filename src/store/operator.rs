//! The operator's alerts: which events the operator was told of, so each is told
//! once a day and all of them within a daily cap, across instances.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

use super::{
    engine::{Bind, Column, Conn, Db, Engine},
    sends::DAY_WINDOW,
};
use crate::{error::AppError, otp::Limit};

/// The alerts are counted over the budget's day.
const _: () = assert!(Limit::OperatorAlertsPerDay.window_secs() == DAY_WINDOW);

#[async_trait]
pub trait OperatorStore: Send + Sync + 'static {
    /// Claims telling the operator of `event` (its word) at `now`: granted when the
    /// event was not told in the last day and fewer than `per_day` alerts were.
    /// Decided in the sends' turn, so instances checking at once claim it once.
    async fn claim_operator_alert(
        &self,
        event: &str,
        now: i64,
        per_day: u32,
    ) -> Result<bool, AppError>;
}

/// Whether `event` ($1) was told after $2, and how many alerts were.
const TOLD: &str = "SELECT
       EXISTS (SELECT 1 FROM operator_alerts WHERE event = $1 AND at > $2),
       (SELECT COUNT(*) FROM operator_alerts WHERE at > $2)";

#[async_trait]
impl<E> OperatorStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    bool: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
{
    async fn claim_operator_alert(
        &self,
        event: &str,
        now: i64,
        per_day: u32,
    ) -> Result<bool, AppError> {
        let mut tx = self.decision().await?;
        Self::serialize_sends(&mut tx).await?;
        let (told, today): (bool, i64) = sqlx::query_as(TOLD)
            .bind(event)
            .bind(now - DAY_WINDOW)
            .fetch_one(&mut *tx)
            .await?;
        if told || today >= i64::from(per_day) {
            return Ok(false);
        }
        sqlx::query("INSERT INTO operator_alerts (event, at) VALUES ($1, $2)")
            .bind(event)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
