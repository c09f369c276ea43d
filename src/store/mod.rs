//! Storage, split by aggregate: each file (codes, sends, sessions, activity,
//! passkeys, outbox, retention) holds its contract, its statements and its
//! one implementation for both engines, over what each engine supplies
//! (`engine.rs`: SQLite in `sqlite/`, PostgreSQL in `postgres/`). `Store`
//! (`traits.rs`) is all of them together.
//!
//! Every limit is counted here, so it holds across several app instances that
//! share the database. Methods that decide something (reserve an SMS, count a wrong
//! guess, consume a code) do it atomically in one transaction.

mod activity;
mod batches;
mod challenges;
mod codes;
mod columns;
mod engine;
pub mod guard;
mod model;
pub mod oidc_grants;
pub mod oidc_keys;
mod operator;
mod outbox;
pub mod passkeys;
mod postgres;
mod retention;
mod rows;
#[cfg(test)]
mod rules;
mod sends;
mod sessions;
mod sqlite;
mod traits;

use std::sync::Arc;

pub use model::{
    Account, AccountId, ActivityEvent, AlertAbout, AlertClaim, Allowance, BudgetSpend, EndedBy,
    EventDetail,
    EventKind, Footprint, LiveSession, NewSession, NewVerification, Novelty, OutboxMessage,
    SendTicket, SessionInfo, SessionLimits, SignInMethod, SignedIn, Standing, Verification, Word,
    WrongGuess, ACTIVITY_KEEP_SECS, COUNTRY_MEMORY_SECS, DEVICE_COOKIE_SECS,
    EXPIRED_CODES_KEPT_SECS,
};
pub use passkeys::PasskeyStore;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use traits::{
    ActivityStore, ChallengeStore, CodeStore, GuardStore, OidcGrantStore, OidcKeyStore,
    OperatorStore, OutboxStore, RetentionStore, SendStore, SessionStore,
    Store,
};

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
