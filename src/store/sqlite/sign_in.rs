//! Sign-ins on SQLite, committed in groups (`batches.rs`). SQLite has one writer at a
//! time; handing the writer connection from one request to the next costs more than
//! the sign-in's own SQL. So one task owns the sign-ins and runs those waiting as one
//! batch in one transaction, one round trip to SQLite however many there are. Each
//! sign-in's steps go on only if its own step before changed a row (`changes()`), so
//! sign-ins in a batch cannot affect one another: two submissions of one code in one
//! batch still make one session.

use std::sync::LazyLock;

use sqlx::SqlitePool;

use crate::store::{
    batches::{drain, numbered, text_for, texts, Batches, Queue},
    devices::novelty_key,
    model::COUNTRY_MEMORY_SECS,
    rows::SignInRow,
};

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

/// The sign-ins' task: each is answered with its account, or `None` when the code
/// was used, dead or expired by then.
pub type SignIns = Batches<SignIn, Option<SignInRow>>;

#[derive(sqlx::FromRow)]
struct BatchRow {
    op: i64,
    #[sqlx(flatten)]
    signed_in: SignInRow,
}

/// Runs the sign-ins of `queue` in batches on `writer`.
pub async fn run(writer: SqlitePool, queue: Queue<SignIn, Option<SignInRow>>) {
    drain(queue, |sign_ins| {
        let writer = writer.clone();
        async move {
            let accounts = execute(&writer, &sign_ins).await;
            (sign_ins, accounts)
        }
    })
    .await;
}

/// The batch's SQL: one transaction, each sign-in's steps with its own parameters,
/// each ending by reading back its account tagged with its place in the batch.
fn batch_sql(count: usize) -> String {
    let sign_ins = numbered(count, PARAMS, |op, p| {
        let (now, code, tries, session, device, device_hash) = (p(1), p(2), p(3), p(4), p(5), p(6));
        let (country, network, since) = (p(7), p(8), p(9));
        let novelty = novelty_key("a", &device_hash, &country, &since);
        format!(
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
        )
    });
    format!("BEGIN IMMEDIATE;{sign_ins}COMMIT;")
}

/// The batch texts of every size, made once (they were made anew for every batch).
static BATCHES: LazyLock<Vec<String>> = LazyLock::new(|| texts(batch_sql));

/// Runs the sign-ins as one batch: each one's account, or `None`, in order.
async fn execute(
    writer: &SqlitePool,
    sign_ins: &[SignIn],
) -> Result<Vec<Option<SignInRow>>, sqlx::Error> {
    let mut query = sqlx::query_as::<_, BatchRow>(text_for(&BATCHES, sign_ins.len())?);
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
