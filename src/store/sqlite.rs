//! The embedded SQLite store (WAL). Decisions run in `BEGIN IMMEDIATE` transactions,
//! which SQLite serialises, so a check and the write it allows are one step.

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Sqlite, SqliteConnection, SqlitePool, Transaction,
};

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

    async fn decision(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
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
