//! Standings on SQLite, read in batches (`batches.rs`). Each code request reads its
//! standing on a reader beside the writer; handing a reader connection to each
//! request costs more than the read, so one task reads the standings waiting
//! together, one text of one statement each, in one round trip.

use std::sync::LazyLock;

use sqlx::SqlitePool;

use crate::store::{
    batches::{drain, repeated, text_for, texts, Batches, Queue},
    rows::{bind_standing, BatchStandingRow, StandingOf, StandingRow},
    sends::standing::STANDING,
};

/// Bound parameters per standing (`STANDING`'s).
const PARAMS: usize = 9;

/// The standings' task: each is answered with its row.
pub type Standings = Batches<StandingOf, StandingRow>;

fn standings_sql(count: usize) -> String {
    repeated(count, PARAMS, STANDING, |op, one| {
        format!("SELECT {op} AS op, s.* FROM ({one}) AS s;")
    })
}

static STANDINGS: LazyLock<Vec<String>> = LazyLock::new(|| texts(standings_sql));

/// Reads the standings of `queue` in batches on `reader`.
pub async fn run(reader: SqlitePool, queue: Queue<StandingOf, StandingRow>) {
    drain(queue, |standings| {
        let reader = reader.clone();
        async move {
            let rows = read(&reader, &standings).await;
            (standings, rows)
        }
    })
    .await;
}

async fn read(
    reader: &SqlitePool,
    standings: &[StandingOf],
) -> Result<Vec<StandingRow>, sqlx::Error> {
    let mut query = sqlx::query_as::<_, BatchStandingRow>(text_for(&STANDINGS, standings.len())?);
    for of in standings {
        query = bind_standing(query, of);
    }
    let mut rows = query.fetch_all(reader).await?;
    rows.sort_by_key(|row| row.op);
    Ok(rows.into_iter().map(|row| row.standing).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_standing_of_a_batch_has_its_own_parameters() {
        let sql = standings_sql(2);
        assert!(sql.contains("SELECT 0 AS op") && sql.contains("SELECT 1 AS op"));
        assert!(sql.contains("a.phone = $1)") && sql.contains("a.phone = $10)"));
        assert!(sql.contains("$18") && !sql.contains("$19"));
    }
}
