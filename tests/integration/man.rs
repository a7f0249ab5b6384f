//! The committed man pages (man/man1/, one per command, the layout `man -M man` and a MANPATH
//! read) must match what the current CLI generates, as the completions must. `./scripts/man`
//! rewrites them.

use std::path::Path;

/// Every page: `c2c` and each of its commands, as clap_mangen renders them.
fn pages() -> Vec<(String, String)> {
    let mut command = c2c::cli::command().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    let mut render = |command: clap::Command| {
        let extra = command
            .get_after_long_help()
            .or_else(|| command.get_after_help())
            .map(|text| text.to_string());
        let has_subcommands = command.has_subcommands();
        let man = clap_mangen::Man::new(command);
        let mut text = Vec::new();
        let rendered = (|| -> std::io::Result<()> {
            man.render_title(&mut text)?;
            man.render_name_section(&mut text)?;
            man.render_synopsis_section(&mut text)?;
            man.render_description_section(&mut text)?;
            man.render_options_section(&mut text)?;
            if has_subcommands {
                man.render_subcommands_section(&mut text)?;
            }
            if let Some(extra) = &extra {
                text.extend(no_fill("MORE", extra).as_bytes());
            }
            man.render_version_section(&mut text)
        })();
        rendered.expect("the page renders");
        pages.push((man.get_filename(), String::from_utf8(text).expect("UTF-8")));
    };
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        // Its page is named c2c-NAME, as man's convention is for a command's commands (clap
        // takes a name for the life of the program).
        let name: &'static str = Box::leak(format!("c2c-{}", sub.get_name()).into_boxed_str());
        render(sub.clone().name(name));
    }
    render(command);
    pages
}

/// A section whose lines are kept as written (the steps' table, the examples): roff would
/// otherwise fill them into paragraphs.
fn no_fill(title: &str, text: &str) -> String {
    let mut out = format!(".SH {title}\n.nf\n");
    for line in text.lines() {
        let line = line.replace('\\', "\\e").replace('-', "\\-");
        // A line that begins with a dot or an apostrophe would be read as a request.
        if line.starts_with(['.', '\'']) {
            out.push_str("\\&");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(".fi\n");
    out
}

#[test]
fn committed_man_pages_match_the_cli() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man/man1");
    let write = std::env::var_os("C2C_WRITE_MAN").is_some();
    let pages = pages();
    assert!(pages.len() >= 9, "{} pages", pages.len());
    for (file, text) in &pages {
        assert!(text.contains(".TH"), "{file} is no man page");
        let path = dir.join(file);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, text).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            &committed == text,
            "man/man1/{file} is stale: run ./scripts/man and commit the result"
        );
    }
    // No page is left behind for a command that is gone.
    let names: Vec<&str> = pages.iter().map(|(f, _)| f.as_str()).collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            names.contains(&name.as_str()),
            "man/man1/{name} is no command's page"
        );
    }
}
