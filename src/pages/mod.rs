//! One routed screen a file.

pub mod account;
pub mod activity;
pub mod signup;
#[cfg(feature = "ssr")]
pub mod signout;
#[cfg(feature = "ssr")]
pub mod start;
pub mod verify;
