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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowance(String);

impl Allowance {
    /// How the store names the number's shared allowance. A device's own is named by
    /// its id hash (64 hex digits), and the alerts' by `alert`: no name collides.
    const SHARED: &'static str = "shared";

    /// The number's shared allowance.
    pub fn shared() -> Self {
        Self(Self::SHARED.to_owned())
    }

    /// A known device's own, by the hash of its device id.
    pub fn device(id_hash: &str) -> Self {
        Self(id_hash.to_owned())
    }

    /// How the store keeps it: `shared`, or the device's id hash.
    pub fn key(&self) -> &str {
        &self.0
    }

    pub fn is_shared(&self) -> bool {
        self.0 == Self::SHARED
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
    /// The part of the daily budget its SMS is spent from.
    pub lane: crate::otp::Lane,
    /// A new number's range and country, where the conversion guard counts its SMS
    /// (`None` on the trusted lane, which the guard never counts).
    pub guard: Option<&'a crate::otp::guard::Scopes>,
    pub code_digest: &'a [u8],
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: AccountId,
    pub phone: Phone,
    pub created_at: i64,
    pub last_sign_in_at: i64,
}

/// An account's id. Its own type, so that an account and a time (both numbers in
/// the store) cannot change places in a call; stored as the integer it wraps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(pub i64);

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A live session: its account, and how and when it signed in.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub account: Account,
    /// The account's public id: random, stable, what the sites behind sms-auth know
    /// it by (`Remote-User`); never its phone number nor its row id.
    pub public_id: String,
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
    /// The browser's name, `None` when its User-Agent names nothing known.
    pub device: Option<String>,
    /// The country it signed in from, `None` when unknown.
    pub country: Option<String>,
    /// What was new about its sign-in.
    pub novelty: Novelty,
    pub method: SignInMethod,
}

/// A value kept in a column as one of a few words (`sms`, `passkey`…), read back by
/// the statements themselves (`columns.rs`) or, where a newer version may have
/// written a word this one does not know, by [`Word::from_word`].
pub trait Word: Copy + 'static {
    /// Every value, once.
    const ALL: &'static [Self];

    /// The word the column keeps.
    fn word(self) -> &'static str;

    fn from_word(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.word() == text)
    }
}

/// How a session signed in. Kept as text (`sms`, `passkey`: the column's values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethod {
    /// By a code sent by SMS.
    Sms,
    /// By a passkey.
    Passkey,
}

impl Word for SignInMethod {
    const ALL: &'static [Self] = &[SignInMethod::Sms, SignInMethod::Passkey];

    fn word(self) -> &'static str {
        match self {
            SignInMethod::Sms => "sms",
            SignInMethod::Passkey => "passkey",
        }
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
/// Android"), the country (`RU`) and the network (`77.88.8.0/24`), never the whole
/// address; each `None` when unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footprint {
    pub device: Option<String>,
    pub country: Option<String>,
    pub network: Option<String>,
}

/// What the store knows of a phone's account when a browser, from a country, asks
/// for or uses a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The account of the phone, if it has one.
    pub account_id: Option<AccountId>,
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
    pub fn any(self) -> bool {
        self.device || self.country
    }
}

/// As a session and its sign-in's event keep it: `first`, `known` (nothing new),
/// `device`, `country` or `device,country`.
impl Word for Novelty {
    const ALL: &'static [Self] = &[
        Novelty {
            first: true,
            device: false,
            country: false,
        },
        Novelty {
            first: false,
            device: false,
            country: false,
        },
        Novelty {
            first: false,
            device: true,
            country: false,
        },
        Novelty {
            first: false,
            device: false,
            country: true,
        },
        Novelty {
            first: false,
            device: true,
            country: true,
        },
    ];

    fn word(self) -> &'static str {
        match (self.first, self.device, self.country) {
            (true, _, _) => "first",
            (false, true, true) => "device,country",
            (false, true, false) => "device",
            (false, false, true) => "country",
            (false, false, false) => "known",
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
    /// A sign-in to an app through the OpenID provider (a code issued to it).
    AppSignIn,
    /// The person let an app sign them in (its consent screen's "allow").
    AppConsent,
    /// The person disconnected an app on the account page.
    AppDisconnected,
}

