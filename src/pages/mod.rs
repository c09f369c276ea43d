//! One routed screen a file.

pub mod account;
pub mod activity;
pub mod signup;
pub mod start;
pub mod verify;
