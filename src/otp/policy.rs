//! The verification policy: every number of it, and the decisions made from it.

use super::limits::{Limit, Limits};
use crate::error::AppError;

/// The policy's numbers. Defaults follow DESIGN.md; each has an env override (see config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Seconds a code stays valid.
    pub code_ttl_secs: i64,
    /// Wrong tries a code survives.
    pub max_tries: u32,
    /// Country calling codes whose numbers are served.
    pub allowed_countries: Vec<u16>,
    /// Every limit's value ([`Limit`]).
    pub limits: Limits,
    /// The proof of work's difficulty when a new number is challenged at the first
    /// level: the top of the counter its browser searches up to (`otp/pow.rs`).
    pub challenge_difficulty: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            code_ttl_secs: 5 * 60,
            max_tries: 5,
            allowed_countries: vec![7],
            limits: Limits::default(),
            challenge_difficulty: 500_000,
        }
    }
}

/// What the store counted before a send, all relative to one `now`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendHistory {
    pub last_sent_to_phone: Option<i64>,
    pub sent_to_phone_last_hour: u32,
    pub sent_from_ip_last_hour: u32,
    pub sent_last_day: u32,
    /// Of those, the codes sent to new numbers ([`Lane::New`]).
    pub sent_new_last_day: u32,
    /// When the phone's lock ends, if its failures of the last hour reached the
    /// limit: an hour after the oldest of the last `phone_failures_per_hour`.
    pub phone_locked_until: Option<i64>,
}

/// The part of the daily budget a code SMS is spent from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    /// A number that has signed in before (and so any browser its account knows):
    /// it may spend the whole budget.
    Trusted,
    /// A number never signed in with: only its lane's share of the budget
    /// ([`Limit::NewNumbersShareOfDay`]).
    New,
}

impl Lane {
    /// Its name in metrics and in the store (`sms_sends.lane`).
    pub const fn key(self) -> &'static str {
        match self {
            Lane::Trusted => "trusted",
            Lane::New => "new",
        }
    }

    /// The lane of a code to a number with an account (`true`) or without.
    pub const fn of(has_account: bool) -> Self {
        if has_account {
            Lane::Trusted
        } else {
            Lane::New
        }
    }
}

/// What sets two sends against the same limits: the phone and the allowance it was
/// counted on, the client address, the lane, and the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendKey<'a> {
    pub phone: &'a str,
    pub allowance: &'a str,
    pub ip: &'a str,
    pub lane: Lane,
    pub at: i64,
}

impl SendHistory {
    /// The history of a send `me` once the send `earlier`, made after the history was
    /// read, is counted in it: each window counts it only if it falls inside.
    pub fn counting(mut self, me: &SendKey, earlier: &SendKey) -> Self {
        let within = |limit: Limit| earlier.at > me.at - limit.window_secs();
        if me.phone == earlier.phone && me.allowance == earlier.allowance {
            if earlier.at > me.at - Policy::LAST_SENT_WINDOW {
                self.last_sent_to_phone = self.last_sent_to_phone.max(Some(earlier.at));
            }
            if within(Limit::SmsPerPhonePerHour) {
                self.sent_to_phone_last_hour += 1;
            }
        }
        if me.ip == earlier.ip && within(Limit::SmsPerIpPerHour) {
            self.sent_from_ip_last_hour += 1;
        }
        if within(Limit::SmsPerDay) {
            self.sent_last_day += 1;
            if earlier.lane == Lane::New {
                self.sent_new_last_day += 1;
            }
        }
        self
    }
}

/// Decides sends in their order, each by its own policy, as if each were made alone
/// after those before it that were granted: each comes with its history as read
/// before any of them, all under one lock.
pub fn check_in_order(sends: &[(&Policy, SendKey, SendHistory)]) -> Vec<Result<(), AppError>> {
    let mut granted: Vec<&SendKey> = Vec::new();
    sends
        .iter()
        .map(|(policy, key, read)| {
            let history = granted
                .iter()
                .fold(*read, |history, earlier| history.counting(key, earlier));
            let verdict = policy.check_send(&history, key.lane, key.at);
            if verdict.is_ok() {
                granted.push(key);
            }
            verdict
        })
        .collect()
}

/// The state of a code at the moment someone submits a guess for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    pub expires_at: i64,
    pub failed_tries: u32,
    pub consumed: bool,
    /// As in [`SendHistory::phone_locked_until`].
    pub phone_locked_until: Option<i64>,
}

/// The last SMS is looked for far enough back for the longest cooldown.
const _: () = assert!(Limit::ResendCooldown.window_secs() <= Policy::LAST_SENT_WINDOW);

