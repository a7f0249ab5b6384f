//! A text in spoken form, as phrases and transcripts are compared: lower case, words only,
//! numbers as they are said ("press 2" is "press two", "$42.10" is "forty two dollars ten
//! cents", "3rd" is "third", "9:30" is "nine thirty", "0042" is "zero zero four two"), fillers
//! left out.

use num2words::{Currency, Num2Words};

/// What a person says without meaning anything by it, and "and", which people and recognisers
/// drop or add freely ("forty two dollars, ten cents").
const FILLERS: &[&str] = &[
    "um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "mm", "mhm", "and",
];

/// `text` in spoken form: lower case, words only, numbers spelt out, fillers left out.
pub fn spoken(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut digits_before = false;
    for raw in text.split_whitespace() {
        let token = raw.to_lowercase();
        // Punctuation at either end, but not inside a number: "$42.10," is "$42.10".
        let token = token
            .trim_start_matches(|c: char| !c.is_alphanumeric() && !"$£€".contains(c))
            .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '%');
        if token.is_empty() {
            continue;
        }
        let read = reading(token, digits_before);
        // A group goes on only across a space: "0042, 12" is a number and then another.
        let pause = raw.ends_with(|c: char| ",.;:!?".contains(c));
        digits_before = !pause
            && read.is_some()
            && token.chars().all(|c| c.is_ascii_digit())
            && (digits_before || read_digit_by_digit(token));
        match read {
            Some(said) => words.extend(said.split_whitespace().map(str::to_owned)),
            None => {
                for part in token.split(|c: char| !c.is_alphanumeric() && c != '\'') {
                    let word: String = part.chars().filter(|c| c.is_alphanumeric()).collect();
                    if word.is_empty() || FILLERS.contains(&word.as_str()) {
                        continue;
                    }
                    match number_words(&word) {
                        Some(said) => words.extend(said.split_whitespace().map(str::to_owned)),
                        None => words.push(word),
                    }
                }
            }
        }
    }
    words.retain(|w| !FILLERS.contains(&w.as_str()));
    words.join(" ")
}

/// How `token` is said when a group of digits read one by one came just before it: "0042 7781"
/// is an account number read digit by digit, group after group, not "seven thousand …".
pub(crate) fn reading(token: &str, digits_before: bool) -> Option<String> {
    if digits_before && token.len() > 1 && token.chars().all(|c| c.is_ascii_digit()) {
        return digit_words(token);
    }
    number_words(token)
}

/// Whether a plain number is one read digit by digit: five digits or more, or a leading zero.
pub(crate) fn read_digit_by_digit(plain: &str) -> bool {
    plain.len() >= 5 || (plain.len() > 1 && plain.starts_with('0'))
}

fn digit_words(plain: &str) -> Option<String> {
    let digits: Option<Vec<String>> = plain
        .chars()
        .map(|d| {
            Num2Words::new(d.to_digit(10)?)
                .to_words()
                .ok()
                .map(|w| w.replace(['-', ','], " "))
        })
        .collect();
    digits.map(|d| d.join(" "))
}

