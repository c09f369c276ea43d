//! SMS texts: what a segment holds, and the code and alert messages composed to fit.
//!
//! A text all of whose characters are in the GSM 03.38 alphabet goes as GSM-7: 160
//! characters in one segment (153 in each of several), a character of the extension
//! table counting two. Anything else goes as UCS-2: 70 UTF-16 units in one segment,
//! 67 in each of several. Russian is always UCS-2; English texts are folded into
//! GSM-7 (a country like "Côte d’Ivoire" would otherwise make the whole SMS UCS-2).

use crate::i18n::{Lang, Texts};

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// How many segments `text` takes.
pub fn segments(text: &str) -> usize {
    let gsm_units: Option<usize> = text
        .chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    let (units, single, each) = match gsm_units {
        Some(units) => (units, 160, 153),
        None => (text.encode_utf16().count(), 70, 67),
    };
    if units <= single {
        1
    } else {
        units.div_ceil(each)
    }
}

/// `text` in the GSM-7 alphabet: accented Latin letters lose their accent, typographic
/// quotes and dashes become plain ones, anything else becomes `?`.
pub fn to_gsm7(text: &str) -> String {
    text.chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) || GSM7_EXTENSION.contains(c) {
                return c.to_string();
            }
            let plain = match c {
                'á' | 'â' | 'ã' | 'ā' | 'ă' | 'ą' => "a",
                'Á' | 'Â' | 'Ã' | 'À' | 'Ā' => "A",
                'ç' | 'ć' | 'č' => "c",
                'Č' | 'Ć' => "C",
                'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
                'Ê' | 'Ë' | 'È' => "E",
                'í' | 'î' | 'ï' | 'ī' => "i",
                'Í' | 'Î' | 'Ï' | 'İ' => "I",
                'ó' | 'ô' | 'õ' | 'ō' | 'ő' => "o",
                'Ó' | 'Ô' | 'Õ' | 'Ò' => "O",
                'ú' | 'û' | 'ū' | 'ů' => "u",
                'Ú' | 'Û' | 'Ù' => "U",
                'ý' | 'ÿ' => "y",
                'ñ' | 'ń' | 'ň' => "n",
                'š' | 'ś' | 'ş' => "s",
                'Š' | 'Ś' | 'Ş' => "S",
                'ž' | 'ź' | 'ż' => "z",
                'Ž' => "Z",
                'ł' => "l",
                'Ł' => "L",
                'ř' => "r",
                '’' | '‘' | '`' | '´' => "'",
                '“' | '”' => "\"",
                '–' | '—' | '‑' => "-",
                '…' => "...",
                '\u{a0}' => " ",
                _ => "?",
            };
            plain.to_owned()
        })
        .collect()
}

/// What a text of `lang` must fit in: one segment, except for Russian texts that
/// carry a device or a country. A Russian SMS is UCS-2, 70 characters: the alert's
/// own words and a 24-character host leave no room in one for a device, a country
/// and a time, nor a code's warning for a country name; those take two.
fn budget(lang: Lang, names_a_place: bool) -> usize {
    match lang {
        Lang::Ru if names_a_place => 2,
        _ => 1,
    }
}

/// Builds `compose(fields)` so that it fits `max_segments`: while it does not, the
/// longest field loses characters from its end (marked with a `.`). Fixed words are
/// never cut; the segment test below shows they always leave room.
fn fit(fields: Vec<String>, max_segments: usize, compose: impl Fn(&[String]) -> String) -> String {
    let mut fields = fields;
    loop {
        let text = compose(&fields);
        if segments(&text) <= max_segments {
            return text;
        }
        let Some(longest) = fields
            .iter_mut()
            .filter(|f| f.chars().count() > 3)
            .max_by_key(|f| f.chars().count())
        else {
            return text;
        };
        let keep = longest.chars().count() - 2;
        let cut: String = longest.chars().take(keep).collect();
        *longest = cut.trim_end_matches([' ', ',', '.', '-']).to_owned() + ".";
    }
}

fn for_lang(lang: Lang, text: String) -> String {
    match lang {
        Lang::Ru => text,
        Lang::En => to_gsm7(&text),
    }
}

/// The code SMS: the code, never to be told to anyone, the country it was asked
/// from when the account has not signed in from there, and the WebOTP line
/// `@host #code` last, which lets the browser offer the code itself.
pub fn code_sms(lang: Lang, code: &str, host: &str, country: Option<&str>) -> String {
    let texts: &Texts = lang.texts();
    let webotp = format!("\n@{host} #{code}");
    match country {
        None => for_lang(lang, texts.sms_code.replace("{code}", code) + &webotp),
        Some(country) => fit(vec![country.to_owned()], budget(lang, true), |fields| {
            let text = texts
                .sms_code_from
                .replace("{code}", code)
                .replace("{country}", &fields[0]);
            for_lang(lang, text + &webotp)
        }),
    }
}

/// What an alert to the owner tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A sign-in from a new device or country.
    NewSignIn,
    PasskeyAdded,
    PasskeyRemoved,
}

impl Notice {
    pub const ALL: [Notice; 3] = [Notice::NewSignIn, Notice::PasskeyAdded, Notice::PasskeyRemoved];

