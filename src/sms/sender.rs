//! What a sender is: the trait every way of sending implements, and why a send failed.

use async_trait::async_trait;
use thiserror::Error;

use crate::error::AppError;

/// Why an SMS did not go out. The operator's detail; a person sees [`AppError`].
///
/// Only some of these say for sure that nothing was sent ([`SmsError::may_have_been_sent`]):
/// anything Exolve does not answer in its documented shape counts as possibly
/// delivered, so a change of its answers tomorrow cannot open the limits.
#[derive(Debug, Error)]
pub enum SmsError {
    /// 401/403: the key or the sender is wrong. Never retried.
    #[error("Exolve refused the credentials (HTTP {status}): {message}")]
    Unauthorized { status: u16, message: String },
    /// 429 with Exolve's error body: its own rate limit.
    #[error("Exolve rate limit (HTTP 429): {message}")]
    RateLimited { message: String },
    /// Another 4xx with Exolve's error body: it refused this message or this number.
    #[error("Exolve refused the message (HTTP {status}): {message}")]
    Refused { status: u16, message: String },
    /// 5xx: Exolve failed, perhaps after sending.
    #[error("Exolve failed (HTTP {status}): {message}")]
    Unavailable { status: u16, message: String },
    /// A status, or a 4xx body, that Exolve does not document.
    #[error("Exolve answered HTTP {status} in an unknown shape: {message}")]
    Unexpected { status: u16, message: String },
    /// 200 with a body that is not `{"message_id": ...}`, or a body that broke off.
    #[error("Exolve's answer was unreadable: {0}")]
    UnreadableBody(String),
    #[error("Exolve did not answer in time")]
    Timeout,
    /// No connection could be opened: the request never left.
    #[error("could not reach Exolve: {0}")]
    NotConnected(String),
    /// The connection failed after the request was on its way.
    #[error("the connection to Exolve broke off: {0}")]
    Interrupted(String),
    /// The development outbox could not store the message.
    #[error("the development outbox failed")]
    Outbox,
}

impl SmsError {
    /// Whether the SMS may have gone out anyway: then the send still counts against
    /// the limits and the budget. Only a definite refusal says it did not.
    pub fn may_have_been_sent(&self) -> bool {
        !matches!(
            self,
            Self::Unauthorized { .. }
                | Self::RateLimited { .. }
                | Self::Refused { .. }
                | Self::NotConnected(_)
                | Self::Outbox
        )
    }

    /// A stable label for logs and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Unauthorized { .. } => "unauthorized",
            Self::RateLimited { .. } => "rate_limited",
            Self::Refused { .. } => "refused",
            Self::Unavailable { .. } => "unavailable",
            Self::Unexpected { .. } => "unexpected",
            Self::UnreadableBody(_) => "unreadable_body",
            Self::Timeout => "timeout",
            Self::NotConnected(_) => "connection",
            Self::Interrupted(_) => "interrupted",
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
