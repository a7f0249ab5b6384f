use crate::support::{API_KEY, API_SECRET, APP_SID, c2c, jwt_part};

const FLAG_SID: &str = "AC00000000000000000000000000000001";
const ENV_SID: &str = "AC00000000000000000000000000000002";
const DOTENV_SID: &str = "AC00000000000000000000000000000003";
const FILE_SID: &str = "AC00000000000000000000000000000004";

fn account_in_token(run: crate::support::Run) -> String {
    run.assert_code(0);
    jwt_part(&run.stdout, 1)["sub"].as_str().unwrap().to_owned()
}

/// The settings `c2c token` needs besides the Account SID, in the config file.
fn config_with(account: Option<&str>) -> String {
    let mut text = format!(
        "api_key = \"{API_KEY}\"\napi_secret = \"{API_SECRET}\"\ntwiml_app_sid = \"{APP_SID}\"\n"
    );
    if let Some(sid) = account {
        text.push_str(&format!("account_sid = \"{sid}\"\n"));
    }
    text
}

#[test]
fn flag_beats_environment_beats_dotenv_beats_config_file() {
    let layered = |args: &[&str], env: bool, dotenv: bool| {
        let mut cmd = c2c(args);
        let config = cmd.config_file();
        cmd = cmd.write(&config, &config_with(Some(FILE_SID)));
        if dotenv {
            cmd = cmd.dotenv(&format!("TWILIO_ACCOUNT_SID={DOTENV_SID}\n"));
        }
        if env {
            cmd = cmd.env("TWILIO_ACCOUNT_SID", ENV_SID);
        }
        account_in_token(cmd.run())
    };
    assert_eq!(
        layered(&["token", "--account-sid", FLAG_SID], true, true),
        FLAG_SID
    );
    assert_eq!(layered(&["token"], true, true), ENV_SID);
    assert_eq!(layered(&["token"], false, true), DOTENV_SID);
    assert_eq!(layered(&["token"], false, false), FILE_SID);
}

#[test]
fn env_file_and_config_flags_choose_other_files() {
    let cmd = c2c(&[
        "token",
        "--env-file",
        "../custom.env",
        "--config",
        "../c.toml",
    ]);
    let root = cmd.work_dir().join("..");
    let cmd = cmd
        .write(
            &root.join("custom.env"),
            &format!("TWILIO_ACCOUNT_SID={DOTENV_SID}\n"),
        )
        .write(&root.join("c.toml"), &config_with(None));
    assert_eq!(account_in_token(cmd.run()), DOTENV_SID);
}

#[test]
fn every_missing_setting_is_named_with_every_way_to_set_it() {
    let run = c2c(&["token"]).run();
    run.assert_code(3);
    assert!(
        run.stderr.contains("4 settings need attention"),
        "{}",
        run.stderr
    );
    for (what, flag, env) in [
        ("Account SID", "--account-sid", "TWILIO_ACCOUNT_SID"),
        ("API Key SID", "--api-key", "TWILIO_API_KEY"),
        ("API Key secret", "--api-secret", "TWILIO_API_SECRET"),
        ("TwiML App SID", "--app-sid", "TWILIO_TWIML_APP_SID"),
    ] {
        let line = run
            .stderr
            .lines()
            .find(|line| line.contains(&format!("The {what} is not set")))
            .unwrap_or_else(|| panic!("no line for {what} in {}", run.stderr));
        assert!(
            line.contains(flag) && line.contains(env) && line.contains(".env"),
            "{line}"
        );
        assert!(line.contains("config.toml"), "{line}");
    }
}

#[test]
fn a_bad_sid_names_the_setting_its_source_and_what_was_expected() {
    let run = c2c(&["token"])
        .token_env()
        .dotenv("TWILIO_TWIML_APP_SID=PN0123456789abcdef0123456789abcdef\n")
        .env("TWILIO_TWIML_APP_SID", "")
        .run();
    run.assert_code(3);
    assert!(
        run.stderr
            .contains("TWILIO_TWIML_APP_SID in .env is not a valid TwiML App SID"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("a TwiML App SID starts with AP"),
        "{}",
        run.stderr
    );

    let run = c2c(&["token", "--api-key", "SK12"]).token_env().run();
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("--api-key is not a valid API Key SID: it is 4 characters")
    );
}

#[test]
fn broken_files_are_named() {
    let run = c2c(&["token", "--env-file", "missing.env"])
        .token_env()
        .run();
    run.assert_code(3);
    assert!(
        run.stderr.contains("missing.env: cannot read it"),
        "{}",
        run.stderr
    );

    let cmd = c2c(&["token"]).token_env();
    let config = cmd.config_file();
    let run = cmd.write(&config, "port = 5000\nregion = \n").run();
    run.assert_code(3);
    assert!(
        run.stderr
            .contains("config.toml: it is not valid TOML at line 2, column 10"),
        "{}",
        run.stderr
    );

    let cmd = c2c(&["token"]).token_env();
    let config = cmd.config_file();
    let run = cmd.write(&config, "acount_sid = \"AC1\"\n").run();
    run.assert_code(3);
    assert!(
        run.stderr.contains("unknown key \"acount_sid\""),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_with_two() {
    let run = c2c(&["token", "--no-such-flag"]).run();
    run.assert_code(2);
    let run = c2c(&["frobnicate"]).run();
    run.assert_code(2);
}

#[test]
fn a_misspelt_setting_in_dotenv_is_named_with_the_one_meant() {
    let run = c2c(&["token"])
        .token_env()
        .dotenv("TWILIO_ACOUNT_SID=AC0123456789abcdef0123456789abcdef\nOTHER_TOOL_TOKEN=x\n")
        .run();
    run.assert_code(0);
    assert!(
        run.stderr.contains(
            "TWILIO_ACOUNT_SID is not a setting c2c reads: did you mean TWILIO_ACCOUNT_SID?"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("OTHER_TOOL_TOKEN"), "{}", run.stderr);
}