    fn template(self, texts: &Texts) -> &'static str {
        match self {
            Notice::NewSignIn => texts.sms_alert,
            Notice::PasskeyAdded => texts.sms_passkey_added,
            Notice::PasskeyRemoved => texts.sms_passkey_removed,
        }
    }
}

/// An alert to the owner: what happened on the site, with the device (or the
/// passkey's name), the country (when known) and the time in the language's zone;
/// no link.
pub fn alert_sms(
    lang: Lang,
    notice: Notice,
    host: &str,
    device: &str,
    country: Option<&str>,
    at: i64,
) -> String {
    let texts = lang.texts();
    let device = if device.is_empty() {
        texts.unknown_device
    } else {
        device
    };
    let mut fields = vec![device.to_owned()];
    fields.extend(country.map(str::to_owned));
    let time = texts.sms_time(at);
    fit(fields, budget(lang, true), |fields| {
        let details = fields
            .iter()
            .map(String::as_str)
            .chain([time.as_str()])
            .collect::<Vec<_>>()
            .join(", ");
        for_lang(
            lang,
            notice
                .template(texts)
                .replace("{host}", host)
                .replace("{details}", &details),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_counted_as_operators_count_them() {
        assert_eq!(segments(&"a".repeat(160)), 1);
        assert_eq!(segments(&"a".repeat(161)), 2);
        assert_eq!(segments(&"a".repeat(306)), 2);
        assert_eq!(segments(&"a".repeat(307)), 3);
        assert_eq!(segments(&"[".repeat(80)), 1);
        assert_eq!(segments(&"[".repeat(81)), 2);
        assert_eq!(segments(&"я".repeat(70)), 1);
        assert_eq!(segments(&"я".repeat(71)), 2);
        assert_eq!(segments(&"я".repeat(134)), 2);
        assert_eq!(segments(&"я".repeat(135)), 3);
        // One non-GSM character makes the whole text UCS-2.
        assert_eq!(segments(&format!("{}ô", "a".repeat(70))), 2);
    }

    #[test]
    fn english_texts_stay_in_gsm7() {
        assert_eq!(to_gsm7("Côte d’Ivoire"), "Cote d'Ivoire");
        assert_eq!(to_gsm7("Curaçao — São Tomé"), "Curacao - Sao Tomé");
        assert_eq!(to_gsm7("Åland → x"), "Åland ? x");
    }

    /// The longest names a text can carry: every country in both languages, the
    /// longest device names the user-agent summary gives, a 24-character host.
    #[test]
    fn every_sms_fits_its_segments() {
        let host = "a".repeat(20) + ".com";
        assert_eq!(host.len(), 24);
        let devices = ["Samsung Internet, Android", "Yandex Browser, Windows", "Chrome, iPadOS", ""];
        let codes = ["000000", "123456", "999999"];
        // November, September and December: the longest month names.
        let times = [1_795_733_760, 1_788_000_000, 1_798_761_540];
        for lang in Lang::ALL {
            for code in codes {
                let text = code_sms(lang, code, &host, None);
                assert_eq!(segments(&text), 1, "{text}");
                assert!(text.ends_with(&format!("\n@{host} #{code}")), "{text}");
                for country in crate::i18n::all_country_names(lang) {
                    let text = code_sms(lang, code, &host, Some(country));
                    assert!(segments(&text) <= budget(lang, true), "{text}");
                    assert!(text.ends_with(&format!("\n@{host} #{code}")), "{text}");
                    assert!(text.contains(code));
                }
            }
            for device in devices {
                for at in times {
                    for country in crate::i18n::all_country_names(lang)
                        .into_iter()
                        .map(Some)
                        .chain([None])
                    {
                        for notice in Notice::ALL {
                            let text = alert_sms(lang, notice, &host, device, country, at);
                            assert!(segments(&text) <= budget(lang, true), "{text}");
                            assert!(!text.contains("http") && !text.contains('/'), "no link: {text}");
                            assert!(text.contains(&host), "{text}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn long_names_are_cut_at_a_word_character() {
        let text = alert_sms(
            Lang::Ru,
            Notice::NewSignIn,
            "auth.example.ru",
            "Samsung Internet, Android",
            Lang::Ru.country_name("IO"),
            1_798_761_540,
        );
        assert_eq!(segments(&text), 2);
        assert!(!text.contains(",.") && !text.contains(" ."), "{text}");
    }

    #[test]
    fn short_names_are_not_cut() {
        let text = alert_sms(
            Lang::En,
            Notice::NewSignIn,
            "auth.example.ru",
            "Chrome, Android",
            Some("Germany"),
            1_795_647_360,
        );
        assert_eq!(
            text,
            "New sign-in to auth.example.ru: Chrome, Android, Germany, 25 November, 22:56 UTC. \
             Not you? Open the site yourself: Account > Sessions"
        );
        assert_eq!(segments(&text), 1);
        let text = code_sms(Lang::Ru, "123456", "auth.example.ru", Some("Германия"));
        assert_eq!(
            text,
            "Код 123456. Никому его не сообщайте! Запрошен из: Германия\n@auth.example.ru #123456"
        );
        let text = code_sms(Lang::Ru, "123456", "auth.example.ru", None);
        assert_eq!(text, "Код 123456. Никому его не сообщайте\n@auth.example.ru #123456");
        assert_eq!(segments(&text), 1);
    }
}
