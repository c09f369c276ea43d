//! Sending SMS: the sender trait, the real Exolve client and the development outbox.

mod exolve;
mod outbox;
mod sender;
pub mod text;

pub use exolve::ExolveClient;
pub use outbox::DevOutbox;
pub use sender::{SmsError, SmsSender};
