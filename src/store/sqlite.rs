//! The embedded SQLite store (WAL). Decisions run in `BEGIN IMMEDIATE` transactions,
//! which SQLite serialises, so a check and the write it allows are one step.
//!
//! Writes go through a pool of one connection, so writers queue in the pool (in
//! order, without spinning) instead of meeting SQLite's busy handler, whose sleeps
//! of up to 100 ms made p99 latency under load; reads use a pool of read-only
//! connections beside it, which WAL lets run while a write is in progress.

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Sqlite, SqliteConnection, SqlitePool, Transaction,
};

use super::{sql::AccountRow, NewSession};

#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

const READERS: u32 = 8;

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
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { writer, reader })
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    async fn decision(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }

    /// `BEGIN IMMEDIATE` already lets one writer in at a time.
    async fn serialize_sends(_: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// Uses the code and signs its phone in, in one transaction sent as one batch:
    /// each step after the first goes on only if the one before changed a row
    /// (`changes()`), and the batch ends by reading back the signed-in account.
    async fn sign_in(
        &self,
        id_hash: &str,
        session: NewSession<'_>,
        now: i64,
        max_tries: u32,
    ) -> Result<Option<AccountRow>, sqlx::Error> {
        const SIGN_IN: &str = "BEGIN IMMEDIATE;
            UPDATE verifications SET consumed_at = $1
             WHERE id_hash = $2 AND consumed_at IS NULL AND failed_tries < $3 AND expires_at > $1;
            INSERT INTO accounts (phone, created_at, last_sign_in_at)
             SELECT phone, $1, $1 FROM verifications WHERE id_hash = $2 AND changes() = 1
             ON CONFLICT (phone) DO UPDATE SET last_sign_in_at = excluded.last_sign_in_at;
            INSERT INTO sessions (id_hash, account_id, created_at, last_seen_at, device)
             SELECT $4, a.id, $1, $1, $5
             FROM verifications v JOIN accounts a ON a.phone = v.phone
             WHERE v.id_hash = $2 AND changes() = 1;
            SELECT a.id, a.phone, a.created_at, a.last_sign_in_at
             FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $4;
            COMMIT;";
        let mut writer = self.writer.acquire().await?;
        // fetch_all runs the batch to its end (COMMIT); a failure part-way leaves the
        // transaction open, so it is rolled back here before the connection goes back.
        let result = sqlx::query_as(SIGN_IN)
            .bind(now)
            .bind(id_hash)
            .bind(i64::from(max_tries))
            .bind(session.id_hash)
            .bind(session.device)
            .fetch_all(&mut *writer)
            .await;
        match result {
            Ok(mut rows) => Ok(rows.pop()),
            Err(error) => {
                if sqlx::query("ROLLBACK").execute(&mut *writer).await.is_err() {
                    writer.close_on_drop();
                }
                Err(error)
            }
        }
    }

    async fn purge_turn(&self) -> Result<Option<Transaction<'static, Sqlite>>, sqlx::Error> {
        self.decision().await.map(Some)
    }
}

super::sql::impl_store!(SqliteStore);
