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
    batches::{drain, repeated, text_for, texts, Batches, Queue},
    model::COUNTRY_MEMORY_SECS,
    rows::SignInRow,
};

/// Bound parameters per sign-in.
const PARAMS: usize = 12;

pub struct SignIn {
    pub id_hash: String,
    pub session_hash: String,
    pub device: Option<String>,
    pub device_hash: String,
    pub country: Option<String>,
    pub network: Option<String>,
    /// The conversion guard's scopes of the code's number: its range and country.
    pub guard_range: String,
    pub guard_country: String,
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

/// One sign-in: uses the code if it is live (not used, tries left, not expired),
/// creates the account (drawing its public id here, so that migration 0012's
/// trigger, for rows written without one, costs the batch no write) or counts it,
/// and opens the session with what is new about it (decided against the account
/// as it was before: `store/rules.rs` spells the novelty). Each step goes on only
/// if the one before changed a row (`changes()`), so sign-ins in a batch cannot
/// affect one another. A first sign-in is counted in
/// the conversion guard's minute and hour of its range and country. Ends by reading
/// back the account, tagged with its place in the batch. Binds: $1 now, $2 the
/// code's id hash, $3 the tries allowed, $4 the session's id hash, $5 the device, $6
/// its device id hash, $7 the country, $8 the network, $9 countries known since, $10
/// its place in the batch, $11 and $12 the guard's range and country.
pub(in crate::store) const SIGN_IN: &str = "UPDATE verifications SET consumed_at = $1
      WHERE id_hash = $2 AND consumed_at IS NULL AND failed_tries < $3 AND expires_at > $1;
     INSERT INTO accounts (phone, created_at, last_sign_in_at, sign_ins, public_id)
      SELECT phone, $1, $1, 1, lower(hex(randomblob(16))) FROM verifications
      WHERE id_hash = $2 AND changes() = 1
      ON CONFLICT (phone) DO UPDATE SET last_sign_in_at = excluded.last_sign_in_at,
        sign_ins = accounts.sign_ins + 1;
     INSERT INTO sessions
       (id_hash, account_id, created_at, last_seen_at, device, device_hash, country,
        network, novelty)
      SELECT $4, a.id, $1, $1, $5, $6, $7, $8,
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
      FROM verifications v JOIN accounts a ON a.phone = v.phone
      WHERE v.id_hash = $2 AND changes() = 1;
     INSERT INTO guard_counts (scope, span, start, verified)
      SELECT g.scope, p.span, $1 - $1 % p.span, 1
      FROM (SELECT $11 AS scope UNION ALL SELECT $12) AS g,
           (SELECT 60 AS span UNION ALL SELECT 3600) AS p
      WHERE changes() = 1
        AND EXISTS (SELECT 1 FROM sessions WHERE id_hash = $4 AND novelty = 'first')
      ON CONFLICT (scope, span, start) DO UPDATE SET verified = guard_counts.verified + 1;
     SELECT $10 AS op, a.id, a.phone, a.created_at, a.last_sign_in_at,
            s.novelty
      FROM sessions s JOIN accounts a ON a.id = s.account_id
      WHERE s.id_hash = $4;";

/// The batch's SQL: one transaction, each sign-in's own [`SIGN_IN`].
fn batch_sql(count: usize) -> String {
    let sign_ins = repeated(count, PARAMS, SIGN_IN, |_, one| one.to_owned());
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
    for (op, job) in (0_i64..).zip(sign_ins) {
        query = query
            .bind(job.now)
            .bind(&job.id_hash)
            .bind(i64::from(job.max_tries))
            .bind(&job.session_hash)
            .bind(&job.device)
            .bind(&job.device_hash)
            .bind(&job.country)
            .bind(&job.network)
            .bind(job.now - COUNTRY_MEMORY_SECS)
            .bind(op)
            .bind(&job.guard_range)
            .bind(&job.guard_country);
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
        assert!(sql.contains("SELECT $10 AS op") && sql.contains("SELECT $22 AS op"));
        assert!(sql.contains("id_hash = $2 ") && sql.contains("id_hash = $14 "));
        assert!(sql.contains("s.id_hash = $4;") && sql.contains("s.id_hash = $16;"));
        assert!(sql.contains("$24") && !sql.contains("$25"));
    }
}
