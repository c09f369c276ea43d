//! The sign-in steps server functions call: send a code, check a code.

use crate::domain::{
    client::{Client, SetCookie},
    guard,
    session::{self, Opened},
    token,
};
use crate::server::state::AppState;
use crate::{
    clock::format_utc,
    error::AppError,
    otp::{code, guard::Scopes, Attempt, Lane, Policy},
    phone::Phone,
    sms::text::code_sms,
    store::{NewVerification, Verification, WrongGuess, EXPIRED_CODES_KEPT_SECS},
};

pub use super::client::VERIFICATION_COOKIE;

/// Counts the SMS against every limit and stores a new code (killing the one this
/// browser had), in one step, then sends it; the cookie that binds the code to the
/// browser. A code whose SMS failed is deleted: it is never usable.
/// `answer`: the browser's proof of work, which a new number may be asked for first
/// (`guard.rs`).
pub async fn send_code(
    state: &AppState,
    client: &Client,
    phone: &Phone,
    answer: Option<&str>,
) -> Result<SetCookie, AppError> {
    let policy = &state.settings.policy;
    let now = client.now;
    let from = &client.footprint;
    let ip = &client.limit_key;
    let standing = state
        .store
        .standing(phone, client.device_hash.as_deref(), from, ip, now, policy)
        .await?;
    let allowance = standing.allowance;
    // A number that has signed in before is trusted: its account exists. Every
    // browser its account knows is such a request too.
    let lane = Lane::of(standing.account_id.is_some());
    let refused = |refusal: &AppError| {
        state.metrics.refused(refusal);
        tracing::info!(phone = %phone, %refusal, "code refused");
    };
    // Past a limit already on the read above: refused beside the writer, before any
    // code is made.
    policy
        .check_send(&standing.sends, lane, now)
        .inspect_err(refused)?;
    // A new number's range and country, where the conversion guard watches it;
    // trusted requests are never challenged.
    let scopes = (lane == Lane::New).then(|| Scopes::of(phone));
    if let Some(scopes) = &scopes {
        guard::admit(state, client, phone, scopes, &standing.sends, answer).await?;
    }
    let verification_id = token::new_id();
    let id_hash = token::hash(&verification_id);
    // A resend replaces this browser's own code; codes of other browsers live on.
    let replaces = client.pending_code.as_deref().map(token::hash);
    let code = code::generate();
    let ticket = state
        .store
        .reserve_code(
            NewVerification {
                id_hash: &id_hash,
                replaces: replaces.as_deref(),
                phone,
                allowance: &allowance,
                lane,
                guard: scopes.as_ref(),
                code_digest: &code::digest(state.secret(), &verification_id, &code),
                created_at: now,
                expires_at: now + policy.code_ttl_secs,
            },
            ip,
            from,
            policy,
        )
        .await
        .inspect_err(refused)?;
    // The code names the country it was asked from when the number's account has not
    // signed in from there: the owner reading it learns that someone else asks.
    let lang = client.lang;
    let foreign = standing.account_id.is_some() && !standing.country_known;
    let country = foreign
        .then(|| from.country.as_deref().and_then(|c| lang.country_name(c)))
        .flatten();
    let text = code_sms(lang, &code, state.settings.public_origin.host(), country);
    if let Err(error) = state.sms.send(phone.digits(), &text).await {
        tracing::error!(phone = %phone, reason = error.reason(), %error, "SMS not sent");
        state.metrics.sms_failed(error.reason());
        state.store.delete_verification(&id_hash).await?;
        if !error.may_have_been_sent() {
            state.store.release_sms(ticket).await?;
        }
        return Err(AppError::from(&error));
    }
    state.metrics.sms_sent();
    tracing::info!(phone = %phone, "code sent");
    // The cookie outlives the code by the hour the store keeps expired codes, so a
    // late guess is told "expired" rather than "no code".
    Ok(SetCookie {
        name: VERIFICATION_COOKIE,
        value: verification_id,
        max_age_secs: policy.code_ttl_secs + EXPIRED_CODES_KEPT_SECS,
    })
}

/// The code pending in this browser and the id its cookie holds.
pub async fn pending(
    state: &AppState,
    client: &Client,
) -> Result<(String, Verification), AppError> {
    let id = client
        .pending_code
        .clone()
        .ok_or(AppError::NoPendingVerification)?;
    let verification = state
        .store
        .verification(&token::hash(&id), client.now, &state.settings.policy)
        .await?
        .ok_or(AppError::NoPendingVerification)?;
    Ok((id, verification))
}

