//! One routed screen a file.

pub mod account;
pub mod signup;
pub mod start;
pub mod verify;
