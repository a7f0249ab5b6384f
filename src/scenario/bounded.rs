//! A scenario file comes from a cloned repository, so it is read within limits before it is
//! loaded: its size, how deep its YAML nests, and how much its anchors and aliases expand to
//! (the loader copies what an alias names each time, so a few hundred bytes of nested aliases
//! would otherwise become gigabytes).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use yaml_rust2::parser::{Event, Parser};

/// The largest scenario file c2c reads: a long scenario is a few kilobytes.
pub const LARGEST_FILE: u64 = 256 * 1024;
/// Values (scalars, lists and maps) a file may expand to, an alias counting as all it repeats.
pub const MOST_VALUES: usize = 20_000;
/// Lists and maps inside each other: a scenario needs three or four.
pub const DEEPEST: usize = 32;

/// The file's text, refused when it is larger than `LARGEST_FILE` or not UTF-8.
pub fn read(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|err| format!("cannot read it: {err}"))?;
    let mut text = String::new();
    // Read no further than the limit, whatever the file's length says (a pipe or a file still
    // growing says none).
    file.take(LARGEST_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|err| format!("cannot read it: {err}"))?;
    if text.len() as u64 > LARGEST_FILE {
        return Err(format!(
            "it is larger than {} KiB: a scenario file is a few kilobytes (split a long suite into files)",
            LARGEST_FILE / 1024
        ));
    }
    Ok(text)
}

/// Whether the YAML stays within `MOST_VALUES` and `DEEPEST` once its aliases are expanded,
/// counted from the parser's events without expanding anything. A YAML error is left to the
/// loader, which reports it with its line.
pub fn check(yaml: &str) -> Result<(), String> {
    let mut parser = Parser::new_from_str(yaml);
    // How many values each anchor names, once its node is complete.
    let mut anchored: HashMap<usize, usize> = HashMap::new();
    // The lists and maps still open, innermost last: their anchor and the values in them so far.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut closed = 0usize;
    loop {
        let Ok((event, _)) = parser.next_token() else {
            return Ok(());
        };
        let (anchor, values) = match event {
            Event::StreamEnd => return Ok(()),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if open.len() >= DEEPEST {
                    return Err(format!(
                        "its lists and maps nest more than {DEEPEST} deep: a scenario needs a few"
                    ));
                }
                open.push((anchor, 1));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match open.pop() {
                Some(node) => node,
                None => continue,
            },
            Event::Scalar(_, _, anchor, _) => (anchor, 1),
            Event::Alias(id) => (0, anchored.get(&id).copied().unwrap_or(1)),
            _ => continue,
        };
        if anchor > 0 {
            anchored.insert(anchor, values);
        }
        match open.last_mut() {
            Some((_, inside)) => *inside = inside.saturating_add(values),
            None => closed = closed.saturating_add(values),
        }
        let expanded = open
            .iter()
            .fold(closed, |sum, (_, inside)| sum.saturating_add(*inside));
        if expanded > MOST_VALUES {
            return Err(format!(
                "it expands to more than {MOST_VALUES} values (anchors and aliases repeat what they name): write the scenario out plainly"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `levels` anchors, each a list of ten aliases of the one before: 10^levels values.
    fn alias_bomb(levels: usize) -> String {
        let mut yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
        for level in 1..levels {
            let prev = format!("*a{}", level - 1);
            let items = [prev.as_str(); 10].join(", ");
            yaml.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        yaml
    }

    #[test]
    fn nested_aliases_are_refused_before_they_expand() {
        let bomb = alias_bomb(9);
        assert!(bomb.len() < 600, "{}", bomb.len());
        let started = std::time::Instant::now();
        let why = check(&bomb).unwrap_err();
        assert!(why.contains("anchors and aliases"), "{why}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        // A few aliases, as people use them to share a step list, are fine.
        check(&alias_bomb(3)).unwrap();
        check("common: &c [press 1, hangup]\nsteps: *c\n").unwrap();
    }

    #[test]
    fn deep_nesting_and_large_files_are_refused() {
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert!(check(&deep).unwrap_err().contains("nest more than 32"));
        check(&format!("{}{}", "[".repeat(10), "]".repeat(10))).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.yaml");
        std::fs::write(&big, "#".repeat(LARGEST_FILE as usize + 1)).unwrap();
        assert!(read(&big).unwrap_err().contains("larger than 256 KiB"));
        let fine = dir.path().join("fine.yaml");
        std::fs::write(&fine, "steps: [hangup]\n").unwrap();
        assert_eq!(read(&fine).unwrap(), "steps: [hangup]\n");
    }

    #[test]
    fn a_yaml_error_is_left_to_the_loader() {
        check("steps: [\n").unwrap();
    }
}