/// A token that is a number, amount, ordinal or time, as it is said; `None` for a word.
pub(crate) fn number_words(token: &str) -> Option<String> {
    let currency = match token.chars().next()? {
        '$' => Some(Currency::DOLLAR),
        '£' => Some(Currency::GBP),
        '€' => Some(Currency::EUR),
        _ => None,
    };
    let body = match currency {
        Some(_) => &token[token.chars().next()?.len_utf8()..],
        None => token,
    };
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let words = |n: Num2Words| n.to_words().ok().map(|w| w.replace(['-', ','], " "));
    if let Some(currency) = currency {
        let amount = body.replace(',', "");
        return words(Num2Words::parse(&amount)?.currency(currency));
    }
    // 9:30 is "nine thirty"; 10:05 "ten oh five".
    if let Some((hours, minutes)) = body.split_once(':') {
        let hours = words(Num2Words::parse(hours)?)?;
        let minutes = match minutes {
            "00" => String::new(),
            m if m.starts_with('0') => format!("oh {}", words(Num2Words::parse(m)?)?),
            m => words(Num2Words::parse(m)?)?,
        };
        return Some(format!("{hours} {minutes}"));
    }
    if let Some(date) = date_words(body) {
        return Some(date);
    }
    for suffix in ["st", "nd", "rd", "th"] {
        if let Some(n) = body.strip_suffix(suffix)
            && n.chars().all(|c| c.is_ascii_digit())
        {
            return words(Num2Words::parse(n)?.ordinal());
        }
    }
    if let Some(n) = body.strip_suffix('%') {
        return Some(format!("{} percent", words(Num2Words::parse(n)?)?));
    }
    let plain = body.replace(',', "");
    if !plain.chars().all(|c| c.is_ascii_digit() || c == '.') {
        // 1-800, 555-0100: each group as it is read.
        if body.contains('-') {
            let groups: Option<Vec<String>> = body.split('-').map(number_words).collect();
            return groups.map(|g| g.join(" "));
        }
        return None;
    }
    // Account and phone numbers are read digit by digit; a leading zero or five digits or
    // more says it is one.
    if !plain.contains('.') && read_digit_by_digit(&plain) {
        return digit_words(&plain);
    }
    words(Num2Words::parse(&plain)?)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A date as it is said: "12/25" is "december twenty fifth", "12/25/2026" and "2026-12-25" add
/// "twenty twenty six". Month first with slashes, as US phone trees write it; a two-digit year
/// is this century's below 70. Anything that is not a real month and day is not a date.
fn date_words(body: &str) -> Option<String> {
    let digits = |part: &str, most: usize| {
        (!part.is_empty() && part.len() <= most && part.chars().all(|c| c.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let parts: Vec<&str> = body.split(['/', '-']).collect();
    let (month, day, year) = match parts[..] {
        [y, m, d] if body.contains('-') && !body.contains('/') && y.len() == 4 => {
            (digits(m, 2)?, digits(d, 2)?, Some(digits(y, 4)?))
        }
        [m, d] if !body.contains('-') => (digits(m, 2)?, digits(d, 2)?, None),
        [m, d, y] if !body.contains('-') && matches!(y.len(), 2 | 4) => {
            let year = match (digits(y, 4)?, y.len()) {
                (yy, 2) if yy < 70 => 2000 + yy,
                (yy, 2) => 1900 + yy,
                (yyyy, _) => yyyy,
            };
            (digits(m, 2)?, digits(d, 2)?, Some(year))
        }
        _ => return None,
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let words = |n: Num2Words| n.to_words().ok().map(|w| w.replace(['-', ','], " "));
    let mut said = format!(
        "{} {}",
        MONTHS[month as usize - 1],
        words(Num2Words::new(day).ordinal())?
    );
    if let Some(year) = year {
        said = format!("{said} {}", words(Num2Words::new(year).year())?);
    }
    Some(said)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_punctuation_and_fillers_do_not_count() {
        assert_eq!(
            spoken("Um, for SUPPORT: press... two!"),
            "for support press two"
        );
        assert_eq!(spoken("You're   all set."), "youre all set");
    }

    #[test]
    fn numbers_are_said_as_words() {
        assert_eq!(spoken("press 2"), "press two");
        assert_eq!(spoken("$42.10"), "forty two dollars ten cents");
        assert_eq!(
            spoken("Your balance is $1,250."),
            "your balance is one thousand two hundred fifty dollars"
        );
        assert_eq!(spoken("the 3rd option"), "the third option");
        assert_eq!(
            spoken("open at 9:30 until 10:05"),
            "open at nine thirty until ten oh five"
        );
        assert_eq!(spoken("account 0042"), "account zero zero four two");
        assert_eq!(
            spoken("account 0042 7781, 12 items"),
            "account zero zero four two seven seven eight one twelve items"
        );
        assert_eq!(
            spoken("call 1-800-555-0100"),
            "call one eight hundred five hundred fifty five zero one zero zero"
        );
        assert_eq!(spoken("forty-two"), "forty two");
        assert_eq!(spoken("50%"), "fifty percent");
    }

    #[test]
    fn dates_are_said_as_dates_and_other_slashes_are_not() {
        assert_eq!(spoken("due on 12/25."), "due on december twenty fifth");
        assert_eq!(
            spoken("born 7/4/1976, moved 2026-03-01"),
            "born july fourth nineteen seventy six moved march first twenty twenty six"
        );
        assert_eq!(spoken("1/2/05"), "january second two thousand five");
        assert_eq!(
            spoken("12/25/99"),
            "december twenty fifth nineteen ninety nine"
        );
        // Not a month and day: read as numbers, as before.
        assert_eq!(spoken("13/25"), "thirteen twenty five");
        assert_eq!(spoken("12/32"), "twelve thirty two");
        assert_eq!(
            spoken("2026-13-01"),
            "two thousand twenty six thirteen zero one"
        );
        assert_eq!(
            spoken("call 555-0100"),
            "call five hundred fifty five zero one zero zero"
        );
    }
}
