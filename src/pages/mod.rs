//! One routed screen a file.

pub mod account;
pub mod activity;
pub mod signup;
#[cfg(feature = "ssr")]
pub mod signout;
pub mod start;
pub mod verify;
