//! Sending SMS: the sender trait, the real Exolve client and the development outbox.

mod exolve;
mod outbox;

use async_trait::async_trait;
use thiserror::Error;

use crate::error::AppError;

pub use exolve::ExolveClient;
pub use outbox::DevOutbox;

/// Why an SMS did not go out. The operator's detail; a person sees [`AppError`].
#[derive(Debug, Error)]
pub enum SmsError {
    /// 401/403: the key or the sender is wrong. Never retried.
    #[error("Exolve refused the credentials (HTTP {status}): {message}")]
    Unauthorized { status: u16, message: String },
    /// 429: Exolve's own rate limit.
    #[error("Exolve rate limit (HTTP 429): {message}")]
    RateLimited { message: String },
    /// 5xx.
    #[error("Exolve failed (HTTP {status}): {message}")]
    Unavailable { status: u16, message: String },
    #[error("Exolve did not answer in time")]
    Timeout,
    #[error("could not reach Exolve: {0}")]
    Connection(String),
    /// 200 with a body that is not `{"message_id": ...}`.
    #[error("Exolve's answer was unreadable: {0}")]
    UnreadableBody(String),
    /// Any other status: Exolve refused this message or this number.
    #[error("Exolve refused the message (HTTP {status}): {message}")]
    Refused { status: u16, message: String },
    /// The development outbox could not store the message.
    #[error("the development outbox failed")]
    Outbox,
}

impl SmsError {
    /// Whether the SMS may have gone out anyway (a timeout after the request was sent):
    /// then the send still counts against the limits.
    pub fn may_have_been_sent(&self) -> bool {
        matches!(self, Self::Timeout)
    }

    /// A stable label for logs and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Unauthorized { .. } => "unauthorized",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable { .. } => "unavailable",
            Self::Timeout => "timeout",
            Self::Connection(_) => "connection",
            Self::UnreadableBody(_) => "unreadable_body",
            Self::Refused { .. } => "refused",
            Self::Outbox => "outbox",
        }
    }
}

impl From<&SmsError> for AppError {
    fn from(error: &SmsError) -> Self {
        match error {
            SmsError::Refused { .. } => AppError::SmsRefused,
            _ => AppError::SmsUnavailable,
        }
    }
}

/// Something that delivers a text to a phone. `destination` is 11 digits, no `+`.
#[async_trait]
pub trait SmsSender: Send + Sync + 'static {
    /// The provider's message id on success.
    async fn send(&self, destination: &str, text: &str) -> Result<String, SmsError>;
}
