//! The policy's limits, in one table: what each counts against, over which window,
//! its default and the environment variable that overrides it, the refusal a
//! person is given, and its name in metrics. Configuration, the decisions, the
//! store's windows and the metrics all read this table; adding a limit starts here.

use std::ops::{Index, IndexMut};

use crate::error::AppError;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// One limit of the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Seconds between two code SMS to one phone, per allowance.
    ResendCooldown,
    /// Code SMS to one phone an hour, per allowance.
    SmsPerPhonePerHour,
    /// Code SMS asked for from one client address (IPv6: its /64) an hour.
    SmsPerIpPerHour,
    /// SMS of the whole service in 24 hours: codes and alerts (the budget).
    SmsPerDay,
    /// The share of the budget, in percent, that codes to new numbers may spend in
    /// 24 hours (their lane); the rest only trusted requests may spend.
    NewNumbersShareOfDay,
    /// Wrong codes per phone an hour, across its codes, per allowance, before the
    /// phone is locked until an hour after the oldest of them.
    PhoneFailuresPerHour,
    /// Passkey ceremonies (sign-ins and additions) one client address may start in
    /// an hour.
    PasskeyStartsPerIpPerHour,
    /// Security SMS (alerts) one account gets in 24 hours.
    AlertsPerAccountPerDay,
    /// Alerts the operator (`OPERATOR_PHONES`) gets in 24 hours, each event once.
    OperatorAlertsPerDay,
    /// Codes to new numbers of one range, in the last hour or day, before the
    /// conversion guard judges it (`otp/guard.rs`).
    GuardMinSends,
    /// The same for a whole country (by calling code).
    GuardCountryMinSends,
    /// The share of those codes, in percent, that must be entered; at or below it
    /// the range or country is challenged.
    GuardConversion,
}

/// What a limit counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A phone number, on one allowance (its shared one, or a known device's own).
    Phone,
    /// A client address (IPv6 by its /64).
    Address,
    /// The whole service.
    Service,
    /// An account.
    Account,
    /// A range of numbers: a number without its last 3 digits.
    Range,
    /// The numbers of one country (calling code), and those of its ranges.
    Country,
}

/// A limit's row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub scope: Scope,
    /// How far back it counts, in seconds; `None` for the cooldown, whose value is
    /// itself the time.
    pub window_secs: Option<i64>,
    pub default: u32,
    /// The values the variable may take.
    pub min: u32,
    pub max: u32,
    /// The environment variable that overrides the default.
    pub var: &'static str,
    /// Its name in metrics (`sms_auth_rate_limited_total{limit}`) and logs.
    pub label: &'static str,
}

impl Limit {
    pub const ALL: [Limit; 12] = [
        Limit::ResendCooldown,
        Limit::SmsPerPhonePerHour,
        Limit::SmsPerIpPerHour,
        Limit::SmsPerDay,
        Limit::NewNumbersShareOfDay,
        Limit::PhoneFailuresPerHour,
        Limit::PasskeyStartsPerIpPerHour,
        Limit::AlertsPerAccountPerDay,
        Limit::OperatorAlertsPerDay,
        Limit::GuardMinSends,
        Limit::GuardCountryMinSends,
        Limit::GuardConversion,
    ];

    /// The table.
    pub const fn spec(self) -> Spec {
        const fn row(
            scope: Scope,
            window_secs: Option<i64>,
            (default, min, max): (u32, u32, u32),
            var: &'static str,
            label: &'static str,
        ) -> Spec {
            Spec {
                scope,
                window_secs,
                default,
                min,
                max,
                var,
                label,
            }
        }
        use Scope::*;
        match self {
            Limit::ResendCooldown => row(
                Phone,
                None,
                (60, 0, 3600),
                "OTP_RESEND_COOLDOWN_SECS",
                "resend_cooldown",
            ),
            Limit::SmsPerPhonePerHour => row(
                Phone,
                Some(HOUR),
                (5, 1, 100_000),
                "LIMIT_SMS_PER_PHONE_PER_HOUR",
                "sms_per_phone_per_hour",
            ),
            Limit::SmsPerIpPerHour => row(
                Address,
                Some(HOUR),
                (10, 1, 1_000_000),
                "LIMIT_SMS_PER_IP_PER_HOUR",
                "sms_per_ip_per_hour",
            ),
            Limit::SmsPerDay => row(
                Service,
                Some(DAY),
                (1000, 0, 100_000_000),
                "LIMIT_SMS_PER_DAY",
                "sms_per_day",
            ),
            Limit::NewNumbersShareOfDay => row(
                Service,
                Some(DAY),
                (50, 0, 100),
                "LIMIT_SMS_NEW_NUMBERS_PERCENT",
                "sms_new_numbers_per_day",
            ),
            Limit::PhoneFailuresPerHour => row(
                Phone,
                Some(HOUR),
                (20, 1, 100_000),
                "LIMIT_PHONE_FAILURES_PER_HOUR",
                "phone_failures_per_hour",
            ),
            Limit::PasskeyStartsPerIpPerHour => row(
                Address,
                Some(HOUR),
                (300, 1, 1_000_000),
                "LIMIT_PASSKEY_STARTS_PER_IP_PER_HOUR",
                "passkey_starts_per_ip_per_hour",
            ),
            Limit::AlertsPerAccountPerDay => row(
                Account,
                Some(DAY),
                (3, 0, 1000),
                "LIMIT_ALERTS_PER_ACCOUNT_PER_DAY",
                "alerts_per_account_per_day",
            ),
            Limit::OperatorAlertsPerDay => row(
                Service,
                Some(DAY),
                (5, 0, 100),
                "LIMIT_OPERATOR_ALERTS_PER_DAY",
                "operator_alerts_per_day",
            ),
            Limit::GuardMinSends => row(
                Range,
                Some(DAY),
                (10, 1, 100_000_000),
                "GUARD_MIN_SENDS",
                "guard_range_min_sends",
            ),
            Limit::GuardCountryMinSends => row(
                Country,
                Some(DAY),
                (100, 1, 100_000_000),
                "GUARD_COUNTRY_MIN_SENDS",
                "guard_country_min_sends",
            ),
            Limit::GuardConversion => row(
                Range,
                Some(DAY),
                (35, 0, 100),
                "GUARD_CONVERSION",
                "guard_conversion",
            ),
        }
    }

