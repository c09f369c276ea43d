//! Code generation, the keyed hash kept at rest, and its constant-time check.

use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, Rng};
use sha2::Sha256;

use crate::error::AppError;

/// Digits in a code.
pub const LENGTH: usize = 6;

type HmacSha256 = Hmac<Sha256>;

/// A fresh code from the operating system's CSPRNG, zero-padded.
pub fn generate() -> String {
    let n: u32 = OsRng.gen_range(0..10u32.pow(LENGTH as u32));
    format!("{n:0width$}", width = LENGTH)
}

/// The code as typed, without the spaces and dashes people put in, or why it is not one.
pub fn parse(input: &str) -> Result<String, AppError> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if code.len() == LENGTH && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(AppError::MalformedCode)
    }
}

/// HMAC-SHA256(secret, verification id ‖ code): what the store keeps instead of the code.
pub fn digest(secret: &[u8], verification_id: &str, code: &str) -> Vec<u8> {
    keyed(secret, verification_id, code)
        .finalize()
        .into_bytes()
        .to_vec()
}

/// Whether `code` is the one whose digest is `expected`, compared in constant time.
pub fn matches(secret: &[u8], verification_id: &str, code: &str, expected: &[u8]) -> bool {
    keyed(secret, verification_id, code)
        .verify_slice(expected)
        .is_ok()
}

fn keyed(secret: &[u8], verification_id: &str, code: &str) -> HmacSha256 {
    let mut mac = match HmacSha256::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes a key of any length"),
    };
    mac.update(verification_id.as_bytes());
    mac.update(b"\x00");
    mac.update(code.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<String> = (0..200).map(|_| generate()).collect();
        assert!(codes
            .iter()
            .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())));
        // 200 draws from a million values: a repeat-heavy set would mean a broken source.
        assert!(codes.len() > 190, "only {} distinct codes", codes.len());
    }

    #[test]
    fn parse_accepts_spaced_codes_and_refuses_the_rest() {
        assert_eq!(parse(" 123 456 ").as_deref(), Ok("123456"));
        assert_eq!(parse("123-456").as_deref(), Ok("123456"));
        for bad in ["", "12345", "1234567", "12a456", "١٢٣٤٥٦", "123456\u{0}"] {
            assert_eq!(parse(bad), Err(AppError::MalformedCode), "{bad:?}");
        }
    }

    #[test]
    fn digest_binds_secret_verification_and_code() {
        let d = digest(b"secret", "v1", "123456");
        assert!(matches(b"secret", "v1", "123456", &d));
        assert!(!matches(b"secret", "v1", "123457", &d));
        assert!(!matches(b"secret", "v2", "123456", &d));
        assert!(!matches(b"other", "v1", "123456", &d));
        assert!(!matches(b"secret", "v1", "123456", &d[..31]));
        // The separator keeps ("v1", "23456x") apart from ("v12", "3456x").
        assert_ne!(digest(b"s", "v1", "234567"), digest(b"s", "v12", "34567"));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn a_code_survives_the_spaces_people_type(code in "[0-9]{6}", at in 0usize..6) {
            let spaced = format!(" {} {} ", &code[..at], &code[at..]);
            prop_assert_eq!(parse(&spaced), Ok(code));
        }

        #[test]
        fn anything_else_is_refused_without_panic(input in "\\PC{0,12}") {
            if let Ok(code) = parse(&input) {
                prop_assert_eq!(code.len(), LENGTH);
                prop_assert!(code.bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }
}
