//! Whether a phrase was said, as a person would judge it: case, punctuation and filler words do
//! not count; numbers match as digits or words ("press 2" is "press two", "$42.10" is "forty
//! two dollars and ten cents").
//!
//! Both the phrase and the transcript are put in one spoken form (words, numbers spelt out),
//! then the phrase is matched word by word, in order, anywhere in the transcript:
//!
//! - a number is the whole point of a menu, so a number word matches only the same number (or a
//!   word recognisers write for it right after the phrase's word before it: "press to" for press
//!   two, "for" for four, "won" for one, "ate" for eight), and no other number may stand inside
//!   the match;
//! - the words at the phrase's edges must be heard (at most half their letters wrong; one short
//!   word at an edge, not a number, may be one the recogniser dropped), so a prompt cut at a comma
//!   is not the prompt heard: its end has not been said yet;
//! - other words forgive small recognition errors, letter by letter, and a word the recogniser
//!   dropped costs its letters; a space more or less ("call back", "callback") is half an edit.
//!
//! similarity = 1 - edits / the phrase's length in letters.

use num2words::{Currency, Num2Words};

/// The similarity a phrase needs by default, chosen by measurement on the test prompts
/// (`scripts/speech-eval`, README: Speech).
pub const DEFAULT_SIMILARITY: f64 = 0.65;

/// What a person says without meaning anything by it, and "and", which people and recognisers
/// drop or add freely ("forty two dollars, ten cents").
const FILLERS: &[&str] = &[
    "um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "mm", "mhm", "and",
];

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

/// Number words: each matches only itself (or a word written for it, `SOUNDS_LIKE`). "second" is
/// not one of them: it is as often a length of time.
const NUMBERS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "billion",
    "first",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
    "hundredth",
    "thousandth",
];

/// Words a recogniser writes for a number it heard: the same sound, another spelling.
const SOUNDS_LIKE: &[(&str, &str)] = &[
    ("to", "two"),
    ("too", "two"),
    ("for", "four"),
    ("fore", "four"),
    ("won", "one"),
    ("ate", "eight"),
    ("tree", "three"),
    ("oh", "zero"),
    ("o", "zero"),
];

fn is_number(word: &str) -> bool {
    NUMBERS.contains(&word)
}

/// The number a word says, or may stand for.
fn says(word: &str) -> &str {
    SOUNDS_LIKE
        .iter()
        .find(|(like, _)| *like == word)
        .map_or(word, |(_, number)| number)
}

/// Where the phrase was found in a transcript, and how closely.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub similarity: f64,
    /// The transcript's words that matched, in spoken form.
    pub heard: String,
    /// The phrase's words that were not heard.
    pub missing: Vec<String>,
    /// Numbers heard where the phrase has others: (the phrase's, the transcript's). A match
    /// (`find`) never has any; the closest miss (`closest`) may.
    pub other_numbers: Vec<(String, String)>,
}

impl Found {
    /// What was heard, and what of the phrase was not: `"press two" (100% alike)`.
    pub fn describe(&self) -> String {
        let mut told = format!(
            "\"{}\" ({:.0}% alike",
            self.heard,
            (self.similarity * 100.0).floor()
        );
        for (wanted, heard) in &self.other_numbers {
            told.push_str(&format!("; \"{heard}\" where the phrase has \"{wanted}\""));
        }
        if !self.missing.is_empty() {
            told.push_str(&format!("; not heard: \"{}\"", self.missing.join(" ")));
        }
        told.push(')');
        told
    }
}

/// Looks for `phrase` in `transcript`; `None` when it is not there at `similarity`, when a
/// number differs, or when the phrase's last word was not heard.
pub fn find(phrase: &str, transcript: &str, similarity: f64) -> Option<Found> {
    let best = align(phrase, transcript, Rules::Strict)?;
    (best.similarity >= similarity).then_some(best)
}

/// The closest the transcript comes to the phrase, however far, other numbers and a missing
/// last word allowed: what a failing step says it heard instead.
pub fn closest(phrase: &str, transcript: &str) -> Option<Found> {
    align(phrase, transcript, Rules::Loose)
}

#[derive(Clone, Copy, PartialEq)]
enum Rules {
    /// What a match is: numbers exactly, the last word heard.
    Strict,
    /// Anything, at a price: for saying how near a miss came.
    Loose,
}

