//! One version everywhere: Cargo.toml's, what `c2c --version` says, and the newest release in
//! CHANGELOG.md (Keep a Changelog: `## [Unreleased]` on top, then `## [X.Y.Z] - YYYY-MM-DD` per
//! release, each with a link at the bottom). The release workflow names its tag and its notes
//! from the same two files.

use crate::support::c2c;

const CHANGELOG: &str = include_str!("../../CHANGELOG.md");
/// The kinds of change Keep a Changelog has.
const KINDS: [&str; 6] = [
    "Added",
    "Changed",
    "Deprecated",
    "Removed",
    "Fixed",
    "Security",
];

#[test]
fn cargo_toml_the_binary_and_the_changelog_agree_on_the_version() {
    let version = env!("CARGO_PKG_VERSION");
    let run = c2c(&["--version"]).run();
    run.assert_code(0);
    assert_eq!(run.stdout.trim(), format!("c2c {version}"));

    let releases: Vec<&str> = CHANGELOG
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .collect();
    assert_eq!(releases.first(), Some(&"[Unreleased]"), "{releases:?}");
    let newest = releases
        .get(1)
        .expect("a released version under Unreleased");
    let (name, date) = newest
        .split_once(" - ")
        .unwrap_or_else(|| panic!("{newest:?}: not `[X.Y.Z] - YYYY-MM-DD`"));
    assert_eq!(
        name,
        format!("[{version}]"),
        "the newest release is not Cargo.toml's version"
    );
    assert!(
        date.len() == 10 && date.chars().filter(|c| *c == '-').count() == 2,
        "{date:?} is no YYYY-MM-DD date"
    );
    for release in &releases {
        let name = release.split(" - ").next().unwrap();
        assert!(
            CHANGELOG
                .lines()
                .any(|l| l.starts_with(&format!("{name}: https://"))),
            "{name} has no link at the bottom"
        );
    }
    for kind in CHANGELOG.lines().filter_map(|l| l.strip_prefix("### ")) {
        assert!(KINDS.contains(&kind), "### {kind} is not one of {KINDS:?}");
    }
}
