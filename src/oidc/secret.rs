//! A client's secret: drawn by `sms-auth oidc-secret`, given to the app, and kept
//! in `OIDC_CLIENTS` as its SHA-256 only. A drawn secret has 256 bits of entropy,
//! so a fast hash keeps it as safe as a slow one would, and the token endpoint
//! does not pay a key-stretching function on every call.

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The SHA-256 of a client's secret, as `OIDC_CLIENTS` holds it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretHash([u8; 32]);

impl SecretHash {
    /// Reads the 64 hex digits of `secret_sha256`.
    pub fn parse(hex_digits: &str) -> Option<Self> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hex_digits, &mut bytes).ok()?;
        Some(Self(bytes))
    }

    pub fn of(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    /// Whether `presented` is the secret, compared in constant time.
    pub fn matches(&self, presented: &str) -> bool {
        Self::of(presented).0.ct_eq(&self.0).into()
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// Never the hash itself in a log or a panic message.
impl std::fmt::Debug for SecretHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretHash(..)")
    }
}

/// A new secret: 32 random bytes from the OS, in hex (safe in any app's settings).
pub fn draw() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_secret_matches_its_hash_and_nothing_else() {
        let secret = draw();
        assert_eq!(secret.len(), 64);
        let hash = SecretHash::parse(&SecretHash::of(&secret).to_hex()).unwrap();
        assert!(hash.matches(&secret));
        assert!(!hash.matches(&draw()));
        assert!(!hash.matches(""));
        assert!(!hash.matches(&secret[..63]));
        assert_ne!(draw(), draw());
    }

    #[test]
    fn only_64_hex_digits_are_a_hash() {
        let known = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert!(SecretHash::parse(known).unwrap().matches("test"));
        assert!(SecretHash::parse(&known.to_uppercase()).is_some());
        for bad in [
            "",
            "9f86",
            &known[1..],
            &format!("{known}00"),
            &known.replace('9', "g"),
        ] {
            assert!(SecretHash::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(format!("{:?}", SecretHash::of("x")), "SecretHash(..)");
    }
}
