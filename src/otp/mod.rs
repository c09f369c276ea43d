//! One-time codes: generation, hashing and the verification policy; the proof of
//! work a code request may be asked for.
//! Plain logic with no HTTP or SQL in it, tested with an explicit clock value.

pub mod code;
pub mod guard;
pub mod limits;
pub mod policy;
pub mod pow;

pub use limits::{Limit, Limits};
pub use policy::{check_in_order, Attempt, Lane, Policy, SendHistory, SendKey};
