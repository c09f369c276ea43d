//! Server-only plumbing: configuration and state, how the app meets HTTP, and the
//! sign-in itself.
//!
//! - `http/`: the router, the edge (security headers, origin checks, caching), the
//!   client's address, static assets, probes and metrics, cookies, the request's
//!   language and the context server functions run in;
//! - `auth/`: the sign-in steps, sessions, known devices, alerts to the owner,
//!   random tokens;
//! - `geo`: the country of a client address.

pub mod auth;
pub mod config;
pub mod geo;
pub mod http;
pub mod purge;
pub mod relying_party;
pub mod serve;
pub mod state;