    /// How far back the limit counts, in seconds. The cooldown, whose value is its own
    /// time, looks back as far as its longest allowed value: a configured cooldown
    /// never reaches past it.
    pub const fn window_secs(self) -> i64 {
        let spec = self.spec();
        match spec.window_secs {
            Some(secs) => secs,
            None => spec.max as i64,
        }
    }

    /// What a person asking past this limit is told. `at`: the seconds to wait for
    /// the cooldown, the lock's end for the failures; unused by the others. `None`:
    /// the limit refuses nobody in person (an alert not sent, a challenge asked
    /// for instead).
    pub fn refusal(self, at: i64) -> Option<AppError> {
        Some(match self {
            Limit::ResendCooldown => AppError::ResendCooldown {
                seconds: u32::try_from(at.max(0)).unwrap_or(u32::MAX),
            },
            Limit::SmsPerPhonePerHour => AppError::PhoneHourlyCap,
            Limit::SmsPerIpPerHour | Limit::PasskeyStartsPerIpPerHour => AppError::IpHourlyCap,
            Limit::SmsPerDay => AppError::DailyBudget,
            Limit::NewNumbersShareOfDay => AppError::NewNumbersBudget,
            Limit::PhoneFailuresPerHour => AppError::PhoneLocked { until: at },
            Limit::AlertsPerAccountPerDay
            | Limit::OperatorAlertsPerDay
            | Limit::GuardMinSends
            | Limit::GuardCountryMinSends
            | Limit::GuardConversion => return None,
        })
    }

    /// The limit of a code request's refusal `error`, if a limit refused it.
    pub fn of_refusal(error: &AppError) -> Option<Limit> {
        Limit::ALL.into_iter().find(|limit| {
            limit.refusal(0).is_some_and(|refusal| {
                std::mem::discriminant(&refusal) == std::mem::discriminant(error)
            })
        })
    }

    const fn index(self) -> usize {
        self as usize
    }
}

/// A value for every limit: the table's defaults, or what the configuration says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits([u32; Limit::ALL.len()]);

impl Default for Limits {
    fn default() -> Self {
        Self(Limit::ALL.map(|limit| limit.spec().default))
    }
}

impl Index<Limit> for Limits {
    type Output = u32;

    fn index(&self, limit: Limit) -> &u32 {
        &self.0[limit.index()]
    }
}

impl IndexMut<Limit> for Limits {
    fn index_mut(&mut self, limit: Limit) -> &mut u32 {
        &mut self.0[limit.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_limit_once_in_its_order() {
        for (place, limit) in Limit::ALL.into_iter().enumerate() {
            assert_eq!(limit.index(), place);
            let spec = limit.spec();
            assert!(
                spec.min <= spec.default && spec.default <= spec.max,
                "{limit:?}"
            );
        }
        let vars: std::collections::HashSet<_> = Limit::ALL.map(|l| l.spec().var).into();
        let labels: std::collections::HashSet<_> = Limit::ALL.map(|l| l.spec().label).into();
        assert_eq!(
            (vars.len(), labels.len()),
            (Limit::ALL.len(), Limit::ALL.len())
        );
    }

    #[test]
    fn a_refusal_names_its_limit() {
        assert_eq!(
            Limit::of_refusal(&AppError::ResendCooldown { seconds: 3 }),
            Some(Limit::ResendCooldown)
        );
        assert_eq!(
            Limit::of_refusal(&AppError::PhoneLocked { until: 9 }),
            Some(Limit::PhoneFailuresPerHour)
        );
        assert_eq!(
            Limit::of_refusal(&AppError::IpHourlyCap),
            Some(Limit::SmsPerIpPerHour)
        );
        assert_eq!(
            Limit::of_refusal(&AppError::DailyBudget),
            Some(Limit::SmsPerDay)
        );
        assert_eq!(
            Limit::of_refusal(&AppError::NewNumbersBudget),
            Some(Limit::NewNumbersShareOfDay)
        );
        assert_eq!(Limit::of_refusal(&AppError::InvalidPhone), None);
    }

    #[test]
    fn every_variable_is_documented() {
        let docs = include_str!("../../docs/configuration.md");
        for limit in Limit::ALL {
            let spec = limit.spec();
            let row = format!("| `{}` | `{}` |", spec.var, spec.default);
            assert!(
                docs.contains(&row),
                "docs/configuration.md lacks the row {row}"
            );
        }
    }
}
