//! The README and the guide (docs/guide/) are tested: the command reference is generated from the
//! CLI's definitions and must be current (`./scripts/reference` rewrites it); every `c2c` command
//! shown is one the CLI reads (its flags exist, its values parse); every scenario shown reads;
//! every link inside the repository resolves, to its heading too; and nothing cites a file
//! outside the repository. (The README's runnable commands are also run: examples.rs.)

use std::path::{Path, PathBuf};

use crate::support::c2c;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The README and every page of the guide, as (path from the root, text).
pub fn documents() -> Vec<(String, String)> {
    let mut paths = vec!["README.md".to_owned(), "CONTRIBUTING.md".to_owned()];
    let mut guide: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("docs/guide"))
        .expect("docs/guide")
        .map(|e| format!("docs/guide/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|p| p.ends_with(".md"))
        .collect();
    guide.sort();
    paths.extend(guide);
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(Path::new(ROOT).join(&p)).unwrap();
            (p, text)
        })
        .collect()
}

/// The fenced blocks of `lang` in `text`.
fn blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let fence = format!("```{lang}\n");
    text.split(&fence)
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .collect()
}

/// The reference page: `c2c --help` and each command's, as the CLI prints them.
fn reference() -> String {
    let mut page = String::from(
        "# Command reference\n\nEvery command's `--help`, as c2c prints it (generated from the CLI's \
         definitions by `./scripts/reference`; a test fails when it is stale). The same text is \
         in the man pages (`man c2c-call`).\n",
    );
    let mut commands = vec![String::new()];
    commands.extend(
        c2c::cli::command()
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
            .map(|s| s.get_name().to_owned()),
    );
    for name in commands {
        let mut args: Vec<&str> = Vec::new();
        if !name.is_empty() {
            args.push(&name);
        }
        args.push("--help");
        let run = c2c(&args).env("COLUMNS", "100").run();
        assert_eq!(run.code, 0, "c2c {args:?}");
        let title = match name.as_str() {
            "" => "c2c".to_owned(),
            name => format!("c2c {name}"),
        };
        page.push_str(&format!("\n## {title}\n\n```text\n{}```\n", run.stdout));
    }
    page
}

#[test]
fn the_reference_is_generated_from_the_cli() {
    let path = Path::new(ROOT).join("docs/guide/reference.md");
    let now = reference();
    if std::env::var_os("C2C_WRITE_REFERENCE").is_some() {
        std::fs::write(&path, &now).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == now,
        "docs/guide/reference.md is stale: run ./scripts/reference and commit the result"
    );
}

/// The `c2c …` command lines of the `sh` blocks, continuation lines joined, comments dropped.
fn commands(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for block in blocks(text, "sh") {
        let joined = block.replace("\\\n", " ");
        for line in joined.lines() {
            let line = line.split(" # ").next().unwrap().trim();
            if line.starts_with('#') {
                continue;
            }
            if line.starts_with("c2c ") {
                // To the shell's own syntax (a pipe, a redirection).
                let end = line.find(['|', '>', '<', ';', '&']).unwrap_or(line.len());
                found.push(line[..end].trim().to_owned());
            }
        }
    }
    found
}

#[test]
fn every_command_shown_is_one_the_cli_reads() {
    let mut checked = 0;
    for (path, text) in documents() {
        for command in commands(&text) {
            let words =
                shell_words::split(&command).unwrap_or_else(|e| panic!("{path}: {command}: {e}"));
            // Placeholders people replace: a value of the form X… is any value.
            let words: Vec<String> = words.into_iter().map(|w| w.replace('…', "0")).collect();
            match c2c::cli::command().try_get_matches_from(&words) {
                Ok(_) => checked += 1,
                Err(e)
                    if matches!(
                        e.kind(),
                        clap::error::ErrorKind::DisplayHelp
                            | clap::error::ErrorKind::DisplayVersion
                    ) =>
                {
                    checked += 1
                }
                Err(e) => panic!("{path}: `{command}` is not what c2c reads:\n{e}"),
            }
        }
    }
    assert!(
        checked >= 40,
        "only {checked} commands were found in the docs"
    );
}

#[test]
fn every_scenario_shown_reads() {
    let mut read = 0;
    for (path, text) in documents() {
        for block in blocks(&text, "yaml") {
            // A CI workflow's YAML is not a scenario.
            if !block.contains("steps:") || block.contains("runs-on") || block.contains("matrix:") {
                continue;
            }
            c2c::scenario::Scenario::parse(block, Path::new("")).unwrap_or_else(|why| {
                panic!("{path}: a scenario that does not read: {why}\n{block}")
            });
            read += 1;
        }
    }
    assert!(read >= 2, "only {read} scenarios were found in the docs");
}

/// GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    let mut inside_code = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            inside_code = !inside_code;
        }
        if !inside_code && let Some(heading) = line.strip_prefix('#') {
            found.push(anchor(heading.trim_start_matches('#')));
        }
    }
    found
}

#[test]
fn every_link_inside_the_repository_resolves_and_nothing_cites_outside_it() {
    let (mut resolved, mut broken) = (0, Vec::new());
    for (path, text) in documents() {
        for cited in ["../shared", "src/cli.rs"] {
            assert!(
                !text.contains(cited),
                "{path} cites {cited}, which a clone does not have"
            );
        }
        let here = Path::new(&path).parent().unwrap_or(Path::new(""));
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let Some(end) = rest.find(')') else { continue };
            let target = &rest[..end];
            if target.starts_with("http") || target.starts_with("mailto:") || target.contains(' ') {
                continue;
            }
            let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
            let file_path: PathBuf = match file {
                "" => PathBuf::from(&path),
                file => here.join(file),
            };
            let full = Path::new(ROOT).join(&file_path);
            if !full.exists() {
                broken.push(format!("{path}: the link {target} leads nowhere"));
            } else if !fragment.is_empty() && full.extension().is_some_and(|x| x == "md") {
                let there = std::fs::read_to_string(&full).unwrap();
                if !anchors(&there).iter().any(|a| a == fragment) {
                    broken.push(format!(
                        "{path}: {target}: no such heading in {}",
                        file_path.display()
                    ));
                }
            }
            resolved += 1;
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    assert!(resolved >= 20, "only {resolved} links");
}