/// Seconds until the pending code's phone may get another SMS on its allowance.
pub async fn resend_wait(
    state: &AppState,
    pending: &Verification,
    now: i64,
) -> Result<u32, AppError> {
    let last_sent = state
        .store
        .last_sms_to(&pending.phone, &pending.allowance, now)
        .await?;
    Ok(last_sent.map_or(0, |sent| state.settings.policy.resend_wait(sent, now)))
}

/// Checks a guess. Right: the code is used up, the account opened (created at the
/// first sign-in), and the browser is to hold the new session and forget the code.
/// Wrong: the try is counted.
pub async fn check_code(
    state: &AppState,
    client: &Client,
    guess: &str,
) -> Result<Opened, AppError> {
    let result = check(state, client, guess).await;
    state.metrics.verification(&result);
    result
}

async fn check(state: &AppState, client: &Client, guess: &str) -> Result<Opened, AppError> {
    let policy = &state.settings.policy;
    let now = client.now;
    let (id, verification) = pending(state, client).await?;
    let id_hash = token::hash(&id);
    policy.check_attempt(
        &Attempt {
            expires_at: verification.expires_at,
            failed_tries: verification.failed_tries,
            consumed: verification.consumed,
            phone_locked_until: verification.phone_locked_until,
        },
        now,
    )?;
    if !code::matches(state.secret(), &id, guess, &verification.code_digest) {
        let guess = state
            .store
            .record_wrong_guess(
                &id_hash,
                &verification.phone,
                &verification.allowance,
                &client.footprint,
                now,
                policy,
            )
            .await?;
        tracing::info!(phone = %verification.phone, "wrong code");
        return Err(wrong_guess(&verification, guess, policy));
    }
    // A first sign-in counts as its number's range and country converting.
    let guard = Scopes::of(&verification.phone);
    let mut opened = session::open(state, client, async |new| {
        state
            .store
            .complete_sign_in(&id_hash, new, &guard, now, policy.max_tries)
            .await
    })
    .await?
    // Another request used the code first.
    .ok_or(AppError::NoPendingVerification)?;
    let account = &opened.account;
    tracing::info!(phone = %account.phone, account = %account.id, "signed in");
    opened.cookies.push(SetCookie::clear(VERIFICATION_COOKIE));
    Ok(opened)
}

/// What a person is told after a wrong guess; the guess that locks the phone is
/// logged for the operator, with the time the lock ends.
fn wrong_guess(verification: &Verification, guess: WrongGuess, policy: &Policy) -> AppError {
    match guess {
        WrongGuess {
            phone_locked_until: Some(until),
            tries,
        } => {
            if tries.is_some() {
                let shared = verification.allowance.is_shared();
                tracing::warn!(
                    phone = %verification.phone,
                    until = %format_utc(until),
                    allowance = if shared { "shared" } else { "known device" },
                    "phone locked: too many wrong codes, until the time given"
                );
            }
            AppError::PhoneLocked { until }
        }
        WrongGuess {
            tries: Some(tries), ..
        } => policy.wrong_guess(tries),
        WrongGuess { tries: None, .. } => AppError::TooManyTries,
    }
}

#[cfg(test)]
mod tests {
    //! The code steps with no HTTP (see `testing.rs`).

    use super::*;
    use crate::clock::Clock;
    use crate::domain::{
        client::SESSION_COOKIE,
        devices,
        testing::{asked, browser, phone, state, NOW},
    };

