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
        match value {
            // A missing or unparsable form field is the person's input, not a fault.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::Transport("the form was incomplete".to_owned())
            }
            other => Self::Transport(other.to_string()),
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
