//! One routed screen a file.

pub mod account;
pub mod activity;
#[cfg(feature = "ssr")]
pub mod consent;
pub mod signup;
#[cfg(feature = "ssr")]
pub mod signout;
pub mod start;
pub mod verify;
