//! SMS reservations, decided in batches. Every reservation counts across rows (a
//! phone's sends, an address's, the day's), so reservations take turns: SQLite's one
//! writer, PostgreSQL's sends lock. Taking the turn costs more than the decision, so
//! one task per process takes the reservations waiting when it is free and decides
//! them in one transaction: it reads each one's history in one round trip, decides
//! them in order (each as if alone after the ones granted before it,
//! `otp::check_in_order`), and writes the granted ones (their sends, activity events
//! and codes) in another. Requests already past a limit are refused on a read before
//! they get here (`impl_store!`'s `reserve_code`), so a flood of them never queues.

use sqlx::Pool;
use tokio::sync::{mpsc, oneshot};

use super::{sql::Engine, Footprint, SendTicket};
use crate::{
    error::AppError,
    otp::{check_in_order, Policy, SendHistory, SendKey},
};

/// The most reservations one batch holds.
const MAX_BATCH: usize = 64;

/// A code to send: the SMS to count and the code to store once it is granted.
pub(super) struct SendJob {
    pub(super) phone: String,
    pub(super) allowance: String,
    pub(super) ip: String,
    pub(super) now: i64,
    pub(super) from: Footprint,
    pub(super) policy: Policy,
    /// The new code's id hash, the code it replaces, its digest, when it expires.
    pub(super) id_hash: String,
    pub(super) replaces: Option<String>,
    pub(super) code_digest: Vec<u8>,
    pub(super) expires_at: i64,
}

impl SendJob {
    fn key(&self) -> SendKey<'_> {
        SendKey {
            phone: &self.phone,
            allowance: &self.allowance,
            ip: &self.ip,
            at: self.now,
        }
    }
}

type Reply = oneshot::Sender<Result<SendTicket, AppError>>;
pub(super) type Jobs = mpsc::Receiver<(SendJob, Reply)>;

#[derive(Clone)]
pub(super) struct Sends {
    queue: mpsc::Sender<(SendJob, Reply)>,
}

impl Sends {
    /// A handle, and the queue for `run` to take the reservations from. The store
    /// spawns `run` for its engine (so that the compiler sees the task is `Send`); it
    /// ends when every handle is dropped.
    pub(super) fn channel() -> (Self, Jobs) {
        let (queue, jobs) = mpsc::channel(1024);
        (Self { queue }, jobs)
    }

    /// Counts the send and stores its code if the policy allows it now.
    pub(super) async fn reserve(&self, job: SendJob) -> Result<SendTicket, AppError> {
        let (reply, answer) = oneshot::channel();
        let closed = || AppError::from(sqlx::Error::PoolClosed);
        self.queue.send((job, reply)).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

/// Decides the reservations of `jobs` in batches on `writer`.
pub(super) async fn run<E: Engine>(writer: Pool<E::Db>, mut jobs: Jobs) {
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        // Power-of-two sizes: SQLite keeps one prepared batch statement per size.
        while !waiting.is_empty() {
            let size = 1 << waiting.len().ilog2();
            let batch: Vec<_> = waiting.drain(..size).collect();
            run_batch::<E>(&writer, batch).await;
        }
    }
}

async fn run_batch<E: Engine>(writer: &Pool<E::Db>, batch: Vec<(SendJob, Reply)>) {
    let (jobs, replies): (Vec<SendJob>, Vec<Reply>) = batch.into_iter().unzip();
    match decide::<E>(writer, &jobs).await {
        Ok(verdicts) => {
            for (reply, verdict) in replies.into_iter().zip(verdicts) {
                let _ = reply.send(verdict);
            }
        }
        // A failure fails the batch: each reservation runs again alone and gets its
        // own answer.
        Err(_) if jobs.len() > 1 => {
            for (job, reply) in jobs.into_iter().zip(replies) {
                let verdict = match decide::<E>(writer, std::slice::from_ref(&job)).await {
                    Ok(mut verdicts) => verdicts.pop().unwrap_or(Err(AppError::Internal)),
                    Err(error) => Err(error.into()),
                };
                let _ = reply.send(verdict);
            }
        }
        Err(error) => {
            if let Some(reply) = replies.into_iter().next() {
                let _ = reply.send(Err(error.into()));
            }
        }
    }
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
