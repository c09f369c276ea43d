//! `sms-auth guard`: the operator's levers on the conversion guard, run beside the
//! server with its configuration: list the scopes challenged now and the commands
//! of the last week, impose a challenge on a range or country, or lift one. Each
//! command is recorded in the store (`guard_actions`) and logged.

use crate::{
    clock::{format_utc, Clock, SystemClock},
    otp::guard::{numbers_of, parse_scope},
    server::config::Config,
    store::{self, guard::GuardAction},
};

/// What `sms-auth guard …` says to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardCommand {
    List,
    Act {
        action: GuardAction,
        scope: String,
        hours: i64,
    },
}

pub const USAGE: &str = "usage:
  sms-auth guard                          the ranges and countries challenged now, and the operator's commands of the last 7 days
  sms-auth guard impose <scope> <hours>   challenge a scope for 1 to 168 hours
  sms-auth guard lift <scope> <hours>     end a scope's challenge, and leave it unjudged for 1 to 168 hours
a scope: range:+79001234 (a number less its last 3 digits) or country:7 (a calling code served)";

/// How long a command may last: a week.
const MAX_HOURS: i64 = 168;

/// How far back the list shows the operator's commands.
const LISTED_SECS: i64 = 7 * 24 * 3600;

/// Reads the words after `guard`; `allowed`: the calling codes served.
pub fn parse(words: &[&str], allowed: &[u16]) -> Result<GuardCommand, String> {
    match words {
        [] | ["list"] => Ok(GuardCommand::List),
        [action @ ("impose" | "lift"), scope, hours] => {
            let scope = parse_scope(scope, allowed)
                .ok_or_else(|| format!("{scope}: not a range or a country served"))?;
            let hours = hours
                .parse()
                .ok()
                .filter(|h| (1..=MAX_HOURS).contains(h))
                .ok_or_else(|| format!("{hours}: hours from 1 to {MAX_HOURS}"))?;
            let action = if *action == "impose" {
                GuardAction::Impose
            } else {
                GuardAction::Lift
            };
            Ok(GuardCommand::Act {
                action,
                scope,
                hours,
            })
        }
        _ => Err(USAGE.to_owned()),
    }
}

/// Runs `sms-auth guard` with the words after it; the lines to print, or why not.
pub async fn run(words: &[&str]) -> Result<Vec<String>, String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    let command = parse(words, &config.policy.allowed_countries)?;
    let store = store::connect(&config.database_url.0, 1)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let now = SystemClock.now();
    let failed = |_| "the database refused; see the log".to_owned();
    match command {
        GuardCommand::Act {
            action,
            scope,
            hours,
        } => {
            let until = now + hours * 3600;
            store
                .command_guard(&scope, action, until, now)
                .await
                .map_err(failed)?;
            tracing::warn!(
                scope,
                action = action.key(),
                until = %format_utc(until),
                "the operator's command on the guard"
            );
            Ok(vec![format!(
                "{} {scope} ({}) until {}: recorded",
                action.key(),
                numbers_of(&scope),
                format_utc(until)
            )])
        }
        GuardCommand::List => {
            let mut lines = vec!["challenged now:".to_owned()];
            let challenged = store.challenged_scopes(now).await.map_err(failed)?;
            if challenged.is_empty() {
                lines.push("  none".to_owned());
            }
            lines.extend(challenged.iter().map(|c| {
                format!(
                    "  {} ({}) until {}, level {}, by {}",
                    c.scope,
                    numbers_of(&c.scope),
                    format_utc(c.challenged.until),
                    c.challenged.level + 1,
                    c.by.key()
                )
            }));
            lines.push("the operator's commands of the last 7 days:".to_owned());
            let actions = store
                .guard_actions(now - LISTED_SECS)
                .await
                .map_err(failed)?;
            if actions.is_empty() {
                lines.push("  none".to_owned());
            }
            lines.extend(actions.iter().map(|a| {
                format!(
                    "  {} {} {} until {}",
                    format_utc(a.at),
                    a.action,
                    a.scope,
                    format_utc(a.until)
                )
            }));
            Ok(lines)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        text.split_whitespace().collect()
    }

    #[test]
    fn the_operator_lists_imposes_and_lifts() {
        let served = [7];
        assert_eq!(parse(&words(""), &served), Ok(GuardCommand::List));
        assert_eq!(parse(&words("list"), &served), Ok(GuardCommand::List));
        assert_eq!(
            parse(&words("impose range:+79001234 12"), &served),
            Ok(GuardCommand::Act {
                action: GuardAction::Impose,
                scope: "range:+79001234".to_owned(),
                hours: 12
            })
        );
        assert_eq!(
            parse(&words("lift country:7 168"), &served),
            Ok(GuardCommand::Act {
                action: GuardAction::Lift,
                scope: "country:7".to_owned(),
                hours: 168
            })
        );
        for wrong in [
            "impose range:+79001234",
            "impose range:+79001234 0",
            "impose range:+79001234 169",
            "impose range:+79001234 two",
            "lift country:1 5",
            "lift +79001234 5",
            "drop range:+79001234 5",
            "list extra",
        ] {
            assert!(parse(&words(wrong), &served).is_err(), "{wrong}");
        }
    }
}
