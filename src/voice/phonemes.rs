//! Text into Kokoro's phonemes: the text read as a person would (numbers, amounts, times and
//! ordinals as `phrase::spoken` reads them, so what c2c says is what it would match), each word
//! looked up in misaki's US lexicon (its gold list, then its silver), with the English endings
//! (-s, -ed, -ing) on a known stem; a word the lexicon lacks is spelt, letter by letter, never
//! dropped. Punctuation stays: Kokoro pauses at it.

use std::collections::HashMap;
use std::path::Path;

/// A word's pronunciations: one, or one per part of speech, with a default.
type Entries = HashMap<String, serde_json::Value>;

pub struct Lexicon {
    gold: Entries,
    silver: Entries,
}

impl Lexicon {
    pub fn load(gold: &Path, silver: &Path) -> Result<Lexicon, String> {
        let read = |path: &Path| -> Result<Entries, String> {
            let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            serde_json::from_slice(&text)
                .map_err(|e| format!("{} is not misaki's lexicon: {e}", path.display()))
        };
        Ok(Lexicon {
            gold: read(gold)?,
            silver: read(silver)?,
        })
    }

    #[cfg(test)]
    pub fn from_entries(entries: &[(&str, &str)]) -> Lexicon {
        Lexicon {
            gold: entries
                .iter()
                .map(|(w, p)| ((*w).to_owned(), serde_json::Value::from(*p)))
                .collect(),
            silver: Entries::new(),
        }
    }

    /// `text` as phonemes, words apart, punctuation kept.
    pub fn phonemes(&self, text: &str) -> String {
        let mut out = String::new();
        for token in read(text) {
            match token {
                Token::Word(word) => {
                    if !out.is_empty() && !out.ends_with(' ') {
                        out.push(' ');
                    }
                    out.push_str(&self.word(&word));
                }
                Token::Mark(mark) => {
                    out.push(mark);
                    out.push(' ');
                }
            }
        }
        out.trim().to_owned()
    }

    /// One word's phonemes: the lexicon's, or its stem's with its ending, or its letters'.
    fn word(&self, word: &str) -> String {
        // The article as said in a sentence, not the letter's name.
        if word.eq_ignore_ascii_case("a") {
            return "ɐ".to_owned();
        }
        if let Some(found) = self.known(word) {
            return found;
        }
        let lower = word.to_lowercase();
        if let Some(found) = self.with_ending(&lower) {
            return found;
        }
        self.spelt(word)
    }

    fn entry(&self, word: &str) -> Option<String> {
        let value = self.gold.get(word).or_else(|| self.silver.get(word))?;
        match value {
            serde_json::Value::String(p) => Some(p.clone()),
            serde_json::Value::Object(by_use) => by_use
                .get("DEFAULT")
                .and_then(|p| p.as_str())
                .map(str::to_owned),
            _ => None,
        }
    }

    /// As written, in lower case, or capitalised (the lexicon keeps "I'd" and names so).
    fn known(&self, word: &str) -> Option<String> {
        let lower = word.to_lowercase();
        let mut chars = lower.chars();
        let capital: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        [word, &lower, &capital]
            .into_iter()
            .find_map(|w| self.entry(w))
    }

    /// A plural, a past or an -ing form whose stem is known, with its ending as English says it.
    fn with_ending(&self, word: &str) -> Option<String> {
        let stem = |s: &str| (s.len() > 1).then(|| self.known(s)).flatten();
        if let Some(base) = word.strip_suffix("'s") {
            return stem(base).map(|p| plural(&p));
        }
        if let Some(base) = word.strip_suffix("ies")
            && let Some(p) = stem(&format!("{base}y"))
        {
            return Some(plural(&p));
        }
        if let Some(base) = word.strip_suffix("es")
            && let Some(p) = stem(base)
        {
            return Some(plural(&p));
        }
        if let Some(base) = word.strip_suffix('s')
            && !base.ends_with('s')
            && let Some(p) = stem(base)
        {
            return Some(plural(&p));
        }
        if let Some(base) = word.strip_suffix("ed")
            && let Some(p) = stem(base).or_else(|| stem(&format!("{base}e")))
        {
            return Some(past(&p));
        }
        if let Some(base) = word.strip_suffix("ing") {
            let doubled = base
                .chars()
                .rev()
                .take(2)
                .collect::<Vec<_>>()
                .windows(2)
                .any(|w| w[0] == w[1]);
            let undoubled = if doubled {
                &base[..base.len() - 1]
            } else {
                base
            };
            if let Some(p) = stem(base)
                .or_else(|| stem(&format!("{base}e")))
                .or_else(|| stem(undoubled))
            {
                return Some(format!("{p}ɪŋ"));
            }
        }
        None
    }

