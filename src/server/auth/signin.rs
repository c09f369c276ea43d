//! The sign-in steps server functions call: send a code, check a code.

use crate::server::{
    auth::{devices, footprint, session, token},
    http::request::RequestContext,
};
use crate::{
    clock::format_utc,
    error::AppError,
    otp::{code, Attempt, Policy},
    phone::Phone,
    sms::text::code_sms,
    store::{Account, NewVerification, Verification, WrongGuess, EXPIRED_CODES_KEPT_SECS},
};

/// The cookie that binds a pending code to the browser that asked for it.
pub const VERIFICATION_COOKIE: &str = "vid";

/// Counts the SMS against every limit and stores a new code (killing the one this
/// browser had), in one step, then sends it. A code whose SMS failed is deleted: it
/// is never usable.
pub async fn send_code(request: &RequestContext, phone: &Phone) -> Result<(), AppError> {
    let state = &request.state;
    let policy = &state.settings.policy;
    let now = request.now();
    let from = footprint::of(request);
    let ip = request.client_key();
    let device_hash = devices::hash_of(request);
    let standing = state
        .store
        .standing(phone, device_hash.as_deref(), &from, &ip, now, policy)
        .await?;
    let allowance = standing.allowance;
    let refused = |refusal: &AppError| {
        state.metrics.refused(refusal);
        tracing::info!(phone = %phone, %refusal, "code refused");
    };
    // Past a limit already on the read above: refused beside the writer, before any
    // code is made.
    policy
        .check_send(&standing.sends, now)
        .inspect_err(refused)?;
    let verification_id = token::new_id();
    let id_hash = token::hash(&verification_id);
    // A resend replaces this browser's own code; codes of other browsers live on.
    let replaces = request
        .cookie(VERIFICATION_COOKIE)
        .map(|id| token::hash(&id));
    let code = code::generate();
    let ticket = state
        .store
        .reserve_code(
            NewVerification {
                id_hash: &id_hash,
                replaces: replaces.as_deref(),
                phone,
                allowance: &allowance,
                code_digest: &code::digest(state.secret(), &verification_id, &code),
                created_at: now,
                expires_at: now + policy.code_ttl_secs,
            },
            &ip,
            &from,
            policy,
        )
        .await
        .inspect_err(refused)?;
    // The code names the country it was asked from when the number's account has not
    // signed in from there: the owner reading it learns that someone else asks.
    let lang = request.lang();
    let foreign = standing.account_id.is_some() && !standing.country_known;
    let country = foreign.then(|| lang.country_name(&from.country)).flatten();
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
    let cookie_lifetime = policy.code_ttl_secs + EXPIRED_CODES_KEPT_SECS;
    request.set_cookie(VERIFICATION_COOKIE, verification_id, cookie_lifetime);
    Ok(())
}

/// The code pending in this browser and the id its cookie holds.
pub async fn pending(request: &RequestContext) -> Result<(String, Verification), AppError> {
    let id = request
        .cookie(VERIFICATION_COOKIE)
        .ok_or(AppError::NoPendingVerification)?;
    let verification = request
        .state
        .store
        .verification(
            &token::hash(&id),
            request.now(),
            &request.state.settings.policy,
        )
        .await?
        .ok_or(AppError::NoPendingVerification)?;
    Ok((id, verification))
}

/// Seconds until the pending code's phone may get another SMS on its allowance.
pub async fn resend_wait(
    request: &RequestContext,
    pending: &Verification,
) -> Result<u32, AppError> {
    let now = request.now();
    let last_sent = request
        .state
        .store
        .last_sms_to(&pending.phone, &pending.allowance, now)
        .await?;
    Ok(last_sent.map_or(0, |sent| {
        request.state.settings.policy.resend_wait(sent, now)
    }))
}

/// Checks a guess. Right: the code is used up, the account opened (created at the
/// first sign-in) and a new session cookie set. Wrong: the try is counted.
pub async fn check_code(request: &RequestContext, guess: &str) -> Result<Account, AppError> {
    let result = check(request, guess).await;
    request.state.metrics.verification(&result);
    result
}

async fn check(request: &RequestContext, guess: &str) -> Result<Account, AppError> {
    let state = &request.state;
    let policy = &state.settings.policy;
    let now = request.now();
    let (id, verification) = pending(request).await?;
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
                &footprint::of(request),
                now,
                policy,
            )
            .await?;
        tracing::info!(phone = %verification.phone, "wrong code");
        return Err(wrong_guess(&verification, guess, policy));
    }
    let account = session::open(request, async |new| {
        state
            .store
            .complete_sign_in(&id_hash, new, now, policy.max_tries)
            .await
    })
    .await?
    // Another request used the code first.
    .ok_or(AppError::NoPendingVerification)?;
    tracing::info!(phone = %account.phone, account = account.id, "signed in");
    request.clear_cookie(VERIFICATION_COOKIE);
    Ok(account)
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
