//! Storage: one contract (`traits.rs`), written once for both engines (`sql.rs`,
//! `passkey_sql.rs`) over what each engine supplies (`engine.rs`: SQLite in
//! `sqlite*.rs`, PostgreSQL in `postgres.rs`).
//!
//! Every limit is counted here, so it holds across several app instances that
//! share the database. Methods that decide something (reserve an SMS, count a wrong
//! guess, consume a code) do it atomically in one transaction.

mod batches;
mod engine;
mod model;
mod passkey_sql;
pub mod passkeys;
mod postgres;
mod reservations;
mod rows;
mod sends;
mod sql;
mod sqlite;
mod sqlite_sends;
mod sqlite_sign_in;
mod sqlite_standings;
mod traits;

use std::sync::Arc;

pub use model::{
    Account, ActivityEvent, AlertClaim, Allowance, EndedBy, EventKind, Footprint, LiveSession,
    NewSession, NewVerification, Novelty, OutboxMessage, SendTicket, SessionInfo, SessionLimits,
    SignedIn, Standing, Verification, WrongGuess, ACTIVITY_KEEP_SECS, EXPIRED_CODES_KEPT_SECS,
    COUNTRY_MEMORY_SECS, DEVICE_COOKIE_SECS,
};
pub use passkeys::PasskeyStore;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use traits::Store;

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
