//! Passkeys: the account's credentials, its WebAuthn user handle, and the sign-in a
//! passkey opens (a session like a code's, its method `passkey`).

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Executor, IntoArguments};

use crate::{
    error::AppError,
    store::{
        activity,
        engine::{Bind, Column, Conn, Db, Engine},
        model::{
            AccountId, EventDetail, EventKind, Footprint, NewSession, SignedIn, COUNTRY_MEMORY_SECS,
        },
        rows::SignInRow,
    },
};

/// A passkey's name as a person gave it: trimmed, 1 to 64 characters, no control
/// characters. Its own type, so that it and a credential id cannot change places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyName(String);

impl PasskeyName {
    /// The longest name a passkey may have, in characters.
    pub const MAX_CHARS: usize = 64;

    pub fn parse(name: &str) -> Option<Self> {
        let name = name.trim();
        let count = name.chars().count();
        let fits = (1..=Self::MAX_CHARS).contains(&count);
        (fits && !name.chars().any(char::is_control)).then(|| Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for PasskeyName {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

/// A passkey of an account, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredPasskey {
    pub account_id: AccountId,
    /// The credential's raw id, in hex.
    pub credential_id: String,
    /// webauthn-rs's `Passkey`, as JSON.
    pub credential: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    /// The WebAuthn user handle of its account.
    pub user_handle: Option<String>,
}

/// A passkey being added.
pub struct NewPasskey<'a> {
    pub credential_id: &'a str,
    pub credential: &'a str,
    pub counter: u32,
    pub name: &'a str,
    /// Where the request that adds it came from, for the activity.
    pub from: &'a Footprint,
    pub now: i64,
}

/// A passkey's use, to be recorded with the sign-in it makes.
pub struct PasskeyUse<'a> {
    pub credential_id: &'a str,
    pub account_id: AccountId,
    /// The credential after the use (counter, backup flags), as JSON.
    pub credential: &'a str,
    pub counter: u32,
}

#[async_trait]
pub trait PasskeyStore: Send + Sync + 'static {
    /// The account's WebAuthn user handle, given `new_handle` if it had none.
    async fn user_handle(
        &self,
        account_id: AccountId,
        new_handle: &str,
    ) -> Result<String, AppError>;

    /// The account's passkeys, the newest first.
    async fn passkeys_of(&self, account_id: AccountId) -> Result<Vec<StoredPasskey>, AppError>;

    /// The passkey with this credential id, of whichever account.
    async fn passkey(&self, credential_id: &str) -> Result<Option<StoredPasskey>, AppError>;

    /// Adds a passkey to the account and records it in the activity; `false` when
    /// the credential id is registered already (to any account).
    async fn add_passkey(
        &self,
        account_id: AccountId,
        new: NewPasskey<'_>,
    ) -> Result<bool, AppError>;

    /// Records the use of a passkey and signs its account in, opening `session` (its
    /// method `passkey`), in one transaction. `None` when the passkey was removed in
    /// the meantime, or a use with the same signature counter came first.
    async fn passkey_sign_in(
        &self,
        used: PasskeyUse<'_>,
        session: NewSession<'_>,
        now: i64,
    ) -> Result<Option<SignedIn>, AppError>;

    /// Renames one of the account's passkeys; `false` when it has no such passkey.
    async fn rename_passkey(
        &self,
        account_id: AccountId,
        credential_id: &str,
        name: &PasskeyName,
    ) -> Result<bool, AppError>;

    /// Removes one of the account's passkeys and records it in the activity; its
    /// name, or `None` when the account has no such passkey.
    async fn remove_passkey(
        &self,
        account_id: AccountId,
        credential_id: &str,
        from: &Footprint,
        now: i64,
    ) -> Result<Option<String>, AppError>;
}

/// The account's passkeys with its user handle, the newest first. Binds: $1 the
/// account.
const PASSKEYS_OF: &str =
    "SELECT p.account_id, p.credential_id, p.credential, p.name, p.created_at,
            p.last_used_at, a.user_handle
     FROM passkeys p JOIN accounts a ON a.id = p.account_id
     WHERE p.account_id = $1
     ORDER BY p.created_at DESC, p.id DESC";

