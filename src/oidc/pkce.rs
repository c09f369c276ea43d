//! PKCE (RFC 7636), S256 only: the challenge an app sends with its authorization
//! request, and the verifier it proves it with at the token endpoint. `plain`
//! would show the verifier to whoever sees the request, so it is refused.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Whether `challenge` is an S256 challenge: a SHA-256 in base64url, 43 characters.
pub fn is_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `verifier` (43 to 128 of A-Z a-z 0-9 - . _ ~) is the one `challenge`
/// was made from; compared in constant time.
pub fn verifies(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    let made = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    well_formed && bool::from(made.as_bytes().ct_eq(challenge.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7636, appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_rfc_example_verifies_and_nothing_near_it_does() {
        assert!(is_challenge(CHALLENGE));
        assert!(verifies(VERIFIER, CHALLENGE));
        assert!(!verifies(&VERIFIER[1..], CHALLENGE));
        assert!(!verifies(VERIFIER, &CHALLENGE.replace('E', "F")));
        assert!(
            !verifies(CHALLENGE, CHALLENGE),
            "plain: the challenge as verifier"
        );
        assert!(!verifies(VERIFIER, VERIFIER));
        assert!(!verifies("", CHALLENGE));
    }

    #[test]
    fn only_well_formed_challenges_and_verifiers_pass() {
        for bad in [
            "",
            &CHALLENGE[1..],
            &format!("{CHALLENGE}A"),
            &CHALLENGE.replace('-', "+"),
            &CHALLENGE.replace('c', "="),
        ] {
            assert!(!is_challenge(bad), "{bad}");
        }
        let short = "a".repeat(42);
        let long = "a".repeat(129);
        let spaced = format!("{} ", "a".repeat(43));
        for verifier in [short.as_str(), &long, &spaced] {
            let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            assert!(!verifies(verifier, &challenge), "{verifier:?}");
        }
        let longest = "~".repeat(128);
        assert!(verifies(
            &longest,
            &URL_SAFE_NO_PAD.encode(Sha256::digest(longest.as_bytes()))
        ));
    }
}
