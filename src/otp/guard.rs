//! The conversion guard's rules (issue 17): SMS pumping sends codes to many numbers
//! of a range (often consecutive: the operator shares the termination fee) and enters
//! none, so a range, or a country, whose codes to new numbers are rarely entered is
//! challenged, longer each time it trips again. Pure: the store counts
//! (`store/guard.rs`), this decides, and `domain/guard.rs` asks the proof of work.

use super::{Limit, Policy};
use crate::phone::Phone;

/// Digits a range leaves off a number: a range is a "1k prefix", as Twilio's.
const RANGE_DROPS: usize = 3;

/// A number's range: its E.164 form without its last 3 digits (`+7900123` `4` for
/// `+79001234567`).
pub fn range_of(phone: &Phone) -> &str {
    let e164 = phone.e164();
    &e164[..e164.len().saturating_sub(RANGE_DROPS)]
}

/// What a scope is: `range` or `country` (its metrics label).
pub fn kind_of(scope: &str) -> &'static str {
    if scope.starts_with("range:") {
        "range"
    } else {
        "country"
    }
}

/// A country's scope, by its calling code.
pub fn country_scope(code: u16) -> String {
    format!("country:{code}")
}

/// What the guard counts a number in: its range and its country, as the store
/// names them (`range:+79001234`, `country:7`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes {
    pub range: String,
    pub country: String,
}

impl Scopes {
    pub fn of(phone: &Phone) -> Self {
        Self {
            range: format!("range:{}", range_of(phone)),
            country: country_scope(phone.calling_code().unwrap_or(0)),
        }
    }

    /// Each scope with the trip that judges it: a range by the range's minimum, a
    /// country by the country's, both by the same conversion.
    pub fn with_trips(&self, policy: &Policy) -> [(&str, Trip); 2] {
        let trip = |min: Limit| Trip {
            min_sends: policy.limit(min),
            percent: policy.limit(Limit::GuardConversion),
        };
        [
            (&self.range, trip(Limit::GuardMinSends)),
            (&self.country, trip(Limit::GuardCountryMinSends)),
        ]
    }
}

/// Codes sent to new numbers of a range or country over a window, and how many of
/// them were entered (their first sign-ins).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Conversion {
    pub sent: u32,
    pub verified: u32,
}

/// When a range or country trips: at least `min_sends` codes sent in the window,
/// and no more than `percent` of them entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trip {
    pub min_sends: u32,
    pub percent: u32,
}

impl Trip {
    /// Whether `conversion` trips the guard.
    pub fn trips(self, conversion: Conversion) -> bool {
        conversion.sent >= self.min_sends.max(1)
            && u64::from(conversion.verified) * 100
                <= u64::from(conversion.sent) * u64::from(self.percent)
    }
}

/// How long each challenge of a scope lasts, the first and each time it trips again
/// within `REPEAT_SECS` of the last one's end: 15 minutes, 1 hour, 4 hours, 12 hours.
pub const LEVELS_SECS: [i64; 4] = [15 * 60, 3600, 4 * 3600, 12 * 3600];

/// A trip this soon after the last challenge ended is the attack going on.
pub const REPEAT_SECS: i64 = 24 * 3600;

/// A scope's challenge: its level (an index of `LEVELS_SECS`) and when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Challenged {
    pub level: usize,
    pub until: i64,
}

impl Challenged {
    /// Whether it holds at `now`.
    pub fn holds(self, now: i64) -> bool {
        now < self.until
    }
}

/// The challenge a scope gets when it trips at `now`, after its `last` one (if it
/// had one): a challenge that still holds stays as it is; one that ended within
/// `REPEAT_SECS` is followed by the next level (the last level repeats); else the
/// first level.
pub fn escalate(last: Option<Challenged>, now: i64) -> Challenged {
    let level = match last {
        Some(last) if last.holds(now) => return last,
        Some(last) if now - last.until < REPEAT_SECS => (last.level + 1).min(LEVELS_SECS.len() - 1),
        _ => 0,
    };
    Challenged {
        level,
        until: now + LEVELS_SECS[level],
    }
}

/// What the store knows of a scope: its conversion over the last hour (to the
/// minute) and day (to the hour), its last challenge, if it had one, and until when
/// the operator lifted it (0 for never).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Watch {
    pub hour: Conversion,
    pub day: Conversion,
    pub last: Option<Challenged>,
    pub exempt_until: i64,
}

