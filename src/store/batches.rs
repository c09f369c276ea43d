//! Work that one task does in batches: whoever asks hands a job to the task and
//! waits for its answer; the task takes every job waiting when it is free and runs
//! them together, one round trip to the database for all of them. What costs more
//! than the work itself (handing SQLite's connection from request to request, taking
//! a lock) is then paid once a batch, not once a request. SQLite's sign-ins, its
//! standings, and every engine's SMS reservations go this way.

use std::future::Future;

use tokio::sync::{mpsc, oneshot};

/// The most jobs one batch holds. Under 64 clients, a batch of 16 already pays the
/// batch's own cost once in 16 requests; and the prepared texts for sizes up to 64
/// held ~5 MB more of the server's memory (peak RSS 55.7 → 50.2 MiB under wrk, the
/// code requests as fast).
pub(super) const MAX_BATCH: usize = 16;

type Reply<A> = oneshot::Sender<Result<A, sqlx::Error>>;

/// The jobs waiting for the task.
pub(super) type Queue<J, A> = mpsc::Receiver<(J, Reply<A>)>;

/// A handle to hand jobs to the task.
pub(super) struct Batches<J, A> {
    queue: mpsc::Sender<(J, Reply<A>)>,
}

impl<J, A> Clone for Batches<J, A> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
        }
    }
}

impl<J, A> Batches<J, A> {
    /// A handle, and the queue its task drains (`drain`). The store spawns the task
    /// for its engine, so that the compiler sees it is `Send`; it ends when every
    /// handle is dropped.
    pub(super) fn channel() -> (Self, Queue<J, A>) {
        let (queue, jobs) = mpsc::channel(1024);
        (Self { queue }, jobs)
    }

    /// Runs `job` in the next batch; its answer.
    pub(super) async fn run(&self, job: J) -> Result<A, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((job, reply))
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        answer.await.map_err(|_| sqlx::Error::PoolClosed)?
    }
}

/// Runs the jobs of `queue` in batches: each time the task is free, the jobs waiting,
/// in power-of-two parts of at most `MAX_BATCH` (SQLite keeps one prepared text per
/// size, five in all, where every size up to 16 would hold megabytes). `batch` runs
/// one part and answers each of its jobs in order. A failure fails the whole part, so
/// each of its jobs runs again alone and gets its own answer.
pub(super) async fn drain<J, A, F, Fut>(mut queue: Queue<J, A>, batch: F)
where
    F: Fn(Vec<J>) -> Fut,
    Fut: Future<Output = (Vec<J>, Result<Vec<A>, sqlx::Error>)>,
{
    let mut waiting = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut waiting, MAX_BATCH).await > 0 {
        while !waiting.is_empty() {
            let size = 1 << waiting.len().ilog2();
            let (jobs, replies): (Vec<J>, Vec<Reply<A>>) = waiting.drain(..size).unzip();
            match batch(jobs).await {
                (_, Ok(answers)) => answer(replies, answers),
                (jobs, Err(_)) if jobs.len() > 1 => {
                    for (job, reply) in jobs.into_iter().zip(replies) {
                        let (_, answers) = batch(vec![job]).await;
                        let _ =
                            reply.send(answers.and_then(|mut answers| {
                                answers.pop().ok_or(sqlx::Error::RowNotFound)
                            }));
                    }
                }
                (_, Err(error)) => {
                    if let Some(reply) = replies.into_iter().next() {
                        let _ = reply.send(Err(error));
                    }
                }
            }
        }
    }
}

fn answer<A>(replies: Vec<Reply<A>>, answers: Vec<A>) {
    let mut answers = answers.into_iter();
    for reply in replies {
        let _ = reply.send(answers.next().ok_or(sqlx::Error::RowNotFound));
    }
}

/// SQLite's batches are texts of many statements, each job's with its own
/// parameters; one text for each power-of-two size up to `MAX_BATCH`.
const SIZES: usize = MAX_BATCH.ilog2() as usize + 1;

/// `one`, each placeholder `$n` made `$(n + offset)`: one job's statement, numbered
/// after the parameters of the jobs before it.
pub(super) fn renumber(one: &str, offset: usize) -> String {
    let mut text = String::with_capacity(one.len() + 8);
    let mut rest = one;
    while let Some(at) = rest.find('$') {
        text.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        match rest[..digits].parse::<usize>() {
            Ok(n) => text.push_str(&(n + offset).to_string()),
            Err(_) => text.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    text.push_str(rest);
    text
}

/// The text for `count` jobs: each job's statement `one` (of `params` parameters,
/// `$1` to `$params`) with its own parameters, in the frame `frame(op, statement)`
/// that tags its rows with its place in the batch.
pub(super) fn repeated(
    count: usize,
    params: usize,
    one: &str,
    frame: fn(usize, &str) -> String,
) -> String {
    (0..count)
        .map(|op| frame(op, &renumber(one, op * params)))
        .collect()
}

/// The texts of every size, from `text(size)`.
pub(super) fn texts(text: fn(usize) -> String) -> Vec<String> {
    (0..SIZES).map(|power| text(1 << power)).collect()
}

/// The text for a batch of `count` jobs.
pub(super) fn text_for(texts: &[String], count: usize) -> Result<&str, sqlx::Error> {
    count
        .checked_ilog2()
        .filter(|power| count.is_power_of_two() && (*power as usize) < texts.len())
        .map(|power| texts[power as usize].as_str())
        .ok_or_else(|| sqlx::Error::Protocol(format!("no batch text for {count} jobs")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_power_of_two_batches_up_to_the_most_have_a_text() {
        let texts = texts(|size| size.to_string());
        assert_eq!(text_for(&texts, 1).ok(), Some("1"));
        assert_eq!(text_for(&texts, MAX_BATCH).ok(), Some("16"));
        assert!(text_for(&texts, 3).is_err() && text_for(&texts, 0).is_err());
        assert!(text_for(&texts, 2 * MAX_BATCH).is_err());
    }

    #[test]
    fn each_job_has_its_own_parameters() {
        let text = repeated(2, 3, "a = $1 AND b = $3 OR c = $10", |op, one| {
            format!("{op}:{one};")
        });
        assert_eq!(
            text,
            "0:a = $1 AND b = $3 OR c = $10;1:a = $4 AND b = $6 OR c = $13;"
        );
        assert_eq!(renumber("$", 5), "$");
        assert_eq!(renumber("x$2y$", 7), "x$9y$");
    }

    #[tokio::test]
    async fn a_failed_batch_runs_each_job_alone() {
        let (batches, queue) = Batches::<u32, u32>::channel();
        // Jobs over 100 fail, and fail every batch they are in.
        tokio::spawn(drain(queue, |jobs: Vec<u32>| async move {
            let answers = if jobs.iter().any(|&job| job > 100) {
                Err(sqlx::Error::RowNotFound)
            } else {
                Ok(jobs.iter().map(|job| job * 2).collect())
            };
            (jobs, answers)
        }));
        let answers = futures::future::join_all([1, 2, 300, 4].map(|job| batches.run(job))).await;
        let answers: Vec<_> = answers.into_iter().map(Result::ok).collect();
        assert_eq!(answers, vec![Some(2), Some(4), None, Some(8)]);
    }
}
