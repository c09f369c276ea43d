//! Passkeys (WebAuthn discoverable credentials) by webauthn-rs: adding one to a
//! signed-in account, signing in with one, renaming and removing them.
//!
//! Each ceremony's state lives in the store, bound to the browser by the hash of a
//! random id in the `pkc` cookie: five minutes, used once (the store takes it
//! atomically, on any instance). Adding needs a sign-in by SMS code within the last
//! ten minutes, so a stolen session cookie alone cannot add a way in. A passkey
//! sign-in opens the same kind of session as a code does, and the owner is alerted
//! about it by the same rules.

use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Uuid, Webauthn, WebauthnError,
};
use webauthn_rs_proto::ResidentKeyRequirement;

use crate::domain::{
    alerts,
    client::{Client, SetCookie},
    session::{self, Opened},
    token,
};
use crate::server::state::AppState;
use crate::{
    error::AppError,
    otp::Limit,
    store::{
        passkeys::{
            NewCeremony, NewPasskey, PasskeyName, PasskeyUse, Purpose, StoredPasskey, Taken,
            CEREMONY_TTL_SECS,
        },
        Account, AccountId, LiveSession, SignInMethod,
    },
};

pub use super::client::CEREMONY_COOKIE;

/// How recent a sign-in by SMS code must be for the session to add a passkey.
pub const FRESH_SIGN_IN_SECS: i64 = 10 * 60;

fn webauthn(state: &AppState) -> Result<&Webauthn, AppError> {
    state
        .settings
        .passkeys
        .as_ref()
        .ok_or(AppError::PasskeysOff)
}

/// Whether a session may add a passkey: it signed in by SMS code within the last ten
/// minutes.
pub fn is_fresh(session: &LiveSession, now: i64) -> bool {
    session.method == SignInMethod::Sms && now - session.signed_in_at <= FRESH_SIGN_IN_SECS
}

/// Starts adding a passkey to the signed-in account: the options for
/// `navigator.credentials.create()`, as JSON, and the cookie that binds the ceremony
/// to this browser.
pub async fn register_start(
    state: &AppState,
    client: &Client,
) -> Result<(String, SetCookie), AppError> {
    let webauthn = webauthn(state)?;
    let (session, _) = session::current_session(state, client).await?;
    if !is_fresh(&session, client.now) {
        return Err(AppError::PasskeyNeedsFreshSignIn);
    }
    let account = session.account;
    let store = &state.store;
    let handle = store
        .user_handle(account.id, &Uuid::new_v4().to_string())
        .await?;
    let handle = Uuid::parse_str(&handle).map_err(|_| internal("a stored user handle"))?;
    // The authenticator refuses to make a second passkey of the account.
    let existing = store
        .passkeys_of(account.id)
        .await?
        .iter()
        .filter_map(|stored| credential(&stored.credential).ok())
        .map(|passkey| passkey.cred_id().clone())
        .collect();
    let name = account.phone.display();
    let (mut options, ceremony) = webauthn
        .start_passkey_registration(handle, &name, &name, Some(existing))
        .map_err(|error| internal_webauthn(&error))?;
    // A discoverable credential where the authenticator can make one: the passkey
    // then signs in without a number typed first (the crate asks for none).
    if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
        selection.resident_key = Some(ResidentKeyRequirement::Preferred);
    }
    let cookie = start(
        state,
        client,
        Purpose::Register,
        Some(account.id),
        &json(&ceremony)?,
    )
    .await?;
    Ok((json(&options)?, cookie))
}

