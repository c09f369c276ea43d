//! The PostgreSQL store, shared by several app instances. Codes and sessions are
//! decided by row locks (`UPDATE … WHERE … RETURNING` re-checks its condition after
//! waiting for a concurrent writer); SMS reservations, which count across rows, take
//! one transaction-scoped advisory lock.

use std::time::Duration;

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    PgConnection, PgPool, Postgres, Transaction,
};

use crate::store::{
    engine::Engine,
    model::{NewSession, COUNTRY_MEMORY_SECS},
    rows::{bind_standing, BatchHistoryRow, SignInRow, StandingOf, StandingRow},
    sends::{
        job::{SendJob, Sends},
        standing::STANDING,
    },
};
use crate::{
    otp::{guard::Scopes, Limit, SendHistory},
    phone::Phone,
};

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
    sends: Sends,
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
        let (sends, queue) = Sends::channel();
        tokio::spawn(crate::store::sends::run::<Self>(pool.clone(), queue));
        Ok(Self { pool, sends })
    }
}

/// A sign-in in one statement (see `Engine::sign_in` below): uses the code if it is
/// live, creates or counts the account, and opens the session with what is new about
/// it (`store/rules.rs` spells the novelty), and counts a first sign-in in the
/// conversion guard's minute and hour of its range and country. Binds: $1 now, $2
/// the code's id hash, $3 the tries allowed, $4 the session's id hash, $5 the
/// device, $6 its device id hash, $7 the country, $8 the network, $9 countries known
/// since, $10 and $11 the guard's range and country.
pub(in crate::store) const SIGN_IN: &str = "WITH consumed AS (
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
        SELECT a.*,
               CASE WHEN a.sign_ins = 1 THEN 'first'
                    WHEN NOT ($6 IS NOT NULL AND (
                           EXISTS (SELECT 1 FROM sessions ks
                                   WHERE ks.account_id = a.id AND ks.device_hash = $6)
                           OR EXISTS (SELECT 1 FROM known_devices kd
                                      WHERE kd.account_id = a.id AND kd.id_hash = $6)))
                     AND ($7 IS NOT NULL AND NOT (EXISTS (SELECT 1 FROM sessions ks
                                   WHERE ks.account_id = a.id AND ks.country = $7
                                     AND ks.created_at > $9)
                           OR EXISTS (SELECT 1 FROM account_countries kc
                                      WHERE kc.account_id = a.id AND kc.country = $7
                                        AND kc.last_seen_at > $9)))
                      THEN 'device,country'
                    WHEN NOT ($6 IS NOT NULL AND (
                           EXISTS (SELECT 1 FROM sessions ks
                                   WHERE ks.account_id = a.id AND ks.device_hash = $6)
                           OR EXISTS (SELECT 1 FROM known_devices kd
                                      WHERE kd.account_id = a.id AND kd.id_hash = $6)))
                      THEN 'device'
                    WHEN ($7 IS NOT NULL AND NOT (EXISTS (SELECT 1 FROM sessions ks
                                   WHERE ks.account_id = a.id AND ks.country = $7
                                     AND ks.created_at > $9)
                           OR EXISTS (SELECT 1 FROM account_countries kc
                                      WHERE kc.account_id = a.id AND kc.country = $7
                                        AND kc.last_seen_at > $9)))
                      THEN 'country'
                    ELSE 'known' END
                 AS novelty
        FROM account a),
    opened AS (
        INSERT INTO sessions
          (id_hash, account_id, created_at, last_seen_at, device, device_hash,
           country, network, novelty)
        SELECT $4, id, $1, $1, $5, $6, $7, $8, novelty FROM seen),
    guarded AS (
        INSERT INTO guard_counts (scope, span, start, verified)
        SELECT g.scope, p.span, $1 - $1 % p.span, 1
        FROM seen CROSS JOIN (VALUES ($10::text), ($11::text)) AS g(scope)
             CROSS JOIN (VALUES (60), (3600)) AS p(span)
        WHERE seen.sign_ins = 1
        ON CONFLICT (scope, span, start) DO UPDATE
          SET verified = guard_counts.verified + 1)
    SELECT id, phone, created_at, last_sign_in_at, novelty FROM seen";

