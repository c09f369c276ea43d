//! What the store keeps and returns: the sign-in's data as the rest of the app sees
//! it, and how long the store keeps it.

use crate::phone::Phone;

/// How long the account's security activity is kept.
pub const ACTIVITY_KEEP_SECS: i64 = 90 * 24 * 3600;

/// How far back a sign-in's country counts as known to the account.
pub const COUNTRY_MEMORY_SECS: i64 = 180 * 24 * 3600;

/// How long an expired code is kept: a late guess is told "expired", not "unknown".
pub const EXPIRED_CODES_KEPT_SECS: i64 = 3600;

/// How long a browser's device id lives after its last sign-in: 400 days, the
/// longest a browser keeps a cookie. The store forgets the device then too.
pub const DEVICE_COOKIE_SECS: i64 = 400 * 24 * 3600;

/// A pending or used code as the store keeps it.
#[derive(Debug, Clone)]
pub struct Verification {
    pub phone: Phone,
    pub code_digest: Vec<u8>,
    pub expires_at: i64,
    pub failed_tries: u32,
    pub consumed: bool,
    /// The allowance the code was asked for on; its wrong guesses count there.
    pub allowance: Allowance,
    /// When the lock of the phone (in this allowance) ends, if it is locked: the
    /// failure limit asked for was reached within the hour before the time asked.
    pub phone_locked_until: Option<i64>,
}

/// Whose per-phone allowance (hourly SMS cap, cooldown, failure lock) a request
/// draws on: the number's shared one, which every browser that has never signed in
/// to the number's account shares, or a known device's own. A stranger who burns the
/// shared allowance cannot lock the owner's own phone or laptop out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowance(String);

impl Allowance {
    /// The number's shared allowance.
    pub fn shared() -> Self {
        Self::default()
    }

    /// A known device's own, by the hash of its device id.
    pub fn device(id_hash: &str) -> Self {
        Self(id_hash.to_owned())
    }

    /// How the store keeps it: `''` for the shared allowance.
    pub fn key(&self) -> &str {
        &self.0
    }

    pub fn is_shared(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn from_key(key: String) -> Self {
        Self(key)
    }
}

/// What the store made of a wrong guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongGuess {
    /// The code's failed tries after counting this one; `None` when it was not
    /// counted (the code had no try left, or the phone was locked).
    pub tries: Option<u32>,
    /// When the phone's lock ends, if it is locked now (by this guess or before).
    pub phone_locked_until: Option<i64>,
}

/// A code about to be sent. It replaces the live code of the same browser (`replaces`,
/// the hash of the id its cookie held), never a code pending in another browser.
pub struct NewVerification<'a> {
    pub id_hash: &'a str,
    pub replaces: Option<&'a str>,
    pub phone: &'a Phone,
    pub allowance: &'a Allowance,
    pub code_digest: &'a [u8],
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub phone: Phone,
    pub created_at: i64,
    pub last_sign_in_at: i64,
}

/// A live session: its account, and how and when it signed in.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub account: Account,
    pub method: SignInMethod,
    pub signed_in_at: i64,
}

/// A counted SMS: released again when the sender said for sure it did not send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendTicket(pub i64);

/// A live session of an account, for the person's list of their sessions.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionInfo {
    pub id_hash: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub device: String,
    /// The country it signed in from, `''` when unknown.
    pub country: String,
    /// What was new about its sign-in ([`Novelty::session_key`]).
    pub novelty: String,
    pub method: SignInMethod,
}

/// How a session signed in. Kept as text (`sms`, `passkey`: the column's values) and
/// read back into this type by the statements themselves: a value this version does
/// not know is an error, never a method that passes a check by accident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethod {
    /// By a code sent by SMS.
    Sms,
    /// By a passkey.
    Passkey,
}

impl SignInMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SignInMethod::Sms => "sms",
            SignInMethod::Passkey => "passkey",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [SignInMethod::Sms, SignInMethod::Passkey]
            .into_iter()
            .find(|method| method.as_str() == text)
    }
}

impl<DB: sqlx::Database> sqlx::Type<DB> for SignInMethod
where
    String: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for SignInMethod
where
    String: sqlx::Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <String as sqlx::Decode<'r, DB>>::decode(value)?;
        Self::parse(&text).ok_or_else(|| format!("unknown sign-in method {text:?}").into())
    }
}

/// A session about to be opened.
pub struct NewSession<'a> {
    pub id_hash: &'a str,
    /// The hash of the browser's device id: the account knows this device from now on.
    pub device_hash: &'a str,
    /// The device's name, the country and network the sign-in came from.
    pub from: &'a Footprint,
}

/// A completed sign-in: the account, and what was new about it (decided by the
/// sign-in's own statement, against the account as it was before).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: Account,
    pub novelty: Novelty,
}