impl Policy {
    /// How far back the last SMS to a phone is looked for (the cooldown is at most an
    /// hour): a day.
    pub const LAST_SENT_WINDOW: i64 = Limit::SmsPerDay.window_secs();

    /// The value of `limit`.
    pub fn limit(&self, limit: Limit) -> u32 {
        self.limits[limit]
    }

    /// The cooldown between two SMS to a phone, in seconds.
    pub fn resend_cooldown_secs(&self) -> i64 {
        i64::from(self.limit(Limit::ResendCooldown))
    }

    /// The codes to new numbers the budget's day may hold: their share of it.
    pub fn new_numbers_lane(&self) -> u32 {
        let share = u64::from(self.limit(Limit::NewNumbersShareOfDay).min(100));
        let lane = u64::from(self.limit(Limit::SmsPerDay)) * share / 100;
        u32::try_from(lane).unwrap_or(u32::MAX)
    }

    /// May one more SMS go out on `lane`? The first limit hit is the answer.
    pub fn check_send(&self, history: &SendHistory, lane: Lane, now: i64) -> Result<(), AppError> {
        check_lock(history.phone_locked_until, now)?;
        if let Some(last) = history.last_sent_to_phone {
            let wait = last + self.resend_cooldown_secs() - now;
            if wait > 0 {
                return Err(refused(Limit::ResendCooldown, wait));
            }
        }
        for (limit, sent) in [
            (Limit::SmsPerPhonePerHour, history.sent_to_phone_last_hour),
            (Limit::SmsPerIpPerHour, history.sent_from_ip_last_hour),
            (Limit::SmsPerDay, history.sent_last_day),
        ] {
            if sent >= self.limit(limit) {
                return Err(refused(limit, now));
            }
        }
        if lane == Lane::New && history.sent_new_last_day >= self.new_numbers_lane() {
            return Err(refused(Limit::NewNumbersShareOfDay, now));
        }
        Ok(())
    }

    /// May a guess be checked against this code at all?
    pub fn check_attempt(&self, attempt: &Attempt, now: i64) -> Result<(), AppError> {
        if attempt.consumed {
            return Err(AppError::NoPendingVerification);
        }
        check_lock(attempt.phone_locked_until, now)?;
        if now >= attempt.expires_at {
            return Err(AppError::CodeExpired);
        }
        if attempt.failed_tries >= self.max_tries {
            return Err(AppError::TooManyTries);
        }
        Ok(())
    }

    /// The answer to a wrong guess, given the code's failed tries after counting it.
    pub fn wrong_guess(&self, failed_tries: u32) -> AppError {
        match self.max_tries.saturating_sub(failed_tries) {
            0 => AppError::TooManyTries,
            tries_left => AppError::WrongCode { tries_left },
        }
    }

    /// Seconds until this phone may get another SMS (0 when it may now).
    pub fn resend_wait(&self, last_sent: i64, now: i64) -> u32 {
        clamp_secs(last_sent + self.resend_cooldown_secs() - now)
    }

    pub fn country_allowed(&self, country_code: u16) -> bool {
        self.allowed_countries.contains(&country_code)
    }
}

fn check_lock(locked_until: Option<i64>, now: i64) -> Result<(), AppError> {
    match locked_until {
        Some(until) if until > now => Err(refused(Limit::PhoneFailuresPerHour, until)),
        _ => Ok(()),
    }
}

/// The refusal of a limit that refuses people in person.
fn refused(limit: Limit, at: i64) -> AppError {
    limit.refusal(at).unwrap_or(AppError::Internal)
}

