//! The operator's alerts: an SMS to each of `OPERATOR_PHONES` when the new numbers'
//! lane of the daily budget, or the whole budget, passes 80% and when it is spent,
//! and when the conversion guard challenges a range or a country.
//! Each event is told at most once a day, and all of them at most
//! `LIMIT_OPERATOR_ALERTS_PER_DAY` times a day, across instances (the store's
//! claim). They go from a periodic check (`server/operator.rs`), never from a
//! request, and outside the budget: the customers' lanes never pay for them.

use crate::{
    error::AppError,
    i18n::Lang,
    otp::{guard, Limit, Policy},
    server::state::AppState,
    store::{
        guard::{ChallengedScope, ImposedBy},
        BudgetSpend,
    },
};

/// What the operator is told of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    NewLaneNearlySpent,
    NewLaneSpent,
    BudgetNearlySpent,
    BudgetSpent,
}

impl Event {
    /// Its word in the store and the log.
    pub const fn key(self) -> &'static str {
        match self {
            Event::NewLaneNearlySpent => "new_lane_80",
            Event::NewLaneSpent => "new_lane_spent",
            Event::BudgetNearlySpent => "budget_80",
            Event::BudgetSpent => "budget_spent",
        }
    }

    /// The operator's SMS: the part of the budget and its figures; no link.
    pub fn text(self, lang: Lang, spent: u32, limit: u32) -> String {
        let texts = lang.texts();
        let template = match self {
            Event::NewLaneNearlySpent => texts.sms_operator_new_lane_80,
            Event::NewLaneSpent => texts.sms_operator_new_lane_spent,
            Event::BudgetNearlySpent => texts.sms_operator_budget_80,
            Event::BudgetSpent => texts.sms_operator_budget_spent,
        };
        template
            .replace("{spent}", &spent.to_string())
            .replace("{limit}", &limit.to_string())
    }
}

/// The operator's SMS about a scope the guard challenged: its numbers and when its
/// challenge ends; no link.
pub fn challenged_text(lang: Lang, challenged: &ChallengedScope) -> String {
    let texts = lang.texts();
    texts
        .sms_operator_challenged
        .replace("{numbers}", &guard::numbers_of(&challenged.scope))
        .replace(
            "{time}",
            &texts.clock_zone.time_of_day(challenged.challenged.until),
        )
}

/// What the spend of the last day shows, each with its part's spend and limit: for
/// the new numbers' lane and for the whole budget, spent, else past 80%, else
/// nothing. A part that may spend nothing tells nothing.
pub fn events(spend: BudgetSpend, policy: &Policy) -> Vec<(Event, u32, u32)> {
    [
        (
            spend.new,
            policy.new_numbers_lane(),
            Event::NewLaneSpent,
            Event::NewLaneNearlySpent,
        ),
        (
            spend.all,
            policy.limit(Limit::SmsPerDay),
            Event::BudgetSpent,
            Event::BudgetNearlySpent,
        ),
    ]
    .into_iter()
    .filter(|(_, limit, _, _)| *limit > 0)
    .filter_map(|(spent, limit, full, nearly)| {
        if spent >= limit {
            Some((full, spent, limit))
        } else if u64::from(spent) * 100 >= u64::from(limit) * guard::NEARLY_SPENT_PERCENT {
            Some((nearly, spent, limit))
        } else {
            None
        }
    })
    .collect()
}

