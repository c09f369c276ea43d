//! The store's contract: what the app asks of storage, whichever engine holds it.

use async_trait::async_trait;

use super::{
    model::{
        ActivityEvent, AlertClaim, Allowance, EventKind, Footprint, LiveSession, NewSession,
        NewVerification, OutboxMessage, SendTicket, SessionInfo, SessionLimits, SignedIn, Standing,
        Verification, WrongGuess,
    },
    passkeys::PasskeyStore,
};
use crate::{error::AppError, otp::Policy, phone::Phone};

#[async_trait]
pub trait Store: PasskeyStore + Send + Sync + 'static {
    /// What the store knows of `phone`'s account for a browser with this device id
    /// hash, from `from` (its country `''` when unknown), as of `now`; and the
    /// history a code SMS to the phone from the address `ip` would be decided on.
    /// Read beside the writer: a request it shows past a limit is refused without
    /// waiting for the writer (counts only grow until the writer decides).
    async fn standing(
        &self,
        phone: &Phone,
        device_hash: Option<&str>,
        from: &Footprint,
        ip: &str,
        now: i64,
        policy: &Policy,
    ) -> Result<Standing, AppError>;

    /// Counts one SMS of the code `code` (to its phone, on its allowance) from `ip`,
    /// at its creation time, if the policy allows it then, and stores the code,
    /// killing the live code it replaces: one step, decided with the other requests
    /// waiting for the writer (`sends.rs`). The account's activity (if the phone has
    /// one) records the code sent. Callers refuse first what `standing` refuses.
    async fn reserve_code(
        &self,
        code: NewVerification<'_>,
        ip: &str,
        from: &Footprint,
        policy: &Policy,
    ) -> Result<SendTicket, AppError>;

    /// Uncounts an SMS that was never sent, and its activity event.
    async fn release_sms(&self, ticket: SendTicket) -> Result<(), AppError>;

    /// Claims an alert to the account's owner, if the account's daily cap and the
    /// service's budget allow one now: counted like a code SMS in the budget, not in
    /// the phone's own caps. About a sign-in from the device `device_hash`, it is the
    /// one alert about that device, ever.
    async fn claim_alert(
        &self,
        account_id: i64,
        phone: &Phone,
        device_hash: Option<&str>,
        now: i64,
        policy: &Policy,
    ) -> Result<AlertClaim, AppError>;

    /// Adds an event to the account's activity.
    async fn record_event(
        &self,
        account_id: i64,
        kind: EventKind,
        from: &Footprint,
        detail: &str,
        now: i64,
    ) -> Result<(), AppError>;

    /// The account's activity since `since`, the newest first, at most `limit` events.
    async fn activity(
        &self,
        account_id: i64,
        since: i64,
        limit: u32,
    ) -> Result<Vec<ActivityEvent>, AppError>;

    /// When the last SMS on `allowance` went to this phone, if within the last day.
    async fn last_sms_to(
        &self,
        phone: &Phone,
        allowance: &Allowance,
        now: i64,
    ) -> Result<Option<i64>, AppError>;

    async fn delete_verification(&self, id_hash: &str) -> Result<(), AppError>;

    /// The code, with its phone's lock (in the code's allowance) as of `now`.
    async fn verification(
        &self,
        id_hash: &str,
        now: i64,
        policy: &Policy,
    ) -> Result<Option<Verification>, AppError>;

    /// Counts a wrong guess on the code `id_hash` (of `phone`, asked for on
    /// `allowance`) if the code still had a try left and the phone is not locked, in
    /// one step that parallel guesses cannot overshoot; and tells whether the phone is
    /// locked now.
    async fn record_wrong_guess(
        &self,
        id_hash: &str,
        phone: &Phone,
        allowance: &Allowance,
        from: &Footprint,
        now: i64,
        policy: &Policy,
    ) -> Result<WrongGuess, AppError>;

    /// Uses the code once, atomically, and signs its phone in: the account is created
    /// at the first sign-in, `session` is opened, its device is known to the account
    /// from now on, its country is one the account signed in from, and the activity
    /// records the sign-in. `None` when
    /// the code was used, dead or expired by the time this ran.
    async fn complete_sign_in(
        &self,
        id_hash: &str,
        session: NewSession<'_>,
        now: i64,
        max_tries: u32,
    ) -> Result<Option<SignedIn>, AppError>;

    /// A live session and its account, refreshing its idle timer (written at most
    /// once a minute).
    async fn session_account(
        &self,
        session_hash: &str,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<LiveSession>, AppError>;

    /// Ends a session (its browser signed out).
    async fn delete_session(&self, session_hash: &str, now: i64) -> Result<(), AppError>;

    /// The account's live sessions, the most recently used first.
    async fn sessions_of(
        &self,
        account_id: i64,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Vec<SessionInfo>, AppError>;

    /// Ends one session of the account, from another of its sessions; a session of
    /// another account is untouched.
    async fn delete_session_of(
        &self,
        account_id: i64,
        session_hash: &str,
        now: i64,
    ) -> Result<(), AppError>;

    /// "Not me" about a session of the account: ends it and every session of its
    /// device, and forgets the device for the account (its next sign-in is new and
    /// alerts again). `false` when the account has no such session.
    async fn disown_session(
        &self,
        account_id: i64,
        session_hash: &str,
        now: i64,
    ) -> Result<bool, AppError>;

    /// Ends every session of the account but `keep_hash`; returns how many ended.
    async fn delete_other_sessions(
        &self,
        account_id: i64,
        keep_hash: &str,
        now: i64,
    ) -> Result<u64, AppError>;

    async fn outbox_push(&self, destination: &str, text: &str, now: i64) -> Result<(), AppError>;

    /// The newest captured SMS first.
    async fn outbox(&self, limit: u32) -> Result<Vec<OutboxMessage>, AppError>;

    /// Deletes what no rule can look at any more: expired codes, dead sessions, old
    /// counting windows. Returns the rows removed.
    async fn purge(&self, now: i64, limits: SessionLimits) -> Result<u64, AppError>;

    /// Whether the database answers: the readiness probe.
    async fn ping(&self) -> Result<(), AppError>;
}
