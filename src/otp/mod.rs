//! One-time codes: generation, hashing and the verification policy.
//! Plain logic with no HTTP or SQL in it, tested with an explicit clock value.

pub mod code;
pub mod limits;
pub mod policy;

pub use limits::{Limit, Limits};
pub use policy::{check_in_order, Attempt, Lane, Policy, SendHistory, SendKey};
