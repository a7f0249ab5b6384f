//! The suite `c2c test` runs: the scenario files its paths name (a folder's *.yaml, sorted), this
//! machine's shard of them, each read, and each call to place (a scenario, once per `--repeat`).

use std::path::{Path, PathBuf};

use crate::call::CallSpec;
use crate::error::Error;
use crate::scenario::Scenario;
use crate::speech::Size;

/// How long a suite's call waits for a word from Twilio before calling it out of reach.
const REACH_TWILIO: std::time::Duration = std::time::Duration::from_secs(30);

/// One call of the suite.
pub struct Planned {
    /// The scenario file, as given or found.
    pub file: PathBuf,
    /// Which run of the file this is, from 1 (`--repeat`).
    pub run: usize,
    pub spec: CallSpec,
    /// Where its recording goes (`record:`), one file per run.
    pub record: Option<PathBuf>,
    /// How many times it was placed: more than once when it was inconclusive and
    /// `--retry-inconclusive` ran it again.
    pub attempts: usize,
}

impl Planned {
    /// How progress lines and the summary name it.
    pub fn name(&self, repeat: usize) -> String {
        let file = crate::printable::path(&self.file);
        match repeat {
            1 => file,
            _ => format!("{file} #{}", self.run),
        }
    }
}

/// A scenario file of the suite, and the folder its paths may not leave: the folder given to
/// `c2c test` that holds it, or the file's own folder when the file was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub file: PathBuf,
    pub root: PathBuf,
}

/// The scenario files `paths` name: files as given, folders as their *.yaml (and *.yml), sorted.
pub fn files(paths: &[PathBuf]) -> Result<Vec<Found>, Error> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|err| {
                Error::Input(format!("{}: cannot read the folder: {err}", path.display()))
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            if found.is_empty() {
                return Err(Error::Input(format!(
                    "{}: the folder has no scenario files (*.yaml)",
                    path.display()
                )));
            }
            found.sort();
            files.extend(found.into_iter().map(|file| Found {
                file,
                root: path.clone(),
            }));
        } else if path.is_file() {
            files.push(Found {
                file: path.clone(),
                root: path.parent().unwrap_or(Path::new("")).to_owned(),
            });
        } else {
            return Err(Error::Input(format!(
                "{}: no such file or folder",
                path.display()
            )));
        }
    }
    Ok(files)
}

/// `--shard I/N`: the I-th of N shares (1-based), by position in the sorted suite, so that
/// every machine of a matrix, given the same files, takes its own and all are taken once.
pub fn shard<T>(files: Vec<T>, shard: Option<&str>) -> Result<Vec<T>, Error> {
    let Some(text) = shard else {
        return Ok(files);
    };
    let bad = || {
        Error::Input(format!(
            "--shard {text:?}: write it as I/N, such as 2/4 (the second of four; I from 1 to N)"
        ))
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i == 0 || i > n {
        return Err(bad());
    }
    Ok(files
        .into_iter()
        .enumerate()
        .filter(|(at, _)| at % n == i - 1)
        .map(|(_, file)| file)
        .collect())
}

/// Reads `file` into its calls, one per run; `speech` is the model its calls listen with unless
/// it says (`--speech`).
pub fn calls(found: &Found, repeat: usize, speech: Size) -> Result<Vec<Planned>, Error> {
    let file = &found.file;
    let named = |why: String| Error::Input(format!("{}: {why}", file.display()));
    let scenario = Scenario::read(file, &found.root).map_err(named)?;
    let Some(target) = scenario.call.clone() else {
        return Err(named(
            "it has no call: say whom it calls, such as call: \"+14155552671\" or call: client:alice".to_owned(),
        ));
    };
    let mut spec =
        CallSpec::from_scenario(&scenario, target, speech).map_err(|err| named(err.to_string()))?;
    // Many pages start at once: on a small machine the SDK's start alone can take seconds.
    spec.reach_twilio = REACH_TWILIO;
    let mut calls = Vec::with_capacity(repeat);
    for run in 1..=repeat {
        let record = scenario
            .record
            .as_deref()
            .map(|path| numbered(path, run, repeat));
        calls.push(Planned {
            file: file.to_owned(),
            run,
            spec: spec.clone(),
            record,
            attempts: 0,
        });
    }
    Ok(calls)
}

/// `heard.wav` for one run, `heard-3.wav` for the third of several.
fn numbered(path: &Path, run: usize, repeat: usize) -> PathBuf {
    if repeat == 1 {
        return path.to_owned();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{run}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{run}"),
    };
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(files: &[PathBuf]) -> Vec<String> {
        files.iter().map(|f| f.display().to_string()).collect()
    }

    #[test]
    fn shards_split_the_suite_once_and_stably() {
        let files: Vec<PathBuf> = (1..=7)
            .map(|i| PathBuf::from(format!("s{i}.yaml")))
            .collect();
        let mut all = Vec::new();
        for i in 1..=3 {
            let share = shard(files.clone(), Some(&format!("{i}/3"))).unwrap();
            assert!(share.len() >= 2 && share.len() <= 3);
            assert_eq!(
                share,
                shard(files.clone(), Some(&format!("{i}/3"))).unwrap()
            );
            all.extend(share);
        }
        all.sort();
        assert_eq!(names(&all), names(&files));
        assert_eq!(shard(files.clone(), Some("1/1")).unwrap(), files);
        for bad in ["0/3", "4/3", "1/0", "2", "a/b"] {
            let why = shard(files.clone(), Some(bad)).unwrap_err().to_string();
            assert!(why.contains("I/N"), "{bad}: {why}");
        }
    }

    #[test]
    fn a_folder_is_its_yaml_files_sorted_and_each_run_records_apart() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.yaml", "a.yaml", "notes.txt", "c.yml"] {
            std::fs::write(dir.path().join(name), "call: '+1'\n").unwrap();
        }
        let found = files(&[dir.path().to_owned()]).unwrap();
        assert!(found.iter().all(|f| f.root == dir.path()));
        let found: Vec<_> = found
            .iter()
            .map(|f| f.file.file_name().unwrap().to_owned())
            .collect();
        assert_eq!(found, ["a.yaml", "b.yaml", "c.yml"]);
        assert_eq!(
            numbered(Path::new("x/heard.wav"), 3, 5),
            PathBuf::from("x/heard-3.wav")
        );
        assert_eq!(
            numbered(Path::new("heard.wav"), 1, 1),
            PathBuf::from("heard.wav")
        );
        let why = files(&[dir.path().join("missing.yaml")])
            .unwrap_err()
            .to_string();
        assert!(why.contains("no such file"), "{why}");
    }
}
