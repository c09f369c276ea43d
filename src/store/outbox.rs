//! The development outbox: the SMS the app would have sent, kept for `/dev/outbox`
//! while no SMS provider is configured.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

use super::{
    engine::{Bind, Column, Conn, Db, Engine},
    model::OutboxMessage,
};
use crate::error::AppError;

#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// Keeps an SMS the app would have sent.
    async fn outbox_push(&self, message: &OutboxMessage) -> Result<(), AppError>;

    /// The newest captured SMS first.
    async fn outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, AppError>;
}

#[async_trait]
impl<E> OutboxStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    String: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'a> &'a str: ColumnIndex<<Db<E> as Database>::Row>,
{
    async fn outbox_push(&self, message: &OutboxMessage) -> Result<(), AppError> {
        sqlx::query("INSERT INTO dev_outbox (destination, text, created_at) VALUES ($1, $2, $3)")
            .bind(message.destination.as_str())
            .bind(message.text.as_str())
            .bind(message.created_at)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    async fn outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, AppError> {
        Ok(sqlx::query_as(
            "SELECT destination, text, created_at FROM dev_outbox ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await?)
    }
}