/// Finishes adding a passkey: checks the authenticator's answer against this
/// browser's ceremony and keeps the passkey; the owner is told by SMS.
pub async fn register_finish(
    state: &AppState,
    client: &Client,
    answer: &str,
) -> Result<(), AppError> {
    let webauthn = webauthn(state)?;
    let (account, _) = session::current(state, client).await?;
    let ceremony = take(state, client, Purpose::Register).await?;
    if ceremony.account_id != Some(account.id) {
        return Err(AppError::NoPasskeyCeremony);
    }
    let registration: PasskeyRegistration =
        serde_json::from_str(&ceremony.state).map_err(|_| internal("a ceremony's state"))?;
    let answer: RegisterPublicKeyCredential =
        serde_json::from_str(answer).map_err(|_| AppError::PasskeyRefused)?;
    let passkey = webauthn
        .finish_passkey_registration(&answer, &registration)
        .map_err(|error| refused(&account, &error))?;
    let from = &client.footprint;
    let name = from
        .device
        .clone()
        .unwrap_or_else(|| client.lang.texts().passkey_default_name.to_owned());
    let added = state
        .store
        .add_passkey(
            account.id,
            NewPasskey {
                credential_id: &hex::encode(passkey.cred_id()),
                credential: &json(&passkey)?,
                counter: 0,
                name: &name,
                from,
                now: client.now,
            },
        )
        .await?;
    if !added {
        return Err(AppError::PasskeyAlreadyAdded);
    }
    tracing::info!(account = %account.id, "passkey added");
    state.metrics.passkey("added");
    alerts::after_passkey_change(state, client.now, &account, true, from).await;
    Ok(())
}

/// Starts a sign-in with a passkey: the options for `navigator.credentials.get()`
/// (any of the site's passkeys the browser holds), as JSON. Starts are counted per
/// address. With the options, the cookie that binds the ceremony to this browser.
pub async fn login_start(
    state: &AppState,
    client: &Client,
) -> Result<(String, SetCookie), AppError> {
    let webauthn = webauthn(state)?;
    let (options, ceremony) = webauthn
        .start_discoverable_authentication()
        .map_err(|error| internal_webauthn(&error))?;
    let cookie = start(state, client, Purpose::Login, None, &json(&ceremony)?).await?;
    Ok((json(&options)?, cookie))
}

/// Finishes a sign-in with a passkey: the answer is checked against this browser's
/// ceremony and the passkey's public key, and its account signed in.
pub async fn login_finish(
    state: &AppState,
    client: &Client,
    answer: &str,
) -> Result<Opened, AppError> {
    let result = login(state, client, answer).await;
    state.metrics.passkey(if result.is_ok() {
        "signed_in"
    } else {
        "refused"
    });
    result
}

async fn login(state: &AppState, client: &Client, answer: &str) -> Result<Opened, AppError> {
    let webauthn = webauthn(state)?;
    let ceremony = take(state, client, Purpose::Login).await?;
    let authentication: DiscoverableAuthentication =
        serde_json::from_str(&ceremony.state).map_err(|_| internal("a ceremony's state"))?;
    let answer: PublicKeyCredential =
        serde_json::from_str(answer).map_err(|_| AppError::PasskeyRefused)?;
    let (handle, credential_id) = webauthn
        .identify_discoverable_authentication(&answer)
        .map_err(|_| AppError::PasskeyRefused)?;
    let store = &state.store;
    let credential_id = hex::encode(credential_id);
    let stored = store
        .passkey(&credential_id)
        .await?
        .ok_or(AppError::PasskeyUnknown)?;
    // The user handle is not signed: the credential decides the account, and an
    // answer naming another account's handle is refused.
    if stored.user_handle.as_deref() != Some(handle.to_string().as_str()) {
        tracing::warn!(
            account = %stored.account_id,
            "passkey answer with another account's user handle refused"
        );
        return Err(AppError::PasskeyUnknown);
    }
    let mut passkey = credential(&stored.credential)?;
    let used = webauthn
        .finish_discoverable_authentication_v2(&answer, authentication, &passkey)
        .map_err(|error| {
            tracing::info!(account = %stored.account_id, %error, "passkey sign-in refused");
            map_refusal(&error)
        })?;
    passkey.update_credential(&used);
    let credential = json(&passkey)?;
    let use_of = PasskeyUse {
        credential_id: &credential_id,
        account_id: stored.account_id,
        credential: &credential,
        counter: used.counter(),
    };
    let opened = session::open(state, client, async |new| {
        store.passkey_sign_in(use_of, new, client.now).await
    })
    .await?
    // Removed in the meantime, or this counter value was used first.
    .ok_or(AppError::PasskeyUnknown)?;
    let account = &opened.account;
    tracing::info!(phone = %account.phone, account = %account.id, "signed in with a passkey");
    Ok(opened)
}

