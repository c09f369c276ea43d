//! What the store keeps of passkeys: the account's credentials, its WebAuthn user
//! handle, and the ceremonies under way (one row each, bound to a browser, used once).

use async_trait::async_trait;

use super::model::{Footprint, NewSession, SignedIn};
use crate::error::AppError;

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
    pub account_id: Option<i64>,
    /// webauthn-rs's state of the challenge, as JSON.
    pub state: &'a str,
    /// The per-address limits' key of the client.
    pub ip: &'a str,
    pub now: i64,
}

/// A ceremony taken for its answer (now used: it can never be taken again).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Ceremony {
    pub account_id: Option<i64>,
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

/// A passkey of an account, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredPasskey {
    pub account_id: i64,
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
    pub account_id: i64,
    /// The credential after the use (counter, backup flags), as JSON.
    pub credential: &'a str,
    pub counter: u32,
}

#[async_trait]
pub trait PasskeyStore: Send + Sync + 'static {
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

    /// The account's WebAuthn user handle, given `new_handle` if it had none.
    async fn user_handle(&self, account_id: i64, new_handle: &str) -> Result<String, AppError>;

    /// The account's passkeys, the newest first.
    async fn passkeys_of(&self, account_id: i64) -> Result<Vec<StoredPasskey>, AppError>;

    /// The passkey with this credential id, of whichever account.
    async fn passkey(&self, credential_id: &str) -> Result<Option<StoredPasskey>, AppError>;

    /// Adds a passkey to the account and records it in the activity; `false` when
    /// the credential id is registered already (to any account).
    async fn add_passkey(&self, account_id: i64, new: NewPasskey<'_>) -> Result<bool, AppError>;

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
        account_id: i64,
        credential_id: &str,
        name: &str,
    ) -> Result<bool, AppError>;

    /// Removes one of the account's passkeys and records it in the activity; its
    /// name, or `None` when the account has no such passkey.
    async fn remove_passkey(
        &self,
        account_id: i64,
        credential_id: &str,
        from: &Footprint,
        now: i64,
    ) -> Result<Option<String>, AppError>;
}
