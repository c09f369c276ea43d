//! The verification policy: every number of it, and the decisions made from it.

use crate::error::AppError;

const HOUR: i64 = 3600;

/// The policy's numbers. Defaults follow DESIGN.md; each has an env override (see config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Seconds a code stays valid.
    pub code_ttl_secs: i64,
    /// Wrong tries a code survives.
    pub max_tries: u32,
    /// Seconds between two SMS to one phone.
    pub resend_cooldown_secs: i64,
    /// Wrong codes per phone per hour before the phone is locked for an hour.
    pub phone_failures_per_hour: u32,
    pub sms_per_phone_per_hour: u32,
    pub sms_per_ip_per_hour: u32,
    /// SMS across the whole service in the last 24 hours.
    pub sms_per_day: u32,
    /// Country calling codes whose numbers are served.
    pub allowed_countries: Vec<u16>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            code_ttl_secs: 5 * 60,
            max_tries: 5,
            resend_cooldown_secs: 60,
            phone_failures_per_hour: 20,
            sms_per_phone_per_hour: 5,
            sms_per_ip_per_hour: 10,
            sms_per_day: 1000,
            allowed_countries: vec![7],
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
    /// When the phone's lock ends, if its failures of the last hour reached the
    /// limit: an hour after the oldest of the last `phone_failures_per_hour`.
    pub phone_locked_until: Option<i64>,
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

impl Policy {
    pub const WINDOW_HOUR: i64 = HOUR;
    pub const WINDOW_DAY: i64 = 24 * HOUR;

    /// May one more SMS go out? The first limit hit is the answer.
    pub fn check_send(&self, history: &SendHistory, now: i64) -> Result<(), AppError> {
        check_lock(history.phone_locked_until, now)?;
        if let Some(last) = history.last_sent_to_phone {
            let wait = last + self.resend_cooldown_secs - now;
            if wait > 0 {
                return Err(AppError::ResendCooldown {
                    seconds: clamp_secs(wait),
                });
            }
        }
        if history.sent_to_phone_last_hour >= self.sms_per_phone_per_hour {
            return Err(AppError::PhoneHourlyCap);
        }
        if history.sent_from_ip_last_hour >= self.sms_per_ip_per_hour {
            return Err(AppError::IpHourlyCap);
        }
        if history.sent_last_day >= self.sms_per_day {
            return Err(AppError::DailyBudget);
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
        clamp_secs(last_sent + self.resend_cooldown_secs - now)
    }

    pub fn country_allowed(&self, country_code: u16) -> bool {
        self.allowed_countries.contains(&country_code)
    }
}

fn check_lock(locked_until: Option<i64>, now: i64) -> Result<(), AppError> {
    match locked_until {
        Some(until) if until > now => Err(AppError::PhoneLocked { until }),
        _ => Ok(()),
    }
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
            Policy::default().check_send(&SendHistory::default(), NOW),
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
            p.check_send(&h, NOW),
            Err(AppError::ResendCooldown { seconds: 42 })
        );
        assert_eq!(p.check_send(&h, NOW + 42), Ok(()));
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
            assert_eq!(p.check_send(&history, NOW), Err(expected.clone()));
        }
        let below = SendHistory {
            sent_to_phone_last_hour: 4,
            sent_from_ip_last_hour: 9,
            sent_last_day: 999,
            phone_locked_until: Some(NOW),
            last_sent_to_phone: Some(NOW - 60),
        };
        assert_eq!(p.check_send(&below, NOW), Ok(()));
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
}