/// How the alignment reached a cell, for reading it back.
#[derive(Clone, Copy)]
enum Move {
    Start,
    /// A phrase word heard as a transcript word.
    Heard,
    /// A number heard as a word written for it ("to" for two), with the phrase's word before it
    /// heard too.
    HeardAfter,
    /// A phrase word not heard.
    Missing,
    /// A transcript word inside the match that is not the phrase's.
    Extra,
    /// Two phrase words heard as one ("call back", "callback").
    Joined,
    /// A phrase word heard as two.
    Split,
}

const NEVER: usize = usize::MAX / 4;

/// The longest word at a phrase's edge that may go unheard.
const SHORT: usize = 5;

/// The best cost of matching the phrase's first `i` words with the transcript's words up to `j`
/// (in half edits), and how: `any` however the `i`-th word went, `heard` with it heard.
struct Table {
    any: Vec<Vec<(usize, Move)>>,
    heard: Vec<Vec<(usize, Move)>>,
}

/// The phrase's best alignment with some stretch of the transcript, in half edits: each letter
/// added, dropped or changed is two, a space one.
///
/// Strictly, a number is heard only as itself, or as a word written for it right after the
/// phrase's word before it; no other number stands inside the match; and of the words at
/// either edge, at most one short one (not a number, nor the word before one) may go unheard, its
/// neighbour heard, so that the match is where the phrase was said from its start to its end.
fn align(phrase: &str, transcript: &str, rules: Rules) -> Option<Found> {
    let phrase = spoken(phrase);
    let transcript = spoken(transcript);
    let p: Vec<&str> = phrase.split_whitespace().collect();
    let t: Vec<&str> = transcript.split_whitespace().collect();
    let (m, n) = (p.len(), t.len());
    if m == 0 {
        return None;
    }
    let strict = rules == Rules::Strict;
    let letters = |word: &str| word.chars().count();
    let dropped = |word: &str| 2 * letters(word) + 1;
    // A word heard as another: numbers only as themselves (strictly), the rest letter by letter.
    let heard_as = |wanted: &str, heard: &str| -> usize {
        if is_number(wanted) || is_number(heard) {
            if wanted == heard || (says(wanted) == says(heard) && !strict) {
                0
            } else if says(wanted) == says(heard) {
                // A word written for a number: only after the word before it (`HeardAfter`).
                NEVER
            } else if strict {
                NEVER
            } else {
                2 * letters(wanted).max(letters(heard))
            }
        } else {
            edits(wanted, heard)
        }
    };
    let plain = |words: &[&str]| !strict || !words.iter().any(|w| is_number(w));
    // A word at either edge is heard only with at most half its letters wrong.
    let edge = |i: usize| strict && (i == 1 || i == m);
    let close = |cost: usize, word: &str| cost <= letters(word);

    let mut table = Table {
        any: vec![vec![(NEVER, Move::Start); n + 1]; m + 1],
        heard: vec![vec![(NEVER, Move::Start); n + 1]; m + 1],
    };
    for j in 0..=n {
        table.any[0][j] = (0, Move::Start);
        table.heard[0][j] = (0, Move::Start);
        for i in 1..=m {
            let word = p[i - 1];
            let mut heard = (NEVER, Move::Start);
            let consider = |best: &mut (usize, Move), c: usize, how: Move| {
                if c < best.0 {
                    *best = (c.min(NEVER), how);
                }
            };
            if j >= 1 {
                let said = t[j - 1];
                let c = heard_as(word, said);
                if c < NEVER && (!edge(i) || close(c, word)) {
                    consider(
                        &mut heard,
                        table.any[i - 1][j - 1].0.saturating_add(c),
                        Move::Heard,
                    );
                }
                if strict && i >= 2 && j >= 2 && word != said && says(word) == says(said) {
                    let before = edits(p[i - 2], t[j - 2]);
                    if close(before, p[i - 2]) && plain(&[p[i - 2], t[j - 2]]) {
                        let c = table.any[i - 2][j - 2].0.saturating_add(before);
                        consider(&mut heard, c, Move::HeardAfter);
                    }
                }
                if i >= 2 && plain(&[p[i - 2], word, said]) {
                    let c = edits(&format!("{} {word}", p[i - 2]), said);
                    let shorter = if letters(word) < letters(p[i - 2]) {
                        word
                    } else {
                        p[i - 2]
                    };
                    if !(edge(i) || edge(i - 1)) || close(c, shorter) {
                        consider(
                            &mut heard,
                            table.any[i - 2][j - 1].0.saturating_add(c),
                            Move::Joined,
                        );
                    }
                }
            }
            if j >= 2 && plain(&[word, t[j - 2], t[j - 1]]) {
                let c = edits(word, &format!("{} {}", t[j - 2], t[j - 1]));
                if !edge(i) || close(c, word) {
                    consider(
                        &mut heard,
                        table.any[i - 1][j - 2].0.saturating_add(c),
                        Move::Split,
                    );
                }
            }
            let mut any = heard;
            // A word not heard: strictly, never a number, and at an edge only one word, its
            // neighbour heard.
            let missing_from = if !strict {
                Some(table.any[i - 1][j].0)
            } else if is_number(word) || m == 1 || p.get(i).is_some_and(|next| is_number(next)) {
                // Nor the word before a number: "press" must be there for "press two".
                None
            } else if i == m || i == 1 {
                // A short word at an edge, as recognisers drop them ("cents" after an amount).
                (letters(word) <= SHORT).then(|| {
                    if i == 1 {
                        table.any[0][j].0
                    } else {
                        table.heard[i - 1][j].0
                    }
                })
            } else if i == 2 {
                Some(table.heard[i - 1][j].0)
            } else {
                Some(table.any[i - 1][j].0)
            };
            // On a tie, a word is said to be missing rather than merged into its neighbour.
            if let Some(c) = missing_from.map(|c| c.saturating_add(dropped(word)))
                && c <= any.0
                && c < NEVER
            {
                any = (c, Move::Missing);
            }
            // Inside the match: a word more, but never a number the phrase does not have.
            if j >= 1 && i < m && plain(&[t[j - 1]]) {
                consider(
                    &mut any,
                    table.any[i][j - 1].0.saturating_add(dropped(t[j - 1])),
                    Move::Extra,
                );
            }
            table.heard[i][j] = heard;
            table.any[i][j] = any;
        }
    }
    // The earliest end of the best match: when the phrase was first complete.
    let (end, &(edits, _)) = table.any[m]
        .iter()
        .enumerate()
        .min_by_key(|(j, c)| (c.0, *j))?;
    if edits >= NEVER {
        return None;
    }
    let (mut i, mut j) = (m, end);
    let mut from_heard = false;
    let mut missing = Vec::new();
    let mut other_numbers = Vec::new();
    while i > 0 {
        let (_, how) = if from_heard {
            table.heard[i][j]
        } else {
            table.any[i][j]
        };
        from_heard = false;
        match how {
            Move::Start => break,
            Move::Heard => {
                if says(p[i - 1]) != says(t[j - 1]) && (is_number(p[i - 1]) || is_number(t[j - 1]))
                {
                    other_numbers.push((p[i - 1].to_owned(), t[j - 1].to_owned()));
                }
                i -= 1;
                j -= 1;
            }
            Move::HeardAfter => {
                i -= 2;
                j -= 2;
            }
            Move::Missing => {
                missing.push(p[i - 1].to_owned());
                // Strictly, at the edges, the word before was heard.
                from_heard = strict && (i == m || i == 2);
                i -= 1;
            }
            Move::Extra => j -= 1,
            Move::Joined => {
                i -= 2;
                j -= 1;
            }
            Move::Split => {
                i -= 1;
                j -= 2;
            }
        }
    }
    missing.reverse();
    other_numbers.reverse();
    let length = phrase.chars().count() as f64;
    Some(Found {
        similarity: (1.0 - edits as f64 / 2.0 / length).max(0.0),
        heard: t[j..end].join(" "),
        missing,
        other_numbers,
    })
}

