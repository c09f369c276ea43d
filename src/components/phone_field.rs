//! The phone field. Once hydrated it formats a Russian number as it is typed
//! (`+7 999 123-45-67`, or `8 999 123-45-67` as typed with an 8), keeping the caret
//! after the same digit. It formats only what is inserted (typed, pasted, filled in
//! by the browser's autofill) and never a deletion, so backspacing over a space or a
//! dash is never undone; a number of another country, or anything that is not a
//! number, is left as it is. Without JavaScript the field takes what it takes: the
//! server normalises every form of a number. Its autofill offers the site's passkeys
//! too (`webauthn`), where the browser supports that.

use leptos::prelude::*;

#[component]
pub fn PhoneField(placeholder: &'static str) -> impl IntoView {
    view! {
        <input
            id="phone"
            name="phone"
            type="tel"
            autocomplete="tel webauthn"
            inputmode="tel"
            required
            maxlength="32"
            placeholder=placeholder
            aria-describedby="phone-hint"
            on:input=reformat
        />
    }
}

/// How a Russian number reads while it is typed: `+7 999 123-45-67` from `+7`, `7`
/// or nothing before the ten digits, `8 999 123-45-67` from an 8. `None` for anything
/// else: another country code, more than eleven digits, characters a number does not
/// have.
pub fn format_as_typed(raw: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    if !raw.chars().all(allowed) {
        return None;
    }
    let trimmed = raw.trim_start();
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let (prefix, rest) = match (trimmed.starts_with('+'), digits.chars().next()) {
        (true, Some('7')) | (false, Some('7')) => ("+7", &digits[1..]),
        (true, _) => return None,
        (false, Some('8')) => ("8", &digits[1..]),
        (false, Some(_)) => ("", &digits[..]),
        (false, None) => return None,
    };
    if rest.len() > 10 {
        return None;
    }
    let mut out = String::from(prefix);
    for (i, digit) in rest.chars().enumerate() {
        match i {
            0 if !prefix.is_empty() => out.push(' '),
            3 => out.push(' '),
            6 | 8 => out.push('-'),
            _ => {}
        }
        out.push(digit);
    }
    Some(out)
}

/// Where the caret goes in `formatted` to stand after its `digits`-th digit (at the
/// start for none).
pub fn caret_after(formatted: &str, digits: usize) -> usize {
    if digits == 0 {
        return 0;
    }
    let mut seen = 0;
    for (at, c) in formatted.char_indices() {
        if c.is_ascii_digit() {
            seen += 1;
            if seen == digits {
                return at + 1;
            }
        }
    }
    formatted.len()
}

#[cfg(feature = "hydrate")]
fn reformat(event: leptos::web_sys::Event) {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{HtmlInputElement, InputEvent};

    let deleting = event
        .dyn_ref::<InputEvent>()
        .is_some_and(|input| input.input_type().starts_with("delete"));
    let Some(field) = event
        .target()
        .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
    else {
        return;
    };
    let value = field.value();
    if deleting {
        return;
    }
    let Some(formatted) = format_as_typed(&value) else {
        return;
    };
    if formatted == value {
        return;
    }
    // The value is ASCII (format_as_typed said so): UTF-16 positions are byte positions.
    let caret = field
        .selection_start()
        .ok()
        .flatten()
        .map_or(value.len(), |at| at as usize);
    let digits_before = value
        .chars()
        .take(caret)
        .filter(char::is_ascii_digit)
        .count();
    field.set_value(&formatted);
    #[allow(clippy::cast_possible_truncation)] // at most 32 characters
    let at = caret_after(&formatted, digits_before) as u32;
    let _ = field.set_selection_range(at, at);
}

/// On the server nothing is typed.
#[cfg(not(feature = "hydrate"))]
fn reformat(_event: leptos::web_sys::Event) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_numbers_read_as_they_are_typed() {
        let cases = [
            ("+", None),
            ("+7", Some("+7")),
            ("+79", Some("+7 9")),
            ("+7999", Some("+7 999")),
            ("+79991", Some("+7 999 1")),
            ("+7999123", Some("+7 999 123")),
            ("+79991234", Some("+7 999 123-4")),
            ("+799912345", Some("+7 999 123-45")),
            ("+7999123456", Some("+7 999 123-45-6")),
            ("+79991234567", Some("+7 999 123-45-67")),
            ("79991234567", Some("+7 999 123-45-67")),
            ("89991234567", Some("8 999 123-45-67")),
            ("8 (999) 123-45-67", Some("8 999 123-45-67")),
            ("999123", Some("999 123")),
            ("+7 999 123-45-67", Some("+7 999 123-45-67")),
            // Another country, too long, not a number: left alone.
            ("+375291234567", None),
            ("+799912345678", None),
            ("call me", None),
            ("", None),
        ];
        for (typed, shown) in cases {
            assert_eq!(format_as_typed(typed).as_deref(), shown, "{typed}");
        }
    }

    #[test]
    fn the_caret_stays_after_its_digit() {
        assert_eq!(caret_after("+7 999 123-45-67", 0), 0);
        assert_eq!(caret_after("+7 999 123-45-67", 1), 2);
        assert_eq!(caret_after("+7 999 123-45-67", 4), 6);
        assert_eq!(caret_after("+7 999 123-45-67", 5), 8);
        assert_eq!(caret_after("+7 999 123-45-67", 11), 16);
        assert_eq!(caret_after("8 999", 9), 5);
    }

    #[test]
    fn formatting_twice_changes_nothing() {
        for typed in ["79991234567", "8999123", "+7999", "99912"] {
            let once = format_as_typed(typed).expect("formats");
            assert_eq!(format_as_typed(&once).as_deref(), Some(once.as_str()));
        }
    }
}
