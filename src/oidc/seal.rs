//! What the store keeps sealed: the OpenID provider's private keys, encrypted
//! (AES-256-GCM) under a key derived from `APP_SECRET` (HKDF-SHA256), bound to
//! the row they belong to. Every instance shares `APP_SECRET`, so every instance
//! opens them; the database alone does not.

use ring::{
    aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN},
    hkdf,
    rand::{SecureRandom, SystemRandom},
};

/// Names what the derived key is for, so that no other use of `APP_SECRET`
/// shares it.
const PURPOSE: &[u8] = b"sms-auth oidc signing keys v1";

fn key(secret: &[u8]) -> Option<LessSafeKey> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"sms-auth").extract(secret);
    // AES-256's key length is within what HKDF-SHA256 gives: this does not fail.
    let okm = prk.expand(&[PURPOSE], &AES_256_GCM).ok()?;
    Some(LessSafeKey::new(UnboundKey::from(okm)))
}

/// `plaintext` encrypted and authenticated with `label` (the row's key id):
/// a random nonce, then the ciphertext and its tag. `None` only if the OS gives
/// no random bytes.
pub fn seal(secret: &[u8], label: &str, plaintext: &[u8]) -> Option<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new().fill(&mut nonce).ok()?;
    let mut sealed = plaintext.to_vec();
    key(secret)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(label.as_bytes()),
            &mut sealed,
        )
        .ok()?;
    Some([nonce.as_slice(), &sealed].concat())
}

/// What [`seal`] sealed with the same secret and label; `None` when the secret
/// differs (`APP_SECRET` changed), the label is another row's, or a byte changed.
pub fn open(secret: &[u8], label: &str, sealed: &[u8]) -> Option<Vec<u8>> {
    let (nonce, ciphertext) = sealed.split_at_checked(NONCE_LEN)?;
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut buffer = ciphertext.to_vec();
    let plaintext = key(secret)?
        .open_in_place(nonce, Aad::from(label.as_bytes()), &mut buffer)
        .ok()?;
    Some(plaintext.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn opens_what_it_sealed_and_nothing_changed() {
        let sealed = seal(SECRET, "k1", b"private key").unwrap();
        assert!(!sealed.windows(11).any(|w| w == b"private key"));
        assert_eq!(open(SECRET, "k1", &sealed).unwrap(), b"private key");
        assert_ne!(
            seal(SECRET, "k1", b"private key").unwrap(),
            sealed,
            "a fresh nonce each time"
        );
        assert!(open(b"another secret of enough length!", "k1", &sealed).is_none());
        assert!(open(SECRET, "k2", &sealed).is_none());
        for at in [0, NONCE_LEN, sealed.len() - 1] {
            let mut changed = sealed.clone();
            changed[at] ^= 1;
            assert!(open(SECRET, "k1", &changed).is_none(), "byte {at}");
        }
        assert!(open(SECRET, "k1", &sealed[..NONCE_LEN - 1]).is_none());
        assert!(open(SECRET, "k1", &[]).is_none());
    }
}