/// What the account page shows of passkeys to this browser's live session.
pub struct Section {
    /// Whether the site offers passkeys (its origin is not an IP address).
    pub available: bool,
    /// Whether this session may add one now (a recent sign-in by SMS code).
    pub may_add: bool,
    /// The account's passkeys, the newest first.
    pub passkeys: Vec<StoredPasskey>,
}

/// The account page's passkey section for this browser's live `session`.
pub async fn section(
    state: &AppState,
    session: &LiveSession,
    now: i64,
) -> Result<Section, AppError> {
    let available = state.settings.passkeys.is_some();
    let passkeys = if available {
        state.store.passkeys_of(session.account.id).await?
    } else {
        Vec::new()
    };
    Ok(Section {
        available,
        may_add: available && is_fresh(session, now),
        passkeys,
    })
}

/// Renames one of the signed-in account's passkeys.
pub async fn rename(
    state: &AppState,
    client: &Client,
    handle: &str,
    name: &str,
) -> Result<(), AppError> {
    let account = session::current_account(state, client).await?;
    let name = valid_name(name)?;
    if !state
        .store
        .rename_passkey(account.id, handle, &name)
        .await?
    {
        return Err(AppError::PasskeyUnknown);
    }
    Ok(())
}

/// Removes one of the signed-in account's passkeys; the owner is told by SMS. The
/// phone number stays a way in, so any passkey may go.
pub async fn remove(state: &AppState, client: &Client, handle: &str) -> Result<(), AppError> {
    let account = session::current_account(state, client).await?;
    let from = &client.footprint;
    state
        .store
        .remove_passkey(account.id, handle, from, client.now)
        .await?
        .ok_or(AppError::PasskeyUnknown)?;
    tracing::info!(account = %account.id, "passkey removed");
    state.metrics.passkey("removed");
    alerts::after_passkey_change(state, client.now, &account, false, from).await;
    Ok(())
}

/// A passkey's name: trimmed, 1 to 64 characters, no control characters.
pub fn valid_name(name: &str) -> Result<PasskeyName, AppError> {
    PasskeyName::parse(name).ok_or(AppError::PasskeyName)
}

/// Stores a new ceremony for this browser; the cookie that binds them.
async fn start(
    state: &AppState,
    client: &Client,
    purpose: Purpose,
    account_id: Option<AccountId>,
    ceremony: &str,
) -> Result<SetCookie, AppError> {
    let id = token::new_id();
    state
        .store
        .start_ceremony(
            NewCeremony {
                id_hash: &token::hash(&id),
                purpose,
                account_id,
                state: ceremony,
                ip: &client.limit_key,
                now: client.now,
            },
            state
                .settings
                .policy
                .limit(Limit::PasskeyStartsPerIpPerHour),
        )
        .await
        .inspect_err(|refusal| tracing::info!(%refusal, "passkey ceremony refused"))?;
    Ok(SetCookie {
        name: CEREMONY_COOKIE,
        value: id,
        max_age_secs: CEREMONY_TTL_SECS,
    })
}

