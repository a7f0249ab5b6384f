//! The committed completions/ folder must match what the current CLI generates.

use crate::support::c2c;

#[test]
fn committed_completions_match_the_cli() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "c2c.bash"),
        ("zsh", "_c2c"),
        ("fish", "c2c.fish"),
        ("powershell", "_c2c.ps1"),
        ("elvish", "c2c.elv"),
    ] {
        let run = c2c(&["completions", shell]).run();
        run.assert_code(0);
        assert!(run.stdout.contains("c2c"), "{shell} completions are empty");
        let committed = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(
            committed == run.stdout,
            "completions/{file} is stale: run ./scripts/completions and commit the result"
        );
    }
}
