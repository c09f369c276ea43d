//! The OpenID provider's keys as every instance holds them: read from the store
//! and opened with `APP_SECRET`, the first one made at first start, read again
//! every minute (another instance, or the rotation command, may have made a new
//! one), rotated by `sms-auth oidc-key rotate`.

use std::sync::{Arc, RwLock};

use openidconnect::{core::CoreJsonWebKeySet, PrivateSigningKey};
use thiserror::Error;

use crate::{
    oidc::{
        keys::{self, SigningKey},
        seal, RETIRED_KEY_PUBLISHED_SECS,
    },
    store::{oidc_keys::StoredKey, Store},
};

#[derive(Debug, Error)]
pub enum KeyError {
    #[error("the store: {0}")]
    Store(String),
    #[error("key {0} cannot be opened with this APP_SECRET (was APP_SECRET changed? `sms-auth oidc-key rotate` makes a new key)")]
    Sealed(String),
    #[error("key {kid}: {reason}")]
    Invalid { kid: String, reason: String },
    #[error("no signing key")]
    None,
}

impl From<crate::error::AppError> for KeyError {
    fn from(error: crate::error::AppError) -> Self {
        Self::Store(error.to_string())
    }
}

/// The keys read at one moment: those published, newest first, and when each
/// was made.
pub struct KeySet {
    keys: Vec<SigningKey>,
    created: Vec<i64>,
}

impl KeySet {
    /// The key that signs at `now` (`oidc::keys::signer`).
    pub fn signer(&self, now: i64) -> Option<&SigningKey> {
        keys::signer(&self.created, now).map(|at| &self.keys[at])
    }

    /// The JWKS: every key published.
    pub fn jwks(&self) -> CoreJsonWebKeySet {
        CoreJsonWebKeySet::new(
            self.keys
                .iter()
                .map(|key| key.as_verification_key())
                .collect(),
        )
    }

    pub fn kids(&self) -> Vec<&str> {
        self.keys.iter().map(SigningKey::kid).collect()
    }
}

/// The keys an instance holds now; empty until [`KeyRing::load`].
#[derive(Default)]
pub struct KeyRing(RwLock<Option<Arc<KeySet>>>);

