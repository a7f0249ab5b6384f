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
//! - the words at the phrase's edges must be heard (at most two in three letters wrong; one short
//!   word at an edge, not a number, may be one the recogniser dropped), so a prompt cut at a comma
//!   is not the prompt heard: its end has not been said yet;
//! - other words forgive small recognition errors, letter by letter, and a word the recogniser
//!   dropped costs its letters; a space more or less ("call back", "callback") is half an edit.
//!
//! similarity = 1 - edits / the phrase's length in letters.

pub mod spoken;

use spoken::spoken;

/// The similarity a phrase needs by default, chosen by measurement on the test prompts
/// (`scripts/speech-eval`, README: Speech).
pub const DEFAULT_SIMILARITY: f64 = 0.65;

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
    ("do", "two"),
    ("free", "three"),
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
    // A word at either edge is heard only with at most two of its three letters wrong ("friday"
    // heard as "veridhi", not "line" as "stay").
    let edge = |i: usize| strict && (i == 1 || i == m);
    let close = |cost: usize, word: &str| 3 * cost <= 4 * letters(word);

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
mod tests;
