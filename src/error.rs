//! The app's one typed error, shared by the server and the browser.
//!
//! Every variant is something a person may be told. Detail that only the operator
//! should see (database errors, Exolve responses) is logged once where it is handled
//! and becomes [`AppError::Internal`] or [`AppError::SmsUnavailable`] here.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("not a valid mobile number")]
    InvalidPhone,
    #[error("numbers of this country are not served")]
    CountryNotAllowed,
    #[error("resend refused: {seconds} s of cooldown left")]
    ResendCooldown { seconds: u32 },
    #[error("too many codes sent to this number in the last hour")]
    PhoneHourlyCap,
    #[error("too many codes requested from this address in the last hour")]
    IpHourlyCap,
    #[error("daily SMS budget exhausted")]
    DailyBudget,
    /// The share of the daily budget that codes to new numbers may spend is spent;
    /// trusted requests (a known browser, a number signed in before) still get codes.
    #[error("the daily SMS budget for new numbers is exhausted")]
    NewNumbersBudget,
    /// `until`: unix seconds when the lock ends.
    #[error("too many wrong codes for this number: locked until {until}")]
    PhoneLocked { until: i64 },
    #[error("the code must be 6 digits")]
    MalformedCode,
    #[error("wrong code, {tries_left} tries left")]
    WrongCode { tries_left: u32 },
    #[error("the code has expired")]
    CodeExpired,
    #[error("too many wrong tries for this code")]
    TooManyTries,
    #[error("no code is pending in this browser")]
    NoPendingVerification,
    #[error("this number cannot receive SMS")]
    SmsRefused,
    #[error("the SMS service is unavailable")]
    SmsUnavailable,
    #[error("not signed in")]
    NotSignedIn,
    /// The site's origin is an IP address, which WebAuthn refuses as relying party.
    #[error("passkeys are not available on this site")]
    PasskeysOff,
    /// The person closed the browser's passkey dialog, or it timed out.
    #[error("the passkey request was cancelled")]
    PasskeyCancelled,
    /// Adding a passkey needs a sign-in by SMS code within the last 10 minutes.
    #[error("confirm with an SMS code before adding a passkey")]
    PasskeyNeedsFreshSignIn,
    /// The credential is not (or no longer) a passkey of any account here.
    #[error("this passkey is not registered here")]
    PasskeyUnknown,
    /// The answer failed WebAuthn's checks: signature, user verification, origin…
    #[error("the passkey's answer was refused")]
    PasskeyRefused,
    /// The challenge was answered before.
    #[error("this passkey request was already used")]
    PasskeyReplayed,
    /// The challenge is older than 5 minutes.
    #[error("the passkey request has expired")]
    PasskeyExpired,
    /// No passkey request was started in this browser.
    #[error("no passkey request is pending in this browser")]
    NoPasskeyCeremony,
    /// The authenticator's credential is a passkey here already.
    #[error("this passkey is already added")]
    PasskeyAlreadyAdded,
    /// A passkey's name must be 1 to 64 characters.
    #[error("a passkey name is 1 to 64 characters")]
    PasskeyName,
    /// A code to this new number goes out only after the browser solves a proof of
    /// work (`challenge`: ALTCHA's challenge, as JSON), answered in the `altcha`
    /// field: its range or country enters few of its codes until `until` (unix
    /// seconds), or codes to new numbers are nearly spent today (no end known).
    #[error("a browser check is required before a code is sent")]
    ChallengeRequired {
        challenge: String,
        /// Not read by the browser, which solves the challenge at once and says
        /// only that it does: its build skips it, and the code that reads it.
        #[cfg_attr(not(feature = "ssr"), serde(skip_deserializing))]
        until: Option<i64>,
    },
    /// A proof of work that does not check: forged, unsolved, for another number.
    #[error("the browser check failed")]
    ChallengeFailed,
    /// A proof of work answered after its challenge expired (10 minutes).
    #[error("the browser check has expired")]
    ChallengeExpired,
    /// An app's sign-in request (OpenID Connect) that is not valid, or not for
    /// this service.
    #[error("this sign-in request is not valid")]
    InvalidAuthorization,
    #[error("internal error")]
    Internal,
    /// The call did not reach the server function or its answer was unreadable.
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// A dead code cannot be retried: the page offers a new one instead.
    pub fn is_dead_code(&self) -> bool {
        matches!(
            self,
            Self::CodeExpired | Self::TooManyTries | Self::NoPendingVerification
        )
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            // A missing or unparsable form field is the person's input, not a fault.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::Transport("the form was incomplete".to_owned())
            }
            other => Self::Transport(other.to_string()),
        };
        // On the server this is a request the server function could not read: the
        // client's fault, never a 500.
        #[cfg(feature = "ssr")]
        error.answer_with_status();
        error
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status of a failed server function.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::InvalidPhone
            | Self::CountryNotAllowed
            | Self::MalformedCode
            | Self::SmsRefused
            | Self::PasskeyName => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PasskeysOff => StatusCode::NOT_FOUND,
            Self::PasskeyCancelled
            | Self::PasskeyUnknown
            | Self::PasskeyRefused
            | Self::PasskeyReplayed
            | Self::PasskeyExpired
            | Self::NoPasskeyCeremony => StatusCode::BAD_REQUEST,
            Self::PasskeyNeedsFreshSignIn | Self::ChallengeRequired { .. } => {
                StatusCode::FORBIDDEN
            }
            Self::PasskeyAlreadyAdded => StatusCode::CONFLICT,
            Self::WrongCode { .. }
            | Self::CodeExpired
            | Self::TooManyTries
            | Self::NoPendingVerification
            | Self::ChallengeFailed
            | Self::ChallengeExpired
            | Self::InvalidAuthorization
            | Self::Transport(_) => StatusCode::BAD_REQUEST,
            Self::ResendCooldown { .. }
            | Self::PhoneHourlyCap
            | Self::IpHourlyCap
            | Self::PhoneLocked { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::DailyBudget | Self::NewNumbersBudget | Self::SmsUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::NotSignedIn => StatusCode::UNAUTHORIZED,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Gives the answer of the server function call being handled this error's
    /// status (and `Retry-After` for a cooldown), unless leptos_axum answers the
    /// request otherwise: a page render (the server function ran inside it), or a
    /// plain form post, which goes back to the page it came from.
    pub fn answer_with_status(&self) {
        use http::{header, request::Parts, HeaderValue, Method};
        use leptos::prelude::use_context;
        let (Some(parts), Some(response)) = (
            use_context::<Parts>(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) else {
            return;
        };
        let headers = &parts.headers;
        let form_post = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
            && headers.contains_key(header::REFERER);
        if parts.method != Method::POST || form_post {
            return;
        }
        response.set_status(self.status());
        if let Self::ResendCooldown { seconds } = self {
            response.insert_header(header::RETRY_AFTER, HeaderValue::from(*seconds));
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    /// The database's detail goes to the log, once, here; a person hears "try again".
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        Self::Internal
    }
}
