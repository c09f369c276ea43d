//! Server functions: public HTTP endpoints under `/api/`, each validating its input,
//! checking session and limits, then calling the sign-in steps. The types they
//! exchange live beside them.

pub mod account;
pub mod activity;
pub mod auth;
pub mod oidc;
pub mod passkeys;
