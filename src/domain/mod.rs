//! The domain, between `api/` and `store/`: the sign-in's steps as plain services.
//! Each takes the app's state and a `Client` (who asks, read from the request by
//! `server/http/client.rs`) and returns an outcome with the cookies to set; none
//! sees a request or SQL text, so each is tested without HTTP (`testing.rs`).
//!
//! - `signin`: asking for, resending and checking a code;
//! - `session`: opening, reading, listing and ending sessions; `live_sessions`:
//!   those forward-auth read this second;
//! - `passkeys`: registering, signing in with, renaming and removing passkeys;
//! - `alerts`: telling the owner of a new sign-in or a passkey change;
//! - `operator`: telling the operator as the daily budget's lanes fill;
//! - `activity`: the account's security events;
//! - `authz`: forward-auth, whether a proxied request may pass and as whom;
//! - `oidc`: the OpenID provider: its keys as every instance holds them, the
//!   authorization, the tokens;
//! - `client`, `devices`, `token`, `user_agent`: who asks, the device cookie, random
//!   ids and their hashes, a browser's name.

pub mod activity;
pub mod alerts;
pub mod authz;
pub mod client;
pub mod devices;
pub mod live_sessions;
pub mod guard;
pub mod oidc;
pub mod operator;
pub mod passkeys;
pub mod session;
pub mod signin;
// The software authenticator the integration tests use: the passkeys' steps are
// unit-tested with it too (the integration tests use the rest of it).
#[cfg(test)]
#[allow(dead_code)]
#[path = "../../tests/flow/soft_key.rs"]
mod soft_key;
#[cfg(test)]
mod testing;
pub mod token;
pub mod user_agent;