/// The passkey of a credential id with its account's user handle. Binds: $1 the
/// credential id.
const PASSKEY: &str = "SELECT p.account_id, p.credential_id, p.credential, p.name, p.created_at,
            p.last_used_at, a.user_handle
     FROM passkeys p JOIN accounts a ON a.id = p.account_id
     WHERE p.credential_id = $1";

/// Records the use of the passkey $1 of account $2 (the credential $3 after it, its
/// signature counter $4) at $5. A counter that does not grow is refused, unless the
/// authenticator keeps none (0): a use cannot be recorded twice.
pub(in crate::store) const USE_PASSKEY: &str = "UPDATE passkeys
     SET credential = $3, counter = $4, last_used_at = $5
     WHERE credential_id = $1 AND account_id = $2 AND ($4 = 0 OR counter < $4)";

/// The account $1 signs in at $2.
pub(in crate::store) const COUNT_SIGN_IN: &str =
    "UPDATE accounts SET last_sign_in_at = $2, sign_ins = sign_ins + 1 WHERE id = $1";

/// Opens the session $1 of account $2 at $3, signed in with a passkey: device $4,
/// device id hash $5, country $6, network $7; what is new about it is decided against
/// the account's countries since $8 (`store/rules.rs` spells the novelty).
pub(in crate::store) const OPEN_PASSKEY_SESSION: &str = "INSERT INTO sessions
       (id_hash, account_id, created_at, last_seen_at, device, device_hash, country,
        network, novelty, method)
     SELECT $1, a.id, $3, $3, $4, $5, $6, $7,
            CASE WHEN a.sign_ins = 1 THEN 'first'
                 WHEN NOT ($5 IS NOT NULL AND (
                        EXISTS (SELECT 1 FROM sessions ks
                                WHERE ks.account_id = a.id AND ks.device_hash = $5)
                        OR EXISTS (SELECT 1 FROM known_devices kd
                                   WHERE kd.account_id = a.id AND kd.id_hash = $5)))
                  AND ($6 IS NOT NULL AND NOT (EXISTS (SELECT 1 FROM sessions ks
                                WHERE ks.account_id = a.id AND ks.country = $6
                                  AND ks.created_at > $8)
                        OR EXISTS (SELECT 1 FROM account_countries kc
                                   WHERE kc.account_id = a.id AND kc.country = $6
                                     AND kc.last_seen_at > $8)))
                   THEN 'device,country'
                 WHEN NOT ($5 IS NOT NULL AND (
                        EXISTS (SELECT 1 FROM sessions ks
                                WHERE ks.account_id = a.id AND ks.device_hash = $5)
                        OR EXISTS (SELECT 1 FROM known_devices kd
                                   WHERE kd.account_id = a.id AND kd.id_hash = $5)))
                   THEN 'device'
                 WHEN ($6 IS NOT NULL AND NOT (EXISTS (SELECT 1 FROM sessions ks
                                WHERE ks.account_id = a.id AND ks.country = $6
                                  AND ks.created_at > $8)
                        OR EXISTS (SELECT 1 FROM account_countries kc
                                   WHERE kc.account_id = a.id AND kc.country = $6
                                     AND kc.last_seen_at > $8)))
                   THEN 'country'
                 ELSE 'known' END,
            'passkey'
     FROM accounts a WHERE a.id = $2";

/// The account of session $1 and what was new about its sign-in.
pub(in crate::store) const SIGNED_IN: &str =
    "SELECT a.id, a.phone, a.created_at, a.last_sign_in_at, s.novelty
     FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1";

