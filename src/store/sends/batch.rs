//! SMS reservations, decided in batches (`batches.rs`). Every reservation counts
//! across rows (a phone's sends, an address's, the day's), so reservations take
//! turns: SQLite's one writer, PostgreSQL's sends lock. Taking the turn costs more
//! than the decision, so one task per process takes the reservations waiting when it
//! is free and decides them in one transaction: it reads each one's history in one
//! round trip, decides them in order (each as if alone after the ones granted before
//! it, `otp::check_in_order`), and writes the granted ones (their sends, activity
//! events and codes) in another. Requests already past a limit are refused on the
//! standing read before they get here (`auth::signin`), so a flood of them never
//! queues.

use sqlx::Pool;

use super::job::{SendJob, Sends};
use crate::store::{
    batches::{drain, Queue},
    engine::Engine,
    model::SendTicket,
};
use crate::{
    error::AppError,
    otp::{check_in_order, SendHistory},
};

/// Counts the send and stores its code if the policy allows it now.
pub(in crate::store) async fn reserve(sends: &Sends, job: SendJob) -> Result<SendTicket, AppError> {
    sends.run(job).await?
}

/// Decides the reservations of `queue` in batches on `writer`.
pub(in crate::store) async fn run<E: Engine>(
    writer: Pool<E::Db>,
    queue: Queue<SendJob, Result<SendTicket, AppError>>,
) {
    drain(queue, |jobs| {
        let writer = writer.clone();
        async move {
            let verdicts = decide::<E>(&writer, &jobs).await;
            (jobs, verdicts)
        }
    })
    .await;
}

/// One transaction: the histories, the decisions, the granted sends written.
async fn decide<E: Engine>(
    writer: &Pool<E::Db>,
    jobs: &[SendJob],
) -> Result<Vec<Result<SendTicket, AppError>>, sqlx::Error> {
    let mut tx = E::begin(writer).await?;
    E::serialize_sends(&mut tx).await?;
    let histories: Vec<SendHistory> = E::send_histories(&mut tx, jobs).await?;
    let sends: Vec<_> = jobs
        .iter()
        .zip(histories)
        .map(|(job, history)| (&job.policy, job.key(), history))
        .collect();
    let verdicts = check_in_order(&sends);
    let granted: Vec<&SendJob> = jobs
        .iter()
        .zip(&verdicts)
        .filter(|(_, verdict)| verdict.is_ok())
        .map(|(job, _)| job)
        .collect();
    let mut ids = if granted.is_empty() {
        Vec::new()
    } else {
        E::record_codes(&mut tx, &granted).await?
    }
    .into_iter();
    tx.commit().await?;
    Ok(verdicts
        .into_iter()
        .map(|verdict| verdict.and_then(|()| ids.next().map(SendTicket).ok_or(AppError::Internal)))
        .collect())
}