/// Reads the budget's spend and the scopes the guard challenged, and tells the
/// operator what they show and was not told yet (a scope's challenge once a day,
/// however it lengthens). The SMS sent.
pub async fn check(state: &AppState, now: i64) -> Result<usize, AppError> {
    if state.settings.operator_phones.is_empty() {
        return Ok(0);
    }
    let policy = &state.settings.policy;
    let spend = state.store.budget_spend(now).await?;
    let mut sent = 0;
    for (event, spent, limit) in events(spend, policy) {
        if claim(state, event.key(), now).await? {
            tracing::warn!(event = event.key(), spent, limit, "telling the operator");
            sent += tell(state, &event.text(Lang::default(), spent, limit)).await;
        }
    }
    for challenged in state.store.challenged_scopes(now).await? {
        // The operator's own challenges need no telling.
        if challenged.by != ImposedBy::Guard {
            continue;
        }
        if claim(state, &format!("challenged:{}", challenged.scope), now).await? {
            tracing::warn!(scope = challenged.scope, "telling the operator");
            sent += tell(state, &challenged_text(Lang::default(), &challenged)).await;
        }
    }
    Ok(sent)
}

/// Claims telling the operator of `event` now, within the day's cap.
async fn claim(state: &AppState, event: &str, now: i64) -> Result<bool, AppError> {
    let per_day = state.settings.policy.limit(Limit::OperatorAlertsPerDay);
    state.store.claim_operator_alert(event, now, per_day).await
}

/// Sends `text` to every operator; the SMS sent.
async fn tell(state: &AppState, text: &str) -> usize {
    let mut sent = 0;
    for phone in &state.settings.operator_phones {
        match state.sms.send(phone.digits(), text).await {
            Ok(_) => sent += 1,
            Err(error) => tracing::error!(
                phone = %phone,
                reason = error.reason(),
                %error,
                "operator alert not sent"
            ),
        }
    }
    sent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(budget: u32) -> Policy {
        let mut policy = Policy::default();
        policy.limits[Limit::SmsPerDay] = budget;
        policy
    }

    #[test]
    fn each_part_tells_its_highest_mark() {
        let p = policy(100);
        let spend = |all, new| BudgetSpend { all, new };
        assert_eq!(events(spend(0, 0), &p), vec![]);
        assert_eq!(events(spend(60, 39), &p), vec![]);
        assert_eq!(
            events(spend(60, 40), &p),
            vec![(Event::NewLaneNearlySpent, 40, 50)]
        );
        assert_eq!(
            events(spend(80, 50), &p),
            vec![
                (Event::NewLaneSpent, 50, 50),
                (Event::BudgetNearlySpent, 80, 100)
            ]
        );
        assert_eq!(
            events(spend(100, 50), &p),
            vec![
                (Event::NewLaneSpent, 50, 50),
                (Event::BudgetSpent, 100, 100)
            ]
        );
        let mut none_new = policy(100);
        none_new.limits[Limit::NewNumbersShareOfDay] = 0;
        assert_eq!(events(spend(10, 0), &none_new), vec![], "a lane of nothing");
        assert_eq!(events(spend(0, 0), &policy(0)), vec![]);
    }

    #[test]
    fn the_texts_carry_the_figures_and_no_link() {
        for lang in [Lang::Ru, Lang::En] {
            for event in [
                Event::NewLaneNearlySpent,
                Event::NewLaneSpent,
                Event::BudgetNearlySpent,
                Event::BudgetSpent,
            ] {
                let text = event.text(lang, 812, 1000);
                assert!(text.contains("812") && text.contains("1000"), "{text}");
                assert!(!text.contains("http") && !text.contains('/'), "{text}");
                assert!(crate::sms::text::segments(&text) <= 2, "{text}");
            }
            for scope in ["range:+79001234", "country:7"] {
                let text = challenged_text(
                    lang,
                    &ChallengedScope {
                        scope: scope.to_owned(),
                        challenged: guard::Challenged {
                            level: 0,
                            until: 1_800_000_000,
                        },
                        by: ImposedBy::Guard,
                    },
                );
                let numbers = guard::numbers_of(scope);
                assert!(text.contains(&numbers) && !text.contains('{'), "{text}");
                assert!(!text.contains("http"), "{text}");
                assert!(crate::sms::text::segments(&text) <= 3, "{text}");
            }
        }
    }
}