/// What a request leaves in the account's activity: the device's name ("Chrome,
/// Android"), the country (`RU`; `''` when unknown) and the network (`77.88.8.0/24`),
/// never the whole address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footprint {
    pub device: String,
    pub country: String,
    pub network: String,
}

/// What the store knows of a phone's account when a browser, from a country, asks
/// for or uses a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The account of the phone, if it has one.
    pub account_id: Option<i64>,
    /// The browser's own allowance if it is a known device of the account, else the
    /// number's shared one.
    pub allowance: Allowance,
    /// Whether the account signed in from the country in the last 180 days.
    pub country_known: bool,
    /// The sends a code SMS to the phone on `allowance` would count against.
    pub sends: crate::otp::SendHistory,
}

/// What was new about a sign-in: the owner is told about a new device or country.
/// The first sign-in, which creates the account, has nothing to compare with: nothing
/// is new about it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Novelty {
    /// The sign-in that created the account.
    pub first: bool,
    pub device: bool,
    pub country: bool,
}

impl Novelty {
    /// From how a session keeps it ([`Novelty::session_key`]).
    pub fn from_session_key(first: bool, key: &str) -> Self {
        Self {
            first,
            device: key.split(',').any(|k| k == "device"),
            country: key.split(',').any(|k| k == "country"),
        }
    }

    pub fn any(self) -> bool {
        self.device || self.country
    }

    /// How a session keeps it: `''`, `device`, `country` or `device,country`.
    pub fn session_key(self) -> &'static str {
        match (self.device, self.country) {
            (true, true) => "device,country",
            (true, false) => "device",
            (false, true) => "country",
            (false, false) => "",
        }
    }
}

/// The kinds of the account's security events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    CodeSent,
    SignIn,
    WrongCode,
    Locked,
    AlertSent,
    AlertFailed,
    SessionEnded,
    PasskeySignIn,
    PasskeyAdded,
    PasskeyRemoved,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::CodeSent,
        EventKind::SignIn,
        EventKind::WrongCode,
        EventKind::Locked,
        EventKind::AlertSent,
        EventKind::AlertFailed,
        EventKind::SessionEnded,
        EventKind::PasskeySignIn,
        EventKind::PasskeyAdded,
        EventKind::PasskeyRemoved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::CodeSent => "code_sent",
            EventKind::SignIn => "sign_in",
            EventKind::WrongCode => "wrong_code",
            EventKind::Locked => "locked",
            EventKind::AlertSent => "alert_sent",
            EventKind::AlertFailed => "alert_failed",
            EventKind::SessionEnded => "session_ended",
            EventKind::PasskeySignIn => "passkey_sign_in",
            EventKind::PasskeyAdded => "passkey_added",
            EventKind::PasskeyRemoved => "passkey_removed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// One event of the account's security activity.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ActivityEvent {
    pub at: i64,
    pub kind: String,
    pub device: String,
    pub country: String,
    pub network: String,
    pub detail: String,
}

/// Who ended a session, as its activity event says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndedBy {
    /// Its own browser signed out.
    SignOut,
    /// Another session of the account ended it.
    OtherSession,
    /// Another session of the account said "not me" about it.
    NotMe,
}

impl EndedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            EndedBy::SignOut => "sign_out",
            EndedBy::OtherSession => "other_session",
            EndedBy::NotMe => "not_me",
        }
    }
}

/// What became of a claim to alert the owner about a new sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertClaim {
    /// Counted against the daily budget: send it (and release it if it surely
    /// did not go out).
    Granted(SendTicket),
    /// This device was already alerted about for the account.
    AlreadyAlerted,
    /// The account had its alerts of the last 24 hours.
    DailyCap,
    /// The service's daily SMS budget is spent.
    Budget,
}

/// Session lifetimes, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub idle_secs: i64,
    pub absolute_secs: i64,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            idle_secs: 7 * 24 * 3600,
            absolute_secs: 30 * 24 * 3600,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxMessage {
    pub destination: String,
    pub text: String,
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::{Novelty, SignInMethod};

    #[test]
    fn sign_in_methods_round_trip_through_their_text() {
        for method in [SignInMethod::Sms, SignInMethod::Passkey] {
            assert_eq!(SignInMethod::parse(method.as_str()), Some(method));
        }
        for unknown in ["", "SMS", "passkey ", "password"] {
            assert_eq!(SignInMethod::parse(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn novelty_round_trips_through_its_session_key() {
        for (device, country) in [(false, false), (true, false), (false, true), (true, true)] {
            let novelty = Novelty {
                first: false,
                device,
                country,
            };
            assert_eq!(
                Novelty::from_session_key(false, novelty.session_key()),
                novelty
            );
        }
    }
}
