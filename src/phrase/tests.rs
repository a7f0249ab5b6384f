//! The phrase matcher's cases: what must pass, what must never.

use super::*;

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
