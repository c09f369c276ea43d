//! Passkey ceremonies: a registration or a sign-in under way, its challenge kept
//! as a row bound to the browser, capped per address and hour, taken once.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

use crate::{
    error::AppError,
    otp::Limit,
    store::{
        engine::{Bind, Column, Conn, Db, Engine},
        model::AccountId,
    },
};

/// How long a ceremony's challenge can be answered.
pub const CEREMONY_TTL_SECS: i64 = 5 * 60;

/// What a ceremony is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Adding a passkey to a signed-in account.
    Register,
    /// Signing in with a passkey.
    Login,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::Login => "login",
        }
    }
}

/// A ceremony about to start.
pub struct NewCeremony<'a> {
    /// The hash of the random id in the browser's ceremony cookie.
    pub id_hash: &'a str,
    pub purpose: Purpose,
    /// The account adding a passkey; `None` for a sign-in.
    pub account_id: Option<AccountId>,
    /// webauthn-rs's state of the challenge, as JSON.
    pub state: &'a str,
    /// The per-address limits' key of the client.
    pub ip: &'a str,
    pub now: i64,
}

/// A ceremony taken for its answer (now used: it can never be taken again).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Ceremony {
    pub account_id: Option<AccountId>,
    pub state: String,
    pub expires_at: i64,
}

/// What became of taking a ceremony.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    Ceremony(Ceremony),
    /// Its answer was given before: a replay.
    AlreadyUsed,
    /// No ceremony of this purpose has this id (or it is long gone).
    Unknown,
}

#[async_trait]
pub trait CeremonyStore: Send + Sync + 'static {
    /// Starts a ceremony if the address `new.ip` started fewer than `per_hour` in the
    /// last hour; else [`AppError::IpHourlyCap`].
    async fn start_ceremony(&self, new: NewCeremony<'_>, per_hour: u32) -> Result<(), AppError>;

    /// Takes the ceremony `id_hash` of `purpose` for its answer, atomically: of
    /// several concurrent takers (on any instance) one gets it.
    async fn take_ceremony(
        &self,
        id_hash: &str,
        purpose: Purpose,
        now: i64,
    ) -> Result<Taken, AppError>;
}

/// Takes the ceremony $1 of purpose $2 at $3, if it was not taken before: the row
/// lock of the `UPDATE` lets one of several concurrent takers through.
pub(in crate::store) const TAKE_CEREMONY: &str = "UPDATE passkey_ceremonies SET used_at = $3
     WHERE id_hash = $1 AND purpose = $2 AND used_at IS NULL
     RETURNING account_id, state, expires_at";

#[async_trait]
impl<E> CeremonyStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    bool: Column<Db<E>>,
    String: Column<Db<E>>,
    Option<i64>: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'a> &'a str: ColumnIndex<<Db<E> as Database>::Row>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
{
    async fn start_ceremony(&self, new: NewCeremony<'_>, per_hour: u32) -> Result<(), AppError> {
        let mut tx = self.decision().await?;
        Self::serialize_ceremonies(&mut tx, new.ip).await?;
        let started: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM passkey_ceremonies
               WHERE ip = $1 AND created_at > $2 LIMIT $3) AS started",
        )
        .bind(new.ip)
        .bind(new.now - Limit::PasskeyStartsPerIpPerHour.window_secs())
        .bind(i64::from(per_hour))
        .fetch_one(&mut *tx)
        .await?;
        if started >= i64::from(per_hour) {
            return Err(AppError::IpHourlyCap);
        }
        sqlx::query(
            "INSERT INTO passkey_ceremonies
               (id_hash, purpose, account_id, state, ip, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new.id_hash)
        .bind(new.purpose.as_str())
        .bind(new.account_id.map(|id| id.0))
        .bind(new.state)
        .bind(new.ip)
        .bind(new.now)
        .bind(new.now + CEREMONY_TTL_SECS)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn take_ceremony(
        &self,
        id_hash: &str,
        purpose: Purpose,
        now: i64,
    ) -> Result<Taken, AppError> {
        let taken: Option<Ceremony> = sqlx::query_as(TAKE_CEREMONY)
            .bind(id_hash)
            .bind(purpose.as_str())
            .bind(now)
            .fetch_optional(self.writer())
            .await?;
        if let Some(ceremony) = taken {
            return Ok(Taken::Ceremony(ceremony));
        }
        let used: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM passkey_ceremonies
                            WHERE id_hash = $1 AND purpose = $2)",
        )
        .bind(id_hash)
        .bind(purpose.as_str())
        .fetch_one(self.writer())
        .await?;
        Ok(if used {
            Taken::AlreadyUsed
        } else {
            Taken::Unknown
        })
    }
}
