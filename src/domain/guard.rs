//! The conversion guard on the way of a code to a new number (issue 17): a new
//! number in a challenged range or country, or any new number while the new
//! numbers' lane is above 80% spent, gets its code only with a solved proof of work.
//! The rules are `otp/guard.rs`'s; the counts and challenges the store's.

use crate::server::state::AppState;
use crate::{
    domain::client::Client,
    error::AppError,
    otp::{
        guard::{self, Scopes, Verdict},
        pow, SendHistory,
    },
    phone::Phone,
    store::guard::ImposedBy,
};

/// Lets a code to the new number `phone` go, or asks for the proof of work first.
/// `answer`: the browser's answer to a challenge (the `altcha` field), if it sent
/// one. A challenge the guard imposes now is kept for every instance, and logged.
pub async fn admit(
    state: &AppState,
    client: &Client,
    phone: &Phone,
    scopes: &Scopes,
    history: &SendHistory,
    answer: Option<&str>,
) -> Result<(), AppError> {
    let policy = &state.settings.policy;
    let now = client.now;
    let mut challenge = None;
    for (scope, trip) in scopes.with_trips(policy) {
        let watch = state.store.guard_watch(scope, now).await?;
        let verdict = guard::judge(watch, trip, now);
        if let Verdict::Trips(challenged) = verdict {
            let imposed = state
                .store
                .impose_challenge(scope, challenged, now, ImposedBy::Guard)
                .await?;
            if imposed {
                tracing::warn!(
                    scope,
                    level = challenged.level,
                    until = %crate::clock::format_utc(challenged.until),
                    "challenged: few of its codes are entered"
                );
            }
        }
        challenge = challenge.max(verdict.challenge().map(|c| (c.level, c.until)));
    }
    let pressed = guard::lane_pressed(history.sent_new_last_day, policy.new_numbers_lane());
    if challenge.is_none() && !pressed {
        return Ok(());
    }
    let Some(answer) = answer.filter(|a| !a.is_empty()) else {
        let level = challenge.map_or(0, |(level, _)| level);
        let difficulty = guard::difficulty(policy.challenge_difficulty, level);
        let issued = pow::issue(state.secret(), phone, difficulty, now)?;
        state.metrics.challenge("issued");
        return Err(AppError::ChallengeRequired {
            challenge: serde_json::to_string(&issued).map_err(|_| AppError::Internal)?,
            until: challenge.map(|(_, until)| until),
        });
    };
    let checked = pow::check(state.secret(), answer, phone, now);
    let spent = match &checked {
        Ok(proof) => state.store.spend_challenge(proof).await?,
        Err(_) => false,
    };
    state
        .metrics
        .challenge(if spent { "solved" } else { "failed" });
    checked?;
    if !spent {
        return Err(AppError::ChallengeFailed);
    }
    Ok(())
}
