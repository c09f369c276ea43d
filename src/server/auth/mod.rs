//! The sign-in: sending and checking codes, sessions, the devices an account knows,
//! and the random ids behind the cookies.

pub mod devices;
pub mod session;
pub mod signin;
pub mod token;
pub mod user_agent;
