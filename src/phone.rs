//! Phone numbers as people write them, normalised with libphonenumber's rules.

use phonenumber::{country, Mode, PhoneNumber, Type};

use crate::error::AppError;

/// A valid mobile number in E.164 (`+79991234567`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Parses `8 (999) 123-45-67`, `+7 999 123 45 67`, `79991234567` and the like.
    /// Refuses what is not a valid mobile number, or is one of a country not in `allowed`.
    pub fn parse(input: &str, allowed: &[u16]) -> Result<Phone, AppError> {
        let number = parse_lenient(input)
            .filter(PhoneNumber::is_valid)
            .ok_or(AppError::InvalidPhone)?;
        if !allowed.contains(&number.code().value()) {
            return Err(AppError::CountryNotAllowed);
        }
        let mobile = matches!(
            number.number_type(&phonenumber::metadata::DATABASE),
            Type::Mobile | Type::FixedLineOrMobile
        );
        if !mobile {
            return Err(AppError::InvalidPhone);
        }
        Ok(Phone(number.format().mode(Mode::E164).to_string()))
    }

    /// Wraps a number the store already holds (normalised when it was written).
    pub fn from_stored(e164: String) -> Phone {
        Phone(e164)
    }

    /// `+79991234567`: the form kept in the store.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// `79991234567`: the form Exolve takes as `destination`.
    pub fn digits(&self) -> &str {
        self.0.trim_start_matches('+')
    }

    /// `+7999***4567`: the form for logs and for the screen before sign-in.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 9 {
            return "***".to_owned();
        }
        let head: String = chars[..5].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}***{tail}")
    }

    /// Its country's calling code (`7`); `None` only for a stored number the
    /// numbering plan no longer knows.
    pub fn calling_code(&self) -> Option<u16> {
        phonenumber::parse(None, &self.0).ok().map(|n| n.code().value())
    }

    /// `+7 999 123-45-67`: the owner's own number on the account page.
    pub fn display(&self) -> String {
        phonenumber::parse(None, &self.0)
            .map(|n| n.format().mode(Mode::International).to_string())
            .unwrap_or_else(|_| self.0.clone())
    }
}

impl std::fmt::Display for Phone {
    /// Masked, so that a phone put in a log line by mistake does not leak.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

fn parse_lenient(input: &str) -> Option<PhoneNumber> {
    let trimmed = input.trim();
    if trimmed.is_empty() || trimmed.len() > 32 {
        return None;
    }
    let allowed = |c: char| c.is_ascii_digit() || " ()-.+\u{a0}".contains(c);
    if !trimmed.chars().all(allowed) || trimmed.chars().skip(1).any(|c| c == '+') {
        return None;
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let international = if trimmed.starts_with('+') {
        format!("+{digits}")
    } else if digits.len() == 11 && digits.starts_with('8') {
        // The Russian trunk prefix: 8 999 ... is +7 999 ...
        return phonenumber::parse(Some(country::Id::RU), &digits).ok();
    } else if digits.len() == 10 && digits.starts_with('9') {
        // A Russian mobile written without any prefix.
        format!("+7{digits}")
    } else {
        // Written with the country code but without the plus: 79991234567.
        format!("+{digits}")
    };
    phonenumber::parse(None, international).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RU: &[u16] = &[7];

    #[test]
    fn the_ways_people_write_one_russian_number_agree() {
        for input in [
            "8 (999) 123-45-67",
            "+7 999 123 45 67",
            "79991234567",
            "+79991234567",
            "89991234567",
            "9991234567",
            " +7 (999) 123-45-67 ",
            "8-999-123-45-67",
        ] {
            let phone = Phone::parse(input, RU).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(phone.e164(), "+79991234567", "{input:?}");
            assert_eq!(phone.digits(), "79991234567");
        }
    }

    #[test]
    fn refuses_what_is_not_a_mobile_number() {
        for input in [
            "",
            "   ",
            "123",
            "+7 999 123 45",
            "+7 999 123 45 678",
            "abc",
            "8 800 555-35-35",
            "+7 495 123-45-67",
            "+7 999 123 45 67 ext 5",
            "++79991234567",
            "7999123456７",
            "+7 999 123+45 67",
        ] {
            assert_eq!(
                Phone::parse(input, RU),
                Err(AppError::InvalidPhone),
                "{input:?}"
            );
        }
        let long = "9".repeat(40);
        assert_eq!(Phone::parse(&long, RU), Err(AppError::InvalidPhone));
    }

    #[test]
    fn refuses_countries_not_allowed() {
        assert_eq!(
            Phone::parse("+1 650 253 0000", RU),
            Err(AppError::CountryNotAllowed)
        );
        assert_eq!(
            Phone::parse("+44 7400 123456", RU),
            Err(AppError::CountryNotAllowed)
        );
        let uk = Phone::parse("+44 7400 123456", &[7, 44]);
        assert!(uk.is_ok(), "{uk:?}");
    }

    #[test]
    fn masks_for_logs_and_formats_for_the_owner() {
        let phone = Phone::parse("89991234567", RU).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(phone.masked(), "+7999***4567");
        assert_eq!(phone.to_string(), "+7999***4567");
        assert!(!format!("{phone}").contains("123"));
        assert_eq!(phone.display(), "+7 999 123-45-67");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn any_input_is_parsed_or_refused_without_panic(input in "\\PC{0,40}") {
            if let Ok(phone) = Phone::parse(&input, &[7]) {
                prop_assert!(phone.e164().starts_with("+7"));
                prop_assert_eq!(phone.e164().len(), 12);
            }
        }

        #[test]
        fn separators_do_not_change_the_number(
            rest in "[0-9]{7}",
            separators in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("-")], 10),
            prefix in prop_oneof![Just("+7"), Just("8"), Just("7")],
        ) {
            let digits = format!("999{rest}");
            let written: String = digits
                .chars()
                .zip(separators.iter())
                .map(|(digit, sep)| format!("{sep}{digit}"))
                .collect();
            let phone = Phone::parse(&format!("{prefix}{written}"), &[7]);
            prop_assert_eq!(phone.map(|p| p.e164().to_owned()), Ok(format!("+7{digits}")));
        }
    }
}
