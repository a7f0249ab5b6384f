//! Whether a phrase was said, as a person would judge it: case, punctuation and filler words do
//! not count; numbers match as digits or words ("press 2" is "press two", "$42.10" is "forty
//! two dollars and ten cents"); and small recognition errors are forgiven up to a similarity.
//!
//! Both the phrase and the transcript are put in one spoken form (words, numbers spelt out),
//! then the phrase is looked for anywhere in the transcript by edit distance over characters,
//! aligned on word boundaries: similarity = 1 - edits / the phrase's length.

use num2words::{Currency, Num2Words};

/// The similarity a phrase needs by default, chosen by measurement on the test prompts
/// (`scripts/speech-eval`, README: Speech).
pub const DEFAULT_SIMILARITY: f64 = 0.65;

/// What a person says without meaning anything by it, and "and", which people and recognisers
/// drop or add freely ("forty two dollars, ten cents").
const FILLERS: &[&str] = &[
    "um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "mm", "mhm", "and",
];

/// Where the phrase was found in a transcript, and how closely.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub similarity: f64,
    /// The transcript's words that matched, in spoken form.
    pub heard: String,
}

/// `text` in spoken form: lower case, words only, numbers spelt out, fillers left out.
pub fn spoken(text: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for raw in text.split_whitespace() {
        let token = raw.to_lowercase();
        // Punctuation at either end, but not inside a number: "$42.10," is "$42.10".
        let token = token
            .trim_start_matches(|c: char| !c.is_alphanumeric() && !"$£€".contains(c))
            .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '%');
        if token.is_empty() {
            continue;
        }
        match number_words(token) {
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

/// A token that is a number, amount, ordinal or time, as it is said; `None` for a word.
fn number_words(token: &str) -> Option<String> {
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
    if !plain.contains('.') && (plain.len() >= 5 || (plain.len() > 1 && plain.starts_with('0'))) {
        let digits: Option<Vec<String>> = plain
            .chars()
            .map(|d| words(Num2Words::new(d.to_digit(10)?)))
            .collect();
        return digits.map(|d| d.join(" "));
    }
    words(Num2Words::parse(&plain)?)
}

/// Looks for `phrase` in `transcript`; `None` when it is not there at `similarity`.
pub fn find(phrase: &str, transcript: &str, similarity: f64) -> Option<Found> {
    let best = closest(phrase, transcript)?;
    (best.similarity >= similarity).then_some(best)
}

/// The closest the transcript comes to the phrase, however far.
pub fn closest(phrase: &str, transcript: &str) -> Option<Found> {
    let pattern: Vec<char> = format!(" {} ", spoken(phrase)).chars().collect();
    let text: Vec<char> = format!(" {} ", spoken(transcript)).chars().collect();
    if pattern.len() <= 2 {
        return None;
    }
    // Sellers' algorithm: edit distance of the pattern to the best substring of the text
    // ending at each position; starting anywhere is free. In half edits: a space missing or
    // added ("call back", "callback") is half an edit.
    let gap = |c: char| if c == ' ' { 1 } else { 2 };
    let m = pattern.len();
    let mut column: Vec<(usize, usize)> = Vec::with_capacity(m + 1);
    column.push((0, 0));
    for i in 1..=m {
        column.push((column[i - 1].0 + gap(pattern[i - 1]), 0));
    }
    let mut best = (usize::MAX, 0, 0);
    // A match begins and ends at a word's edge: "glish stay on the line" is not "please stay on
    // the line" heard.
    const NEVER: usize = usize::MAX / 4;
    for (j, &t) in text.iter().enumerate() {
        let mut previous = column[0];
        // Row 0 is where a match may start: before a space.
        let edge = text.get(j + 1) == Some(&' ');
        column[0] = (if edge { 0 } else { NEVER }, j + 1);
        for i in 1..=m {
            let p = pattern[i - 1];
            let substitute = (previous.0 + if p == t { 0 } else { 2 }, previous.1);
            let delete = (column[i].0 + gap(t), column[i].1);
            let insert = (column[i - 1].0 + gap(p), column[i - 1].1);
            previous = column[i];
            column[i] = [substitute, delete, insert]
                .into_iter()
                .min_by_key(|c| c.0)
                .unwrap_or(substitute);
        }
        if t == ' ' && column[m].0 < best.0 {
            best = (column[m].0, column[m].1, j + 1);
        }
    }
    let (edits, start, end) = best;
    if edits >= NEVER {
        return None;
    }
    let heard: String = text[start.min(end)..end].iter().collect();
    // The spaces added at either end are not the phrase's length.
    let length = (m - 2) as f64;
    Some(Found {
        similarity: (1.0 - edits as f64 / 2.0 / length).max(0.0),
        heard: heard.trim().to_owned(),
    })
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
            spoken("call 1-800-555-0100"),
            "call one eight hundred five hundred fifty five zero one zero zero"
        );
        assert_eq!(spoken("forty-two"), "forty two");
        assert_eq!(spoken("50%"), "fifty percent");
    }

    #[test]
    fn digits_and_words_match_each_other() {
        let found = find("press 2", "For support, press two.", DEFAULT_SIMILARITY).unwrap();
        assert_eq!(found.similarity, 1.0);
        assert_eq!(found.heard, "press two");
        assert!(
            find(
                "your balance is $42.10",
                "Your balance is forty two dollars and ten cents",
                0.95
            )
            .is_some()
        );
    }

    #[test]
    fn small_recognition_errors_are_forgiven_and_other_prompts_are_not_found() {
        let found = find(
            "for billing press three",
            "for billin, press tree",
            DEFAULT_SIMILARITY,
        )
        .unwrap();
        assert!(
            found.similarity > 0.85 && found.similarity < 1.0,
            "{found:?}"
        );
        assert!(
            find(
                "press two for sales",
                "for billing press three",
                DEFAULT_SIMILARITY
            )
            .is_none()
        );
        // Not inside another word.
        assert!(find("two", "a network", DEFAULT_SIMILARITY).is_none());
    }

    #[test]
    fn a_space_more_or_less_is_half_an_edit() {
        let found = closest("receive a call back", "press one to receive a callback").unwrap();
        assert!(
            (found.similarity - (1.0 - 0.5 / 19.0)).abs() < 1e-9,
            "{found:?}"
        );
    }

    #[test]
    fn the_closest_says_what_was_heard_when_it_is_not_close_enough() {
        let near = closest("press two for sales", "for billing press three").unwrap();
        assert!(near.similarity < DEFAULT_SIMILARITY);
        assert!(near.heard.contains("press"), "{near:?}");
        assert_eq!(closest("", "anything"), None);
    }
}