fn clamp_secs(secs: i64) -> u32 {
    u32::try_from(secs.max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn attempt() -> Attempt {
        Attempt {
            expires_at: NOW + 300,
            failed_tries: 0,
            consumed: false,
            phone_locked_until: None,
        }
    }

    #[test]
    fn a_first_send_is_allowed() {
        assert_eq!(
            Policy::default().check_send(&SendHistory::default(), Lane::New, NOW),
            Ok(())
        );
    }

    #[test]
    fn cooldown_reports_the_seconds_left_and_ends() {
        let p = Policy::default();
        let h = SendHistory {
            last_sent_to_phone: Some(NOW - 18),
            sent_to_phone_last_hour: 1,
            ..Default::default()
        };
        assert_eq!(
            p.check_send(&h, Lane::Trusted, NOW),
            Err(AppError::ResendCooldown { seconds: 42 })
        );
        assert_eq!(p.check_send(&h, Lane::Trusted, NOW + 42), Ok(()));
        assert_eq!(p.resend_wait(NOW - 18, NOW), 42);
        assert_eq!(p.resend_wait(NOW - 600, NOW), 0);
    }

    #[test]
    fn each_cap_refuses_at_its_number() {
        let p = Policy::default();
        let cases = [
            (
                SendHistory {
                    sent_to_phone_last_hour: 5,
                    ..Default::default()
                },
                AppError::PhoneHourlyCap,
            ),
            (
                SendHistory {
                    sent_from_ip_last_hour: 10,
                    ..Default::default()
                },
                AppError::IpHourlyCap,
            ),
            (
                SendHistory {
                    sent_last_day: 1000,
                    ..Default::default()
                },
                AppError::DailyBudget,
            ),
            (
                SendHistory {
                    phone_locked_until: Some(NOW + 1),
                    ..Default::default()
                },
                AppError::PhoneLocked { until: NOW + 1 },
            ),
        ];
        for (history, expected) in cases {
            assert_eq!(
                p.check_send(&history, Lane::Trusted, NOW),
                Err(expected.clone())
            );
        }
        let below = SendHistory {
            sent_to_phone_last_hour: 4,
            sent_from_ip_last_hour: 9,
            sent_last_day: 999,
            sent_new_last_day: 499,
            phone_locked_until: Some(NOW),
            last_sent_to_phone: Some(NOW - 60),
        };
        assert_eq!(p.check_send(&below, Lane::Trusted, NOW), Ok(()));
        assert_eq!(p.check_send(&below, Lane::New, NOW), Ok(()));
    }

    #[test]
    fn attempts_stop_at_expiry_tries_use_and_lock() {
        let p = Policy::default();
        assert_eq!(p.check_attempt(&attempt(), NOW), Ok(()));
        assert_eq!(p.check_attempt(&attempt(), NOW + 299), Ok(()));
        assert_eq!(
            p.check_attempt(&attempt(), NOW + 300),
            Err(AppError::CodeExpired)
        );
        let tried = Attempt {
            failed_tries: 5,
            ..attempt()
        };
        assert_eq!(p.check_attempt(&tried, NOW), Err(AppError::TooManyTries));
        let used = Attempt {
            consumed: true,
            ..attempt()
        };
        assert_eq!(
            p.check_attempt(&used, NOW),
            Err(AppError::NoPendingVerification)
        );
        let locked = Attempt {
            phone_locked_until: Some(NOW + 100),
            ..attempt()
        };
        assert_eq!(
            p.check_attempt(&locked, NOW),
            Err(AppError::PhoneLocked { until: NOW + 100 })
        );
        assert_eq!(
            p.check_attempt(&locked, NOW + 100),
            Ok(()),
            "the lock has ended"
        );
    }

    #[test]
    fn wrong_guesses_count_down_to_dead() {
        let p = Policy::default();
        assert_eq!(p.wrong_guess(1), AppError::WrongCode { tries_left: 4 });
        assert_eq!(p.wrong_guess(4), AppError::WrongCode { tries_left: 1 });
        assert_eq!(p.wrong_guess(5), AppError::TooManyTries);
        assert_eq!(p.wrong_guess(9), AppError::TooManyTries);
    }

    #[test]
    fn only_allowed_countries() {
        let p = Policy::default();
        assert!(p.country_allowed(7));
        assert!(!p.country_allowed(1));
    }

    fn key<'a>(phone: &'a str, ip: &'a str, at: i64) -> SendKey<'a> {
        SendKey {
            phone,
            allowance: "",
            ip,
            lane: Lane::Trusted,
            at,
        }
    }

    #[test]
    fn sends_in_order_count_the_granted_ones_before_them() {
        let mut p = Policy::default();
        p.limits[Limit::ResendCooldown] = 0;
        p.limits[Limit::SmsPerPhonePerHour] = 2;
        p.limits[Limit::SmsPerIpPerHour] = 2;
        p.limits[Limit::SmsPerDay] = 4;
        let none = SendHistory::default();
        let sends = [
            (&p, key("+1", "a", NOW), none),
            (&p, key("+1", "b", NOW), none),
            // The phone's third: refused, and so not counted against the address.
            (&p, key("+1", "a", NOW), none),
            (&p, key("+2", "a", NOW), none),
            // The address's third.
            (&p, key("+3", "a", NOW), none),
            // The day's fourth, then its fifth.
            (&p, key("+4", "c", NOW), none),
            (&p, key("+5", "d", NOW), none),
        ];
        assert_eq!(
            check_in_order(&sends),
            vec![
                Ok(()),
                Ok(()),
                Err(AppError::PhoneHourlyCap),
                Ok(()),
                Err(AppError::IpHourlyCap),
                Ok(()),
                Err(AppError::DailyBudget),
            ]
        );
    }

    #[test]
    fn a_send_before_counts_only_in_the_windows_it_falls_in() {
        let p = Policy::default();
        let me = key("+1", "a", NOW);
        let counted = |earlier: SendKey| SendHistory::default().counting(&me, &earlier);
        let same_hour = counted(key("+1", "a", NOW - 10));
        assert_eq!(same_hour.last_sent_to_phone, Some(NOW - 10));
        assert_eq!(
            (
                same_hour.sent_to_phone_last_hour,
                same_hour.sent_from_ip_last_hour
            ),
            (1, 1)
        );
        assert_eq!(
            p.check_send(&same_hour, Lane::Trusted, NOW),
            Err(AppError::ResendCooldown { seconds: 50 })
        );
        let hours_ago = counted(key("+1", "a", NOW - 2 * 3600));
        assert_eq!(
            (
                hours_ago.sent_to_phone_last_hour,
                hours_ago.sent_from_ip_last_hour
            ),
            (0, 0)
        );
        assert_eq!(hours_ago.sent_last_day, 1);
        let day_ago = counted(key("+1", "a", NOW - 24 * 3600));
        assert_eq!(day_ago, SendHistory::default());
        // Another allowance of the phone, another address: the day's budget only.
        let other = counted(SendKey {
            allowance: "device",
            ..key("+1", "b", NOW)
        });
        assert_eq!(
            other,
            SendHistory {
                sent_last_day: 1,
                ..SendHistory::default()
            }
        );
    }

    #[test]
    fn new_numbers_spend_only_their_lane_and_trusted_ones_the_whole_budget() {
        let mut p = Policy::default();
        p.limits[Limit::SmsPerDay] = 60;
        assert_eq!(p.new_numbers_lane(), 30, "half by default");
        let spent = SendHistory {
            sent_last_day: 30,
            sent_new_last_day: 30,
            ..Default::default()
        };
        assert_eq!(
            p.check_send(&spent, Lane::New, NOW),
            Err(AppError::NewNumbersBudget)
        );
        assert_eq!(p.check_send(&spent, Lane::Trusted, NOW), Ok(()));
        let all = SendHistory {
            sent_last_day: 60,
            sent_new_last_day: 10,
            ..Default::default()
        };
        assert_eq!(
            p.check_send(&all, Lane::Trusted, NOW),
            Err(AppError::DailyBudget)
        );
        assert_eq!(
            p.check_send(&all, Lane::New, NOW),
            Err(AppError::DailyBudget),
            "the whole budget bounds both lanes"
        );
        p.limits[Limit::NewNumbersShareOfDay] = 0;
        assert_eq!(
            p.check_send(&SendHistory::default(), Lane::New, NOW),
            Err(AppError::NewNumbersBudget),
            "a lane of none: only trusted requests get codes"
        );
        p.limits[Limit::NewNumbersShareOfDay] = 100;
        p.limits[Limit::SmsPerDay] = 100_000_000;
        assert_eq!(p.new_numbers_lane(), 100_000_000);
        p.limits[Limit::SmsPerDay] = 7;
        p.limits[Limit::NewNumbersShareOfDay] = 50;
        assert_eq!(p.new_numbers_lane(), 3, "rounded down");
    }

    #[test]
    fn sends_in_order_count_the_new_numbers_in_their_lane() {
        let mut p = Policy::default();
        p.limits[Limit::SmsPerDay] = 4;
        let none = SendHistory::default();
        let new = |phone| SendKey {
            lane: Lane::New,
            ..key(phone, phone, NOW)
        };
        let sends = [
            (&p, new("+1"), none),
            (&p, new("+2"), none),
            (&p, new("+3"), none),
            (&p, key("+4", "+4", NOW), none),
            (&p, key("+5", "+5", NOW), none),
            (&p, key("+6", "+6", NOW), none),
        ];
        assert_eq!(
            check_in_order(&sends),
            vec![
                Ok(()),
                Ok(()),
                Err(AppError::NewNumbersBudget),
                Ok(()),
                Ok(()),
                Err(AppError::DailyBudget),
            ]
        );
        // A trusted send before counts in the day, not in the lane.
        let counted = none.counting(&new("+7"), &key("+8", "+8", NOW - 5));
        assert_eq!((counted.sent_last_day, counted.sent_new_last_day), (1, 0));
        let counted = none.counting(&new("+7"), &new("+8"));
        assert_eq!((counted.sent_last_day, counted.sent_new_last_day), (1, 1));
    }
}
