//! The proofs of work answered: a solved challenge lets one request through, ever,
//! on every instance (`otp/pow.rs` checks the proof; this keeps it spent).

use async_trait::async_trait;
use sqlx::{Database, Executor, IntoArguments};

use super::engine::{Bind, Column, Conn, Db, Engine};
use crate::{error::AppError, otp::pow::Proof};

#[async_trait]
pub trait ChallengeStore: Send + Sync + 'static {
    /// Spends a checked proof: `true` the first time its challenge is answered, on
    /// any instance; `false` for every answer after. Kept until the challenge
    /// expires, when no answer to it checks any more.
    async fn spend_challenge(&self, proof: &Proof) -> Result<bool, AppError>;
}

#[async_trait]
impl<E> ChallengeStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
{
    async fn spend_challenge(&self, proof: &Proof) -> Result<bool, AppError> {
        // The primary key decides between answers at once, on either engine.
        let result = sqlx::query(
            "INSERT INTO spent_challenges (nonce, expires_at) VALUES ($1, $2)
             ON CONFLICT (nonce) DO NOTHING",
        )
        .bind(proof.nonce.as_str())
        .bind(proof.expires_at)
        .execute(self.writer())
        .await?;
        Ok(Self::rows_affected(&result) == 1)
    }
}
