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

    async fn purge_turn(&self) -> Result<Option<Transaction<'static, Sqlite>>, sqlx::Error> {
        self.decision().await.map(Some)
    }
}

super::sql::impl_store!(SqliteStore);
