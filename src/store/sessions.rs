//! Sessions: opened by a sign-in (a code, or a passkey), read on every request,
//! ended by their browser, by another of the account's sessions, or by the purge.
//! What a session leaves behind when it ends (its device, its country, its sign-in)
//! is kept by the same statements however it ends.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

use super::{
    engine::{Bind, Column, Conn, Db, Engine},
    model::{
        AccountId, EndedBy, LiveSession, NewSession, SessionInfo, SessionLimits, SignedIn, Word,
    },
    rows::{SessionAccountRow, SignInRow},
};
use crate::{error::AppError, otp::guard::Scopes};

#[async_trait]
pub trait SessionStore: Send + Sync + 'static {
    /// Uses the code once, atomically, and signs its phone in: the account is created
    /// at the first sign-in, `session` is opened, its device is known to the account
    /// from now on, its country is one the account signed in from, and the activity
    /// records the sign-in; a first sign-in is counted in the conversion guard's
    /// `guard` scopes (the number's range and country). `None` when
    /// the code was used, dead or expired by the time this ran.
    async fn complete_sign_in(
        &self,
        id_hash: &str,
        session: NewSession<'_>,
        guard: &Scopes,
        now: i64,
        max_tries: u32,
    ) -> Result<Option<SignedIn>, AppError>;

    /// A live session and its account, refreshing its idle timer (written at most
    /// once a minute).
    async fn session_account(
        &self,
        session_hash: &str,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<LiveSession>, AppError>;

    /// Ends a session (its browser signed out).
    async fn delete_session(&self, session_hash: &str, now: i64) -> Result<(), AppError>;

    /// The account's live sessions, the most recently used first.
    async fn sessions_of(
        &self,
        account_id: AccountId,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Vec<SessionInfo>, AppError>;

    /// Ends one session of the account, from another of its sessions; a session of
    /// another account is untouched.
    async fn delete_session_of(
        &self,
        account_id: AccountId,
        session_hash: &str,
        now: i64,
    ) -> Result<(), AppError>;

    /// "Not me" about a session of the account: ends it and every session of its
    /// device, and forgets the device for the account (its next sign-in is new and
    /// alerts again). `false` when the account has no such session.
    async fn disown_session(
        &self,
        account_id: AccountId,
        session_hash: &str,
        now: i64,
    ) -> Result<bool, AppError>;

    /// Ends every session of the account but `keep_hash`; returns how many ended.
    async fn delete_other_sessions(
        &self,
        account_id: AccountId,
        keep_hash: &str,
        now: i64,
    ) -> Result<u64, AppError>;
}

/// A session's last use is written at most once a minute: reading a session is
/// then a read, not a write, for nearly every request.
pub(super) const TOUCH_EVERY_SECS: i64 = 60;

pub(super) fn needs_touch(last_seen_at: i64, now: i64) -> bool {
    now - last_seen_at >= TOUCH_EVERY_SECS
}

// Ending sessions. The sessions that end go in three steps, inside one transaction:
// they are marked (`sessions.ending`: who ends them, as the `session_ended` event's
// `ended_by` keeps it), what they leave behind is kept from the marked rows, and the marked rows
// are deleted. A mark never outlives its transaction, so every statement after the
// mark is one text, whichever sessions end.

/// Marks the session of a browser that signed out. Binds: $1 who ends it, $2 the
/// session.
const MARK_SESSION: &str = "UPDATE sessions SET ending = $1 WHERE id_hash = $2";

/// Marks a session of an account. Binds: $1 who ends it, $2 the account, $3 the
/// session.
const MARK_SESSION_OF: &str =
    "UPDATE sessions SET ending = $1 WHERE account_id = $2 AND id_hash = $3";

/// Marks a session of an account and every other of its device (none for a session
/// without a device id: NULL equals nothing). Binds: $1 who ends them, $2 the
/// account, $3 the session, $4 its device's hash.
const MARK_DEVICE: &str = "UPDATE sessions SET ending = $1
     WHERE account_id = $2 AND (id_hash = $3 OR device_hash = $4)";

/// Marks every session of an account but one. Binds: $1 who ends them, $2 the
/// account, $3 the session that stays.
const MARK_ALL_BUT: &str =
    "UPDATE sessions SET ending = $1 WHERE account_id = $2 AND id_hash <> $3";

/// Marks the sessions idle since a time (for the purge). Binds: $1 the time.
pub(super) const MARK_IDLE: &str =
    "UPDATE sessions SET ending = 'expired' WHERE last_seen_at <= $1";

/// Marks the sessions opened before a time (for the purge). Binds: $1 the time.
pub(super) const MARK_OLD: &str = "UPDATE sessions SET ending = 'expired' WHERE created_at <= $1";

/// The devices of the marked sessions, known to their accounts until the device
/// cookie would have expired.
const REMEMBER_DEVICES: &str = "INSERT INTO known_devices
       (account_id, id_hash, first_seen_at, last_seen_at, name, country)
     SELECT account_id, device_hash, MIN(created_at), MAX(last_seen_at), MAX(device),
            MAX(country)
     FROM sessions
     WHERE ending IS NOT NULL AND device_hash IS NOT NULL
     GROUP BY account_id, device_hash
     ON CONFLICT (account_id, id_hash) DO UPDATE SET
       name = excluded.name, country = excluded.country,
       last_seen_at = CASE WHEN excluded.last_seen_at > known_devices.last_seen_at
            THEN excluded.last_seen_at ELSE known_devices.last_seen_at END";

/// The countries of the marked sessions, known to their accounts for 180 days.
const REMEMBER_COUNTRIES: &str = "INSERT INTO account_countries (account_id, country, last_seen_at)
     SELECT account_id, country, MAX(created_at) FROM sessions
     WHERE ending IS NOT NULL AND country IS NOT NULL
     GROUP BY account_id, country
     ON CONFLICT (account_id, country) DO UPDATE SET last_seen_at =
       CASE WHEN excluded.last_seen_at > account_countries.last_seen_at
            THEN excluded.last_seen_at ELSE account_countries.last_seen_at END";

/// The sign-ins of the marked sessions, into the activity for 90 days, with their
/// novelty (their kind as `activity::ACTIVITY` tells a live session's).
pub(super) const RECORD_SIGN_INS: &str =
    "INSERT INTO security_events (account_id, at, kind, device, country, network, novelty)
     SELECT account_id, created_at,
            CASE method WHEN 'passkey' THEN 'passkey_sign_in' ELSE 'sign_in' END,
            device, country, network, novelty
     FROM sessions WHERE ending IS NOT NULL";

/// What a session leaves behind when it goes. While a session lives, the account
/// knows its device (`sessions.device_hash`) and its country, and the activity shows
/// its sign-in, all from its own row: the sign-in writes nothing more than the
/// session. When it ends, these keep them.
pub(super) const REMEMBER: [&str; 3] = [REMEMBER_DEVICES, REMEMBER_COUNTRIES, RECORD_SIGN_INS];

/// The end of the marked sessions, in the activity. Binds: $1 the time.
const RECORD_ENDS: &str =
    "INSERT INTO security_events (account_id, at, kind, device, country, network, ended_by)
     SELECT account_id, $1, 'session_ended', device, country, network, ending
     FROM sessions WHERE ending IS NOT NULL";

/// Deletes the marked sessions.
pub(super) const DELETE_ENDED: &str = "DELETE FROM sessions WHERE ending IS NOT NULL";

/// Which sessions end.
#[derive(Clone, Copy)]
enum Ending<'a> {
    /// The session (its browser signed out).
    Session(&'a str),
    /// The session of the account.
    OfAccount(AccountId, &'a str),
    /// The session of the account, and every other of its device.
    Device(AccountId, &'a str, Option<&'a str>),
    /// Every session of the account but this one.
    AllBut(AccountId, &'a str),
}

/// Ends the sessions `ending` picks, in a transaction of their own, keeping what
/// they leave behind ([`REMEMBER`]); the sessions ended.
async fn end_remembered<E: Engine>(
    store: &E,
    ending: Ending<'_>,
    now: i64,
    by: EndedBy,
) -> Result<u64, sqlx::Error>
where
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    for<'a> &'a str: Bind<'a, Db<E>>,
    for<'q> Option<&'q str>: Bind<'q, Db<E>>,
{
    let mut tx = store.decision().await?;
    let ended = end_sessions::<E>(&mut tx, ending, &REMEMBER, now, by).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Ends the sessions `ending` picks: marks them as ended by `by`, runs `keep` (what
/// they leave behind: [`REMEMBER`], or only their sign-ins for "not me"), records
/// their end at `now`, then deletes them; the rows deleted. Inside a transaction of
/// the store.
async fn end_sessions<E: Engine>(
    tx: &mut Conn<E>,
    ending: Ending<'_>,
    keep: &[&str],
    now: i64,
    by: EndedBy,
) -> Result<u64, sqlx::Error>
where
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    for<'a> &'a str: Bind<'a, Db<E>>,
    for<'q> Option<&'q str>: Bind<'q, Db<E>>,
{
    let by = by.word();
    let mark = match ending {
        Ending::Session(id) => sqlx::query(MARK_SESSION).bind(by).bind(id),
        Ending::OfAccount(account, id) => {
            sqlx::query(MARK_SESSION_OF).bind(by).bind(account).bind(id)
        }
        Ending::Device(account, id, device) => sqlx::query(MARK_DEVICE)
            .bind(by)
            .bind(account)
            .bind(id)
            .bind(device),
        Ending::AllBut(account, id) => sqlx::query(MARK_ALL_BUT).bind(by).bind(account).bind(id),
    };
    mark.execute(&mut *tx).await?;
    for statement in keep {
        sqlx::query(statement).execute(&mut *tx).await?;
    }
    sqlx::query(RECORD_ENDS).bind(now).execute(&mut *tx).await?;
    let deleted = sqlx::query(DELETE_ENDED).execute(&mut *tx).await?;
    Ok(E::rows_affected(&deleted))
}

#[async_trait]
impl<E> SessionStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    String: Column<Db<E>>,
    Option<String>: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'q> Option<&'q str>: Bind<'q, Db<E>>,
    for<'a> &'a str: ColumnIndex<<Db<E> as Database>::Row>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
{
    async fn complete_sign_in(
        &self,
        id_hash: &str,
        session: NewSession<'_>,
        guard: &Scopes,
        now: i64,
        max_tries: u32,
    ) -> Result<Option<SignedIn>, AppError> {
        let signed_in: Option<SignInRow> = self
            .sign_in(id_hash, session, guard, now, max_tries)
            .await?;
        Ok(signed_in.map(Into::into))
    }

    async fn session_account(
        &self,
        session_hash: &str,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<LiveSession>, AppError> {
        let row: Option<SessionAccountRow> = sqlx::query_as(
            "SELECT a.id, a.phone, a.created_at, a.last_sign_in_at, a.public_id,
                    s.last_seen_at, s.method, s.created_at AS signed_in_at
             FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.id_hash = $1 AND s.last_seen_at > $2 - $3 AND s.created_at > $2 - $4",
        )
        .bind(session_hash)
        .bind(now)
        .bind(limits.idle_secs)
        .bind(limits.absolute_secs)
        .fetch_optional(self.reader())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        if needs_touch(row.last_seen_at, now) {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(now)
                .bind(session_hash)
                .execute(self.writer())
                .await?;
        }
        Ok(Some(row.into()))
    }

    async fn delete_session(&self, session_hash: &str, now: i64) -> Result<(), AppError> {
        end_remembered(self, Ending::Session(session_hash), now, EndedBy::SignOut).await?;
        Ok(())
    }

    async fn sessions_of(
        &self,
        account_id: AccountId,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Vec<SessionInfo>, AppError> {
        Ok(sqlx::query_as(
            "SELECT id_hash, created_at, last_seen_at, device, country, novelty, method
             FROM sessions
             WHERE account_id = $1 AND last_seen_at > $2 - $3 AND created_at > $2 - $4
             ORDER BY last_seen_at DESC, created_at DESC",
        )
        .bind(account_id)
        .bind(now)
        .bind(limits.idle_secs)
        .bind(limits.absolute_secs)
        .fetch_all(self.reader())
        .await?)
    }

    async fn delete_session_of(
        &self,
        account_id: AccountId,
        session_hash: &str,
        now: i64,
    ) -> Result<(), AppError> {
        let ending = Ending::OfAccount(account_id, session_hash);
        end_remembered(self, ending, now, EndedBy::OtherSession).await?;
        Ok(())
    }

    async fn disown_session(
        &self,
        account_id: AccountId,
        session_hash: &str,
        now: i64,
    ) -> Result<bool, AppError> {
        let mut tx = self.decision().await?;
        let device_hash: Option<Option<String>> = sqlx::query_scalar(
            "SELECT device_hash FROM sessions WHERE account_id = $1 AND id_hash = $2",
        )
        .bind(account_id)
        .bind(session_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(device_hash) = device_hash else {
            return Ok(false);
        };
        let device_hash = device_hash.as_deref();
        // Its sign-ins stay in the activity; its device and country are not
        // remembered for the account.
        let ending = Ending::Device(account_id, session_hash, device_hash);
        end_sessions::<E>(&mut tx, ending, &[RECORD_SIGN_INS], now, EndedBy::NotMe).await?;
        for forget in [
            "DELETE FROM known_devices WHERE account_id = $1 AND id_hash = $2",
            "DELETE FROM device_alerts WHERE account_id = $1 AND device_hash = $2",
        ] {
            sqlx::query(forget)
                .bind(account_id)
                .bind(device_hash)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn delete_other_sessions(
        &self,
        account_id: AccountId,
        keep_hash: &str,
        now: i64,
    ) -> Result<u64, AppError> {
        let ending = Ending::AllBut(account_id, keep_hash);
        Ok(end_remembered(self, ending, now, EndedBy::OtherSession).await?)
    }
}
