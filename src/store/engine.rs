//! An engine: what a database supplies to the store's shared SQL, and the bounds
//! under which that SQL runs on it.
//!
//! The shared SQL is written once, generic over the engine. Rust does not carry a
//! trait's where-clauses to where it is used, so the generic implementations
//! (`impl<E> Store for E`, `impl<E> PasskeyStore for E`) each state what they need of
//! the engine's database; [`Column`] and [`Bind`] keep those lists short: a type the
//! statements bind and read, and a borrowed value they bind.

use std::future::Future;

use sqlx::{Database, Pool, Transaction};

use super::{
    model::NewSession,
    oidc_grants::model::Redemptions,
    rows::{SignInRow, StandingOf, StandingRow},
    sends::job::{SendJob, Sends},
};
use crate::{otp::guard::Scopes, phone::Phone};

/// What an engine supplies to the SQL both engines run (each aggregate's file):
/// its pools, its transactions and locks, and the statements written for it alone
/// because the engines really differ there. The compiler checks that a store
/// supplies them all.
pub(super) trait Engine: Send + Sync + 'static {
    type Db: Database;

    /// The pool reads go to.
    fn reader(&self) -> &Pool<Self::Db>;

    /// The pool writes go to.
    fn writer(&self) -> &Pool<Self::Db>;

    /// Begins a transaction on `writer` that a check and the write it allows run in.
    fn begin(
        writer: &Pool<Self::Db>,
    ) -> impl Future<Output = Result<Transaction<'static, Self::Db>, sqlx::Error>> + Send;

    /// Begins a decision transaction on the store's writer.
    fn decision(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Self::Db>, sqlx::Error>> + Send {
        Self::begin(self.writer())
    }

    /// The rows a statement changed.
    fn rows_affected(result: &<Self::Db as Database>::QueryResult) -> u64;

    /// The task that decides the store's SMS reservations (`sends/batch.rs`).
    fn sends(&self) -> &Sends;

    /// Makes SMS reservations, which count across phones (IP caps, the daily budget),
    /// run one at a time across every instance.
    fn serialize_sends(
        tx: &mut <Self::Db as Database>::Connection,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;

    /// Makes the wrong guesses of one phone, which count across its codes (the
    /// phone's lock), run one at a time across every instance.
    fn serialize_guesses(
        tx: &mut <Self::Db as Database>::Connection,
        phone: &Phone,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;

    /// Makes the passkey ceremonies started from one address (which its hourly cap
    /// counts) start one at a time across every instance.
    fn serialize_ceremonies(
        tx: &mut <Self::Db as Database>::Connection,
        ip: &str,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;

    /// What the store knows of a phone and a browser for a code request, and the
    /// history it is decided on (`sends::standing::STANDING`): read beside the writer, one round
    /// trip (on SQLite, one for the requests waiting together: `sqlite/standings.rs`).
    fn standing_row(
        &self,
        of: StandingOf,
    ) -> impl Future<Output = Result<StandingRow, sqlx::Error>> + Send;

    /// The hot decision of the verify step, written for each engine so that it is one
    /// round trip to the database: one statement on PostgreSQL, one group-committed
    /// batch on SQLite (`sqlite/sign_in.rs`). A first sign-in is counted in the
    /// conversion guard's `guard` scopes in the same step.
    fn sign_in(
        &self,
        id_hash: &str,
        session: NewSession<'_>,
        guard: &Scopes,
        now: i64,
        max_tries: u32,
    ) -> impl Future<Output = Result<Option<SignInRow>, sqlx::Error>> + Send;

    /// The histories of the reservations `jobs`, in their order, read while sends are
    /// serialised: one round trip.
    fn send_histories(
        tx: &mut <Self::Db as Database>::Connection,
        jobs: &[SendJob],
    ) -> impl Future<Output = Result<Vec<crate::otp::SendHistory>, sqlx::Error>> + Send;

    /// Writes the granted reservations `jobs`: each send, counted in `sms_sends` and
    /// in the running totals; the code sent, in the activity of the phone's account if
    /// it has one; the new code, killing the live one it replaces. Returns the sends'
    /// ids in order; one round trip where the engine allows.
    fn record_codes(
        tx: &mut <Self::Db as Database>::Connection,
        jobs: &[&SendJob],
    ) -> impl Future<Output = Result<Vec<i64>, sqlx::Error>> + Send;

    /// The task that redeems the OpenID provider's codes in group-committed batches
    /// (`oidc_grants/redeem.rs`), where the engine has one; `None`: each in its own
    /// transaction.
    fn redemptions(&self) -> Option<&Redemptions> {
        None
    }

    /// Begins the purge's transaction, or `None` while another instance is purging.
    fn purge_turn(
        &self,
    ) -> impl Future<Output = Result<Option<Transaction<'static, Self::Db>>, sqlx::Error>> + Send;
}

/// The database of an engine.
pub(super) type Db<E> = <E as Engine>::Db;

/// The connection type of an engine.
pub(super) type Conn<E> = <Db<E> as Database>::Connection;

/// A type the statements bind and read on `DB`.
pub(super) trait Column<DB: Database>:
    for<'q> sqlx::Encode<'q, DB> + for<'r> sqlx::Decode<'r, DB> + sqlx::Type<DB> + Send
{
}

impl<DB: Database, T> Column<DB> for T where
    T: for<'q> sqlx::Encode<'q, DB> + for<'r> sqlx::Decode<'r, DB> + sqlx::Type<DB> + Send
{
}

/// A borrowed value the statements bind on `DB`.
pub(super) trait Bind<'q, DB: Database>:
    sqlx::Encode<'q, DB> + sqlx::Type<DB> + Send + 'q
{
}

impl<'q, DB: Database, T> Bind<'q, DB> for T where
    T: sqlx::Encode<'q, DB> + sqlx::Type<DB> + Send + 'q
{
}