#[async_trait]
impl<E> PasskeyStore for E
where
    E: Engine,
    for<'c> &'c mut Conn<E>: Executor<'c, Database = Db<E>>,
    for<'q> <Db<E> as Database>::Arguments<'q>: IntoArguments<'q, Db<E>>,
    i64: Column<Db<E>>,
    Option<i64>: Column<Db<E>>,
    bool: Column<Db<E>>,
    String: Column<Db<E>>,
    for<'q> &'q str: Bind<'q, Db<E>>,
    for<'q> Option<&'q str>: Bind<'q, Db<E>>,
    for<'a> &'a str: ColumnIndex<<Db<E> as Database>::Row>,
    usize: ColumnIndex<<Db<E> as Database>::Row>,
{
    async fn user_handle(
        &self,
        account_id: AccountId,
        new_handle: &str,
    ) -> Result<String, AppError> {
        let handle = sqlx::query_scalar::<_, Option<String>>(
            "UPDATE accounts SET user_handle = COALESCE(user_handle, $2) WHERE id = $1
             RETURNING user_handle",
        )
        .bind(account_id)
        .bind(new_handle)
        .fetch_optional(self.writer())
        .await?
        .flatten();
        handle.ok_or(AppError::NotSignedIn)
    }

    async fn passkeys_of(&self, account_id: AccountId) -> Result<Vec<StoredPasskey>, AppError> {
        Ok(sqlx::query_as(PASSKEYS_OF)
            .bind(account_id)
            .fetch_all(self.reader())
            .await?)
    }

    async fn passkey(&self, credential_id: &str) -> Result<Option<StoredPasskey>, AppError> {
        Ok(sqlx::query_as(PASSKEY)
            .bind(credential_id)
            .fetch_optional(self.reader())
            .await?)
    }

    async fn add_passkey(
        &self,
        account_id: AccountId,
        new: NewPasskey<'_>,
    ) -> Result<bool, AppError> {
        let mut tx = self.decision().await?;
        let inserted = sqlx::query(
            "INSERT INTO passkeys
               (account_id, credential_id, credential, counter, name, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (credential_id) DO NOTHING",
        )
        .bind(account_id)
        .bind(new.credential_id)
        .bind(new.credential)
        .bind(i64::from(new.counter))
        .bind(new.name)
        .bind(new.now)
        .execute(&mut *tx)
        .await?;
        let added = E::rows_affected(&inserted) == 1;
        if added {
            let detail = EventDetail {
                passkey_name: Some(new.name.to_owned()),
                ..EventDetail::default()
            };
            let kind = EventKind::PasskeyAdded;
            activity::record::<E, _>(&mut *tx, account_id, kind, new.from, &detail, new.now)
                .await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn passkey_sign_in(
        &self,
        used: PasskeyUse<'_>,
        session: NewSession<'_>,
        now: i64,
    ) -> Result<Option<SignedIn>, AppError> {
        let mut tx = self.decision().await?;
        let recorded = sqlx::query(USE_PASSKEY)
            .bind(used.credential_id)
            .bind(used.account_id)
            .bind(used.credential)
            .bind(i64::from(used.counter))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if E::rows_affected(&recorded) != 1 {
            return Ok(None);
        }
        sqlx::query(COUNT_SIGN_IN)
            .bind(used.account_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(OPEN_PASSKEY_SESSION)
            .bind(session.id_hash)
            .bind(used.account_id)
            .bind(now)
            .bind(session.from.device.as_deref())
            .bind(session.device_hash)
            .bind(session.from.country.as_deref())
            .bind(session.from.network.as_deref())
            .bind(now - COUNTRY_MEMORY_SECS)
            .execute(&mut *tx)
            .await?;
        let row: SignInRow = sqlx::query_as(SIGNED_IN)
            .bind(session.id_hash)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(row.into()))
    }

    async fn rename_passkey(
        &self,
        account_id: AccountId,
        credential_id: &str,
        name: &PasskeyName,
    ) -> Result<bool, AppError> {
        let renamed = sqlx::query(
            "UPDATE passkeys SET name = $3 WHERE account_id = $1 AND credential_id = $2",
        )
        .bind(account_id)
        .bind(credential_id)
        .bind(name.as_str())
        .execute(self.writer())
        .await?;
        Ok(E::rows_affected(&renamed) == 1)
    }

    async fn remove_passkey(
        &self,
        account_id: AccountId,
        credential_id: &str,
        from: &Footprint,
        now: i64,
    ) -> Result<Option<String>, AppError> {
        let mut tx = self.decision().await?;
        let name: Option<String> = sqlx::query_scalar(
            "DELETE FROM passkeys WHERE account_id = $1 AND credential_id = $2
             RETURNING name",
        )
        .bind(account_id)
        .bind(credential_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(name) = &name {
            let detail = EventDetail {
                passkey_name: Some(name.clone()),
                ..EventDetail::default()
            };
            let kind = EventKind::PasskeyRemoved;
            activity::record::<E, _>(&mut *tx, account_id, kind, from, &detail, now).await?;
        }
        tx.commit().await?;
        Ok(name)
    }
}