/// Takes this browser's ceremony of `purpose` for its answer: once, and within its
/// five minutes. (The server function clears the browser's cookie: an answer ends
/// the ceremony whatever it was.)
async fn take(
    state: &AppState,
    client: &Client,
    purpose: Purpose,
) -> Result<crate::store::passkeys::Ceremony, AppError> {
    let id = client
        .ceremony
        .as_deref()
        .ok_or(AppError::NoPasskeyCeremony)?;
    let now = client.now;
    match state
        .store
        .take_ceremony(&token::hash(id), purpose, now)
        .await?
    {
        Taken::Ceremony(ceremony) if ceremony.expires_at <= now => Err(AppError::PasskeyExpired),
        Taken::Ceremony(ceremony) => Ok(ceremony),
        Taken::AlreadyUsed => Err(AppError::PasskeyReplayed),
        Taken::Unknown => Err(AppError::NoPasskeyCeremony),
    }
}

fn credential(stored: &str) -> Result<Passkey, AppError> {
    serde_json::from_str(stored).map_err(|_| internal("a stored passkey"))
}

fn json(value: &impl serde::Serialize) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|_| internal("passkey options"))
}

fn internal(what: &str) -> AppError {
    tracing::error!(what, "could not read or write");
    AppError::Internal
}

fn internal_webauthn(error: &WebauthnError) -> AppError {
    tracing::error!(%error, "webauthn-rs could not start a ceremony");
    AppError::Internal
}

fn refused(account: &Account, error: &WebauthnError) -> AppError {
    tracing::info!(account = %account.id, %error, "passkey registration refused");
    map_refusal(error)
}