/// The guard's verdict on a scope at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing asked.
    Clear,
    /// Challenged already.
    Holds(Challenged),
    /// Challenged from now: the store is to keep it.
    Trips(Challenged),
}

impl Verdict {
    /// The challenge in force, if any.
    pub fn challenge(self) -> Option<Challenged> {
        match self {
            Verdict::Clear => None,
            Verdict::Holds(c) | Verdict::Trips(c) => Some(c),
        }
    }
}

/// Judges a scope at `now`: a challenge holds until its end; else, unless the
/// operator lifted the scope until later, a window that trips starts the next one.
pub fn judge(watch: Watch, trip: Trip, now: i64) -> Verdict {
    match watch.last {
        Some(last) if last.holds(now) => Verdict::Holds(last),
        _ if now < watch.exempt_until => Verdict::Clear,
        _ if trip.trips(watch.hour) || trip.trips(watch.day) => {
            Verdict::Trips(escalate(watch.last, now))
        }
        _ => Verdict::Clear,
    }
}

/// A scope the operator names (`range:+79001234`: a number less its last 3 digits;
/// `country:7`: a calling code served), as the store names it; `None` for anything
/// else.
pub fn parse_scope(text: &str, allowed: &[u16]) -> Option<String> {
    let text = text.trim();
    if let Some(digits) = text.strip_prefix("range:+") {
        let plausible = (4..=12).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && allowed
                .iter()
                .any(|code| digits.starts_with(&code.to_string()));
        return plausible.then(|| format!("range:+{digits}"));
    }
    let code: u16 = text.strip_prefix("country:")?.parse().ok()?;
    allowed.contains(&code).then(|| country_scope(code))
}

/// The numbers a scope covers, as the operator reads them: `+79001234xxx`, `+7`.
pub fn numbers_of(scope: &str) -> String {
    match (scope.strip_prefix("range:"), scope.strip_prefix("country:")) {
        (Some(range), _) => format!("{range}{}", "x".repeat(RANGE_DROPS)),
        (_, Some(code)) => format!("+{code}"),
        _ => scope.to_owned(),
    }
}

/// The share of a part of the budget, in percent, past which it is nearly spent:
/// the operator is told, and every new number is challenged.
pub const NEARLY_SPENT_PERCENT: u64 = 80;

/// Whether the new numbers' lane is above 80% spent: every new number is then
/// challenged.
pub fn lane_pressed(spent: u32, lane: u32) -> bool {
    u64::from(spent) * 100 > u64::from(lane) * NEARLY_SPENT_PERCENT
}

