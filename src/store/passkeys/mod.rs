//! What the store keeps of passkeys: the account's credentials and its WebAuthn
//! user handle (`credentials.rs`), and the ceremonies under way, one row each, bound
//! to a browser, used once (`ceremonies.rs`).

mod ceremonies;
pub(in crate::store) mod credentials;

pub use self::{
    ceremonies::{Ceremony, CeremonyStore, NewCeremony, Purpose, Taken, CEREMONY_TTL_SECS},
    credentials::{NewPasskey, PasskeyName, PasskeyStore, PasskeyUse, StoredPasskey},
};
