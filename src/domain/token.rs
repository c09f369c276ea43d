//! Opaque random ids for cookies, and the hashes the store keeps instead of them.

use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

/// 128 random bits from the OS CSPRNG, as 32 hex characters.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Whether `id` looks like one of ours (a cookie a browser sends back may be
/// anything).
pub fn is_well_formed(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What the store keeps: SHA-256 of the id, hex. A stolen database opens no session.
pub fn hash(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_128_bit_hex_and_distinct() {
        let a = new_id();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, new_id());
        assert!(is_well_formed(&a));
        for bad in [
            "",
            "abc",
            &a.to_uppercase(),
            &format!("{a}0"),
            &"g".repeat(32),
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }

    #[test]
    fn hash_is_stable_and_not_the_id() {
        assert_eq!(hash("abc"), hash("abc"));
        assert_ne!(hash("abc"), "abc");
        assert_eq!(hash("abc").len(), 64);
    }
}
