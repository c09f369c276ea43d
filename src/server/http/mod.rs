//! How the app meets HTTP: everything between a request on the socket and a server
//! function or page render.

pub mod assets;
pub mod authz;
pub mod client;
pub mod client_ip;
pub mod cookies;
pub mod dev_outbox;
pub mod edge;
pub mod language;
pub mod metrics;
pub mod oidc;
pub mod probes;
pub mod request;
pub mod return_to;
pub mod router;
