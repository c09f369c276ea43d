//! Storage: one trait, one implementation per database engine.
//!
//! Every limit is counted here, so it holds across several app instances that
//! share the database. Methods that decide something (reserve an SMS, count a wrong
//! guess, consume a code) do it atomically in one transaction.

mod postgres;
mod sql;
mod sqlite;
mod sqlite_sign_in;

use std::sync::Arc;

use async_trait::async_trait;

use crate::{error::AppError, otp::Policy, phone::Phone};

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Opens the store `url` names: `postgres://` (or `postgresql://`) for PostgreSQL,
/// anything else for SQLite. Migrates before returning.
pub async fn connect(url: &str, max_connections: u32) -> Result<Arc<dyn Store>, sqlx::Error> {
    if is_postgres(url) {
        Ok(Arc::new(PgStore::connect(url, max_connections).await?))
    } else {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    }
}

pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// A pending or used code as the store keeps it.
#[derive(Debug, Clone)]
pub struct Verification {
    pub phone: Phone,
    pub code_digest: Vec<u8>,
    pub expires_at: i64,
    pub failed_tries: u32,
    pub consumed: bool,
    /// Wrong codes for this phone, across all its codes, since the time asked.
    pub phone_failures: u32,
}

/// A code about to be sent. It replaces the live code of the same browser (`replaces`,
/// the hash of the id its cookie held), never a code pending in another browser.
pub struct NewVerification<'a> {
    pub id_hash: &'a str,
    pub replaces: Option<&'a str>,
    pub phone: &'a Phone,
    pub code_digest: &'a [u8],
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub phone: Phone,
    pub created_at: i64,
    pub last_sign_in_at: i64,
}

/// A counted SMS: released again when the sender said for sure it did not send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendTicket(pub i64);

/// A live session of an account, for the person's list of their sessions.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionInfo {
    pub id_hash: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub device: String,
}

/// A session about to be opened.
pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub device: &'a str,
}

/// Session lifetimes, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle_secs: i64,
    pub absolute_secs: i64,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            idle_secs: 7 * 24 * 3600,
            absolute_secs: 30 * 24 * 3600,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMessage {
    pub destination: String,
    pub text: String,
    pub created_at: i64,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Counts one SMS to `phone` from `ip` if the policy allows it now.
    async fn reserve_sms(
        &self,
        phone: &Phone,
        ip: &str,
        now: i64,
        policy: &Policy,
    ) -> Result<SendTicket, AppError>;

    /// Uncounts an SMS that was never sent.
    async fn release_sms(&self, ticket: SendTicket) -> Result<(), AppError>;

    /// When the last SMS went to this phone, if within the last day.
    async fn last_sms_to(&self, phone: &Phone, now: i64) -> Result<Option<i64>, AppError>;

    /// Stores a new code and kills the live code it replaces, if any.
    async fn replace_verification(&self, new: NewVerification<'_>) -> Result<(), AppError>;

    async fn delete_verification(&self, id_hash: &str) -> Result<(), AppError>;

    /// The code, with its phone's wrong guesses since `failures_since`.
    async fn verification(
        &self,
        id_hash: &str,
        failures_since: i64,
    ) -> Result<Option<Verification>, AppError>;

    /// Counts a wrong guess if the code still had a try left and the phone is not
    /// locked, in one step that parallel guesses cannot overshoot: the code's failed
    /// tries after counting, `None` when no try was left, [`AppError::PhoneLocked`]
    /// when the phone's failures of the last hour reached the policy's limit (nothing
    /// is counted then).
    async fn record_wrong_guess(
        &self,
        id_hash: &str,
        phone: &Phone,
        now: i64,
        policy: &Policy,
    ) -> Result<Option<u32>, AppError>;

    /// Uses the code once, atomically, and signs its phone in: the account is created
    /// at the first sign-in, and `session` is opened. `None` when
    /// the code was used, dead or expired by the time this ran.
    async fn complete_sign_in(
        &self,
        id_hash: &str,
        session: NewSession<'_>,
        now: i64,
        max_tries: u32,
    ) -> Result<Option<Account>, AppError>;

    /// The account of a live session, refreshing its idle timer (written at most
    /// once a minute).
    async fn session_account(
        &self,
        session_hash: &str,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<Account>, AppError>;

    async fn delete_session(&self, session_hash: &str) -> Result<(), AppError>;

    /// The account's live sessions, the most recently used first.
    async fn sessions_of(
        &self,
        account_id: i64,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Vec<SessionInfo>, AppError>;

    /// Ends one session of the account; a session of another account is untouched.
    async fn delete_session_of(&self, account_id: i64, session_hash: &str) -> Result<(), AppError>;

    async fn outbox_push(&self, destination: &str, text: &str, now: i64) -> Result<(), AppError>;

    /// The newest captured SMS first.
    async fn outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, AppError>;

    /// Deletes what no rule can look at any more: expired codes, dead sessions, old
    /// counting windows. Returns the rows removed.
    async fn purge(&self, now: i64, limits: SessionLimits) -> Result<u64, AppError>;

    /// Whether the database answers: the readiness probe.
    async fn ping(&self) -> Result<(), AppError>;
}
