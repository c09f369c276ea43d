//! The sign-in: sending and checking codes, sessions, the devices an account knows,
//! where requests come from, alerts to the owner, and the random ids behind the cookies.

pub mod activity;
pub mod alerts;
pub mod client;
pub mod devices;
pub mod footprint;
pub mod passkeys;
pub mod session;
pub mod signin;
#[cfg(test)]
mod testing;
pub mod token;
pub mod user_agent;