/// The proof of work asked at a challenge's `level`: the base difficulty, doubled
/// at each level (8 times at 12 hours).
pub fn difficulty(base: u32, level: usize) -> u32 {
    base.saturating_mul(1 << level.min(LEVELS_SECS.len() - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_range_is_the_number_without_its_last_three_digits() {
        let phone = Phone::parse("+7 900 123-45-67", &[7]).expect("phone");
        assert_eq!(range_of(&phone), "+79001234");
        let neighbour = Phone::parse("89001234000", &[7]).expect("phone");
        assert_eq!(range_of(&neighbour), range_of(&phone));
        let other = Phone::parse("+79001235000", &[7]).expect("phone");
        assert_ne!(range_of(&other), range_of(&phone));
    }

    #[test]
    fn a_scope_trips_at_its_minimum_with_few_codes_entered() {
        let trip = Trip {
            min_sends: 10,
            percent: 35,
        };
        let at = |sent, verified| trip.trips(Conversion { sent, verified });
        assert!(!at(9, 0), "below the minimum");
        assert!(at(10, 0));
        assert!(at(20, 7), "35% exactly");
        assert!(!at(20, 8), "40%");
        assert!(!at(0, 0));
        let anything = Trip {
            min_sends: 0,
            percent: 100,
        };
        assert!(!anything.trips(Conversion::default()), "no sends, no trip");
        assert!(anything.trips(Conversion {
            sent: 1,
            verified: 1
        }));
    }

    #[test]
    fn challenges_lengthen_while_the_attack_goes_on_and_start_over_after() {
        let first = escalate(None, NOW);
        assert_eq!(
            first,
            Challenged {
                level: 0,
                until: NOW + 900
            }
        );
        assert!(first.holds(NOW + 899) && !first.holds(NOW + 900));
        assert_eq!(escalate(Some(first), NOW + 10), first, "it still holds");
        let second = escalate(Some(first), NOW + 900);
        assert_eq!((second.level, second.until), (1, NOW + 900 + 3600));
        let third = escalate(Some(second), second.until + 60);
        let fourth = escalate(Some(third), third.until);
        let fifth = escalate(Some(fourth), fourth.until);
        assert_eq!(
            [third.level, fourth.level, fifth.level],
            [2, 3, 3],
            "12 hours at most"
        );
        assert_eq!(fifth.until - fourth.until, 12 * 3600);
        let later = escalate(Some(fifth), fifth.until + REPEAT_SECS);
        assert_eq!(later.level, 0, "a day without a trip: from the start");
    }

    #[test]
    fn a_number_is_watched_in_its_range_and_its_country() {
        let phone = Phone::parse("+7 900 123-45-67", &[7]).expect("phone");
        let scopes = Scopes::of(&phone);
        assert_eq!(scopes.range, "range:+79001234");
        assert_eq!(scopes.country, "country:7");
        assert_eq!(
            (kind_of(&scopes.range), kind_of(&scopes.country)),
            ("range", "country")
        );
        let mut policy = Policy::default();
        policy.limits[Limit::GuardCountryMinSends] = 500;
        let [(range, by_range), (country, by_country)] = scopes.with_trips(&policy);
        assert_eq!(
            (range, by_range.min_sends, by_range.percent),
            ("range:+79001234", 10, 35)
        );
        assert_eq!((country, by_country.min_sends), ("country:7", 500));
    }

    #[test]
    fn a_scope_is_judged_by_either_window_and_its_last_challenge() {
        let trip = Trip {
            min_sends: 10,
            percent: 35,
        };
        let rate = |sent, verified| Conversion { sent, verified };
        let quiet = Watch::default();
        assert_eq!(judge(quiet, trip, NOW), Verdict::Clear);
        let hour = Watch {
            hour: rate(10, 0),
            day: rate(10, 0),
            ..quiet
        };
        assert_eq!(judge(hour, trip, NOW), Verdict::Trips(escalate(None, NOW)));
        let day = Watch {
            hour: rate(2, 0),
            day: rate(30, 3),
            ..quiet
        };
        assert!(matches!(judge(day, trip, NOW), Verdict::Trips(_)));
        let entered = Watch {
            hour: rate(10, 4),
            day: rate(40, 20),
            ..quiet
        };
        assert_eq!(judge(entered, trip, NOW), Verdict::Clear);
        let lifted = Watch {
            exempt_until: NOW + 60,
            ..hour
        };
        assert_eq!(
            judge(lifted, trip, NOW),
            Verdict::Clear,
            "the operator lifted it"
        );
        assert!(matches!(judge(lifted, trip, NOW + 60), Verdict::Trips(_)));
        let held = Challenged {
            level: 1,
            until: NOW + 60,
        };
        let holding = Watch {
            last: Some(held),
            ..quiet
        };
        assert_eq!(judge(holding, trip, NOW), Verdict::Holds(held));
        assert_eq!(judge(holding, trip, NOW + 60), Verdict::Clear, "ended");
        let again = Watch {
            last: Some(held),
            ..hour
        };
        assert_eq!(
            judge(again, trip, NOW + 60).challenge().map(|c| c.level),
            Some(2),
            "it repeats: the next level"
        );
    }

    #[test]
    fn the_operator_names_a_range_or_a_served_country() {
        let served = [7, 375];
        assert_eq!(
            parse_scope(" range:+79001234 ", &served).as_deref(),
            Some("range:+79001234")
        );
        assert_eq!(
            parse_scope("country:375", &served).as_deref(),
            Some("country:375")
        );
        for wrong in [
            "range:79001234",
            "range:+1202555",
            "range:+7900x234",
            "range:+7",
            "range:+7900123456789",
            "country:1",
            "country:seven",
            "+79001234",
            "",
        ] {
            assert_eq!(parse_scope(wrong, &served), None, "{wrong}");
        }
        assert_eq!(numbers_of("range:+79001234"), "+79001234xxx");
        assert_eq!(numbers_of("country:7"), "+7");
    }

    #[test]
    fn the_lane_presses_above_four_fifths_and_the_work_doubles_per_level() {
        assert!(!lane_pressed(80, 100) && lane_pressed(81, 100));
        assert!(!lane_pressed(0, 0), "a closed lane refuses on its own");
        assert_eq!(
            (0..6).map(|l| difficulty(1000, l)).collect::<Vec<_>>(),
            [1000, 2000, 4000, 8000, 8000, 8000]
        );
        assert_eq!(difficulty(u32::MAX, 3), u32::MAX);
    }
}
