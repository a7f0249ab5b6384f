use super::super::{ACCOUNT_SID, API_SECRET, PORT};
use super::*;
use clap::{Arg, Command};

fn command() -> Command {
    command_reading_port_from("C2C_TEST_PORT")
}

/// The test that sets a port variable reads it under a name of its own: tests run in
/// parallel, and another would see it.
fn command_reading_port_from(env: &'static str) -> Command {
    Command::new("t")
        .arg(
            Arg::new("account_sid")
                .long("account-sid")
                .env("C2C_TEST_ACCOUNT_SID"),
        )
        .arg(Arg::new("port").long("port").env(env).default_value("5000"))
}

const SID_ENV: Setting = Setting {
    env: "C2C_TEST_ACCOUNT_SID",
    ..ACCOUNT_SID
};
const PORT_ENV: Setting = Setting {
    env: "C2C_TEST_PORT_SET",
    ..PORT
};
const SID_A: &str = "AC00000000000000000000000000000001";
const SID_B: &str = "AC00000000000000000000000000000002";
const SID_C: &str = "AC00000000000000000000000000000003";

fn files(dotenv: &[(&str, &str)], config: &[(&str, &str)]) -> Files {
    let map = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    Files {
        dotenv: Some((PathBuf::from("/p/.env"), map(dotenv))),
        config: Some((PathBuf::from("/p/config.toml"), map(config))),
        config_path: Some(PathBuf::from("/p/config.toml")),
    }
}

#[test]
fn a_flag_beats_the_dotenv_file_which_beats_the_config_file() {
    let files = files(
        &[("C2C_TEST_ACCOUNT_SID", SID_B)],
        &[("account_sid", SID_C)],
    );
    let matches = command().get_matches_from(["t", "--account-sid", SID_A]);
    let found = Resolver::new(&matches, &files).lookup(&SID_ENV).unwrap();
    assert_eq!(
        (found.value.as_str(), found.origin),
        (SID_A, Origin::Flag("--account-sid"))
    );

    let matches = command().get_matches_from(["t"]);
    let found = Resolver::new(&matches, &files).lookup(&SID_ENV).unwrap();
    assert_eq!(found.value, SID_B);
    assert_eq!(
        found.origin,
        Origin::DotEnv("C2C_TEST_ACCOUNT_SID", "/p/.env".into())
    );

    let files = self::files(&[], &[("account_sid", SID_C)]);
    let found = Resolver::new(&matches, &files).lookup(&SID_ENV).unwrap();
    assert_eq!(
        found.origin,
        Origin::File("account_sid", "/p/config.toml".into())
    );
}

#[test]
fn the_environment_beats_the_dotenv_file() {
    // SAFETY: this variable is read by this test alone.
    unsafe { std::env::set_var("C2C_TEST_PORT_SET", "6000") };
    let files = files(&[("C2C_TEST_PORT_SET", "7000")], &[("port", "8000")]);
    let matches = command_reading_port_from("C2C_TEST_PORT_SET").get_matches_from(["t"]);
    let found = Resolver::new(&matches, &files).lookup(&PORT_ENV).unwrap();
    assert_eq!(
        (found.value.as_str(), found.origin),
        ("6000", Origin::Env("C2C_TEST_PORT_SET"))
    );
}

#[test]
fn the_default_comes_last() {
    let matches = command().get_matches_from(["t"]);
    let files = files(&[], &[("port", "8000")]);
    let found = Resolver::new(&matches, &files).lookup(&PORT).unwrap();
    assert_eq!(found.value, "8000");
    let files = self::files(&[], &[]);
    let found = Resolver::new(&matches, &files).lookup(&PORT).unwrap();
    assert_eq!(
        (found.value.as_str(), found.origin),
        ("5000", Origin::Default("--port"))
    );
}

