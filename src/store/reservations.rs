//! A code request waiting for its turn to be decided (`sends.rs`): the SMS to count
//! and the code to store once it is granted.

use super::{
    batches::Batches,
    model::{Footprint, SendTicket},
};
use crate::{
    error::AppError,
    otp::{Policy, SendKey},
};

/// A code to send: the SMS to count and the code to store once it is granted.
pub(super) struct SendJob {
    pub(super) phone: String,
    pub(super) allowance: String,
    pub(super) ip: String,
    pub(super) now: i64,
    pub(super) from: Footprint,
    pub(super) policy: Policy,
    /// The new code's id hash, the code it replaces, its digest, when it expires.
    pub(super) id_hash: String,
    pub(super) replaces: Option<String>,
    pub(super) code_digest: Vec<u8>,
    pub(super) expires_at: i64,
}

impl SendJob {
    pub(super) fn key(&self) -> SendKey<'_> {
        SendKey {
            phone: &self.phone,
            allowance: &self.allowance,
            ip: &self.ip,
            at: self.now,
        }
    }
}

/// The reservations' task: each is answered with its ticket, or why it was refused.
pub(super) type Sends = Batches<SendJob, Result<SendTicket, AppError>>;
