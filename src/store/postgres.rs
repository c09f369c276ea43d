//! The PostgreSQL store, shared by several app instances. Codes and sessions are
//! decided by row locks (`UPDATE … WHERE … RETURNING` re-checks its condition after
//! waiting for a concurrent writer); SMS reservations, which count across rows, take
//! one transaction-scoped advisory lock.

use std::{sync::LazyLock, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    PgConnection, PgPool, Postgres, Transaction,
};

use super::{
    sql::{novelty_key, Engine, NewSend, SignInRow},
    NewSession, COUNTRY_MEMORY_SECS,
};
use crate::phone::Phone;

/// Advisory lock keys of this application ("sms-auth" in ASCII, then a number).
const SENDS_LOCK: i64 = 0x736d_732d_6175_0001;
const PURGE_LOCK: i64 = 0x736d_732d_6175_0002;
/// The first half of the two-part keys that lock one phone's guesses ("smsg"); the
/// second is the phone's hash. Two-part keys never meet the one-part keys above.
const GUESSES_LOCK: i32 = 0x736d_7367;
/// The same for the passkey ceremonies of one address ("smsp").
const CEREMONIES_LOCK: i32 = 0x736d_7370;

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and migrates (the migrator takes its own lock, so instances starting
    /// together migrate once).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, sqlx::Error> {
        let options: PgConnectOptions = url.parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // Every statement here is a handful of index lookups whose plan does not
            // depend on the values bound. PostgreSQL would plan the sign-in (a CTE
            // with the novelty's subqueries) anew for every execution, its planning
            // taking twice its run; a generic plan is made once per connection. Set
            // by a statement, not a startup option, which a pooler such as PgBouncer
            // may refuse.
            .after_connect(|connection, _| {
                Box::pin(async move {
                    sqlx::query("SET plan_cache_mode = force_generic_plan")
                        .execute(connection)
                        .await?;
                    Ok(())
                })
            })
            .connect_with(options.application_name("sms-auth"))
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

impl Engine for PgStore {
    type Db = Postgres;

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    async fn decision(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    async fn serialize_sends(tx: &mut PgConnection) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(SENDS_LOCK)
            .execute(tx)
            .await?;
        Ok(())
    }

    /// One phone's guesses wait for each other; other phones' run beside them.
    async fn serialize_guesses(tx: &mut PgConnection, phone: &Phone) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(GUESSES_LOCK)
            .bind(phone.e164())
            .execute(tx)
            .await?;
        Ok(())
    }

    /// One address's ceremonies wait for each other; other addresses' run beside them.
    async fn serialize_ceremonies(tx: &mut PgConnection, ip: &str) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(CEREMONIES_LOCK)
            .bind(ip)
            .execute(tx)
            .await?;
        Ok(())
    }

    /// Uses the code and signs its phone in, in one statement: PostgreSQL runs the
    /// data-modifying CTEs as one atomic step, and the `UPDATE`'s row lock lets one
    /// of several concurrent submissions of a code through. Every part sees the
    /// tables as they were before the statement, so what is new about the sign-in is
    /// decided against the account as it was.
    async fn sign_in(
        &self,
        id_hash: &str,
        session: NewSession<'_>,
        now: i64,
        max_tries: u32,
    ) -> Result<Option<SignInRow>, sqlx::Error> {
        static SIGN_IN: LazyLock<String> = LazyLock::new(|| {
            format!(
                "WITH consumed AS (
                    UPDATE verifications SET consumed_at = $1
                    WHERE id_hash = $2 AND consumed_at IS NULL AND failed_tries < $3
                      AND expires_at > $1
                    RETURNING phone),
                account AS (
                    INSERT INTO accounts (phone, created_at, last_sign_in_at, sign_ins)
                    SELECT phone, $1, $1, 1 FROM consumed
                    ON CONFLICT (phone) DO UPDATE SET last_sign_in_at = excluded.last_sign_in_at,
                      sign_ins = accounts.sign_ins + 1
                    RETURNING id, phone, created_at, last_sign_in_at, sign_ins),
                seen AS (
                    SELECT a.*, a.sign_ins = 1 AS first, {novelty} AS novelty FROM account a),
                opened AS (
                    INSERT INTO sessions
                      (id_hash, account_id, created_at, last_seen_at, device, device_hash,
                       country, network, novelty)
                    SELECT $4, id, $1, $1, $5, $6, $7, $8, novelty FROM seen)
                SELECT id, phone, created_at, last_sign_in_at, first, novelty FROM seen",
                novelty = novelty_key("a", "$6", "$7", "$9"),
            )
        });
        sqlx::query_as(&SIGN_IN)
            .bind(now)
            .bind(id_hash)
            .bind(i64::from(max_tries))
            .bind(session.id_hash)
            .bind(&session.from.device)
            .bind(session.device_hash)
            .bind(&session.from.country)
            .bind(&session.from.network)
            .bind(now - COUNTRY_MEMORY_SECS)
            .fetch_optional(&self.pool)
            .await
    }

    /// One statement: the send, and its event when the phone has an account. It runs
    /// under the sends' lock, so every round trip saved there is throughput.
    async fn record_send(tx: &mut PgConnection, send: NewSend<'_>) -> Result<i64, sqlx::Error> {
        const RECORD_SEND: &str = "WITH send AS (
                INSERT INTO sms_sends (phone, ip, sent_at, allowance) VALUES ($1, $2, $3, $4)
                RETURNING id),
            event AS (
                INSERT INTO security_events
                  (account_id, at, kind, device, country, network, detail, send_id)
                SELECT a.id, $3, 'code_sent', $5, $6, $7, '', send.id
                FROM accounts a, send WHERE a.phone = $1)
            SELECT id FROM send";
        sqlx::query_scalar(RECORD_SEND)
            .bind(send.phone)
            .bind(send.ip)
            .bind(send.now)
            .bind(send.allowance)
            .bind(&send.from.device)
            .bind(&send.from.country)
            .bind(&send.from.network)
            .fetch_one(tx)
            .await
    }

    /// One instance purges at a time; the others skip their turn.
    async fn purge_turn(&self) -> Result<Option<Transaction<'static, Postgres>>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let mine: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
            .bind(PURGE_LOCK)
            .fetch_one(&mut *tx)
            .await?;
        Ok(mine.then_some(tx))
    }
}

super::sql::impl_store!(PgStore);
super::passkey_sql::impl_passkey_store!(PgStore);