/// Edit distance in half edits: a letter added, dropped or changed is two, a space added or
/// dropped one.
fn edits(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let gap = |c: char| if c == ' ' { 1 } else { 2 };
    let mut row: Vec<usize> = std::iter::once(0)
        .chain(b.iter().scan(0, |sum, &c| {
            *sum += gap(c);
            Some(*sum)
        }))
        .collect();
    for &x in &a {
        let mut diagonal = row[0];
        row[0] += gap(x);
        for (k, &y) in b.iter().enumerate() {
            let changed = diagonal + if x == y { 0 } else { 2 };
            diagonal = row[k + 1];
            row[k + 1] = changed.min(row[k + 1] + gap(x)).min(row[k] + gap(y));
        }
    }
    row[b.len()]
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

    #[test]
    fn a_prompt_cut_at_its_comma_is_not_the_prompt() {
        // The words before the comma were 70% of the letters: enough, before; not now.
        let phrase = "to pay a bill, press two";
        for cut in ["To pay a bill", "To pay a bill, press"] {
            assert_eq!(find(phrase, cut, 0.0), None, "{cut}");
        }
        let whole = find(phrase, "To pay a bill. Press two.", DEFAULT_SIMILARITY).unwrap();
        assert_eq!(whole.similarity, 1.0);
        assert_eq!(whole.heard, "to pay a bill press two");
        // A phrase ending in a word, not a number: its last word must be there too.
        let phrase = "to speak to an agent stay on the line";
        assert_eq!(find(phrase, "to speak to an agent", 0.5), None);
        assert!(find(phrase, "to speak to an agent, stay on the line", 0.9).is_some());
    }

    #[test]
    fn numbers_match_only_as_the_same_number_at_any_similarity() {
        for (phrase, said) in [
            ("press two", "press one"),
            ("press 2", "press three"),
            ("for sales, press 1", "For sales, press two."),
            (
                "your balance is $42.10",
                "your balance is forty three dollars and ten cents",
            ),
            (
                "your ticket number is 4 2 1 7",
                "your ticket number is four two one eight",
            ),
            ("the 3rd option", "the fourth option"),
            // A number more inside the match is another number too.
            ("press two", "press twenty two"),
        ] {
            assert_eq!(find(phrase, said, 0.0), None, "{phrase:?} in {said:?}");
        }
        // And the miss says which.
        let near = closest("for sales press two", "for sales press one").unwrap();
        assert_eq!(near.other_numbers, [("two".to_owned(), "one".to_owned())]);
        assert!(
            near.describe()
                .contains("\"one\" where the phrase has \"two\"")
        );
    }

    #[test]
    fn words_recognisers_write_for_numbers_are_those_numbers() {
        for (phrase, said) in [
            ("press 2", "press to"),
            ("press two", "press too"),
            ("press 4", "press for"),
            ("press 1", "press won"),
            ("press 8", "press ate"),
            ("press 3", "press tree"),
            ("press 0", "press oh"),
            // And the other way round.
            ("welcome to acme", "welcome two acme"),
        ] {
            let found = find(phrase, said, DEFAULT_SIMILARITY);
            assert_eq!(
                found.map(|f| f.similarity),
                Some(1.0),
                "{phrase:?} in {said:?}"
            );
        }
    }

    #[test]
    fn a_word_the_recogniser_dropped_is_said() {
        let found = find(
            "to pay a bill press two",
            "to pay bill, press two",
            DEFAULT_SIMILARITY,
        )
        .unwrap();
        assert_eq!(found.missing, ["a"]);
        assert_eq!(
            found.describe(),
            "\"to pay bill press two\" (93% alike; not heard: \"a\")"
        );
        // The earliest place the phrase was complete is the one reported.
        let found = find("press two", "press two. press two.", DEFAULT_SIMILARITY).unwrap();
        assert_eq!(found.heard, "press two");
    }

    #[test]
    fn one_word_the_recogniser_dropped_at_an_edge_but_no_more() {
        // "cents" went unheard after the number: the rest is the whole amount.
        let found = find(
            "your current balance is $42.10",
            "Your current balance is forty two dollars ten.",
            DEFAULT_SIMILARITY,
        )
        .unwrap();
        assert_eq!(found.missing, ["cents"]);
        // Not "goodbye": the words before it are not the phrase said.
        assert_eq!(
            find(
                "thank you for calling, goodbye",
                "Thank you for calling.",
                0.5
            ),
            None
        );
        // A word written for a number counts only right after the word before the number.
        let phrase = "if you know the name of the person you are trying to reach, press two";
        assert_eq!(
            find(
                phrase,
                "If you know the name of the person you are trying to",
                0.5
            ),
            None
        );
        assert!(
            find(
                phrase,
                "if you know the name of the person you are trying to reach, press to",
                0.9
            )
            .is_some()
        );
    }
}