impl KeyRing {
    pub fn current(&self) -> Option<Arc<KeySet>> {
        self.0
            .read()
            .map(|set| set.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Reads the keys published at `now`, making the first one when there is
    /// none. A key that does not open stops the load (the set held stays).
    pub async fn load(&self, store: &dyn Store, secret: &[u8], now: i64) -> Result<(), KeyError> {
        let mut stored = store.oidc_keys(now - RETIRED_KEY_PUBLISHED_SECS).await?;
        if stored.is_empty() {
            // Two instances starting at once each make one; the store keeps one.
            let first = make(secret, now)?;
            if store.add_first_oidc_key(&first).await? {
                tracing::info!(
                    kid = first.kid,
                    "OpenID provider: made the first signing key"
                );
            }
            stored = store.oidc_keys(now - RETIRED_KEY_PUBLISHED_SECS).await?;
        }
        let unchanged = self.current().is_some_and(|held| {
            held.kids()
                .iter()
                .copied()
                .eq(stored.iter().map(|key| key.kid.as_str()))
        });
        if unchanged {
            return Ok(());
        }
        let set = open_all(&stored, secret)?;
        if set.keys.is_empty() {
            return Err(KeyError::None);
        }
        let mut held = self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *held = Some(Arc::new(set));
        Ok(())
    }
}

/// Makes a new key and makes it current, retiring the one before: the rotation
/// command. Returns the new key's id.
pub async fn rotate(store: &dyn Store, secret: &[u8], now: i64) -> Result<String, KeyError> {
    let key = make(secret, now)?;
    store
        .rotate_oidc_key(&key, now - RETIRED_KEY_PUBLISHED_SECS)
        .await?;
    Ok(key.kid)
}

/// A new key, sealed, made at `now`.
fn make(secret: &[u8], now: i64) -> Result<StoredKey, KeyError> {
    let kid = keys::new_kid();
    let der = keys::generate().map_err(|reason| KeyError::Invalid {
        kid: kid.clone(),
        reason,
    })?;
    let sealed = seal::seal(secret, &kid, &der).ok_or_else(|| KeyError::Invalid {
        kid: kid.clone(),
        reason: "could not be sealed: no random bytes from the OS".to_owned(),
    })?;
    Ok(StoredKey {
        sealed,
        kid,
        created_at: now,
        retired_at: None,
    })
}

fn open_all(stored: &[StoredKey], secret: &[u8]) -> Result<KeySet, KeyError> {
    let mut set = KeySet {
        keys: Vec::with_capacity(stored.len()),
        created: Vec::with_capacity(stored.len()),
    };
    for key in stored {
        let der = seal::open(secret, &key.kid, &key.sealed)
            .ok_or_else(|| KeyError::Sealed(key.kid.clone()))?;
        let opened =
            SigningKey::from_pkcs8(&key.kid, &der).map_err(|reason| KeyError::Invalid {
                kid: key.kid.clone(),
                reason,
            })?;
        set.keys.push(opened);
        set.created.push(key.created_at);
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{domain::testing, oidc::KEY_PUBLISHED_AHEAD_SECS};

    const SECRET: &[u8] = b"test-secret-of-at-least-32-bytes!";

    #[tokio::test]
    async fn the_first_start_makes_one_key_and_a_rotation_publishes_before_it_signs() {
        let dir = tempfile::tempdir().unwrap();
        let (state, _) = testing::state(&dir).await;
        let store = state.store.as_ref();
        let now = testing::NOW;

        let (a, b) = (KeyRing::default(), KeyRing::default());
        assert!(a.current().is_none());
        let (first, second) = tokio::join!(a.load(store, SECRET, now), b.load(store, SECRET, now));
        first.unwrap();
        second.unwrap();
        let kids = a
            .current()
            .unwrap()
            .kids()
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>();
        assert_eq!(kids.len(), 1, "two instances at once keep one key");
        assert_eq!(b.current().unwrap().kids(), kids);
        assert_eq!(a.current().unwrap().signer(now).unwrap().kid(), kids[0]);

        let later = now + 3600;
        let new = rotate(store, SECRET, later).await.unwrap();
        a.load(store, SECRET, later).await.unwrap();
        let set = a.current().unwrap();
        assert_eq!(set.kids(), [new.as_str(), &kids[0]]);
        assert_eq!(set.jwks().keys().len(), 2);
        assert_eq!(
            set.signer(later).unwrap().kid(),
            kids[0],
            "not before it is published"
        );
        assert_eq!(
            set.signer(later + KEY_PUBLISHED_AHEAD_SECS).unwrap().kid(),
            new
        );

        // The retired key is published for a day, then forgotten at the next rotation.
        let next_day = later + RETIRED_KEY_PUBLISHED_SECS + 1;
        a.load(store, SECRET, next_day).await.unwrap();
        assert_eq!(a.current().unwrap().kids(), [new.as_str()]);
        let newest = rotate(store, SECRET, next_day).await.unwrap();
        assert_eq!(
            store.oidc_keys(0).await.unwrap().len(),
            2,
            "the first key forgotten"
        );
        a.load(store, SECRET, next_day).await.unwrap();
        assert_eq!(a.current().unwrap().kids(), [newest.as_str(), &new]);
    }

    #[tokio::test]
    async fn keys_sealed_under_another_secret_stop_the_load_and_keep_what_is_held() {
        let dir = tempfile::tempdir().unwrap();
        let (state, _) = testing::state(&dir).await;
        let store = state.store.as_ref();
        let ring = KeyRing::default();
        ring.load(store, SECRET, testing::NOW).await.unwrap();
        let held = ring
            .current()
            .unwrap()
            .kids()
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>();

        let other = b"another-secret-of-at-least-32-bytes";
        let error = KeyRing::default()
            .load(store, other, testing::NOW)
            .await
            .err()
            .unwrap();
        assert!(
            matches!(&error, KeyError::Sealed(kid) if *kid == held[0]),
            "{error}"
        );
        assert!(error.to_string().contains("APP_SECRET"));

        rotate(store, other, testing::NOW + 10).await.unwrap();
        assert!(ring.load(store, SECRET, testing::NOW + 10).await.is_err());
        assert_eq!(
            ring.current().unwrap().kids(),
            held,
            "the keys held are kept"
        );
    }
}
