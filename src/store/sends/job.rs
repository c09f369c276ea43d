//! A code request waiting for its turn to be decided (`batch.rs`): the SMS to count
//! and the code to store once it is granted.

use crate::store::{
    batches::Batches,
    model::{Footprint, SendTicket},
};
use crate::{
    error::AppError,
    otp::{guard::Scopes, Lane, Policy, SendKey},
};

/// A code to send: the SMS to count and the code to store once it is granted.
pub(in crate::store) struct SendJob {
    pub(in crate::store) phone: String,
    pub(in crate::store) allowance: String,
    pub(in crate::store) ip: String,
    pub(in crate::store) lane: Lane,
    /// The range and country the conversion guard counts a new number's SMS in.
    pub(in crate::store) guard: Option<Scopes>,
    pub(in crate::store) now: i64,
    pub(in crate::store) from: Footprint,
    pub(in crate::store) policy: Policy,
    /// The new code's id hash, the code it replaces, its digest, when it expires.
    pub(in crate::store) id_hash: String,
    pub(in crate::store) replaces: Option<String>,
    pub(in crate::store) code_digest: Vec<u8>,
    pub(in crate::store) expires_at: i64,
}

impl SendJob {
    pub(in crate::store) fn key(&self) -> SendKey<'_> {
        SendKey {
            phone: &self.phone,
            allowance: &self.allowance,
            ip: &self.ip,
            lane: self.lane,
            at: self.now,
        }
    }
}

/// The reservations' task: each is answered with its ticket, or why it was refused.
pub(in crate::store) type Sends = Batches<SendJob, Result<SendTicket, AppError>>;
