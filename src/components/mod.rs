//! Reusable view pieces. No data access here: pages fetch, components show.

pub mod alert;
pub mod challenge;
pub mod credit;
#[cfg(feature = "ssr")]
pub mod header;
pub mod island;
pub mod moment;
pub mod passkey_sign_in;
pub mod phone_field;
pub mod text;
pub mod web_otp;
pub mod webauthn;
