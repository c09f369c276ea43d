//! The embedded SQLite store (WAL). Decisions run in `BEGIN IMMEDIATE` transactions,
//! which SQLite serialises, so a check and the write it allows are one step.

use std::{path::Path, str::FromStr, time::Duration};

use async_trait::async_trait;
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Row, SqlitePool,
};

use super::{
    Account, NewSession, NewVerification, OutboxMessage, SendTicket, SessionInfo, SessionLimits,
    Store, Verification,
};
use crate::{
    error::AppError,
    otp::{Policy, SendHistory},
    phone::Phone,
};

const HOUR: i64 = Policy::WINDOW_HOUR;
const DAY: i64 = Policy::WINDOW_DAY;

#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating the file and its folder if missing) and migrates.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        if let Some(folder) = Path::new(options.get_filename()).parent() {
            if !folder.as_os_str().is_empty() {
                std::fs::create_dir_all(folder)?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    async fn history(
        tx: &mut sqlx::SqliteConnection,
        phone: &Phone,
        ip: &str,
        now: i64,
    ) -> Result<SendHistory, sqlx::Error> {
        let row = sqlx::query(
            "SELECT
                (SELECT MAX(sent_at) FROM sms_sends WHERE phone = ?1 AND sent_at > ?4),
                (SELECT COUNT(*) FROM sms_sends WHERE phone = ?1 AND sent_at > ?3),
                (SELECT COUNT(*) FROM sms_sends WHERE ip = ?2 AND sent_at > ?3),
                (SELECT COUNT(*) FROM sms_sends WHERE sent_at > ?4),
                (SELECT COUNT(*) FROM failed_attempts WHERE phone = ?1 AND at > ?3)",
        )
        .bind(phone.e164())
        .bind(ip)
        .bind(now - HOUR)
        .bind(now - DAY)
        .fetch_one(&mut *tx)
        .await?;
        Ok(SendHistory {
            last_sent_to_phone: row.try_get(0)?,
            sent_to_phone_last_hour: count(row.try_get(1)?),
            sent_from_ip_last_hour: count(row.try_get(2)?),
            sent_last_day: count(row.try_get(3)?),
            phone_failures_last_hour: count(row.try_get(4)?),
        })
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn account_from(row: &sqlx::sqlite::SqliteRow) -> Result<Account, sqlx::Error> {
    Ok(Account {
        id: row.try_get("id")?,
        phone: Phone::from_stored(row.try_get("phone")?),
        created_at: row.try_get("created_at")?,
        last_sign_in_at: row.try_get("last_sign_in_at")?,
    })
}

#[async_trait]
impl Store for SqliteStore {
    async fn reserve_sms(
        &self,
        phone: &Phone,
        ip: &str,
        now: i64,
        policy: &Policy,
    ) -> Result<SendTicket, AppError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let history = Self::history(&mut tx, phone, ip, now).await?;
        policy.check_send(&history, now)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sms_sends (phone, ip, sent_at) VALUES (?, ?, ?) RETURNING id",
        )
        .bind(phone.e164())
        .bind(ip)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(SendTicket(id))
    }

    async fn release_sms(&self, ticket: SendTicket) -> Result<(), AppError> {
        sqlx::query("DELETE FROM sms_sends WHERE id = ?")
            .bind(ticket.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn last_sms_to(&self, phone: &Phone, now: i64) -> Result<Option<i64>, AppError> {
        Ok(
            sqlx::query_scalar(
                "SELECT MAX(sent_at) FROM sms_sends WHERE phone = ? AND sent_at > ?",
            )
            .bind(phone.e164())
            .bind(now - DAY)
            .fetch_one(&self.pool)
            .await?,
        )
    }

    async fn replace_verification(&self, new: NewVerification<'_>) -> Result<(), AppError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query("DELETE FROM verifications WHERE phone = ? AND consumed_at IS NULL")
            .bind(new.phone.e164())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO verifications (id_hash, phone, code_digest, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(new.id_hash)
        .bind(new.phone.e164())
        .bind(new.code_digest)
        .bind(new.created_at)
        .bind(new.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_verification(&self, id_hash: &str) -> Result<(), AppError> {
        sqlx::query("DELETE FROM verifications WHERE id_hash = ?")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn verification(&self, id_hash: &str) -> Result<Option<Verification>, AppError> {
        let row = sqlx::query(
            "SELECT phone, code_digest, expires_at, failed_tries, consumed_at
             FROM verifications WHERE id_hash = ?",
        )
        .bind(id_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Verification {
            phone: Phone::from_stored(row.try_get("phone")?),
            code_digest: row.try_get("code_digest")?,
            expires_at: row.try_get("expires_at")?,
            failed_tries: count(row.try_get("failed_tries")?),
            consumed: row.try_get::<Option<i64>, _>("consumed_at")?.is_some(),
        }))
    }

    async fn phone_failures_since(&self, phone: &Phone, since: i64) -> Result<u32, AppError> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM failed_attempts WHERE phone = ? AND at > ?")
                .bind(phone.e164())
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
        Ok(count(n))
    }

    async fn record_wrong_guess(
        &self,
        id_hash: &str,
        phone: &Phone,
        now: i64,
        max_tries: u32,
    ) -> Result<Option<u32>, AppError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let tries: Option<i64> = sqlx::query_scalar(
            "UPDATE verifications SET failed_tries = failed_tries + 1
             WHERE id_hash = ? AND consumed_at IS NULL AND failed_tries < ?
             RETURNING failed_tries",
        )
        .bind(id_hash)
        .bind(i64::from(max_tries))
        .fetch_optional(&mut *tx)
        .await?;
        if tries.is_some() {
            sqlx::query("INSERT INTO failed_attempts (phone, at) VALUES (?, ?)")
                .bind(phone.e164())
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(tries.map(count))
    }

    async fn complete_sign_in(
        &self,
        id_hash: &str,
        session: NewSession<'_>,
        now: i64,
        max_tries: u32,
    ) -> Result<Option<Account>, AppError> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let phone: Option<String> = sqlx::query_scalar(
            "UPDATE verifications SET consumed_at = ?
             WHERE id_hash = ? AND consumed_at IS NULL AND failed_tries < ? AND expires_at > ?
             RETURNING phone",
        )
        .bind(now)
        .bind(id_hash)
        .bind(i64::from(max_tries))
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(phone) = phone else {
            return Ok(None);
        };
        let row = sqlx::query(
            "INSERT INTO accounts (phone, created_at, last_sign_in_at) VALUES (?1, ?2, ?2)
             ON CONFLICT (phone) DO UPDATE SET last_sign_in_at = excluded.last_sign_in_at
             RETURNING id, phone, created_at, last_sign_in_at",
        )
        .bind(&phone)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let account = account_from(&row)?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, device)
             VALUES (?1, ?2, ?3, ?3, ?4)",
        )
        .bind(session.id_hash)
        .bind(account.id)
        .bind(now)
        .bind(session.device)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(account))
    }

    async fn session_account(
        &self,
        session_hash: &str,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<Account>, AppError> {
        let row = sqlx::query(
            "UPDATE sessions SET last_seen_at = ?1
             WHERE id_hash = ?2 AND last_seen_at > ?1 - ?3 AND created_at > ?1 - ?4
             RETURNING account_id",
        )
        .bind(now)
        .bind(session_hash)
        .bind(limits.idle_secs)
        .bind(limits.absolute_secs)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let account_id: i64 = row.try_get(0)?;
        let row =
            sqlx::query("SELECT id, phone, created_at, last_sign_in_at FROM accounts WHERE id = ?")
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.as_ref().map(account_from).transpose()?)
    }

    async fn delete_session(&self, session_hash: &str) -> Result<(), AppError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
            .bind(session_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn sessions_of(
        &self,
        account_id: i64,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Vec<SessionInfo>, AppError> {
        Ok(sqlx::query_as(
            "SELECT id_hash, created_at, last_seen_at, device FROM sessions
             WHERE account_id = ?1 AND last_seen_at > ?2 - ?3 AND created_at > ?2 - ?4
             ORDER BY last_seen_at DESC, created_at DESC",
        )
        .bind(account_id)
        .bind(now)
        .bind(limits.idle_secs)
        .bind(limits.absolute_secs)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn delete_session_of(&self, account_id: i64, session_hash: &str) -> Result<(), AppError> {
        sqlx::query("DELETE FROM sessions WHERE account_id = ? AND id_hash = ?")
            .bind(account_id)
            .bind(session_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn outbox_push(&self, destination: &str, text: &str, now: i64) -> Result<(), AppError> {
        sqlx::query("INSERT INTO dev_outbox (destination, text, created_at) VALUES (?, ?, ?)")
            .bind(destination)
            .bind(text)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, AppError> {
        Ok(sqlx::query_as(
            "SELECT destination, text, created_at FROM dev_outbox ORDER BY id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn purge(&self, now: i64, limits: SessionLimits) -> Result<u64, AppError> {
        let statements: [(&str, i64); 5] = [
            // Expired codes stay an hour, so a late guess is told "expired", not "unknown".
            (
                "DELETE FROM verifications WHERE expires_at <= ?",
                now - HOUR,
            ),
            ("DELETE FROM sms_sends WHERE sent_at <= ?", now - DAY),
            ("DELETE FROM failed_attempts WHERE at <= ?", now - HOUR),
            (
                "DELETE FROM sessions WHERE last_seen_at <= ?",
                now - limits.idle_secs,
            ),
            (
                "DELETE FROM sessions WHERE created_at <= ?",
                now - limits.absolute_secs,
            ),
        ];
        let mut removed = 0;
        for (sql, before) in statements {
            removed += sqlx::query(sql)
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        Ok(removed)
    }
}
