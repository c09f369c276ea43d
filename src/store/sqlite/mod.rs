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

pub(in crate::store) mod sends;
pub(in crate::store) mod sign_in;
mod standings;

use self::{
    sign_in::{SignIn, SignIns},
    standings::Standings,
};
use crate::store::{
    engine::Engine,
    model::NewSession,
    oidc_grants::{model::Redemptions, redeem},
    rows::{SignInRow, StandingOf, StandingRow},
    sends::job::{SendJob, Sends},
};
use crate::{
    otp::{guard::Scopes, SendHistory},
    phone::Phone,
};

#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    sign_ins: SignIns,
    sends: Sends,
    standings: Standings,
    redemptions: Redemptions,
}

const READERS: u32 = 4;

impl SqliteStore {
    /// Opens (creating the file and its folder if missing) and migrates.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // The checkpointer task does this off the write path; this is the backstop.
            .pragma("wal_autocheckpoint", "10000");
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
            .connect_with(options.clone().read_only(true))
            .await?;
        spawn_checkpointer(options);
        let (sign_ins, queue) = SignIns::channel();
        tokio::spawn(sign_in::run(writer.clone(), queue));
        let (sends, queue) = Sends::channel();
        tokio::spawn(crate::store::sends::run::<Self>(writer.clone(), queue));
        let (standings, queue) = Standings::channel();
        tokio::spawn(standings::run(reader.clone(), queue));
        let (redemptions, queue) = Redemptions::channel();
        tokio::spawn(redeem::run::<Self>(writer.clone(), queue));
        Ok(Self {
            writer,
            reader,
            sign_ins,
            sends,
            standings,
            redemptions,
        })
    }
}

impl Engine for SqliteStore {
    type Db = Sqlite;

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    async fn begin(writer: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        writer.begin_with("BEGIN IMMEDIATE").await
    }

    fn rows_affected(result: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    fn sends(&self) -> &Sends {
        &self.sends
    }

    /// `BEGIN IMMEDIATE` already lets one writer in at a time.
    async fn serialize_sends(_: &mut SqliteConnection) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// `BEGIN IMMEDIATE` already lets one writer in at a time.
    async fn serialize_guesses(_: &mut SqliteConnection, _: &Phone) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// `BEGIN IMMEDIATE` already lets one writer in at a time.
    async fn serialize_ceremonies(_: &mut SqliteConnection, _: &str) -> Result<(), sqlx::Error> {
        Ok(())
    }

    async fn standing_row(&self, of: StandingOf) -> Result<StandingRow, sqlx::Error> {
        self.standings.run(of).await
    }

    async fn sign_in(
        &self,
        id_hash: &str,
        session: NewSession<'_>,
        guard: &Scopes,
        now: i64,
        max_tries: u32,
    ) -> Result<Option<SignInRow>, sqlx::Error> {
        self.sign_ins
            .run(SignIn {
                id_hash: id_hash.to_owned(),
                session_hash: session.id_hash.to_owned(),
                device: session.from.device.clone(),
                device_hash: session.device_hash.to_owned(),
                country: session.from.country.clone(),
                network: session.from.network.clone(),
                guard_range: guard.range.clone(),
                guard_country: guard.country.clone(),
                now,
                max_tries,
            })
            .await
    }

    async fn send_histories(
        tx: &mut SqliteConnection,
        jobs: &[SendJob],
    ) -> Result<Vec<SendHistory>, sqlx::Error> {
        sends::histories(tx, jobs).await
    }

    async fn record_codes(
        tx: &mut SqliteConnection,
        jobs: &[&SendJob],
    ) -> Result<Vec<i64>, sqlx::Error> {
        sends::record(tx, jobs).await
    }

    fn redemptions(&self) -> Option<&Redemptions> {
        Some(&self.redemptions)
    }

    async fn purge_turn(&self) -> Result<Option<Transaction<'static, Sqlite>>, sqlx::Error> {
        self.decision().await.map(Some)
    }
}

/// Copies the write-ahead log into the database file every second, on a connection of
/// its own, so that commits do not stop to checkpoint (a checkpoint syncs the disk).
/// A passive checkpoint waits for nobody; the task ends with the process.
fn spawn_checkpointer(options: SqliteConnectOptions) {
    tokio::spawn(async move {
        let Ok(mut connection) = sqlx::ConnectOptions::connect(&options).await else {
            tracing::warn!("no checkpointer connection: SQLite checkpoints on commit");
            return;
        };
        let mut ticker = tokio::time::interval(CHECKPOINT_EVERY);
        loop {
            ticker.tick().await;
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&mut connection)
                .await
            {
                tracing::warn!(%error, "WAL checkpoint failed");
            }
        }
    });
}

const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