    /// Letter by letter, each by its name: "Twilio" is "T W I L I O".
    fn spelt(&self, word: &str) -> String {
        word.chars()
            .filter(char::is_ascii_alphanumeric)
            .filter_map(|c| {
                let letter = c.to_ascii_uppercase().to_string();
                self.entry(&letter)
                    .or_else(|| self.entry(&letter.to_lowercase()))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// -s: /s/ after a voiceless sound, /ᵻz/ after a hissing one, /z/ after the rest.
fn plural(stem: &str) -> String {
    match stem.chars().last() {
        Some(c) if "ptkfθ".contains(c) => format!("{stem}s"),
        Some(c) if "szʃʒʧʤ".contains(c) => format!("{stem}ᵻz"),
        _ => format!("{stem}z"),
    }
}

/// -ed: /t/ after a voiceless sound, /ᵻd/ after t or d, /d/ after the rest.
fn past(stem: &str) -> String {
    match stem.chars().last() {
        Some(c) if "pkfθʃsʧ".contains(c) => format!("{stem}t"),
        Some('t' | 'd') => format!("{stem}ᵻd"),
        _ => format!("{stem}d"),
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    /// Punctuation Kokoro pauses at.
    Mark(char),
}

/// The words and pauses of `text`, as a person reads it aloud.
fn read(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut digits_before = false;
    for raw in text.split_whitespace() {
        let core = raw.trim_end_matches(|c: char| ".,!?;:".contains(c));
        let marks: Vec<char> = raw[core.len()..].chars().collect();
        let core = core.trim_start_matches(|c: char| "\"'(“‘".contains(c));
        let core = core.trim_end_matches(|c: char| "\"')”’".contains(c));
        let spoken_number = crate::phrase::spoken::reading(&core.to_lowercase(), digits_before);
        let plain = !core.is_empty() && core.chars().all(|c| c.is_ascii_digit());
        digits_before = plain
            && marks.is_empty()
            && spoken_number.is_some()
            && (digits_before || crate::phrase::spoken::read_digit_by_digit(core));
        match spoken_number {
            Some(words) => tokens.extend(words.split_whitespace().map(|w| Token::Word(w.into()))),
            None => {
                for part in core.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
                    let part = part.trim_matches('\'');
                    if part.is_empty() {
                        continue;
                    }
                    // A letter and a number run together ("A12"), or digits inside a word.
                    if part.chars().any(|c| c.is_ascii_digit()) {
                        for c in part.chars() {
                            let word = crate::phrase::spoken::number_words(&c.to_string())
                                .unwrap_or_else(|| c.to_string());
                            tokens.push(Token::Word(word));
                        }
                        continue;
                    }
                    tokens.push(Token::Word(part.to_owned()));
                }
                // Keys and signs that a phone tree's caller says aloud.
                for (sign, said) in [
                    ('#', "pound"),
                    ('*', "star"),
                    ('&', "and"),
                    ('@', "at"),
                    ('+', "plus"),
                ] {
                    if core == sign.to_string() {
                        tokens.push(Token::Word(said.to_owned()));
                    }
                }
            }
        }
        // One pause for "...", and none that Kokoro's table lacks.
        if let Some(&mark) = marks.iter().find(|c| ".,!?;:".contains(**c)) {
            tokens.push(Token::Mark(if marks.len() > 1 { '.' } else { mark }));
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::from_entries(&[
            ("check", "ʧˈɛk"),
            ("my", "mI"),
            ("balance", "bˈæləns"),
            ("hour", "ˈWəɹ"),
            ("press", "pɹˈɛs"),
            ("two", "tˈu"),
            ("forty", "fˈɔɹɾi"),
            ("dollars", "dˈɑləɹz"),
            ("ten", "tˈɛn"),
            ("cents", "sˈɛnts"),
            ("wait", "wˈAt"),
            ("T", "tˈi"),
            ("W", "dˈʌbᵊlju"),
            ("I", "ˈI"),
            ("L", "ˈɛl"),
            ("O", "ˈO"),
            ("pound", "pˈWnd"),
            ("please", "plˈiz"),
        ])
    }

    #[test]
    fn words_are_looked_up_whatever_their_case_and_punctuation_stays() {
        assert_eq!(
            lexicon().phonemes("Check my BALANCE, please?"),
            "ʧˈɛk mI bˈæləns, plˈiz?"
        );
    }

    #[test]
    fn numbers_and_amounts_are_read_as_people_say_them() {
        let l = lexicon();
        assert_eq!(l.phonemes("press 2"), "pɹˈɛs tˈu");
        assert_eq!(l.phonemes("$40.10"), "fˈɔɹɾi dˈɑləɹz tˈɛn sˈɛnts");
        assert_eq!(l.phonemes("press #"), "pɹˈɛs pˈWnd");
        // An account number's groups, digit by digit, as the matching reads them; after a
        // comma, a number of its own.
        let words = |text: &str| -> Vec<Token> {
            text.split_whitespace()
                .map(|w| match w {
                    "," => Token::Mark(','),
                    w => Token::Word(w.to_owned()),
                })
                .collect()
        };
        assert_eq!(read("0042 22"), words("zero zero four two two two"));
        assert_eq!(read("0042, 22"), words("zero zero four two , twenty two"));
        assert_eq!(
            read("on 12/25, at 9:30"),
            words("on december twenty fifth , at nine thirty")
        );
    }

    #[test]
    fn endings_go_on_a_known_stem() {
        let l = lexicon();
        assert_eq!(l.phonemes("hours"), "ˈWəɹz");
        assert_eq!(l.phonemes("checks"), "ʧˈɛks");
        assert_eq!(l.phonemes("checked"), "ʧˈɛkt");
        assert_eq!(l.phonemes("waited"), "wˈAtᵻd");
        assert_eq!(l.phonemes("waiting"), "wˈAtɪŋ");
        assert_eq!(l.phonemes("presses"), "pɹˈɛsᵻz");
    }

    #[test]
    fn a_word_out_of_the_lexicon_is_spelt_never_dropped() {
        assert_eq!(lexicon().phonemes("Twilio"), "tˈi dˈʌbᵊlju ˈI ˈɛl ˈI ˈO");
    }
}
