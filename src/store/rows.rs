//! The rows the store's statements read, and what they become for the rest of the
//! app.

use sqlx::Database;

use super::model::{
    Account, AccountId, ActivityEvent, Allowance, EventDetail, Footprint, LiveSession, Novelty,
    SignInMethod, SignedIn, Standing, Verification, Word,
};
use crate::{otp::SendHistory, phone::Phone};

#[derive(sqlx::FromRow)]
pub(super) struct AccountRow {
    id: AccountId,
    phone: String,
    created_at: i64,
    last_sign_in_at: i64,
}

impl From<AccountRow> for Account {
    fn from(row: AccountRow) -> Self {
        Self {
            id: row.id,
            phone: Phone::from_stored(row.phone),
            created_at: row.created_at,
            last_sign_in_at: row.last_sign_in_at,
        }
    }
}

/// A sign-in's account, with what was new about it.
#[derive(sqlx::FromRow)]
pub(super) struct SignInRow {
    #[sqlx(flatten)]
    account: AccountRow,
    novelty: Novelty,
}

impl From<SignInRow> for SignedIn {
    fn from(row: SignInRow) -> Self {
        Self {
            account: row.account.into(),
            novelty: row.novelty,
        }
    }
}

/// An event of the activity. Its words are read leniently: a kind or a word a newer
/// version wrote is `None`, and the page leaves out what it cannot tell.
#[derive(sqlx::FromRow)]
pub(super) struct ActivityRow {
    at: i64,
    kind: String,
    device: Option<String>,
    country: Option<String>,
    network: Option<String>,
    novelty: Option<String>,
    ended_by: Option<String>,
    locked_until: Option<i64>,
    passkey_name: Option<String>,
    alert_about: Option<String>,
    failure: Option<String>,
    app: Option<String>,
}

impl From<ActivityRow> for ActivityEvent {
    fn from(row: ActivityRow) -> Self {
        fn word<T: Word>(text: Option<String>) -> Option<T> {
            text.as_deref().and_then(T::from_word)
        }
        Self {
            at: row.at,
            kind: Word::from_word(&row.kind),
            from: Footprint {
                device: row.device,
                country: row.country,
                network: row.network,
            },
            detail: EventDetail {
                novelty: word(row.novelty),
                ended_by: word(row.ended_by),
                locked_until: row.locked_until,
                passkey_name: row.passkey_name,
                alert_about: word(row.alert_about),
                failure: row.failure,
                app: row.app,
            },
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct VerificationRow {
    phone: String,
    code_digest: Vec<u8>,
    expires_at: i64,
    failed_tries: i64,
    consumed_at: Option<i64>,
    allowance: String,
    phone_locked_until: Option<i64>,
}

impl From<VerificationRow> for Verification {
    fn from(row: VerificationRow) -> Self {
        Self {
            phone: Phone::from_stored(row.phone),
            code_digest: row.code_digest,
            expires_at: row.expires_at,
            failed_tries: count(row.failed_tries),
            consumed: row.consumed_at.is_some(),
            allowance: Allowance::from_key(row.allowance),
            phone_locked_until: row.phone_locked_until,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SessionAccountRow {
    #[sqlx(flatten)]
    pub(super) account: AccountRow,
    pub(super) public_id: String,
    pub(super) last_seen_at: i64,
    pub(super) method: SignInMethod,
    pub(super) signed_in_at: i64,
}

impl From<SessionAccountRow> for LiveSession {
    fn from(row: SessionAccountRow) -> Self {
        Self {
            account: row.account.into(),
            public_id: row.public_id,
            method: row.method,
            signed_in_at: row.signed_in_at,
        }
    }
}

/// A send's history as the policy reads it (`SendHistory`).
#[derive(sqlx::FromRow)]
pub(super) struct HistoryRow {
    last_sent: Option<i64>,
    to_phone: i64,
    from_ip: i64,
    of_day: i64,
    of_day_new: i64,
    locked_until: Option<i64>,
}

impl From<HistoryRow> for SendHistory {
    fn from(row: HistoryRow) -> Self {
        Self {
            last_sent_to_phone: row.last_sent,
            sent_to_phone_last_hour: count(row.to_phone),
            sent_from_ip_last_hour: count(row.from_ip),
            sent_last_day: count(row.of_day),
            sent_new_last_day: count(row.of_day_new),
            phone_locked_until: row.locked_until,
        }
    }
}

/// A history in a batch, with the batch's place of its send.
#[derive(sqlx::FromRow)]
pub(super) struct BatchHistoryRow {
    pub(super) op: i64,
    #[sqlx(flatten)]
    pub(super) history: HistoryRow,
}

pub(super) fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What a standing is read for (`sends::standing::STANDING`'s binds, in order).
pub(super) struct StandingOf {
    pub(super) phone: String,
    pub(super) device_hash: Option<String>,
    pub(super) country: Option<String>,
    pub(super) country_since: i64,
    pub(super) ip: String,
    pub(super) now: i64,
    pub(super) per_phone: i64,
    pub(super) per_ip: i64,
    pub(super) failures: i64,
}

/// Binds a standing's parameters, in `STANDING`'s order.
pub(super) fn bind_standing<'q, DB, O>(
    query: sqlx::query::QueryAs<'q, DB, O, <DB as Database>::Arguments<'q>>,
    of: &'q StandingOf,
) -> sqlx::query::QueryAs<'q, DB, O, <DB as Database>::Arguments<'q>>
where
    DB: Database,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(&of.phone)
        .bind(&of.device_hash)
        .bind(&of.country)
        .bind(of.country_since)
        .bind(&of.ip)
        .bind(of.now)
        .bind(of.per_phone)
        .bind(of.per_ip)
        .bind(of.failures)
}

#[derive(sqlx::FromRow)]
pub(super) struct BatchStandingRow {
    pub(super) op: i64,
    #[sqlx(flatten)]
    pub(super) standing: StandingRow,
}

#[derive(sqlx::FromRow)]
pub(super) struct StandingRow {
    account_id: Option<AccountId>,
    country_known: bool,
    allowance_key: String,
    #[sqlx(flatten)]
    history: HistoryRow,
}

impl From<StandingRow> for Standing {
    fn from(row: StandingRow) -> Self {
        Self {
            account_id: row.account_id,
            allowance: Allowance::from_key(row.allowance_key),
            country_known: row.country_known,
            sends: row.history.into(),
        }
    }
}
