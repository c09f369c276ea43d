//! Server-only plumbing: configuration, state, the router, requests, sessions, sign-in.

pub mod assets;
pub mod client_ip;
pub mod config;
pub mod cookies;
pub mod dev_outbox;
pub mod device;
pub mod edge;
pub mod health;
pub mod known_device;
pub mod language;
pub mod metrics;
pub mod purge;
pub mod request;
pub mod router;
pub mod serve;
pub mod session;
pub mod signin;
pub mod state;
pub mod token;
