use std::time::{SystemTime, UNIX_EPOCH};

use crate::support::{ACCOUNT_SID, API_KEY, APP_SID, c2c, jwt_part};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn stdout_holds_the_token_alone() {
    let run = c2c(&["token"]).token_env().run();
    run.assert_code(0);
    assert!(run.stdout.ends_with('\n'));
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert_eq!(run.stdout.trim().split('.').count(), 3);
    let claims = jwt_part(&run.stdout, 1);
    assert_eq!(claims["iss"], API_KEY);
    assert_eq!(claims["sub"], ACCOUNT_SID);
    assert_eq!(
        claims["grants"]["voice"]["outgoing"]["application_sid"],
        APP_SID
    );
    assert_eq!(claims["grants"]["voice"]["incoming"]["allow"], true);
    let nbf = claims["nbf"].as_u64().unwrap();
    assert!(nbf.abs_diff(now()) < 5);
    assert_eq!(claims["exp"].as_u64().unwrap(), nbf + 3600);
    assert_eq!(claims["jti"], format!("{API_KEY}-{nbf}"));
}

#[test]
fn each_run_gets_its_own_identity_unless_one_is_given() {
    let identity = |run: crate::support::Run| {
        jwt_part(&run.stdout, 1)["grants"]["identity"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let a = identity(c2c(&["token"]).token_env().run());
    let b = identity(c2c(&["token"]).token_env().run());
    assert!(a.starts_with("browser-"), "{a}");
    assert_ne!(a, b);
    let run = c2c(&["token", "--identity", "alice"]).token_env().run();
    assert_eq!(identity(run), "alice");
}

#[test]
fn json_output_has_token_identity_and_expiry() {
    let run = c2c(&["token", "--json", "--identity", "bob", "--ttl", "90m"])
        .token_env()
        .run();
    run.assert_code(0);
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(out["identity"], "bob");
    let exp = jwt_part(out["token"].as_str().unwrap(), 1)["exp"]
        .as_u64()
        .unwrap();
    assert!(exp.abs_diff(now() + 5400) < 5);
    let expires_at = humantime::parse_rfc3339(out["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        expires_at.duration_since(UNIX_EPOCH).unwrap().as_secs(),
        exp
    );
}

#[test]
fn region_params_and_no_incoming_shape_the_token() {
    let run = c2c(&[
        "token",
        "--region",
        "ie1",
        "--no-incoming",
        "--param",
        "to=+15551234567",
    ])
    .token_env()
    .run();
    run.assert_code(0);
    assert_eq!(jwt_part(&run.stdout, 0)["twr"], "ie1");
    let voice = &jwt_part(&run.stdout, 1)["grants"]["voice"];
    assert!(voice.get("incoming").is_none(), "{voice}");
    assert_eq!(voice["outgoing"]["params"]["to"], "+15551234567");
}

#[test]
fn a_ttl_over_a_day_is_refused_because_twilio_rejects_it() {
    let run = c2c(&["token", "--ttl", "86401"]).token_env().run();
    run.assert_code(2);
    assert!(run.stderr.contains("--ttl"), "{}", run.stderr);
    assert!(run.stderr.contains("over 24 hours"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn a_bad_identity_or_param_names_the_input() {
    let run = c2c(&["token", "--identity", "a b", "--param", "oops"])
        .token_env()
        .run();
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("--identity is not a valid client identity"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--param is not a valid call parameter"),
        "{}",
        run.stderr
    );
}

#[test]
fn decode_works_without_any_setting_and_says_the_signature_was_not_checked() {
    let token = c2c(&["token", "--identity", "carol"])
        .token_env()
        .run()
        .stdout;
    let run = c2c(&["token", "--decode"]).stdin(&token).run();
    run.assert_code(0);
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(out["header"]["cty"], "twilio-fpa;v=1");
    assert_eq!(out["claims"]["grants"]["identity"], "carol");
    assert!(
        run.stderr.contains("signature: not verified"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("expires:"), "{}", run.stderr);
    // A file's name, as people type it, is the file's token.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token.txt");
    std::fs::write(&file, &token).unwrap();
    let run = c2c(&["token", "--decode", file.to_str().unwrap()]).run();
    run.assert_code(0);
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(out["claims"]["grants"]["identity"], "carol");
}

#[test]
fn decode_checks_the_signature_when_the_secret_is_there() {
    let token = c2c(&["token"]).token_env().run().stdout;
    let run = c2c(&["token", "--decode", token.trim()]).token_env().run();
    run.assert_code(0);
    assert!(run.stderr.contains("signature: valid"), "{}", run.stderr);

    let run = c2c(&["token", "--decode"])
        .env("TWILIO_API_SECRET", "wrong")
        .stdin(&token)
        .run();
    run.assert_code(1);
    assert!(
        run.stderr.contains("does not match the API Key secret"),
        "{}",
        run.stderr
    );
}

#[test]
fn decode_of_something_that_is_not_a_token_is_a_usage_error() {
    let run = c2c(&["token", "--decode"]).stdin("hello world\n").run();
    run.assert_code(2);
    assert!(run.stderr.contains("not a JWT"), "{}", run.stderr);
    let run = c2c(&["token", "--decode"]).stdin("").run();
    run.assert_code(2);
    assert!(
        run.stderr.contains("standard input is empty"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_identity_with_a_space_is_explained_once() {
    let run = c2c(&["token", "--identity", "a b"]).token_env().run();
    run.assert_code(2);
    assert!(
        run.stderr.contains(
            "it contains ' ', and calls to a browser identity work reliably only with letters, digits, _, - and ."
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("letters, digits").count(),
        1,
        "{}",
        run.stderr
    );
}