/// What a person is told when webauthn-rs refuses an answer.
fn map_refusal(error: &WebauthnError) -> AppError {
    match error {
        WebauthnError::CredentialNotFound => AppError::PasskeyUnknown,
        _ => AppError::PasskeyRefused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::domain::{
        client::{CEREMONY_COOKIE, SESSION_COOKIE},
        soft_key::SoftKey,
        testing::{browser, signed_in, state_at},
    };

    const ORIGIN: &str = "http://localhost:3000";

    /// `client` holding the ceremony cookie `cookie` a start handed it.
    fn holding(client: &Client, cookie: &SetCookie) -> Client {
        assert_eq!(cookie.name, CEREMONY_COOKIE);
        Client {
            ceremony: Some(cookie.value.clone()),
            ..client.clone()
        }
    }

    /// Adds a passkey held by `key` to the account `owner` is signed in to.
    async fn add(state: &AppState, owner: &Client, key: &mut SoftKey) {
        let (options, cookie) = register_start(state, owner).await.expect("a fresh session");
        let answer = key.create(&options).await;
        register_finish(state, &holding(owner, &cookie), &answer)
            .await
            .expect("the passkey added");
    }

    #[tokio::test]
    async fn a_passkey_added_by_a_fresh_session_signs_another_browser_in() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state_at(&dir, ORIGIN).await;
        let owner = signed_in(&state, &clock, "10.0.0.1").await;
        let mut key = SoftKey::new(ORIGIN);
        add(&state, &owner, &mut key).await;
        let account = session::current_account(&state, &owner)
            .await
            .expect("owner");
        let stored = state.store.passkeys_of(account.id).await.expect("read");
        assert_eq!(stored.len(), 1);

        let laptop = browser("10.0.0.2", None, clock.now());
        let (options, cookie) = login_start(&state, &laptop).await.expect("options");
        let answer = key.get(&options).await;
        let laptop = holding(&laptop, &cookie);
        let opened = login_finish(&state, &laptop, &answer)
            .await
            .expect("signed in");
        assert_eq!(opened.account.id, account.id);
        let session = opened
            .cookies
            .iter()
            .find(|cookie| cookie.name == SESSION_COOKIE)
            .expect("a session cookie");
        let signed_in = Client {
            session: Some(session.value.clone()),
            ..laptop.clone()
        };
        let (live, _) = session::current_session(&state, &signed_in)
            .await
            .expect("live");
        assert_eq!(live.method, SignInMethod::Passkey);
        // A passkey's session may not add another passkey: that needs a code.
        assert_eq!(
            register_start(&state, &signed_in).await.err(),
            Some(AppError::PasskeyNeedsFreshSignIn)
        );
        // The same answer again finds its ceremony used.
        assert!(login_finish(&state, &laptop, &answer).await.is_err());
    }

    #[tokio::test]
    async fn an_answer_counts_only_in_the_browser_that_started_its_ceremony() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state_at(&dir, ORIGIN).await;
        let owner = signed_in(&state, &clock, "10.0.0.1").await;
        let mut key = SoftKey::new(ORIGIN);
        add(&state, &owner, &mut key).await;
        let (options, _cookie) = login_start(&state, &browser("10.0.0.2", None, clock.now()))
            .await
            .expect("options");
        let answer = key.get(&options).await;
        // A stranger's browser without the ceremony's cookie, or with another one.
        let stranger = browser("10.0.0.3", None, clock.now());
        assert_eq!(
            login_finish(&state, &stranger, &answer).await.err(),
            Some(AppError::NoPasskeyCeremony)
        );
        let (_, theirs) = login_start(&state, &stranger).await.expect("options");
        assert!(login_finish(&state, &holding(&stranger, &theirs), &answer)
            .await
            .is_err());
    }

    #[tokio::test]
    async fn only_a_fresh_session_of_the_account_adds_a_passkey() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state_at(&dir, ORIGIN).await;
        let nobody = browser("10.0.0.9", None, clock.now());
        assert_eq!(
            register_start(&state, &nobody).await.err(),
            Some(AppError::NotSignedIn)
        );
        let owner = signed_in(&state, &clock, "10.0.0.1").await;
        clock.advance(FRESH_SIGN_IN_SECS + 1);
        let later = Client {
            now: clock.now(),
            ..owner.clone()
        };
        assert_eq!(
            register_start(&state, &later).await.err(),
            Some(AppError::PasskeyNeedsFreshSignIn)
        );
        let account = session::current_account(&state, &later)
            .await
            .expect("owner");
        assert!(state
            .store
            .passkeys_of(account.id)
            .await
            .expect("read")
            .is_empty());
    }

    #[tokio::test]
    async fn without_a_name_origin_there_are_no_passkeys() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = crate::domain::testing::state(&dir).await;
        let owner = signed_in(&state, &clock, "10.0.0.1").await;
        assert_eq!(
            register_start(&state, &owner).await.err(),
            Some(AppError::PasskeysOff)
        );
        assert_eq!(
            login_start(&state, &owner).await.err(),
            Some(AppError::PasskeysOff)
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(valid_name("  Телефон  ").as_deref(), Ok("Телефон"));
        assert_eq!(
            valid_name(&"я".repeat(64)).map(|n| n.chars().count()),
            Ok(64)
        );
        for bad in ["", "   ", &"я".repeat(65), "a\nb", "\u{7}"] {
            assert_eq!(valid_name(bad), Err(AppError::PasskeyName), "{bad:?}");
        }
    }

    #[test]
    fn only_a_recent_sign_in_by_code_may_add_a_passkey() {
        let session = |method, signed_in_at| LiveSession {
            account: Account {
                id: AccountId(1),
                phone: crate::phone::Phone::from_stored("+79991234567".into()),
                created_at: 0,
                last_sign_in_at: signed_in_at,
            },
            public_id: "0f".repeat(16),
            method,
            signed_in_at,
        };
        let now = 1_000_000;
        assert!(is_fresh(&session(SignInMethod::Sms, now), now));
        assert!(is_fresh(
            &session(SignInMethod::Sms, now - FRESH_SIGN_IN_SECS),
            now
        ));
        assert!(!is_fresh(
            &session(SignInMethod::Sms, now - FRESH_SIGN_IN_SECS - 1),
            now
        ));
        assert!(!is_fresh(&session(SignInMethod::Passkey, now), now));
    }
}
