//! The account's activity: the events kept for its owner to read (codes sent, wrong
//! codes, locks, alerts, sessions ended), with the sign-ins its live sessions tell.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

use super::{
    engine::{Bind, Column, Conn, Db, Engine},
    model::{AccountId, ActivityEvent, EventDetail, EventKind, Footprint, Word},
    rows::ActivityRow,
};
use crate::error::AppError;

#[async_trait]
pub trait ActivityStore: Send + Sync + 'static {
    /// Adds an event to the account's activity.
    async fn record_event(
        &self,
        account_id: AccountId,
        kind: EventKind,
        from: &Footprint,
        detail: &EventDetail,
        now: i64,
    ) -> Result<(), AppError>;

    /// The account's activity since `since`, the newest first, at most `limit` events.
    async fn activity(
        &self,
        account_id: AccountId,
        since: i64,
        limit: u32,
    ) -> Result<Vec<ActivityEvent>, AppError>;
}

/// A wrong code's event in the activity of the account of phone $1, if it has one:
/// at $2, kind $3 (`wrong_code`, or `locked` with the lock's end $7), device $4,
/// country $5, network $6.
pub(super) const EVENT_BY_PHONE: &str = "INSERT INTO security_events
       (account_id, at, kind, device, country, network, locked_until)
     SELECT id, $2, $3, $4, $5, $6, $7 FROM accounts WHERE phone = $1";

/// An event of the account $1: at $2, kind $3, device $4, country $5, network $6;
/// what it tells beyond its kind: novelty $7, ended by $8, locked until $9, passkey
/// name $10, alert about $11, failure $12, app $13.
const EVENT_OF_ACCOUNT: &str = "INSERT INTO security_events
       (account_id, at, kind, device, country, network, novelty, ended_by, locked_until,
        passkey_name, alert_about, failure, app)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

/// An account's activity, newest first: the events kept, and the sign-ins of its
/// live sessions (a session's sign-in is an event of kind `sign_in`, or
/// `passkey_sign_in` for a passkey's, as `sessions::RECORD_SIGN_INS` keeps an ended
/// one's, with its novelty). Events of one second are told in the order a sign-in
/// makes them: what follows it (an alert, the app it signed in to) above it, in the
/// order they were kept. Binds: $1 the account, $2 since, $3 how many at most.
pub(super) const ACTIVITY: &str = "SELECT at, kind, device, country, network, novelty, ended_by,
           locked_until, passkey_name, alert_about, failure, app FROM (
        SELECT at, kind, device, country, network, novelty, ended_by, locked_until,
               passkey_name, alert_about, failure, app, id
        FROM security_events
        WHERE account_id = $1 AND at > $2
      UNION ALL
        SELECT created_at,
               CASE method WHEN 'passkey' THEN 'passkey_sign_in' ELSE 'sign_in' END,
               device, country, network, novelty, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        FROM sessions
        WHERE account_id = $1 AND created_at > $2) AS activity
    ORDER BY at DESC,
      CASE kind WHEN 'session_ended' THEN 0 WHEN 'alert_sent' THEN 1 WHEN 'alert_failed' THEN 1
                WHEN 'app_sign_in' THEN 1 WHEN 'app_consent' THEN 1 WHEN 'app_disconnected' THEN 1
                WHEN 'sign_in' THEN 2 WHEN 'passkey_sign_in' THEN 2 WHEN 'locked' THEN 3
                WHEN 'wrong_code' THEN 4 ELSE 5 END,
      id DESC NULLS FIRST
    LIMIT $3";

/// Adds an event of the account to its activity, on `executor` (the store's writer,
/// or a transaction of the change the event tells).
pub(super) async fn record<'e, E, X>(
    executor: X,
    account_id: AccountId,
    kind: EventKind,
    from: &Footprint,
    detail: &EventDetail,
    now: i64,
) -> Result<(), sqlx::Error>
where
    E: Engine,
    X: Executor<'e, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    Option<i64>: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'q> Option<&'q str>: Bind<'q, Db<E>>,
{
    sqlx::query(EVENT_OF_ACCOUNT)
        .bind(account_id)
        .bind(now)
        .bind(kind.word())
        .bind(from.device.as_deref())
        .bind(from.country.as_deref())
        .bind(from.network.as_deref())
        .bind(detail.novelty.map(Word::word))
        .bind(detail.ended_by.map(Word::word))
        .bind(detail.locked_until)
        .bind(detail.passkey_name.as_deref())
        .bind(detail.alert_about.map(Word::word))
        .bind(detail.failure.as_deref())
        .bind(detail.app.as_deref())
        .execute(executor)
        .await?;
    Ok(())
}

#[async_trait]
impl<E> ActivityStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    Option<i64>: Column<Db<E>>,
    String: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'q> Option<&'q str>: Bind<'q, Db<E>>,
    for<'a> &'a str: ColumnIndex<<Db<E> as Database>::Row>,
{
    async fn record_event(
        &self,
        account_id: AccountId,
        kind: EventKind,
        from: &Footprint,
        detail: &EventDetail,
        now: i64,
    ) -> Result<(), AppError> {
        record::<E, _>(self.writer(), account_id, kind, from, detail, now).await?;
        Ok(())
    }

    async fn activity(
        &self,
        account_id: AccountId,
        since: i64,
        limit: u32,
    ) -> Result<Vec<ActivityEvent>, AppError> {
        let rows: Vec<ActivityRow> = sqlx::query_as(ACTIVITY)
            .bind(account_id)
            .bind(since)
            .bind(i64::from(limit))
            .fetch_all(self.reader())
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session's sign-in as an activity event's kind.
    const SIGN_IN_KIND: &str =
        "CASE method WHEN 'passkey' THEN 'passkey_sign_in' ELSE 'sign_in' END";

    #[test]
    fn a_live_and_an_ended_session_tell_their_sign_in_alike() {
        assert!(ACTIVITY.contains(SIGN_IN_KIND));
        assert!(crate::store::sessions::RECORD_SIGN_INS.contains(SIGN_IN_KIND));
    }
}