#[test]
fn settings_without_a_flag_read_the_environment_then_the_files() {
    const TIMEOUT: Setting = Setting {
        env: "C2C_TEST_TIMEOUT_SET",
        ..super::super::TWILIO_TIMEOUT
    };
    const HOOK: Setting = Setting {
        env: "C2C_TEST_HOOK_SET",
        ..super::super::NGROK_TEST_EDGE
    };
    let matches = command().get_matches_from(["t"]);
    let files = files(
        &[("C2C_TEST_TIMEOUT_SET", "7"), ("C2C_TEST_HOOK_SET", "x")],
        &[],
    );
    let resolver = Resolver::new(&matches, &files);
    let found = resolver.lookup(&TIMEOUT).unwrap();
    assert_eq!(found.value, "7");
    // A test hook is never taken from a file.
    assert!(resolver.lookup(&HOOK).is_none());
    // SAFETY: these variables are read by this test alone.
    unsafe {
        std::env::set_var("C2C_TEST_TIMEOUT_SET", "9");
        std::env::set_var("C2C_TEST_HOOK_SET", "127.0.0.1:1");
    }
    assert_eq!(resolver.lookup(&TIMEOUT).unwrap().value, "9");
    let hook = resolver.lookup(&HOOK).unwrap();
    assert_eq!(hook.origin, Origin::Env("C2C_TEST_HOOK_SET"));
}

#[test]
fn a_flag_this_command_lacks_is_read_from_its_variable_in_every_build() {
    // doctor has no --chrome, and still checks the CHROME_PATH that c2c call would use. The
    // command here lacks the flag, as doctor does (a release build's clap says nothing).
    const CHROME_ENV: Setting = Setting {
        env: "C2C_TEST_CHROME_SET",
        ..super::super::CHROME
    };
    // SAFETY: this variable is read by this test alone.
    unsafe { std::env::set_var("C2C_TEST_CHROME_SET", "/opt/chromium") };
    let matches = command().get_matches_from(["t"]);
    let files = files(&[], &[]);
    let found = Resolver::new(&matches, &files).lookup(&CHROME_ENV).unwrap();
    assert_eq!(
        (found.value.as_str(), found.origin),
        ("/opt/chromium", Origin::Env("C2C_TEST_CHROME_SET"))
    );
}

#[test]
fn a_program_or_folder_in_the_config_file_is_from_that_files_folder() {
    let matches = command().get_matches_from(["t"]);
    let files = files(
        &[],
        &[("speech_model", "models"), ("chrome", "/usr/bin/chromium")],
    );
    let resolver = Resolver::new(&matches, &files);
    let model = resolver.lookup(&super::super::SPEECH_MODEL).unwrap();
    assert_eq!(model.value, "/p/models");
    assert_eq!(
        resolver.lookup(&super::super::CHROME).unwrap().value,
        "/usr/bin/chromium"
    );
    // Other settings are taken as written.
    let files = self::files(&[], &[("identity", "models")]);
    let found = Resolver::new(&matches, &files)
        .lookup(&super::super::IDENTITY)
        .unwrap();
    assert_eq!(found.value, "models");
}

#[test]
fn problems_name_the_source_and_the_fix_and_are_all_reported() {
    let files = files(&[("C2C_TEST_ACCOUNT_SID", "AC123")], &[]);
    let matches = command().get_matches_from(["t"]);
    let mut resolver = Resolver::new(&matches, &files);
    let sid = resolver.require_sid(&SID_ENV, SidKind::Account);
    let secret = resolver.require_secret(&API_SECRET);
    let err = resolver.finish(sid.zip(secret)).unwrap_err().to_string();
    assert!(err.starts_with("2 settings need attention:"), "{err}");
    assert!(
        err.contains(
            "C2C_TEST_ACCOUNT_SID in /p/.env is not a valid Account SID: it is 5 characters long"
        ),
        "{err}"
    );
    assert!(
        err.contains("The API Key secret is not set. Pass --api-secret, or set TWILIO_API_SECRET"),
        "{err}"
    );
    assert!(err.contains("/p/config.toml"), "{err}");
}
