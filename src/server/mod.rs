//! Server-only plumbing: configuration and state, and how the app meets HTTP.
//!
//! - `http/`: the router, the edge (security headers, origin checks, caching), the
//!   client's address and how a request becomes the domain's client, static assets,
//!   probes and metrics, cookies, the request's language and the context server
//!   functions run in;
//! - `geo`: the country of a client address.

pub mod config;
pub mod geo;
pub mod guard_command;
pub mod http;
pub mod oidc_command;
pub mod oidc_reload;
pub mod operator;
pub mod purge;
pub mod relying_party;
pub mod serve;
pub mod state;