    #[tokio::test]
    async fn a_code_goes_out_once_and_is_bound_to_the_browser_that_asked() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, _) = state(&dir).await;
        let cookie = send_code(&state, &browser("10.0.0.1", None, NOW), &phone(), None)
            .await
            .expect("sent");
        assert_eq!(cookie.name, VERIFICATION_COOKIE);
        assert!(token::is_well_formed(&cookie.value));
        let policy = &state.settings.policy;
        assert_eq!(
            cookie.max_age_secs,
            policy.code_ttl_secs + EXPIRED_CODES_KEPT_SECS
        );

        let sent = state.store.outbox(10).await.expect("outbox");
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].destination, phone().digits());

        let holder = browser("10.0.0.1", Some(&cookie.value), NOW);
        let (id, pending) = pending(&state, &holder).await.expect("pending");
        assert_eq!((id, pending.phone), (cookie.value, phone()));
        for stranger in [
            browser("10.0.0.2", None, NOW),
            browser("10.0.0.2", Some("0f"), NOW),
        ] {
            assert_eq!(
                super::pending(&state, &stranger).await.err(),
                Some(AppError::NoPendingVerification)
            );
        }
    }

    #[tokio::test]
    async fn a_request_within_the_cooldown_is_refused_and_sends_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state(&dir).await;
        let cookie = send_code(&state, &browser("10.0.0.1", None, NOW), &phone(), None)
            .await
            .expect("sent");
        let cooldown = state.settings.policy.resend_cooldown_secs();
        let (_, sent) = pending(&state, &browser("10.0.0.1", Some(&cookie.value), NOW + 1))
            .await
            .expect("pending");
        let wait = resend_wait(&state, &sent, NOW + 1).await.expect("wait");
        assert_eq!(i64::from(wait), cooldown - 1);

        clock.advance(1);
        let again = browser("10.0.0.1", Some(&cookie.value), NOW + 1);
        let refused = send_code(&state, &again, &phone(), None).await.err();
        assert!(
            matches!(refused, Some(AppError::ResendCooldown { .. })),
            "{refused:?}"
        );
        assert_eq!(state.store.outbox(10).await.expect("outbox").len(), 1);
    }

    #[tokio::test]
    async fn the_right_code_opens_one_session_and_the_browser_forgets_the_code() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, _) = state(&dir).await;
        let (holder, code) = asked(&state, "10.0.0.1", NOW).await;
        let holder = Client {
            now: NOW + 5,
            ..holder
        };

        let opened = check_code(&state, &holder, &code).await.expect("signed in");
        assert_eq!(opened.account.phone, phone());
        let named: Vec<_> = opened
            .cookies
            .iter()
            .map(|c| (c.name, c.max_age_secs))
            .collect();
        let limits = state.settings.sessions;
        assert_eq!(
            named,
            [
                (SESSION_COOKIE, limits.absolute_secs),
                (devices::DEVICE_COOKIE, crate::store::DEVICE_COOKIE_SECS),
                (VERIFICATION_COOKIE, 0),
            ]
        );
        let session = token::hash(&opened.cookies[0].value);
        let live = state.store.session_account(&session, NOW + 5, limits).await;
        assert!(
            live.expect("read").is_some(),
            "the session the cookie names lives"
        );

        // The code is used: a second submission opens nothing.
        let again = check_code(&state, &holder, &code).await;
        assert!(again.is_err());
        let account = opened.account.id;
        let sessions = state.store.sessions_of(account, NOW + 5, limits).await;
        assert_eq!(sessions.expect("read").len(), 1);
    }

    #[tokio::test]
    async fn a_wrong_code_counts_a_try_and_opens_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, _) = state(&dir).await;
        let (holder, code) = asked(&state, "10.0.0.1", NOW).await;
        let holder = Client {
            now: NOW + 5,
            ..holder
        };
        let wrong: String = code
            .chars()
            .map(|d| if d == '0' { '1' } else { '0' })
            .collect();

        let refused = check_code(&state, &holder, &wrong).await.err();
        assert!(
            matches!(refused, Some(AppError::WrongCode { .. })),
            "{refused:?}"
        );
        let (_, pending) = pending(&state, &holder).await.expect("still pending");
        assert_eq!(pending.failed_tries, 1);
        assert!(
            check_code(&state, &holder, &code).await.is_ok(),
            "a try is left"
        );
    }

    #[tokio::test]
    async fn a_resend_replaces_this_browsers_code_and_no_other() {
        let dir = tempfile::tempdir().expect("dir");
        let (state, clock) = state(&dir).await;
        let first = send_code(&state, &browser("10.0.0.1", None, NOW), &phone(), None)
            .await
            .expect("sent");
        let later = NOW + state.settings.policy.resend_cooldown_secs();
        clock.advance(later - NOW);
        let other = send_code(&state, &browser("10.0.0.2", None, later), &phone(), None)
            .await
            .expect("another browser's");
        clock.advance(state.settings.policy.resend_cooldown_secs());
        let now = clock.now();
        let second = send_code(
            &state,
            &browser("10.0.0.1", Some(&first.value), now),
            &phone(),
            None,
        )
        .await
        .expect("resent");

        let holds = |id: &str| browser("10.0.0.1", Some(id), now);
        assert_eq!(
            pending(&state, &holds(&first.value)).await.err(),
            Some(AppError::NoPendingVerification),
            "the browser's old code is dead"
        );
        assert!(pending(&state, &holds(&second.value)).await.is_ok());
        assert!(
            pending(&state, &holds(&other.value)).await.is_ok(),
            "another browser's lives on"
        );
    }
}