/// The histories of a batch of reservations, in their order: each one's as
/// `sqlite::sends::HISTORY` reads one (the rules they share are spelt in
/// `store/rules.rs`), over the batch's arrays. Binds: $1 the phones, $2 the
/// addresses, $3 the allowances, $4 the times, $5 the limits per phone, $6 per
/// address, $7 of wrong codes.
pub(in crate::store) const HISTORIES: &str = "SELECT j.op,
       (SELECT MAX(sent_at) FROM sms_sends
        WHERE phone = j.phone AND allowance = j.allowance AND sent_at > (j.now - 86400))
         AS last_sent,
       (SELECT COUNT(*) FROM
          (SELECT 1 FROM sms_sends
           WHERE phone = j.phone AND allowance = j.allowance AND sent_at > (j.now - 3600)
           LIMIT j.per_phone) AS p) AS to_phone,
       (SELECT COUNT(*) FROM
          (SELECT 1 FROM sms_sends WHERE ip = j.ip AND sent_at > (j.now - 3600)
           LIMIT j.per_ip) AS i) AS from_ip,
       (COALESCE((SELECT total FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
        - COALESCE((SELECT total FROM sms_send_totals WHERE second <= (j.now - 86400)
                    ORDER BY second DESC LIMIT 1), 0)) AS of_day,
       (COALESCE((SELECT new_total FROM sms_send_totals ORDER BY second DESC LIMIT 1), 0)
        - COALESCE((SELECT new_total FROM sms_send_totals WHERE second <= (j.now - 86400)
                    ORDER BY second DESC LIMIT 1), 0)) AS of_day_new,
       (SELECT f.at + 3600 FROM failed_attempts f
        WHERE f.phone = j.phone AND f.allowance = j.allowance AND f.at > (j.now - 3600)
        ORDER BY f.at DESC LIMIT 1 OFFSET j.failures - 1) AS locked_until
     FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[],
                 $6::int8[], $7::int8[])
       WITH ORDINALITY AS j(phone, ip, allowance, now, per_phone, per_ip, failures, op)
     ORDER BY j.op";

/// Takes the transaction's advisory lock of `kind` for `key`: transactions with the
/// same kind and key wait for each other, others run beside them.
async fn keyed_lock(tx: &mut PgConnection, kind: i32, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .bind(kind)
        .bind(key)
        .execute(tx)
        .await?;
    Ok(())
}

impl Engine for PgStore {
    type Db = Postgres;

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    async fn begin(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        pool.begin().await
    }

    fn rows_affected(result: &sqlx::postgres::PgQueryResult) -> u64 {
        result.rows_affected()
    }

    fn sends(&self) -> &Sends {
        &self.sends
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
        keyed_lock(tx, GUESSES_LOCK, phone.e164()).await
    }

    /// One address's ceremonies wait for each other; other addresses' run beside them.
    async fn serialize_ceremonies(tx: &mut PgConnection, ip: &str) -> Result<(), sqlx::Error> {
        keyed_lock(tx, CEREMONIES_LOCK, ip).await
    }

    async fn standing_row(&self, of: StandingOf) -> Result<StandingRow, sqlx::Error> {
        bind_standing(sqlx::query_as(STANDING), &of)
            .fetch_one(&self.pool)
            .await
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
        guard: &Scopes,
        now: i64,
        max_tries: u32,
    ) -> Result<Option<SignInRow>, sqlx::Error> {
        sqlx::query_as(SIGN_IN)
            .bind(now)
            .bind(id_hash)
            .bind(i64::from(max_tries))
            .bind(session.id_hash)
            .bind(session.from.device.as_deref())
            .bind(session.device_hash)
            .bind(session.from.country.as_deref())
            .bind(session.from.network.as_deref())
            .bind(now - COUNTRY_MEMORY_SECS)
            .bind(guard.range.as_str())
            .bind(guard.country.as_str())
            .fetch_optional(&self.pool)
            .await
    }

    /// One statement for the whole batch ([`HISTORIES`]), its reservations as arrays.
    async fn send_histories(
        tx: &mut PgConnection,
        jobs: &[SendJob],
    ) -> Result<Vec<SendHistory>, sqlx::Error> {
        let column = |pick: fn(&SendJob) -> i64| jobs.iter().map(pick).collect::<Vec<_>>();
        let rows: Vec<BatchHistoryRow> = sqlx::query_as(HISTORIES)
            .bind(jobs.iter().map(|j| j.phone.as_str()).collect::<Vec<_>>())
            .bind(jobs.iter().map(|j| j.ip.as_str()).collect::<Vec<_>>())
            .bind(
                jobs.iter()
                    .map(|j| j.allowance.as_str())
                    .collect::<Vec<_>>(),
            )
            .bind(column(|j| j.now))
            .bind(column(|j| {
                i64::from(j.policy.limit(Limit::SmsPerPhonePerHour))
            }))
            .bind(column(|j| {
                i64::from(j.policy.limit(Limit::SmsPerIpPerHour))
            }))
            .bind(column(|j| {
                i64::from(j.policy.limit(Limit::PhoneFailuresPerHour))
            }))
            .fetch_all(tx)
            .await?;
        Ok(rows.into_iter().map(|row| row.history.into()).collect())
    }

    /// One statement for the whole batch: the ids are drawn first, so each send's
    /// event can name it; the running totals (all sends', new numbers') take each
    /// second's sends at once, and the conversion guard's buckets each bucket's.
    async fn record_codes(
        tx: &mut PgConnection,
        jobs: &[&SendJob],
    ) -> Result<Vec<i64>, sqlx::Error> {
        const RECORD: &str = "WITH j AS MATERIALIZED (
                SELECT j.*, nextval(pg_get_serial_sequence('sms_sends', 'id')) AS id
                FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[],
                            $6::text[], $7::text[], $8::text[], $9::text[], $10::bytea[],
                            $11::int8[], $12::text[], $13::text[], $14::text[])
                  WITH ORDINALITY AS j(phone, ip, now, allowance, device, country, network,
                                       id_hash, replaces, digest, expires_at, lane,
                                       guard_range, guard_country, op)),
            sends AS (
                INSERT INTO sms_sends (id, phone, ip, sent_at, allowance, lane)
                OVERRIDING SYSTEM VALUE
                SELECT id, phone, ip, now, allowance, lane FROM j),
            events AS (
                INSERT INTO security_events
                  (account_id, at, kind, device, country, network, send_id)
                SELECT a.id, j.now, 'code_sent', j.device, j.country, j.network, j.id
                FROM j JOIN accounts a ON a.phone = j.phone),
            dead AS (
                DELETE FROM verifications
                WHERE consumed_at IS NULL AND id_hash IN (SELECT replaces FROM j)),
            codes AS (
                INSERT INTO verifications
                  (id_hash, phone, code_digest, created_at, expires_at, allowance)
                SELECT id_hash, phone, digest, now, expires_at, allowance FROM j),
            seconds AS (
                SELECT now AS second, COUNT(*) AS sends,
                       COUNT(*) FILTER (WHERE lane = 'new') AS new_sends
                FROM j GROUP BY now),
            later AS (
                UPDATE sms_send_totals t
                SET total = t.total + (SELECT SUM(s.sends) FROM seconds s
                                       WHERE s.second < t.second),
                    new_total = t.new_total + (SELECT SUM(s.new_sends) FROM seconds s
                                               WHERE s.second < t.second)
                WHERE t.second > (SELECT MIN(second) FROM seconds)
                  AND t.second NOT IN (SELECT second FROM seconds)),
            totals AS (
                INSERT INTO sms_send_totals (second, total, new_total)
                SELECT s.second,
                       COALESCE((SELECT t.total FROM sms_send_totals t
                                 WHERE t.second <= s.second
                                 ORDER BY t.second DESC LIMIT 1), 0)
                       + (SELECT SUM(b.sends) FROM seconds b WHERE b.second <= s.second),
                       COALESCE((SELECT t.new_total FROM sms_send_totals t
                                 WHERE t.second <= s.second
                                 ORDER BY t.second DESC LIMIT 1), 0)
                       + (SELECT SUM(b.new_sends) FROM seconds b WHERE b.second <= s.second)
                FROM seconds s
                ON CONFLICT (second) DO UPDATE SET total = excluded.total,
                  new_total = excluded.new_total),
            guarded AS (
                INSERT INTO guard_counts (scope, span, start, sent)
                SELECT g.scope, p.span, j.now - j.now % p.span, COUNT(*)
                FROM j CROSS JOIN LATERAL (VALUES (j.guard_range), (j.guard_country))
                         AS g(scope)
                       CROSS JOIN (VALUES (60), (3600)) AS p(span)
                WHERE j.lane = 'new'
                GROUP BY g.scope, p.span, j.now - j.now % p.span
                ON CONFLICT (scope, span, start) DO UPDATE
                  SET sent = guard_counts.sent + excluded.sent)
            SELECT id FROM j ORDER BY op";
        let text = |pick: fn(&SendJob) -> &str| jobs.iter().map(|j| pick(j)).collect::<Vec<_>>();
        let unknown =
            |pick: fn(&SendJob) -> Option<&str>| jobs.iter().map(|j| pick(j)).collect::<Vec<_>>();
        sqlx::query_scalar(RECORD)
            .bind(text(|j| &j.phone))
            .bind(text(|j| &j.ip))
            .bind(jobs.iter().map(|j| j.now).collect::<Vec<_>>())
            .bind(text(|j| &j.allowance))
            .bind(unknown(|j| j.from.device.as_deref()))
            .bind(unknown(|j| j.from.country.as_deref()))
            .bind(unknown(|j| j.from.network.as_deref()))
            .bind(text(|j| &j.id_hash))
            .bind(unknown(|j| j.replaces.as_deref()))
            .bind(
                jobs.iter()
                    .map(|j| j.code_digest.as_slice())
                    .collect::<Vec<_>>(),
            )
            .bind(jobs.iter().map(|j| j.expires_at).collect::<Vec<_>>())
            .bind(text(|j| j.lane.key()))
            .bind(unknown(|j| j.guard.as_ref().map(|g| g.range.as_str())))
            .bind(unknown(|j| j.guard.as_ref().map(|g| g.country.as_str())))
            .fetch_all(tx)
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
