//! The store's contract: what the app asks of storage, whichever engine holds it,
//! one trait per aggregate (each in its own file, with its statements and its one
//! implementation for both engines).

pub use super::{
    activity::ActivityStore,
    challenges::ChallengeStore,
    codes::CodeStore,
    guard::GuardStore,
    oidc_grants::OidcGrantStore,
    oidc_keys::OidcKeyStore,
    operator::OperatorStore,
    outbox::OutboxStore,
    passkeys::{CeremonyStore, PasskeyStore},
    retention::RetentionStore,
    sends::SendStore,
    sessions::SessionStore,
};

/// Everything the app asks of storage. The app holds an `Arc<dyn Store>`; the
/// aggregates' methods are called on it directly.
pub trait Store:
    CodeStore
    + SendStore
    + SessionStore
    + ActivityStore
    + PasskeyStore
    + CeremonyStore
    + OutboxStore
    + OperatorStore
    + ChallengeStore
    + GuardStore
    + OidcGrantStore
    + OidcKeyStore
    + RetentionStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: CodeStore
        + SendStore
        + SessionStore
        + ActivityStore
        + PasskeyStore
        + CeremonyStore
        + OutboxStore
        + OperatorStore
        + ChallengeStore
        + GuardStore
        + OidcGrantStore
        + OidcKeyStore
        + RetentionStore
        + Send
        + Sync
        + 'static
{
}