impl Word for EventKind {
    const ALL: &'static [Self] = &[
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
        EventKind::AppSignIn,
        EventKind::AppConsent,
        EventKind::AppDisconnected,
    ];

    fn word(self) -> &'static str {
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
            EventKind::AppSignIn => "app_sign_in",
            EventKind::AppConsent => "app_consent",
            EventKind::AppDisconnected => "app_disconnected",
        }
    }
}

/// One event of the account's security activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityEvent {
    pub at: i64,
    /// `None` for a kind this version does not know (a newer one wrote it).
    pub kind: Option<EventKind>,
    pub from: Footprint,
    pub detail: EventDetail,
}

/// What an event tells beyond its kind, each where its kind has it (a column each).
/// A word this version does not know reads as `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventDetail {
    /// What was new about a sign-in, or about the sign-in an alert told of.
    pub novelty: Option<Novelty>,
    /// Who ended a session.
    pub ended_by: Option<EndedBy>,
    /// When the lock a wrong code made ends.
    pub locked_until: Option<i64>,
    /// The name of the passkey added or removed, as it was then.
    pub passkey_name: Option<String>,
    /// What an alert sent told of.
    pub alert_about: Option<AlertAbout>,
    /// Why an alert was not sent: the sender's reason.
    pub failure: Option<String>,
    /// The app signed in to, consented to or disconnected, by its name then.
    pub app: Option<String>,
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

impl Word for EndedBy {
    const ALL: &'static [Self] = &[EndedBy::SignOut, EndedBy::OtherSession, EndedBy::NotMe];

    fn word(self) -> &'static str {
        match self {
            EndedBy::SignOut => "sign_out",
            EndedBy::OtherSession => "other_session",
            EndedBy::NotMe => "not_me",
        }
    }
}

/// What an alert to the owner told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertAbout {
    /// A sign-in from a new device or country.
    SignIn,
    /// A passkey added or removed.
    Passkey,
}

impl Word for AlertAbout {
    const ALL: &'static [Self] = &[AlertAbout::SignIn, AlertAbout::Passkey];

    fn word(self) -> &'static str {
        match self {
            AlertAbout::SignIn => "sign_in",
            AlertAbout::Passkey => "passkey",
        }
    }
}

/// The SMS of the last 24 hours, as the store counted them for every instance: all
/// of them (codes and alerts), and the codes to new numbers among them (their lane).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BudgetSpend {
    pub all: u32,
    pub new: u32,
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
    use super::{AlertAbout, EndedBy, EventKind, Novelty, SignInMethod, Word};

    /// Every value reads back from its word, and no two share one.
    fn round_trip<T: Word + PartialEq + std::fmt::Debug>() {
        for value in T::ALL {
            assert_eq!(T::from_word(value.word()), Some(*value));
        }
        let mut words: Vec<_> = T::ALL.iter().map(|value| value.word()).collect();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), T::ALL.len());
    }

    #[test]
    fn every_kept_word_reads_back_as_its_value() {
        round_trip::<SignInMethod>();
        round_trip::<Novelty>();
        round_trip::<EventKind>();
        round_trip::<EndedBy>();
        round_trip::<AlertAbout>();
    }

    #[test]
    fn a_word_this_version_does_not_know_is_no_value() {
        for unknown in ["", "SMS", "passkey ", "password"] {
            assert_eq!(SignInMethod::from_word(unknown), None, "{unknown:?}");
        }
        assert_eq!(Novelty::from_word(""), None);
        assert_eq!(EventKind::from_word("password_changed"), None);
    }
}
