//! Sign-ins on SQLite, committed in groups. SQLite has one writer at a time; handing
//! the writer connection from one request to the next costs more than the sign-in's
//! own SQL. So one task owns the sign-ins: it takes every sign-in waiting when it is
//! free and runs them as one batch in one transaction, one round trip to SQLite
//! however many there are. Each sign-in's steps go on only if its own step before
//! changed a row (`changes()`), so sign-ins in a batch cannot affect one another: two
//! submissions of one code in one batch still make one session.

use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

use super::sql::{novelty_key, SignInRow};
use super::COUNTRY_MEMORY_SECS;

/// The most sign-ins one batch holds.
const MAX_BATCH: usize = 64;
/// Bound parameters per sign-in: now, code id hash, max tries, session hash, device,
/// device id hash, country, network, the start of the country memory.
const PARAMS: usize = 9;

pub struct SignIn {
    pub id_hash: String,
    pub session_hash: String,
    pub device: String,
    pub device_hash: String,
    pub country: String,
    pub network: String,
    pub now: i64,
    pub max_tries: u32,
}

type Reply = oneshot::Sender<Result<Option<SignInRow>, sqlx::Error>>;

#[derive(Clone)]
pub struct SignIns {
    queue: mpsc::Sender<(SignIn, Reply)>,
}

#[derive(sqlx::FromRow)]
struct BatchRow {
    op: i64,
    #[sqlx(flatten)]
    signed_in: SignInRow,
}

impl SignIns {
    /// Starts the task that runs sign-ins on `writer`; it ends when every handle
    /// is dropped.
    pub fn start(writer: SqlitePool) -> Self {
        let (queue, jobs) = mpsc::channel(1024);
        tokio::spawn(run(writer, jobs));
        Self { queue }
    }

    /// Uses the code and signs its phone in; `None` when the code was used, dead or
    /// expired by then.
    pub async fn sign_in(&self, job: SignIn) -> Result<Option<SignInRow>, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((job, reply))
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        answer.await.map_err(|_| sqlx::Error::PoolClosed)?
    }
}

async fn run(writer: SqlitePool, mut jobs: mpsc::Receiver<(SignIn, Reply)>) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        // Batches come in power-of-two sizes: seven shapes stay prepared in SQLite's
        // statement cache, where every size up to 64 would hold megabytes.
        while !waiting.is_empty() {
            let size = 1 << waiting.len().ilog2();
            let batch: Vec<_> = waiting.drain(..size).collect();
            run_batch(&writer, batch).await;
        }
    }
}

async fn run_batch(writer: &SqlitePool, batch: Vec<(SignIn, Reply)>) {
    let (sign_ins, replies): (Vec<SignIn>, Vec<Reply>) = batch.into_iter().unzip();
    match execute(writer, &sign_ins).await {
        Ok(mut accounts) => {
            for reply in replies.into_iter().rev() {
                let _ = reply.send(Ok(accounts.pop().flatten()));
            }
        }
        // One failing sign-in failed the batch: each runs again alone and gets its
        // own answer.
        Err(_) if sign_ins.len() > 1 => {
            for (sign_in, reply) in sign_ins.into_iter().zip(replies) {
                let result = execute(writer, std::slice::from_ref(&sign_in)).await;
                let _ = reply.send(result.map(|mut accounts| accounts.pop().flatten()));
            }
        }
        Err(error) => {
            if let Some(reply) = replies.into_iter().next() {
                let _ = reply.send(Err(error));
            }
        }
    }
}

/// The batch's SQL: one transaction, each sign-in's steps with its own parameters,
/// each ending by reading back its account tagged with its place in the batch.
fn batch_sql(count: usize) -> String {
    let mut sql = String::from("BEGIN IMMEDIATE;");
    for op in 0..count {
        let p = |n: usize| format!("${}", op * PARAMS + n);
        let (now, code, tries, session, device, device_hash) = (p(1), p(2), p(3), p(4), p(5), p(6));
        let (country, network, since) = (p(7), p(8), p(9));
        let novelty = novelty_key("a", &device_hash, &country, &since);
        sql.push_str(&format!(
            "UPDATE verifications SET consumed_at = {now}
              WHERE id_hash = {code} AND consumed_at IS NULL AND failed_tries < {tries}
                AND expires_at > {now};
             INSERT INTO accounts (phone, created_at, last_sign_in_at, sign_ins)
              SELECT phone, {now}, {now}, 1 FROM verifications
              WHERE id_hash = {code} AND changes() = 1
              ON CONFLICT (phone) DO UPDATE SET last_sign_in_at = excluded.last_sign_in_at,
                sign_ins = accounts.sign_ins + 1;
             INSERT INTO sessions
               (id_hash, account_id, created_at, last_seen_at, device, device_hash, country,
                network, novelty)
              SELECT {session}, a.id, {now}, {now}, {device}, {device_hash}, {country},
                     {network}, {novelty}
              FROM verifications v JOIN accounts a ON a.phone = v.phone
              WHERE v.id_hash = {code} AND changes() = 1;
             SELECT {op} AS op, a.id, a.phone, a.created_at, a.last_sign_in_at,
                    s.novelty = 'first' AS first, s.novelty
              FROM sessions s JOIN accounts a ON a.id = s.account_id
              WHERE s.id_hash = {session};"
        ));
    }
    sql.push_str("COMMIT;");
    sql
}

/// Runs the sign-ins as one batch: each one's account, or `None`, in order.
async fn execute(
    writer: &SqlitePool,
    sign_ins: &[SignIn],
) -> Result<Vec<Option<SignInRow>>, sqlx::Error> {
    let sql = batch_sql(sign_ins.len());
    let mut query = sqlx::query_as::<_, BatchRow>(&sql);
    for job in sign_ins {
        query = query
            .bind(job.now)
            .bind(&job.id_hash)
            .bind(i64::from(job.max_tries))
            .bind(&job.session_hash)
            .bind(&job.device)
            .bind(&job.device_hash)
            .bind(&job.country)
            .bind(&job.network)
            .bind(job.now - COUNTRY_MEMORY_SECS);
    }
    let mut connection = writer.acquire().await?;
    // fetch_all runs the batch to its end (COMMIT); a failure part-way leaves the
    // transaction open, so it is rolled back before the connection goes back.
    let rows = match query.fetch_all(&mut *connection).await {
        Ok(rows) => rows,
        Err(error) => {
            if sqlx::query("ROLLBACK")
                .execute(&mut *connection)
                .await
                .is_err()
            {
                connection.close_on_drop();
            }
            return Err(error);
        }
    };
    let mut accounts: Vec<Option<SignInRow>> = sign_ins.iter().map(|_| None).collect();
    for row in rows {
        if let Some(slot) = usize::try_from(row.op)
            .ok()
            .and_then(|op| accounts.get_mut(op))
        {
            *slot = Some(row.signed_in);
        }
    }
    Ok(accounts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sign_in_of_a_batch_has_its_own_parameters() {
        let sql = batch_sql(2);
        assert!(sql.starts_with("BEGIN IMMEDIATE;") && sql.ends_with("COMMIT;"));
        assert!(sql.contains("SELECT 0 AS op") && sql.contains("SELECT 1 AS op"));
        assert!(sql.contains("id_hash = $2 ") && sql.contains("id_hash = $11 "));
        assert!(sql.contains("s.id_hash = $4;") && sql.contains("s.id_hash = $13;"));
        assert!(sql.contains("$18") && !sql.contains("$19"));
    }
}
