//! The OpenID provider's signing keys, sealed (`oidc/seal.rs`): the one that
//! signs (`current`) and those retired, kept until their tokens have expired.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

use super::engine::{Bind, Column, Conn, Db, Engine};
use crate::error::AppError;

/// A key as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub kid: String,
    /// Its PKCS#8, sealed under `APP_SECRET` with the kid as label.
    pub sealed: Vec<u8>,
    pub created_at: i64,
    /// When a newer key took its place; `None` for the current key.
    pub retired_at: Option<i64>,
}

#[async_trait]
pub trait OidcKeyStore: Send + Sync + 'static {
    /// The current key and those retired after `retired_after`, newest first.
    async fn oidc_keys(&self, retired_after: i64) -> Result<Vec<StoredKey>, AppError>;

    /// Adds `key` as the current key unless there is one: `false` when another
    /// instance made one first (read it with [`Self::oidc_keys`]).
    async fn add_first_oidc_key(&self, key: &StoredKey) -> Result<bool, AppError>;

    /// Retires the current key at `key.created_at` and makes `key` current, in
    /// one step; forgets the keys retired before `forget_before`.
    async fn rotate_oidc_key(&self, key: &StoredKey, forget_before: i64) -> Result<(), AppError>;
}

/// The current key and those retired after $1, newest first.
const KEYS: &str = "SELECT kid, sealed, created_at, retired_at FROM oidc_keys
     WHERE retired_at IS NULL OR retired_at > $1
     ORDER BY created_at DESC, kid";

/// A key made current, unless a key is: binds kid, sealed, created_at.
const ADD_CURRENT: &str = "INSERT INTO oidc_keys (kid, sealed, created_at, current)
     VALUES ($1, $2, $3, 1) ON CONFLICT (current) DO NOTHING";

#[async_trait]
impl<E> OidcKeyStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    Option<i64>: Column<Db<E>>,
    String: Column<Db<E>>,
    Vec<u8>: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'q> &'q [u8]: Bind<'q, Db<E>>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
{
    async fn oidc_keys(&self, retired_after: i64) -> Result<Vec<StoredKey>, AppError> {
        let rows: Vec<(String, Vec<u8>, i64, Option<i64>)> = sqlx::query_as(KEYS)
            .bind(retired_after)
            .fetch_all(self.writer())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(kid, sealed, created_at, retired_at)| StoredKey {
                kid,
                sealed,
                created_at,
                retired_at,
            })
            .collect())
    }

    async fn add_first_oidc_key(&self, key: &StoredKey) -> Result<bool, AppError> {
        let result = sqlx::query(ADD_CURRENT)
            .bind(key.kid.as_str())
            .bind(key.sealed.as_slice())
            .bind(key.created_at)
            .execute(self.writer())
            .await?;
        Ok(Self::rows_affected(&result) == 1)
    }

    async fn rotate_oidc_key(&self, key: &StoredKey, forget_before: i64) -> Result<(), AppError> {
        let mut tx = self.decision().await?;
        sqlx::query("DELETE FROM oidc_keys WHERE retired_at < $1")
            .bind(forget_before)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE oidc_keys SET current = NULL, retired_at = $1 WHERE current = 1")
            .bind(key.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(ADD_CURRENT)
            .bind(key.kid.as_str())
            .bind(key.sealed.as_slice())
            .bind(key.created_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
