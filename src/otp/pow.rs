//! The proof of work a code request may be asked for (issue 17's challenge): ALTCHA's
//! protocol (v2, deterministic mode) through the official `altcha` crate, with no third
//! party. A challenge is signed under a key derived from `APP_SECRET`; it names, in
//! its signed data, the number it was issued for (by a keyed hash, never in clear) and
//! when it expires (on the app's clock: the crate's own expiry reads the system's).
//! The browser finds the counter that derives the signed key prefix (iterated SHA-256
//! from 0 to a counter drawn from the difficulty's range); the check is two HMACs.
//! That a proof is used once is the store's part (its nonce kept until it expires).
//!
//! Not asked of anyone yet: the request path asks for it when its trigger lands.

use std::collections::BTreeMap;

use altcha::{Challenge, CreateChallengeOptions, Payload, VerifySolutionOptions};
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, Rng};
use sha2::Sha256;

use crate::{error::AppError, phone::Phone};

/// How long a challenge may be answered, in seconds.
pub const TTL_SECS: i64 = 600;

/// The derivation: one SHA-256 per counter tried.
const ALGORITHM: &str = "SHA-256";

/// A proof that checked: what the store keeps so it is used once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub nonce: String,
    pub expires_at: i64,
}

/// The keys a challenge is signed under, each derived from the app's secret for
/// its one use.
fn key(secret: &[u8], purpose: &str) -> String {
    hex::encode(keyed(secret, purpose.as_bytes()))
}

fn keyed(secret: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes a key of any length"),
    };
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// What a challenge names the number by: a keyed hash of it.
fn number_tag(secret: &[u8], phone: &Phone) -> String {
    let mut message = b"altcha-number\x00".to_vec();
    message.extend_from_slice(phone.e164().as_bytes());
    hex::encode(keyed(secret, &message))
}

/// A challenge for a code to `phone`, issued at `now`: the browser tries a counter
/// from 0 up to one drawn from the upper half of `difficulty` (at least 1).
pub fn issue(
    secret: &[u8],
    phone: &Phone,
    difficulty: u32,
    now: i64,
) -> Result<Challenge, AppError> {
    let top = difficulty.max(1);
    let counter = OsRng.gen_range(top.div_ceil(2)..=top);
    let data = BTreeMap::from([
        ("number".to_owned(), number_tag(secret, phone).into()),
        ("expires".to_owned(), (now + TTL_SECS).into()),
    ]);
    altcha::create_challenge(CreateChallengeOptions {
        algorithm: ALGORITHM.to_owned(),
        cost: 1,
        counter: Some(counter),
        data: Some(data),
        hmac_signature_secret: Some(key(secret, "altcha-signature")),
        hmac_key_signature_secret: Some(key(secret, "altcha-key")),
        ..CreateChallengeOptions::default()
    })
    .map_err(|error| {
        tracing::error!(%error, "challenge not made");
        AppError::Internal
    })
}

/// Checks a browser's answer (ALTCHA's payload: the challenge and its solution, as
/// JSON) for a code to `phone` at `now`.
pub fn check(secret: &[u8], answer: &str, phone: &Phone, now: i64) -> Result<Proof, AppError> {
    let payload: Payload = serde_json::from_str(answer).map_err(|_| AppError::ChallengeFailed)?;
    let verified = altcha::verify_solution(VerifySolutionOptions {
        hmac_key_signature_secret: Some(key(secret, "altcha-key")),
        ..VerifySolutionOptions::new(
            &payload.challenge,
            &payload.solution,
            key(secret, "altcha-signature"),
        )
    })
    .is_ok_and(|result| result.verified);
    if !verified {
        return Err(AppError::ChallengeFailed);
    }
    // Signed, so what it says is what this app issued.
    let data = payload.challenge.parameters.data.unwrap_or_default();
    let number = data.get("number").and_then(|v| v.as_str());
    if number != Some(number_tag(secret, phone).as_str()) {
        return Err(AppError::ChallengeFailed);
    }
    let expires_at = data
        .get("expires")
        .and_then(serde_json::Value::as_i64)
        .ok_or(AppError::ChallengeFailed)?;
    if now >= expires_at {
        return Err(AppError::ChallengeExpired);
    }
    Ok(Proof {
        nonce: payload.challenge.parameters.nonce,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a secret of the app, long enough";
    const NOW: i64 = 1_800_000_000;

    fn phone(text: &str) -> Phone {
        Phone::parse(text, &[7]).expect("phone")
    }

    /// The browser's part: the counter found, as ALTCHA's payload.
    fn solve(challenge: &Challenge) -> String {
        let json = serde_json::to_string(challenge).expect("json");
        crate::components::challenge::answer(&json).expect("solved")
    }

    #[test]
    fn a_solved_challenge_checks_for_its_number_until_it_expires() {
        let owner = phone("+79991234567");
        let challenge = issue(SECRET, &owner, 2_000, NOW).expect("issued");
        let answer = solve(&challenge);
        let proof = check(SECRET, &answer, &owner, NOW + 5).expect("checks");
        assert_eq!(proof.nonce, challenge.parameters.nonce);
        assert_eq!(proof.expires_at, NOW + TTL_SECS);
        assert_eq!(
            check(SECRET, &answer, &owner, NOW + TTL_SECS),
            Err(AppError::ChallengeExpired)
        );
        assert_eq!(
            check(SECRET, &answer, &phone("+79997654321"), NOW),
            Err(AppError::ChallengeFailed),
            "bound to the number it was issued for"
        );
        assert_eq!(
            check(b"another app's secret, as long", &answer, &owner, NOW),
            Err(AppError::ChallengeFailed)
        );
        assert!(
            !answer.contains("79991234567"),
            "the number is never in clear"
        );
    }

    #[test]
    fn a_forged_or_unsolved_answer_fails() {
        let owner = phone("+79991234567");
        let challenge = issue(SECRET, &owner, 2_000, NOW).expect("issued");
        let answer: Payload = serde_json::from_str(&solve(&challenge)).expect("payload");
        let as_json = |payload: &Payload| serde_json::to_string(payload).expect("json");

        let mut wrong_counter = answer.clone();
        wrong_counter.solution.counter += 1;
        wrong_counter.solution.derived_key = "00".repeat(32);
        let mut later = answer.clone();
        if let Some(data) = later.challenge.parameters.data.as_mut() {
            data.insert("expires".into(), (NOW + 100 * TTL_SECS).into());
        }
        let mut easier = answer.clone();
        easier.challenge.parameters.key_signature = None;
        for (what, forged) in [
            ("another counter", as_json(&wrong_counter)),
            ("a later expiry", as_json(&later)),
            ("no key signature", as_json(&easier)),
            ("not json", "{".to_owned()),
            ("empty", String::new()),
        ] {
            assert_eq!(
                check(SECRET, &forged, &owner, NOW),
                Err(AppError::ChallengeFailed),
                "{what}"
            );
        }
    }

    #[test]
    fn the_difficulty_bounds_the_work() {
        let owner = phone("+79991234567");
        for difficulty in [0, 1, 10, 1_000] {
            let challenge = issue(SECRET, &owner, difficulty, NOW).expect("issued");
            let answer: Payload = serde_json::from_str(&solve(&challenge)).expect("payload");
            let top = difficulty.max(1);
            assert!(
                (top.div_ceil(2)..=top).contains(&answer.solution.counter),
                "{difficulty}: {}",
                answer.solution.counter
            );
        }
    }
}
